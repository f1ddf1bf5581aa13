//! A trace's spans as a text waterfall: the span tree, indented, each with a
//! bar placed on the trace's time line, its duration and its outcome.
//!
//! Pure: spans in, text out, so the CLI prints it and tests snapshot it.
//!
//! ```text
//! trace 4bf92f3577b34da6a3ce929d0e0e4736: 3 spans, 412.0 ms
//! frontend GET /checkout       |##############################| 412.0 ms  200
//!   payment POST /pay          |      ##################      | 250.0 ms  ERROR: timeout
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use serde::Serialize;
use sightline_core::{Span, SpanStatus};

/// One line of the waterfall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Index into the spans given.
    pub index: usize,
    /// Depth in the span tree (0 for a root; orphans whose parent was not
    /// received are shown as roots).
    pub depth: usize,
    /// Start relative to the trace's first span, in nanoseconds.
    pub offset_nano: i64,
}

/// The rows in tree order: each span followed by its children by start time.
pub fn layout(spans: &[Span]) -> Vec<Row> {
    let t0 = spans
        .iter()
        .map(|s| s.start_time_unix_nano)
        .min()
        .unwrap_or(0);
    let ids: HashSet<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        match s
            .parent_span_id
            .as_deref()
            .filter(|p| ids.contains(p) && *p != s.span_id)
        {
            Some(p) => children.entry(p).or_default().push(i),
            None => roots.push(i),
        }
    }
    let by_start = |v: &mut Vec<usize>| {
        v.sort_by_key(|&i| (spans[i].start_time_unix_nano, spans[i].span_id.clone()));
    };
    by_start(&mut roots);
    for v in children.values_mut() {
        by_start(v);
    }
    let mut rows = Vec::with_capacity(spans.len());
    let mut seen = HashSet::new();
    // Depth-first with an explicit stack; `seen` guards against cycles in
    // malformed parent links.
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&i| (i, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        rows.push(Row {
            index: i,
            depth,
            offset_nano: spans[i].start_time_unix_nano.saturating_sub(t0),
        });
        if let Some(kids) = children.get(spans[i].span_id.as_str()) {
            stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
        }
    }
    // Spans only reachable through a cycle are still shown.
    for (i, s) in spans.iter().enumerate() {
        if !seen.contains(&i) {
            rows.push(Row {
                index: i,
                depth: 0,
                offset_nano: s.start_time_unix_nano - t0,
            });
        }
    }
    rows
}

/// Milliseconds with one decimal, from nanoseconds.
pub fn ms(nano: i64) -> String {
    format!("{:.1} ms", nano as f64 / 1e6)
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        format!("{s:<width$}")
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('~');
        t
    }
}

/// Renders the spans of one trace; `bar_width` is the time line's width in
/// characters. An empty slice renders a one-line note.
pub fn render(spans: &[Span], bar_width: usize) -> String {
    let mut out = String::new();
    let Some(first) = spans.first() else {
        out.push_str("no spans received for this trace\n");
        return out;
    };
    let t0 = spans
        .iter()
        .map(|s| s.start_time_unix_nano)
        .min()
        .unwrap_or(0);
    let end = spans
        .iter()
        .map(|s| s.start_time_unix_nano.saturating_add(s.duration_nano))
        .max()
        .unwrap_or(t0);
    // Saturating: spans read back from a database may hold any values.
    let total = end.saturating_sub(t0).max(1);
    let _ = writeln!(
        out,
        "trace {}: {} span{}, {}",
        first.trace_id,
        spans.len(),
        if spans.len() == 1 { "" } else { "s" },
        ms(end.saturating_sub(t0))
    );
    let bar_width = bar_width.max(10);
    let rows = layout(spans);
    let label_width = rows
        .iter()
        .map(|r| 2 * r.depth + spans[r.index].service.len() + 1 + spans[r.index].name.len())
        .max()
        .unwrap_or(0)
        .min(48);
    for r in rows {
        let s = &spans[r.index];
        let label = format!("{}{} {}", "  ".repeat(r.depth), s.service, s.name);
        let scale = |t: i64| ((t as f64 / total as f64) * bar_width as f64).round() as usize;
        let from = scale(r.offset_nano).min(bar_width - 1);
        let to = scale(r.offset_nano.saturating_add(s.duration_nano)).clamp(from + 1, bar_width);
        let bar: String = (0..bar_width)
            .map(|c| if c >= from && c < to { '#' } else { ' ' })
            .collect();
        let mut outcome = String::new();
        if let Some(code) = s.http_status_code {
            outcome.push_str(&code.to_string());
        }
        if s.status == SpanStatus::Error {
            if !outcome.is_empty() {
                outcome.push(' ');
            }
            outcome.push_str("ERROR");
            if let Some(m) = &s.status_message {
                outcome.push_str(": ");
                outcome.push_str(m);
            }
        }
        let line = format!(
            "{} |{bar}| {:>10}  {outcome}",
            truncate(&label, label_width),
            ms(s.duration_nano)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
