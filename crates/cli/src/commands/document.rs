//! Writing a report or a postmortem draft as files (`--format md|html`,
//! `--out`): Markdown with its charts as SVG files beside it, or one
//! self-contained HTML page with the charts inline.

use std::path::{Path, PathBuf};

use sightline_api::charts::ChartFile;
use sightline_api::report_files::{charts_section, html, write_document};

use crate::args_attribution::DocFormat;
use crate::exit::Refused;
use crate::output;

/// What to write and where.
pub struct Document<'a> {
    /// `md` or `html`.
    pub format: DocFormat,
    /// `--out`: a file, or a folder to hold `default_stem`.
    pub out: Option<&'a Path>,
    /// The file name without extension when `out` is a folder, e.g. `postmortem-3`.
    pub default_stem: &'a str,
    /// The HTML page's title.
    pub title: &'a str,
    /// The charts section's heading.
    pub heading: &'a str,
    /// The charts, or why there are none.
    pub charts: Result<Vec<ChartFile>, String>,
}

/// Writes the document that `body` makes from a charts section. Standard
/// output gets Markdown without charts (as before `--format` existed) or
/// the whole HTML page; `--out` gets files, which are listed (with
/// `--json`, as `{"files": [...]}`).
pub fn emit(doc: Document<'_>, json: bool, body: &dyn Fn(&str) -> String) -> anyhow::Result<()> {
    let ext = match doc.format {
        DocFormat::Md => "md",
        DocFormat::Html => "html",
    };
    let path = doc.out.map(|o| {
        if o.is_dir() {
            o.join(format!("{}.{ext}", doc.default_stem))
        } else {
            o.to_path_buf()
        }
    });
    let stem = path.as_ref().and_then(|p| p.file_stem()).map_or_else(
        || doc.default_stem.to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    let (charts, missing) = match &doc.charts {
        Ok(c) => (c.as_slice(), None),
        Err(why) => (&[][..], Some(why.as_str())),
    };
    let files: Vec<PathBuf> = match (&path, doc.format) {
        (None, DocFormat::Md) => {
            print!("{}", body(""));
            Vec::new()
        }
        (None, DocFormat::Html) => {
            let section = charts_section(doc.heading, &stem, charts, missing);
            print!("{}", html(doc.title, &body(&section), &stem, charts));
            Vec::new()
        }
        (Some(p), format) => write_document(
            p,
            format == DocFormat::Html,
            doc.title,
            doc.heading,
            &doc.charts,
            body,
        )
        .map_err(|e| Refused(e.to_string()))?,
    };
    if json && !files.is_empty() {
        output::json(&serde_json::json!({ "files": files }))?;
    } else {
        for f in &files {
            println!("wrote {}", f.display());
        }
    }
    Ok(())
}
