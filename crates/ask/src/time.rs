//! Time in a question: "in the last hour", "since yesterday", "since 14:00",
//! "during the 14:00 deploy", "last Tuesday", "between 13:00 and 14:30".
//! Clock times and days are read in the user's time zone.

use chrono::{Datelike, Duration, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

use crate::answer::TimeRange;
use crate::catalog::Release;

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

fn unit_ms(w: &str) -> Option<i64> {
    Some(match w {
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000,
        "m" | "min" | "mins" | "minute" | "minutes" => MIN,
        "h" | "hr" | "hrs" | "hour" | "hours" => HOUR,
        "d" | "day" | "days" => DAY,
        "w" | "wk" | "week" | "weeks" => 7 * DAY,
        _ => return None,
    })
}

/// `30m`, `2h`, `90s`, `1d` as one token.
fn compact(t: &str) -> Option<i64> {
    let split = t.find(|c: char| !c.is_ascii_digit())?;
    let (n, u) = t.split_at(split);
    Some(n.parse::<i64>().ok()? * unit_ms(u)?)
}

fn number(t: &str) -> Option<i64> {
    match t {
        "a" | "an" | "one" => Some(1),
        "two" | "couple" => Some(2),
        "three" | "few" => Some(3),
        "five" => Some(5),
        "ten" => Some(10),
        "fifteen" => Some(15),
        "thirty" => Some(30),
        _ => t.parse().ok(),
    }
}

/// `14:00`, `14:05:30`, `2pm`, `9am`, `9:30am`.
fn clock(t: &str, next: Option<&str>) -> Option<NaiveTime> {
    let (body, pm) = if let Some(b) = t.strip_suffix("pm") {
        (b, Some(true))
    } else if let Some(b) = t.strip_suffix("am") {
        (b, Some(false))
    } else {
        (
            t,
            next.and_then(|n| match n {
                "pm" => Some(true),
                "am" => Some(false),
                _ => None,
            }),
        )
    };
    let mut parts = body.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    let s: u32 = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    if !body.contains(':') && pm.is_none() {
        return None;
    }
    let h = match pm {
        Some(true) if h < 12 => h + 12,
        Some(false) if h == 12 => 0,
        _ => h,
    };
    NaiveTime::from_hms_opt(h, m, s)
}

fn weekday(t: &str) -> Option<Weekday> {
    Some(match t {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// Midnight (in `tz`) of the day `days_back` days before `at_ms`'s day.
fn day_start(at_ms: i64, tz: Tz, days_back: i64) -> i64 {
    let local = tz.timestamp_millis_opt(at_ms).single();
    let Some(local) = local else {
        return at_ms - at_ms.rem_euclid(DAY) - days_back * DAY;
    };
    let date = local.date_naive() - Duration::days(days_back);
    tz.from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map_or(at_ms - days_back * DAY, |d| d.timestamp_millis())
}

/// The latest moment at or before `at_ms` whose local clock reads `t`.
fn last_clock(at_ms: i64, tz: Tz, t: NaiveTime) -> i64 {
    for back in 0..2 {
        let start = day_start(at_ms, tz, back);
        let Some(local) = tz.timestamp_millis_opt(start).single() else {
            continue;
        };
        let candidate = tz
            .from_local_datetime(&local.date_naive().and_time(t))
            .earliest()
            .map(|d| d.timestamp_millis());
        if let Some(c) = candidate.filter(|c| *c <= at_ms) {
            return c;
        }
    }
    at_ms
}

fn range(from_ms: i64, to_ms: i64, label: String) -> TimeRange {
    TimeRange {
        from_ms,
        to_ms,
        label,
        stated: true,
    }
}

/// The time range `tokens` name, if any, read at `at_ms` in `tz`. A deploy
/// named by its clock time ("the 14:00 deploy") is looked up in `releases`.
pub fn parse(tokens: &[String], at_ms: i64, tz: Tz, releases: &[Release]) -> Option<TimeRange> {
    let to = at_ms + 1;
    let t = |i: usize| tokens.get(i).map(String::as_str);
    for i in 0..tokens.len() {
        let w = tokens[i].as_str();
        // "last/past/previous N units", "last hour", "last 30m".
        if matches!(w, "last" | "past" | "previous" | "recent") {
            let mut j = i + 1;
            if t(j) == Some("few") || t(j) == Some("couple") {
                j += 1;
                if t(j) == Some("of") {
                    j += 1;
                }
            }
            if let Some(ms) = t(j).and_then(compact) {
                return Some(range(to - ms, to, format!("the last {}", tokens[j])));
            }
            if let (Some(n), Some(u)) = (t(j).and_then(number), t(j + 1).and_then(unit_ms)) {
                let n = if t(i + 1) == Some("few") { 3 } else { n };
                return Some(range(
                    to - n * u,
                    to,
                    format!("the last {n} {}", tokens[j + 1]),
                ));
            }
            if t(j) == Some("half")
                && let Some(u) = t(j + 1).and_then(unit_ms)
            {
                return Some(range(
                    to - u / 2,
                    to,
                    format!("the last half {}", tokens[j + 1]),
                ));
            }
            if let Some(u) = t(j).and_then(unit_ms) {
                let n = if j > i + 1 { 3 } else { 1 };
                // "the last hour and a half"
                let half =
                    t(j + 1) == Some("and") && t(j + 2) == Some("a") && t(j + 3) == Some("half");
                let ms = n * u + if half { u / 2 } else { 0 };
                return Some(range(
                    to - ms,
                    to,
                    format!("the last {}", crate::time::human(ms)),
                ));
            }
            if let Some(d) = t(j).and_then(weekday) {
                return Some(weekday_range(at_ms, tz, d));
            }
            if t(j) == Some("night") {
                let start = day_start(at_ms, tz, 1) + 18 * HOUR;
                return Some(range(start, start + 14 * HOUR, "last night".into()));
            }
        }
        // "N minutes ago" / "since 30m ago".
        if w == "ago" && i >= 1 {
            let ms = compact(&tokens[i - 1]).or_else(|| {
                let u = unit_ms(&tokens[i - 1])?;
                Some(number(tokens.get(i.wrapping_sub(2))?)? * u)
            });
            if let Some(ms) = ms {
                return Some(range(to - ms, to, format!("since {} ago", tokens[i - 1])));
            }
        }
        if w == "yesterday" {
            let start = day_start(at_ms, tz, 1);
            if i > 0 && tokens[i - 1] == "since" {
                return Some(range(start, to, "since yesterday".into()));
            }
            return Some(range(start, day_start(at_ms, tz, 0), "yesterday".into()));
        }
        if w == "today" || (w == "this" && t(i + 1) == Some("morning")) {
            let start = day_start(at_ms, tz, 0);
            return Some(range(start, to, "today".into()));
        }
        if matches!(w, "on" | "since")
            && let Some(d) = t(i + 1).and_then(weekday)
        {
            let r = weekday_range(at_ms, tz, d);
            return Some(if w == "since" {
                range(r.from_ms, to, format!("since {}", tokens[i + 1]))
            } else {
                r
            });
        }
        // "between 13:00 and 14:30", "from 13:00 to 14:00".
        if matches!(w, "between" | "from")
            && let Some(a) = t(i + 1).and_then(|x| clock(x, t(i + 2)))
        {
            let k = (i + 2..tokens.len().min(i + 5))
                .find(|k| matches!(tokens[*k].as_str(), "and" | "to" | "until" | "till"));
            if let Some(b) = k.and_then(|k| t(k + 1).and_then(|x| clock(x, t(k + 2)))) {
                let end = last_clock(at_ms, tz, b);
                let mut start = last_clock(end, tz, a);
                if start > end {
                    start -= DAY;
                }
                return Some(range(
                    start,
                    end,
                    format!("between {} and {}", fmt_clock(a), fmt_clock(b)),
                ));
            }
        }
        // "during the 14:00 deploy": that deploy and the half hour after it.
        if let Some(c) = clock(w, t(i + 1)) {
            let deployish = tokens[i + 1..tokens.len().min(i + 3)].iter().any(|x| {
                x.starts_with("deploy") || x.starts_with("release") || x.starts_with("rollout")
            });
            let at = last_clock(at_ms, tz, c);
            if deployish {
                let near = releases
                    .iter()
                    .min_by_key(|r| (r.at_ms - at).abs())
                    .filter(|r| (r.at_ms - at).abs() <= 30 * MIN);
                let start = near.map_or(at, |r| r.at_ms);
                return Some(range(
                    start - 5 * MIN,
                    (start + 30 * MIN).min(to),
                    format!("the {} deploy", fmt_clock(c)),
                ));
            }
            let prev = i.checked_sub(1).map(|p| tokens[p].as_str());
            return Some(match prev {
                Some("since" | "after" | "from") => {
                    range(at, to, format!("since {}", fmt_clock(c)))
                }
                Some("before" | "until" | "till") => {
                    range(at - HOUR, at, format!("before {}", fmt_clock(c)))
                }
                _ => range(
                    at - 15 * MIN,
                    (at + 15 * MIN).min(to),
                    format!("around {}", fmt_clock(c)),
                ),
            });
        }
    }
    None
}

fn fmt_clock(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The most recent `d` before today, in `tz`.
fn weekday_range(at_ms: i64, tz: Tz, d: Weekday) -> TimeRange {
    let today = tz
        .timestamp_millis_opt(at_ms)
        .single()
        .map_or(Weekday::Mon, |l| l.weekday());
    let mut back = (today.num_days_from_monday() + 7 - d.num_days_from_monday()) % 7;
    if back == 0 {
        back = 7;
    }
    let start = day_start(at_ms, tz, i64::from(back));
    range(
        start,
        day_start(at_ms, tz, i64::from(back) - 1),
        format!("last {d}"),
    )
}

/// The question's range, or `default_ms` before `at_ms`.
pub fn or_default(stated: Option<TimeRange>, at_ms: i64, default_ms: i64) -> TimeRange {
    stated.unwrap_or(TimeRange {
        from_ms: at_ms + 1 - default_ms,
        to_ms: at_ms + 1,
        label: format!("the last {}", human(default_ms)),
        stated: false,
    })
}

/// A length for people: `2 h 10 min`, `45 min`, `30 s`, `3 days`.
pub fn human(ms: i64) -> String {
    let ms = ms.max(0);
    if ms >= 2 * DAY {
        let d = (ms as f64 / DAY as f64).round() as i64;
        format!("{d} days")
    } else if ms >= HOUR {
        let h = ms / HOUR;
        let m = (ms % HOUR) / MIN;
        if m == 0 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        }
    } else if ms >= MIN {
        format!("{} min", ms / MIN)
    } else {
        format!("{} s", ms / 1000)
    }
}

/// `HH:MM` in `tz`.
pub fn hhmm(ms: i64, tz: Tz) -> String {
    tz.timestamp_millis_opt(ms)
        .single()
        .map_or_else(|| ms.to_string(), |d| d.format("%H:%M").to_string())
}

/// `HH:MM:SS` in `tz`.
pub fn hhmmss(ms: i64, tz: Tz) -> String {
    tz.timestamp_millis_opt(ms)
        .single()
        .map_or_else(|| ms.to_string(), |d| d.format("%H:%M:%S").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    // 2026-12-01 15:30:00 UTC, a Tuesday.
    const AT: i64 = 1_796_139_000_000;

    fn p(q: &str, tz: Tz) -> TimeRange {
        parse(&tokens(q), AT, tz, &[]).unwrap_or_else(|| panic!("no time in {q:?}"))
    }

    #[test]
    fn relative_ranges_end_now() {
        let r = p("errors in the last hour", Tz::UTC);
        assert_eq!((r.from_ms, r.to_ms), (AT + 1 - HOUR, AT + 1));
        assert_eq!(p("last 30 minutes", Tz::UTC).from_ms, AT + 1 - 30 * MIN);
        assert_eq!(p("past 2h", Tz::UTC).from_ms, AT + 1 - 2 * HOUR);
        assert_eq!(p("since 10 min ago", Tz::UTC).from_ms, AT + 1 - 10 * MIN);
    }

    #[test]
    fn days_and_clocks_follow_the_time_zone() {
        let utc = p("since yesterday", Tz::UTC);
        assert_eq!(utc.from_ms, AT - 15 * HOUR - 30 * MIN - DAY);
        // 15:30 UTC is 16:30 in Paris: "since 14:00" there is 13:00 UTC.
        let paris = p("since 14:00", Tz::Europe__Paris);
        assert_eq!(paris.from_ms, AT - 2 * HOUR - 30 * MIN);
        let tue = p("last tuesday", Tz::UTC);
        assert_eq!(tue.from_ms, AT - 15 * HOUR - 30 * MIN - 7 * DAY);
        assert_eq!(tue.to_ms - tue.from_ms, DAY);
        let b = p("between 13:00 and 14:30", Tz::UTC);
        assert_eq!(b.to_ms - b.from_ms, 90 * MIN);
    }

    #[test]
    fn a_deploy_named_by_its_time_is_found() {
        let r = Release {
            event_id: "e".into(),
            service: "payment".into(),
            version: "2.4.1".into(),
            region: None,
            at_ms: AT - 90 * MIN + 2 * MIN,
        };
        let got = parse(
            &tokens("during the 14:00 deploy"),
            AT,
            Tz::UTC,
            std::slice::from_ref(&r),
        )
        .unwrap();
        assert_eq!(got.from_ms, r.at_ms - 5 * MIN);
    }
}
