//! `sightline journey validate | import | export`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use sightline_journeys as journeys;

use crate::args::{Cli, ExportFormat, JourneyCommand};
use crate::exit::{Code, OK, PROBLEM, Refused};
use crate::output;

/// One file's verdict in `journey validate --json`.
#[derive(Serialize)]
struct Verdict {
    file: String,
    ok: bool,
    name: Option<String>,
    version: Option<String>,
    steps: Option<usize>,
    errors: Vec<String>,
    warnings: Vec<String>,
}

/// Runs one `journey` subcommand.
pub fn run(cli: &Cli, cmd: &JourneyCommand) -> anyhow::Result<Code> {
    match cmd {
        JourneyCommand::Validate { files } => validate(cli, files),
        JourneyCommand::Import { file, out, force } => import(cli, file, out.as_deref(), *force),
        JourneyCommand::Export {
            journey,
            format,
            out,
        } => export(cli, journey, *format, out.as_deref()),
    }
}

fn validate(cli: &Cli, files: &[PathBuf]) -> anyhow::Result<Code> {
    let verdicts: Vec<Verdict> = files
        .iter()
        .map(|f| match journeys::load(f) {
            Ok(loaded) => Verdict {
                file: f.display().to_string(),
                ok: true,
                name: Some(loaded.journey.name.clone()),
                version: Some(loaded.version),
                steps: Some(loaded.journey.steps.len()),
                errors: Vec::new(),
                warnings: loaded.warnings.iter().map(ToString::to_string).collect(),
            },
            Err(e) => Verdict {
                file: f.display().to_string(),
                ok: false,
                name: None,
                version: None,
                steps: None,
                errors: e.to_string().lines().map(str::to_owned).collect(),
                warnings: Vec::new(),
            },
        })
        .collect();
    let all_ok = verdicts.iter().all(|v| v.ok);
    if cli.json {
        output::json(&verdicts)?;
    } else {
        for v in &verdicts {
            match (&v.name, &v.version, v.steps) {
                (Some(name), Some(version), Some(steps)) => {
                    println!(
                        "ok  {}  {name}  {steps} steps  version {}",
                        v.file,
                        &version[..12.min(version.len())]
                    );
                }
                _ => {
                    for e in &v.errors {
                        eprintln!("error: {e}");
                    }
                }
            }
            for w in &v.warnings {
                eprintln!("warning: {}: {w}", v.file);
            }
        }
    }
    Ok(Code(if all_ok { OK } else { PROBLEM }))
}

fn import(cli: &Cli, file: &Path, out: Option<&Path>, force: bool) -> anyhow::Result<Code> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("{}: cannot read", file.display()))?;
    let imported = journeys::from_recorder_json(&text, &file.display().to_string())?;
    let dest = out.map_or_else(
        || PathBuf::from("journeys").join(format!("{}.yaml", slug(&imported.journey.name))),
        Path::to_owned,
    );
    if dest.exists() && !force {
        return Err(Refused(format!(
            "{}: already exists; pass --force to replace it",
            dest.display()
        ))
        .into());
    }
    journeys::save(&dest, &imported.journey)?;
    let version = journeys::version(&imported.journey);
    for w in &imported.warnings {
        eprintln!("warning: {}: {w}", file.display());
    }
    if cli.json {
        output::json(&serde_json::json!({
            "file": dest, "name": imported.journey.name, "version": version,
            "steps": imported.journey.steps.len(),
            "warnings": imported.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }))?;
    } else {
        println!(
            "wrote {} ({} steps, version {})",
            dest.display(),
            imported.journey.steps.len(),
            &version[..12]
        );
    }
    Ok(Code(OK))
}

fn export(
    cli: &Cli,
    journey: &str,
    format: ExportFormat,
    out: Option<&Path>,
) -> anyhow::Result<Code> {
    let path = resolve(journey);
    let loaded = journeys::load(&path)?;
    let ExportFormat::Recorder = format;
    let exported = journeys::to_recorder_json(&loaded.journey);
    for w in &exported.warnings {
        eprintln!("warning: {}: {w}", path.display());
    }
    match out {
        Some(dest) => {
            std::fs::write(dest, &exported.json)
                .with_context(|| format!("{}: cannot write", dest.display()))?;
            if !cli.json {
                println!("wrote {}", dest.display());
            }
        }
        None => print!("{}", exported.json),
    }
    Ok(Code(OK))
}

/// A journey argument is a path when it names a file, else `journeys/<name>.yaml`.
fn resolve(arg: &str) -> PathBuf {
    let p = PathBuf::from(arg);
    if p.exists() || arg.ends_with(".yaml") || arg.ends_with(".yml") {
        p
    } else {
        PathBuf::from("journeys").join(format!("{arg}.yaml"))
    }
}

/// `Log in & pay` -> `log-in-pay`, for default file names.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() { "journey".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_file_friendly() {
        assert_eq!(slug("Log in & pay"), "log-in-pay");
        assert_eq!(slug("  "), "journey");
        assert_eq!(slug("Checkout (EU)"), "checkout-eu");
    }
}
