//! `sightline record --url URL --out FILE`: record a journey in a Chromium
//! window. Close the window or press Ctrl-C to write the file; a password
//! typed on the way is saved as `{{secret.password}}`, never in clear.

use anyhow::Context;
use sightline_browser::LaunchOptions;
use sightline_browser::recorder::Recorder;

use crate::args::{Cli, RecordArgs};
use crate::exit::{Code, OK, Refused};

/// Runs `sightline record`.
pub fn run(cli: &Cli, args: &RecordArgs) -> anyhow::Result<Code> {
    if args.out.exists() && !args.force {
        return Err(Refused(format!(
            "{} exists; pass --force to replace it",
            args.out.display()
        ))
        .into());
    }
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err(Refused(
            "recording needs a display to show the browser (run it under a desktop session, or xvfb-run)"
                .into(),
        )
        .into());
    }
    let name = args.name.clone().unwrap_or_else(|| {
        args.out
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("recorded")
            .to_owned()
    });
    let launch = LaunchOptions {
        executable: args.chromium.clone(),
        headed: true,
        ..LaunchOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let recording = runtime.block_on(async {
        let rec = Recorder::start(&launch, &args.url).await?;
        if !cli.json {
            eprintln!(
                "recording {}: use the browser window; close it or press Ctrl-C to save",
                args.url
            );
        }
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = rec.closed() => {}
        }
        rec.stop(&name).await
    })?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
    }
    sightline_journeys::save(&args.out, &recording.journey)?;
    if cli.json {
        crate::output::json(&serde_json::json!({
            "file": args.out,
            "name": recording.journey.name,
            "steps": recording.journey.steps.len(),
            "secrets": recording.journey.secrets,
            "warnings": recording.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        }))?;
    } else {
        println!(
            "wrote {} ({} steps)",
            args.out.display(),
            recording.journey.steps.len()
        );
        for w in &recording.warnings {
            println!("  warning: {w}");
        }
    }
    Ok(Code(OK))
}
