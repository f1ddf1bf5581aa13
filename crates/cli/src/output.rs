//! Printing: JSON for scripts, aligned text for people, progress on stderr.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::args::Cli;

/// Prints `value` as pretty JSON on stdout. A reader that stops early
/// (`sightline ... --json | head`) is not an error.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    use std::io::Write;
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

pub use sightline_api::slo::status::rfc3339_ms;

/// Prints rows of `label: value`, labels aligned.
pub fn fields(rows: &[(&str, String)]) {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in rows {
        println!("{k:<width$}  {v}");
    }
}

/// One line on stderr, or a JSON error object on stdout with `--json`, so a
/// script always gets a parseable document.
pub fn print_error(cli: &Cli, err: &anyhow::Error) {
    if cli.json {
        let code = if let Some(e) = err.downcast_ref::<sightline_store::StoreError>() {
            e.code()
        } else if let Some(e) = err.downcast_ref::<sightline_journeys::JourneyError>() {
            e.code()
        } else if let Some(e) = err.downcast_ref::<sightline_runner::RunnerError>() {
            e.code()
        } else if let Some(e) = err.downcast_ref::<sightline_api::ApiError>() {
            match e {
                sightline_api::ApiError::Store(s) => s.code(),
                sightline_api::ApiError::Slo(s) => s.code(),
                _ => "slo.invalid_file",
            }
        } else if let Some(e) = err.downcast_ref::<sightline_telemetry::TelemetryError>() {
            e.code()
        } else {
            "cli.error"
        };
        let doc = serde_json::json!({ "error": { "code": code, "message": format!("{err:#}") } });
        println!("{doc}");
    } else {
        eprintln!("error: {err:#}");
    }
}

/// A progress bar on stderr, hidden for `--json` and when stderr is not a terminal.
pub fn progress(cli: &Cli, len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if cli.json {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

/// A spinner on stderr for work of unknown length.
pub fn spinner(cli: &Cli, what: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if cli.json {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Bytes for people: 1.4 MiB.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::bytes;

    #[test]
    fn bytes_are_human() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(5 * 1024 * 1024), "5.0 MiB");
    }
}
