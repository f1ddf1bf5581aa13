//! `sightline`: the command-line face of the reliability workbench.
//!
//! Everything the desktop app does is also reachable from here, for scripts,
//! CI pipelines and people who live in a terminal. Commands print a human
//! table by default and a stable JSON document with `--json`. Exit codes are
//! documented in `docs/cli.md` and in [`exit`].

mod args;
mod args_action;
mod args_ask;
mod args_attribution;
mod args_discover;
mod commands;
mod exit;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, EvalCommand, EventCommand, IngestCommand, TelemetryCommand};

/// mimalloc rather than glibc malloc: the receiver and the engines allocate
/// from several threads at once, where glibc's arenas spend a third of the
/// ingest CPU (docs/benchmarks.md, OTLP ingest).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `sightline … | head` closes the pipe early. Rust ignores SIGPIPE, so the
/// next `println!` panics; like other tools, stop quietly instead.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_broken_pipe();
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let result = match &cli.command {
        Command::Db(cmd) => commands::db::run(&cli, cmd),
        Command::Journey(cmd) => commands::journey::run(&cli, cmd),
        Command::Record(args) => commands::record::run(&cli, args),
        Command::Replay(args) => commands::replay::run(&cli, args),
        Command::Runs(cmd) => commands::runs::run(&cli, cmd),
        Command::Slo(args) => commands::slo::run(&cli, args),
        Command::Run(args) => commands::run::run(&cli, args),
        Command::Runner(args) => commands::run::runner(&cli, args),
        Command::Serve(args) => commands::serve::run(&cli, args),
        Command::Demo(args) => commands::demo::run(&cli, args),
        Command::Ingest(IngestCommand::Prometheus(args)) => {
            commands::ingest_prometheus::run(&cli, args)
        }
        Command::Ingest(IngestCommand::K8sEvents(args)) => {
            commands::ingest_k8s_events::run(&cli, args)
        }
        Command::Event(EventCommand::Deploy(args)) => commands::event_deploy::run(&cli, args),
        Command::Attribute(args) => commands::attribute::run(&cli, args),
        Command::Telemetry(TelemetryCommand::Import(args)) => {
            commands::telemetry_import::run(&cli, args)
        }
        Command::Eval(EvalCommand::Attribution(args)) => commands::eval::attribution(&cli, args),
        Command::Eval(EvalCommand::Record(args)) => commands::eval::record(&cli, args),
        Command::Gate(args) => commands::gate::run(&cli, args),
        Command::Policy(cmd) => commands::policy::run(&cli, cmd),
        Command::Notify(cmd) => commands::notify::run(&cli, cmd),
        Command::Incident { slos, command } => commands::incident::run(&cli, slos, command),
        Command::Discover(args) => commands::discover::run(&cli, args),
        Command::Ask(args) => commands::ask::run(&cli, args),
        Command::Eval(EvalCommand::Ask(args)) => commands::ask::eval(&cli, args),
    };
    match result {
        Ok(code) => code.into(),
        Err(err) => {
            output::print_error(&cli, &err);
            exit::for_error(&err).into()
        }
    }
}

/// Logs go to stderr so `--json` output on stdout stays clean. `RUST_LOG`
/// wins over `-v`.
fn init_tracing(verbose: u8) {
    let default = match verbose {
        // chromiumoxide warns about every CDP message newer than its bindings.
        0 => "warn,chromiumoxide=error",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
