//! `mujun init` on an empty database sets up the city; a second run is refused (issue 11).
#![allow(clippy::unwrap_used)]

use std::process::Command;

#[test]
fn init_sets_up_a_city_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("m.db").display());
    let run = |city: &str| {
        Command::new(env!("CARGO_BIN_EXE_mujun"))
            .args([
                "init",
                "--city",
                city,
                "--agency",
                "南阳市发展和改革委员会",
                "--database",
                &db,
            ])
            .env("MUJUN_AUDIT_KEY_FILE", dir.path().join("audit.key"))
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let unknown = run("999999");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("行政区划代码"));
    let ok = run("411300");
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        out.contains("河南省南阳市（411300）") && out.contains("411381 邓州市"),
        "{out}"
    );
    let again = run("411300");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("已设置为南阳市"));
}
