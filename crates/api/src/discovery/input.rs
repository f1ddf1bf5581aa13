//! Reading discovery's inputs: access logs (Combined/Common, nginx JSON,
//! ALB), HAR and OTLP JSON files, streamed into `sightline-paths`
//! requests, and the server spans already in the store.

use std::io::{BufReader, Read};
use std::path::Path;

use sightline_paths::parse::{FieldMap, ParseReport, maybe_gunzip, read};
use sightline_paths::{Format, Request};
use sightline_store::Store;
use sightline_store::queries::spans;

use crate::ApiError;

/// The most stored spans read for one discovery.
pub const MAX_STORE_SPANS: usize = 2_000_000;

fn io(name: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::BadInput(format!("{name}: {e}"))
}

fn report(name: &str, format: Format) -> ParseReport {
    ParseReport {
        file: name.to_owned(),
        format,
        lines: 0,
        requests: 0,
        bad_lines: 0,
        bad: Vec::new(),
    }
}

/// Server spans as requests (the engine maps their HTTP attributes).
fn span_requests<'a>(
    list: impl IntoIterator<Item = &'a sightline_core::Span>,
    report: &mut ParseReport,
    sink: &mut Vec<Request>,
) {
    for s in list {
        if s.kind != sightline_core::SpanKind::Server {
            continue;
        }
        if let Some(r) = sightline_paths::parse::otlp::request(
            s.start_time_unix_nano,
            s.duration_nano,
            &s.attributes,
        ) {
            report.requests += 1;
            sink.push(r);
        }
    }
}

/// OTLP JSON: JSON Lines, or one pretty-printed export.
fn read_otlp(path: &Path, name: &str, sink: &mut Vec<Request>) -> Result<ParseReport, ApiError> {
    use sightline_telemetry::otlp::jsonl::{Decoded, decode_line};
    let file = std::fs::File::open(path).map_err(|e| io(name, e))?;
    let mut text = String::new();
    maybe_gunzip(BufReader::new(file))
        .map_err(|e| io(name, e))?
        .read_to_string(&mut text)
        .map_err(|e| io(name, e))?;
    let mut rep = report(name, Format::Otlp);
    let pretty = text
        .trim_start()
        .lines()
        .next()
        .is_some_and(|l| l.trim() == "{");
    let docs: Vec<(usize, String)> = if pretty {
        vec![(1, text.replace('\n', " "))]
    } else {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (i + 1, l.to_owned()))
            .collect()
    };
    for (n, doc) in docs {
        rep.lines += 1;
        match decode_line(&doc) {
            Ok(Decoded::Spans(list)) => span_requests(&list, &mut rep, sink),
            Ok(_) => rep.push_bad(n, "not spans (logs or metrics)"),
            Err(m) => rep.push_bad(n, m),
        }
    }
    Ok(rep)
}

/// Reads every file into `reqs`, one report per file. `format` is the
/// files' format (`auto`: decided per file); `fields` maps JSON log keys
/// (`FIELD=KEY`).
pub fn read_files(
    files: &[&Path],
    format: Format,
    fields: &[String],
    reqs: &mut Vec<Request>,
) -> Result<Vec<ParseReport>, ApiError> {
    let mut map = FieldMap::default();
    for f in fields {
        map.set(f)
            .map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    }
    let mut reports = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let mut this = format;
        if this == Format::Auto {
            let mut head = [0u8; 4096];
            let f = std::fs::File::open(path).map_err(|e| io(&name, e))?;
            let mut r = maybe_gunzip(BufReader::new(f)).map_err(|e| io(&name, e))?;
            let n = r.read(&mut head).unwrap_or(0);
            if sightline_paths::parse::detect(&String::from_utf8_lossy(&head[..n]))
                == Ok(Format::Otlp)
            {
                this = Format::Otlp;
            }
        }
        let rep = if this == Format::Otlp {
            read_otlp(path, &name, reqs)?
        } else {
            let f = std::fs::File::open(path).map_err(|e| io(&name, e))?;
            read(BufReader::new(f), this, &name, &map, &mut |r| reqs.push(r)).map_err(|e| {
                if e.is_refusal() {
                    ApiError::InvalidRequest(e.to_string())
                } else {
                    ApiError::BadInput(e.to_string())
                }
            })?
        };
        reports.push(rep);
    }
    Ok(reports)
}

/// The server spans stored in `[from_ms, to_ms)`, as requests, reported as
/// the input `store`.
pub fn read_store(
    store: &Store,
    from_ms: i64,
    to_ms: i64,
    reqs: &mut Vec<Request>,
) -> Result<ParseReport, ApiError> {
    let ns = |ms: i64| ms.saturating_mul(1_000_000);
    let list = spans::between(store.conn(), ns(from_ms), ns(to_ms), MAX_STORE_SPANS)?;
    let mut rep = report("store", Format::Otlp);
    rep.lines = list.len();
    // The edge: server spans whose parent is not a stored span (the
    // browser's, or none); calls between services are not user paths.
    let known: std::collections::HashSet<(&str, &str)> = list
        .iter()
        .map(|s| (s.trace_id.as_str(), s.span_id.as_str()))
        .collect();
    let edge = list.iter().filter(|s| {
        s.parent_span_id
            .as_deref()
            .is_none_or(|p| !known.contains(&(s.trace_id.as_str(), p)))
    });
    // A span with no client, session or user of its own is one of
    // Sightline's synthetic runs (or a client that sends none): its trace
    // is its session.
    for s in edge.filter(|s| s.kind == sightline_core::SpanKind::Server) {
        if let Some(mut r) = sightline_paths::parse::otlp::request(
            s.start_time_unix_nano,
            s.duration_nano,
            &s.attributes,
        ) {
            if r.client.is_empty() && r.session.is_none() && r.user.is_none() {
                r.session = Some(s.trace_id.clone());
            }
            rep.requests += 1;
            reqs.push(r);
        }
    }
    Ok(rep)
}
