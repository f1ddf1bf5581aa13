//! Which WebKitGTK renderer to ask for on a machine without a GPU.
//!
//! Without a DRM render node (a VM, a CI runner, Xvfb over a headless server),
//! WebKitGTK's DMA-BUF renderer composites through Mesa's software rasteriser
//! (llvmpipe) and compiles its shaders again at every cold start with an empty
//! cache. On the 2-core test machine that alone took the app from about 0.75 s
//! to 1.5 s before its first view (docs/benchmarks.md, cold start); a bare
//! page has nothing to composite and barely notices. There, unless the user
//! set it either way, the app asks for WebKit's older renderer with
//! `WEBKIT_DISABLE_DMABUF_RENDERER=1`. With a render node nothing changes.
//!
//! One difference shows only under WebDriver: with this renderer,
//! WebKitWebDriver's screenshot waits for the page's next paint, so on a page
//! that is painted and still it waits until something changes. The real-window
//! tests make a transparent pixel repaint while they take a picture
//! (tests/e2e/webdriver.rs); people looking at the window see no difference.

use std::path::Path;

/// The variable WebKitGTK reads.
pub const DMABUF_ENV: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// Whether to set [`DMABUF_ENV`]: only on Linux, only when the user left it
/// unset, and only when no render node exists.
pub fn disable_dmabuf(user_set: bool, has_render_node: bool) -> bool {
    cfg!(target_os = "linux") && !user_set && !has_render_node
}

/// Whether `dri` (normally `/dev/dri`) holds a `renderD*` node.
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|d| {
        d.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_unset_variable_on_a_machine_without_a_render_node_is_set() {
        assert_eq!(disable_dmabuf(false, false), cfg!(target_os = "linux"));
        assert!(!disable_dmabuf(true, false), "the user's choice stands");
        assert!(!disable_dmabuf(false, true), "a GPU keeps WebKit's default");
    }

    #[test]
    fn a_render_node_is_found_by_its_name() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(
            !has_render_node(dir.path()),
            "a card node is not a render node"
        );
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("absent")));
    }
}
