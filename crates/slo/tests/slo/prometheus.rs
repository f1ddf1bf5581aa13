//! Prometheus rules export, checked by promtool when it is installed.

use sightline_core::{SliKind, SloWindow};
use sightline_slo::{SloConfig, prometheus::export_rules};

use crate::common::*;

#[test]
fn rules_have_windows_and_workbook_rates() {
    let lat = SloConfig::new(def(
        "lat",
        SliKind::Latency { threshold_ms: 3000 },
        0.99,
        SloWindow::Rolling { days: 30 },
    ));
    let text = export_rules(&[avail(0.999, 30), lat]).unwrap();
    for w in ["5m", "30m", "1h", "6h", "3d"] {
        assert!(
            text.contains(&format!("record: slo:sli_error:ratio_rate{w}")),
            "{w}\n{text}"
        );
    }
    assert!(
        text.contains("outcome=\\\"fail\\\"") || text.contains("outcome=\"fail\""),
        "{text}"
    );
    assert!(
        text.contains("le=\\\"3\\\"") || text.contains("le=\"3\""),
        "{text}"
    );
    // 14.4 × 0.001 for the fast page of a 99.9% 30-day SLO.
    assert!(text.contains("(14.4 * 0.001)"), "{text}");
    // Long and short windows are joined ignoring the window label, or the
    // `and` never matches and the alert never fires (see the runner's
    // promtool test, which caught that).
    assert!(text.contains("and ignoring (sightline_window)"), "{text}");
    let mut step = avail(0.99, 30);
    step.definition.filter.step = Some("pay".into());
    assert_eq!(export_rules(&[step]).unwrap_err().code(), "slo.unsupported");

    let promtool = which("promtool")
        .expect("promtool (Debian package `prometheus`) is needed; scripts/test.sh installs it");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.yaml");
    std::fs::write(&path, &text).unwrap();
    let out = std::process::Command::new(promtool)
        .arg("check")
        .arg("rules")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
        .ok_or(())
}
