//! Reports as files to attach to a ticket: Markdown that links its charts
//! as SVG files beside it, or one HTML file that holds everything (inline
//! SVG, inline CSS, no scripts, nothing fetched from the network).

use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::charts::ChartFile;

/// The file a chart is written to beside a document `STEM.md`: `STEM-NAME.svg`.
pub fn chart_file_name(stem: &str, chart: &ChartFile) -> String {
    format!("{stem}-{}.svg", chart.name)
}

/// The Markdown section that shows `charts`, linked as files named by
/// [`chart_file_name`] (relative links, so the folder can be moved whole).
/// `missing` says why there are none, when there are none.
pub fn charts_section(
    heading: &str,
    stem: &str,
    charts: &[ChartFile],
    missing: Option<&str>,
) -> String {
    let mut m = format!("## {heading}\n\n");
    if charts.is_empty() {
        let _ = writeln!(m, "No charts: {}.\n", missing.unwrap_or("none were drawn"));
    }
    for c in charts {
        let _ = writeln!(m, "![{}]({})\n", c.alt, chart_file_name(stem, c));
    }
    m
}

/// The page's own style, after the app's light theme.
const STYLE: &str = "body{font-family:system-ui,sans-serif;color:#0f172a;background:#f6f8fa;\
max-width:860px;margin:2em auto;padding:0 1em;line-height:1.45;font-size:14px}\
main{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:1em 2em}\
h1,h2{font-weight:600}h2{border-bottom:1px solid #dde3ea;padding-bottom:.2em}\
table{border-collapse:collapse}td,th{border:1px solid #dde3ea;padding:.25em .5em;text-align:left}\
code{font-size:12px;word-break:break-all}blockquote{color:#5b6b80;margin-left:0;padding-left:1em;\
border-left:3px solid #dde3ea}svg{max-width:100%;height:auto}";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A chart as it sits inside HTML: HTML parses `<svg>` into the SVG
/// namespace by itself, so the namespace URL (the only `http://` text in
/// plotters' output) is dropped, and the image is labelled for readers.
fn inline_svg(c: &ChartFile) -> String {
    let svg = c
        .svg
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen(
            "<svg ",
            &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(&c.alt)),
            1,
        );
    // Markdown puts an image in a paragraph, where `<svg>` may stand and
    // `<figure>` may not.
    svg.trim_end().to_owned()
}

/// `markdown` as one self-contained HTML page titled `title`. Images whose
/// link names a chart (as [`charts_section`] writes them) become that
/// chart's inline SVG. Raw HTML in the Markdown (a note, say) is shown as
/// text and links keep only their text, so the file never loads or points
/// anywhere; a Content-Security-Policy of `default-src 'none'` says the
/// same to the browser.
pub fn html(title: &str, markdown: &str, stem: &str, charts: &[ChartFile]) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES);
    let mut in_image = false;
    let events = parser.filter_map(|e| match e {
        Event::Start(Tag::Image { dest_url, .. }) => {
            in_image = true;
            let svg = charts
                .iter()
                .find(|c| chart_file_name(stem, c) == dest_url.as_ref())
                .map_or_else(|| escape(&format!("[image {dest_url}]")), inline_svg);
            Some(Event::Html(CowStr::from(svg)))
        }
        Event::End(TagEnd::Image) => {
            in_image = false;
            None
        }
        _ if in_image => None,
        Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link) => None,
        Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
        other => Some(other),
    });
    let mut body = String::new();
    html::push_html(&mut body, events);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"generator\" content=\"Sightline\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n\
<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// Writes a document to `path`: `markdown` with its charts as SVG files
/// beside it (`STEM-NAME.svg`), or, when `html` is set, one self-contained
/// page. `body` makes the Markdown from the charts section; `charts` is
/// the charts or why there are none. Returns the files written, the
/// document first.
pub fn write_document(
    path: &std::path::Path,
    html_page: bool,
    title: &str,
    heading: &str,
    charts: &Result<Vec<ChartFile>, String>,
    body: &dyn Fn(&str) -> String,
) -> Result<Vec<std::path::PathBuf>, crate::ApiError> {
    let write = |p: &std::path::Path, text: &str| {
        std::fs::write(p, text)
            .map_err(|e| crate::ApiError::BadInput(format!("{}: {e}", p.display())))
    };
    let stem = path
        .file_stem()
        .map_or_else(|| "report".to_owned(), |s| s.to_string_lossy().into_owned());
    let (list, missing) = match charts {
        Ok(c) => (c.as_slice(), None),
        Err(why) => (&[][..], Some(why.as_str())),
    };
    let section = charts_section(heading, &stem, list, missing);
    if html_page {
        write(path, &html(title, &body(&section), &stem, list))?;
        return Ok(vec![path.to_owned()]);
    }
    let dir = path.parent().unwrap_or(std::path::Path::new(""));
    let mut files = vec![path.to_owned()];
    for c in list {
        let file = dir.join(chart_file_name(&stem, c));
        write(&file, &c.svg)?;
        files.push(file);
    }
    write(path, &body(&section))?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> ChartFile {
        ChartFile {
            name: "sli",
            alt: "the SLI \"now\"".into(),
            svg: "<svg width=\"1\" height=\"1\" xmlns=\"http://www.w3.org/2000/svg\"><text>x</text></svg>"
                .into(),
        }
    }

    #[test]
    fn charts_are_inlined_and_nothing_points_outside() {
        let md = format!(
            "# T\n\n{}A note: <img src=\"https://evil.example/x.png\"> and [a link](https://example.com).\n",
            charts_section("Charts", "pm-1", &[chart()], None)
        );
        assert!(md.contains("![the SLI \"now\"](pm-1-sli.svg)"), "{md}");
        let page = html("T <1>", &md, "pm-1", &[chart()]);
        assert!(
            page.contains("<svg role=\"img\" aria-label=\"the SLI &quot;now&quot;\""),
            "{page}"
        );
        // The namespace URL is gone; the note's URL stays as text, in no tag.
        assert!(!page.contains("http://"), "{page}");
        assert!(!page.contains("<img") && !page.contains("<a "), "{page}");
        assert!(!page.contains("href="), "{page}");
        assert!(
            page.contains("&lt;img src="),
            "raw HTML is shown as text: {page}"
        );
        assert!(page.contains("<title>T &lt;1&gt;</title>"));
        assert!(page.contains("a link"));
    }

    #[test]
    fn a_document_without_charts_says_why() {
        let s = charts_section(
            "Charts",
            "x",
            &[],
            Some("the SLO's definition was not given"),
        );
        assert!(
            s.contains("No charts: the SLO's definition was not given."),
            "{s}"
        );
    }
}
