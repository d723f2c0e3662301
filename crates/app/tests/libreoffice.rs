//! Template round trip through LibreOffice (issue 4): a department's pre-filled template, opened
//! and saved by LibreOffice Calc headless as an office user's spreadsheet program would, imports
//! back with exactly the same values. Runs when `soffice` is installed (`.ci/run` installs
//! `libreoffice-calc-nogui`); otherwise it says it was skipped, or fails under
//! `MUJUN_REQUIRE_LIBREOFFICE=1`.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use mujun_app::collection::imports::Confirm;
use mujun_app::collection::imports::ImportOutcome;
use mujun_app::{App, HashCost, Security};
use mujun_store::{figures, testing};

fn soffice() -> Option<&'static str> {
    ["soffice", "libreoffice"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[tokio::test]
async fn a_template_saved_by_libreoffice_imports_the_same_values() {
    let Some(office) = soffice() else {
        assert!(
            std::env::var("MUJUN_REQUIRE_LIBREOFFICE").as_deref() != Ok("1"),
            "LibreOffice required but `soffice` is not installed"
        );
        eprintln!(
            "SKIPPED LibreOffice round trip: `soffice` not installed (apt-get install libreoffice-calc-nogui)"
        );
        return;
    };
    let t = testing::sqlite().await;
    let app = App::new(
        t.store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    );
    app.seed_demo(60, 7).await.unwrap().unwrap();
    let stats = app
        .login("stats", mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor;
    let (file, bytes) = app.department_template(&stats, "statistics", 2024).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("template.xlsx");
    std::fs::write(&original, &bytes).unwrap();
    let out = dir.path().join("out");
    // A private profile directory: no interference with a user's LibreOffice, no first-run UI.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("profile").display()
    );
    let status = Command::new(office)
        .args([
            &profile,
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
        ])
        .arg(&out)
        .arg(&original)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let saved = std::fs::read(out.join("template.xlsx")).unwrap();
    assert_ne!(saved, bytes, "LibreOffice wrote its own file");

    let before = {
        let mut c = app.store().read().await.unwrap();
        figures::current_values(&mut c, 2024).await.unwrap()
    };
    match app
        .import_upload(&stats, "statistics", 2024, &file, &saved, Confirm::WARNINGS)
        .await
        .unwrap()
    {
        ImportOutcome::Imported { rows, values, .. } => {
            assert!(rows >= 40, "every enterprise of the roster came back: {rows}");
            assert!(values > 0);
        }
        other => panic!("the LibreOffice-saved template was not accepted: {other:?}"),
    }
    let after = {
        let mut c = app.store().read().await.unwrap();
        figures::current_values(&mut c, 2024).await.unwrap()
    };
    let mut b = before;
    let mut a = after;
    b.sort_by(|x, y| (x.0, &x.1).cmp(&(y.0, &y.1)));
    a.sort_by(|x, y| (x.0, &x.1).cmp(&(y.0, &y.1)));
    assert_eq!(a, b, "the same values, to the last digit");
    t.cleanup().await;
}
