//! Streaming readers: one request at a time from any `impl BufRead`.
//!
//! Line formats (Common/Combined, nginx JSON, AWS ALB) never hold more than
//! one line; HAR is one JSON document and is read whole. A line that cannot
//! be read is counted and reported with its 1-based number and the reason;
//! the rest of the input is still used. Gzip is read as is: the first two
//! bytes decide ([`maybe_gunzip`]). OTLP spans are decoded by the caller
//! (the CLI reuses `sightline-telemetry`) and handed to [`otlp::request`].

pub mod alb;
pub mod clf;
pub mod har;
pub mod json;
pub mod otlp;
pub mod time;

use std::io::{BufRead, BufReader};
use ts_rs::TS;

use serde::{Deserialize, Serialize};

pub use json::FieldMap;

use crate::error::PathsError;
use crate::request::Request;

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "LogFormat")]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Decide from the first non-blank line ([`detect`]).
    Auto,
    /// NCSA Common Log Format (no referer or user agent).
    Clf,
    /// Combined Log Format (nginx's default `combined`, Apache's), extra
    /// trailing fields allowed; a last numeric field is `$request_time`.
    Combined,
    /// nginx (or any) JSON lines, fields found through a [`FieldMap`].
    NginxJson,
    /// AWS Application Load Balancer access logs.
    Alb,
    /// OTLP JSON spans (decoded by the caller).
    Otlp,
    /// HAR 1.2.
    Har,
}

impl Format {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Clf => "clf",
            Format::Combined => "combined",
            Format::NginxJson => "nginx-json",
            Format::Alb => "alb",
            Format::Otlp => "otlp",
            Format::Har => "har",
        }
    }
}

/// A line that was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BadLine {
    /// 1-based line number.
    pub line: usize,
    /// Why.
    pub message: String,
}

/// What reading one input gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ParseReport {
    /// The input as the caller named it.
    pub file: String,
    /// The format read (never `auto`).
    pub format: Format,
    /// Non-blank lines (HAR: entries) seen.
    pub lines: usize,
    /// Requests produced.
    pub requests: usize,
    /// Lines skipped.
    pub bad_lines: usize,
    /// The first [`MAX_BAD_REPORTED`] of them.
    pub bad: Vec<BadLine>,
}

/// How many bad lines a report lists one by one (all are counted).
pub const MAX_BAD_REPORTED: usize = 50;

/// The longest line read; longer lines are bad lines, not allocations.
pub const MAX_LINE_BYTES: usize = 1 << 20;

impl ParseReport {
    fn new(file: &str, format: Format) -> Self {
        ParseReport {
            file: file.to_owned(),
            format,
            lines: 0,
            requests: 0,
            bad_lines: 0,
            bad: Vec::new(),
        }
    }

    /// Counts a bad line, keeping the first few.
    pub fn push_bad(&mut self, line: usize, message: impl Into<String>) {
        self.bad_lines += 1;
        if self.bad.len() < MAX_BAD_REPORTED {
            self.bad.push(BadLine {
                line,
                message: message.into(),
            });
        }
    }
}

/// Wraps `reader` in a gzip decoder when it starts with the gzip magic bytes.
pub fn maybe_gunzip<'a, R: BufRead + 'a>(mut reader: R) -> std::io::Result<Box<dyn BufRead + 'a>> {
    let head = reader.fill_buf()?;
    if head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b {
        Ok(Box::new(BufReader::new(
            flate2::bufread::MultiGzDecoder::new(reader),
        )))
    } else {
        Ok(Box::new(reader))
    }
}

/// Guesses the format from the first non-blank line (or the start of a
/// document): JSON with `"log"` and `"entries"` is HAR, with
/// `resourceSpans` OTLP, other JSON nginx JSON; a known ALB request type and
/// an ISO time first is ALB; `host ident user [time] "request"` is Combined
/// (or Common when nothing follows the size).
pub fn detect(head: &str) -> Result<Format, String> {
    let t = head.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        if t.contains("\"resourceSpans\"") {
            return Ok(Format::Otlp);
        }
        if t.contains("\"log\"") || t.contains("\"entries\"") {
            return Ok(Format::Har);
        }
        return Ok(Format::NginxJson);
    }
    let first = t.lines().next().unwrap_or("");
    let mut words = first.split(' ');
    let w0 = words.next().unwrap_or("");
    let w1 = words.next().unwrap_or("");
    if alb::REQUEST_TYPES.contains(&w0) && w1.len() > 10 && w1.as_bytes()[4] == b'-' {
        return Ok(Format::Alb);
    }
    match clf::tokens(first) {
        Ok(tok) if tok.len() >= 7 && first.contains(" [") => Ok(if tok.len() >= 9 {
            Format::Combined
        } else {
            Format::Clf
        }),
        _ => Err(format!(
            "not JSON, ALB or Common/Combined: {:?}",
            first.chars().take(60).collect::<String>()
        )),
    }
}

/// Reads every request of a line or HAR input into `sink`. `file` names the
/// input in reports and errors. `Format::Auto` detects from the first bytes;
/// `Format::Otlp` is refused (the caller decodes spans).
pub fn read(
    reader: impl BufRead,
    format: Format,
    file: &str,
    fields: &FieldMap,
    sink: &mut dyn FnMut(Request),
) -> Result<ParseReport, PathsError> {
    let io = |source| PathsError::Io {
        file: file.to_owned(),
        source,
    };
    let mut reader = maybe_gunzip(reader).map_err(io)?;
    let format = if format == Format::Auto {
        let head = String::from_utf8_lossy(reader.fill_buf().map_err(io)?).into_owned();
        detect(&head).map_err(|reason| PathsError::UnknownFormat {
            file: file.to_owned(),
            line: 1,
            reason,
        })?
    } else {
        format
    };
    let mut report = ParseReport::new(file, format);
    match format {
        Format::Har => {
            har::read(&mut reader, file, &mut report, sink)?;
            return Ok(report);
        }
        Format::Otlp | Format::Auto => {
            return Err(PathsError::Option(format!(
                "{file}: OTLP spans are decoded by the caller; use the CLI's --format otlp"
            )));
        }
        _ => {}
    }
    let mut buf = Vec::new();
    let mut n = 0usize;
    loop {
        buf.clear();
        let read = std::io::Read::take(&mut reader, MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(io)?;
        if read == 0 {
            break;
        }
        n += 1;
        if buf.len() > MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
            report.lines += 1;
            report.push_bad(n, format!("longer than {MAX_LINE_BYTES} bytes"));
            // Skip the rest of the long line.
            loop {
                buf.clear();
                let more = std::io::Read::take(&mut reader, MAX_LINE_BYTES as u64)
                    .read_until(b'\n', &mut buf)
                    .map_err(io)?;
                if more == 0 || buf.last() == Some(&b'\n') {
                    break;
                }
            }
            continue;
        }
        let text = String::from_utf8_lossy(&buf);
        let line = text.trim_end_matches(['\n', '\r']);
        let line = if n == 1 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if line.trim().is_empty() {
            continue;
        }
        report.lines += 1;
        let parsed = match format {
            Format::Clf | Format::Combined => clf::parse(line),
            Format::NginxJson => json::parse(line, fields),
            Format::Alb => alb::parse(line),
            _ => Err("unsupported".to_owned()),
        };
        match parsed {
            Ok(r) => {
                report.requests += 1;
                sink(r);
            }
            Err(message) => report.push_bad(n, message),
        }
    }
    Ok(report)
}
