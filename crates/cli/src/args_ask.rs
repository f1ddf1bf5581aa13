//! Arguments of `sightline ask` and `sightline eval ask`.

use std::path::PathBuf;

use clap::Args;

/// `sightline ask "QUESTION"`.
#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question, in your own words (quote it, or pass it as several words).
    #[arg(required = true, num_args = 1..)]
    pub question: Vec<String>,
    /// The project folder (its `slos/` and `journeys/`).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// The moment to answer for: RFC 3339 or Unix ms (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// The time zone clock times are read and written in (IANA name).
    #[arg(long, value_name = "ZONE", env = "SIGHTLINE_TZ", default_value = "UTC")]
    pub tz: String,
    /// An OpenAI-compatible endpoint to answer with tools, e.g.
    /// `http://127.0.0.1:11434/v1` (Ollama). Nothing leaves the machine
    /// without it.
    #[arg(long, value_name = "URL", env = "SIGHTLINE_ASK_URL")]
    pub model_url: Option<String>,
    /// The model's name at that endpoint.
    #[arg(
        long,
        value_name = "NAME",
        env = "SIGHTLINE_ASK_MODEL",
        requires = "model_url"
    )]
    pub model: Option<String>,
    /// The environment variable holding the endpoint's key (kept out of
    /// files and flags); without it, the OS keyring's `ask_model_key`.
    #[arg(long, value_name = "VAR")]
    pub model_key_env: Option<String>,
    /// Seconds to wait for the model before answering built-in.
    #[arg(long, value_name = "S", default_value_t = 30)]
    pub model_timeout: u64,
    /// Keep the question and its answer on incident ID's history of
    /// questions (its timeline, the app's question box on that incident).
    #[arg(long, value_name = "ID")]
    pub incident: Option<i64>,
    /// Who asks, for the incident's history (default: $USER).
    #[arg(long, value_name = "NAME", requires = "incident")]
    pub by: Option<String>,
}

/// `sightline eval ask`.
#[derive(Debug, Args)]
pub struct EvalAskArgs {
    /// The question set folder (its `questions.yaml`).
    #[arg(default_value = "datasets/questions")]
    pub dir: PathBuf,
    /// The recorded incidents the questions are asked in.
    #[arg(long, value_name = "DIR", default_value = "datasets/incidents")]
    pub incidents: PathBuf,
    /// Journey files beside the incidents' own (for their tags).
    #[arg(long, value_name = "DIR", default_value = "journeys")]
    pub journeys: PathBuf,
    /// Print every question's grade, not only the misses.
    #[arg(long)]
    pub all: bool,
}
