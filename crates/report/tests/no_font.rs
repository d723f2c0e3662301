//! Without any Chinese font, `cjk_font` and the renderers say so, with the installation hint.
//!
//! A separate test binary: the font scan is cached process-wide, so `MUJUN_FONT_DIR` must be
//! set before anything else in this process touches the fonts.

#![allow(clippy::unwrap_used)]

use mujun_report::{ReportError, RunSummary, ScoreCard, cjk_font, run_summary_pdf, score_card_pdf};

/// Set in the child run only, so a `MUJUN_FONT_DIR` from the caller's environment never decides.
const CHILD: &str = "MUJUN_REPORT_NO_FONT_CHILD";

#[test]
fn empty_font_dir_means_no_cjk_font_with_install_hint() {
    // `set_var` is unsafe in edition 2024 and the workspace forbids unsafe code, so the variable
    // is handed to a re-run of this very test in a child process.
    if std::env::var_os(CHILD).is_none() {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "empty_font_dir_means_no_cjk_font_with_install_hint"])
            .args(["--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .env("MUJUN_FONT_DIR", dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "child run failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Guard against the filter matching nothing (the child would then pass vacuously).
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
        return;
    }

    let err = cjk_font().unwrap_err();
    assert_eq!(err, ReportError::NoCjkFont);
    let message = err.to_string();
    assert!(message.contains("apt-get install"), "{message}");
    assert!(message.contains("未找到中文字体"), "{message}");
    assert!(message.contains("MUJUN_FONT_DIR"), "{message}");
    assert_eq!(
        score_card_pdf(&ScoreCard::default()).unwrap_err(),
        ReportError::NoCjkFont
    );
    assert_eq!(
        run_summary_pdf(&RunSummary::default()).unwrap_err(),
        ReportError::NoCjkFont
    );
}
