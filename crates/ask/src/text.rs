//! Words: normalising a question into tokens, a crude stemmer, and the edit
//! distance that makes typos land ("chekout", "paymnet").

/// A question's tokens, lower-cased. Letters, digits and the characters
/// that live inside names (`-`, `.`, `@`, `:`, `_`) stay; everything else
/// separates. A trailing `.` or `:` is dropped ("ok." is "ok").
pub fn tokens(q: &str) -> Vec<String> {
    let lower = q.to_lowercase().replace(['’', '‘'], "'");
    let mut out = Vec::new();
    for raw in lower.split(|c: char| {
        !(c.is_alphanumeric() || matches!(c, '-' | '.' | '@' | ':' | '_' | '\'' | '%'))
    }) {
        let t = raw.trim_matches(|c| matches!(c, '.' | ':' | '-' | '\'' | '_'));
        if t.is_empty() {
            continue;
        }
        // Contractions: "what's" is "what is", "isn't" is "is not".
        if let Some(stem) = t.strip_suffix("n't") {
            out.push(if stem == "can" || stem == "ca" {
                "can".into()
            } else {
                stem.into()
            });
            out.push("not".into());
        } else if let Some(stem) = t.strip_suffix("'s") {
            out.push(stem.into());
            out.push("is".into());
        } else if let Some(stem) = t.strip_suffix("'re") {
            out.push(stem.into());
            out.push("are".into());
        } else {
            out.push(t.replace('\'', ""));
        }
    }
    out
}

/// A crude English stem, enough to make "placing" meet "place" and
/// "failures" meet "failure": strips `ing`, `ed`, `es`, `s` and a final `e`.
pub fn stem(w: &str) -> String {
    let mut s = w;
    for suffix in ["ing", "ed", "es", "s"] {
        if s.len() > suffix.len() + 2
            && let Some(x) = s.strip_suffix(suffix)
        {
            s = x;
            break;
        }
    }
    let s = s.strip_suffix('e').filter(|x| x.len() > 2).unwrap_or(s);
    s.to_owned()
}

/// Optimal-string-alignment distance (Damerau-Levenshtein with adjacent
/// transpositions), over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// How many edits a word of this length may carry and still be that word:
/// none under 4 letters, one from 4 to 7, two from 8.
pub fn tolerance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Whether `typed` is `word`, allowing the typos [`tolerance`] allows. Digits
/// must match exactly ("us-east-1" is not "us-east-2").
pub fn fuzzy_eq(typed: &str, word: &str) -> bool {
    if typed == word {
        return true;
    }
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    if digits(typed) != digits(word) {
        return false;
    }
    let n = word.chars().count().min(typed.chars().count());
    let tol = tolerance(n);
    tol > 0 && edit_distance(typed, word) <= tol
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_names_and_split_contractions() {
        assert_eq!(
            tokens("What's burning eu-west-1's budget? payment@2.4.1, OK."),
            [
                "what",
                "is",
                "burning",
                "eu-west-1",
                "is",
                "budget",
                "payment@2.4.1",
                "ok"
            ]
        );
        assert_eq!(tokens("isn't it"), ["is", "not", "it"]);
    }

    #[test]
    fn typos_are_forgiven_by_length_and_digits_are_not() {
        assert!(fuzzy_eq("chekout", "checkout"));
        assert!(fuzzy_eq("paymnet", "payment"));
        assert!(fuzzy_eq("eu-wset-1", "eu-west-1"));
        assert!(!fuzzy_eq("us-east-2", "us-east-1"));
        assert!(!fuzzy_eq("cat", "car"));
        assert_eq!(stem("placing"), stem("place"));
        assert_eq!(stem("failures"), stem("failure"));
    }
}
