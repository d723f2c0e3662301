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

/// A SQLite database in `dir` set up for 南阳 with its city administrator `nycity`, and a way to
/// run `mujun` on it.
async fn nanyang(dir: &std::path::Path) -> impl Fn(&[&str]) -> std::process::Output {
    let db = format!("sqlite://{}", dir.join("m.db").display());
    let key = dir.join("audit.key");
    let (d, k) = (dir.to_owned(), key.clone());
    let db2 = db.clone();
    let mujun = move |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mujun"))
            .args(args)
            .args(["--database", &db2])
            .env("MUJUN_AUDIT_KEY_FILE", &k)
            .current_dir(&d)
            .output()
            .unwrap()
    };
    assert!(
        mujun(&["init", "--city", "411300", "--agency", "南阳市发展和改革委员会"])
            .status
            .success()
    );
    // The city administrator, asked for and approved (三员分立), in process on the same file.
    {
        use mujun_app::{App, HashCost, Security};
        let k =
            mujun_store::audit::AuditKey::load_or_create(&key, mujun_store::audit::Mac::HmacSha256).unwrap();
        let store = mujun_store::Store::connect(&db).await.unwrap().with_audit_key(k);
        let app = App::new(
            store.clone(),
            Security {
                hash_cost: HashCost::TEST,
                ..Security::default()
            },
        );
        mujun_app::testing::city_admin(&app, "nycity", "Wancheng-Road-2024")
            .await
            .unwrap();
        store.close().await;
    }
    mujun
}

#[tokio::test]
async fn the_demo_files_of_a_city_load_through_their_mapping_files() {
    let dir = tempfile::tempdir().unwrap();
    let mujun = nanyang(dir.path()).await;
    let files = dir.path().join("南阳");
    let out = Command::new(env!("CARGO_BIN_EXE_mujun"))
        .args([
            "demo-data",
            "--city",
            "411300",
            "--enterprises",
            "120",
            "--year",
            "2024",
            "--out",
        ])
        .arg(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let at = |name: &str| files.join(name).to_str().unwrap().to_owned();
    // Without its mapping file the registry's own headers are refused.
    let out = mujun(&[
        "registry",
        "import",
        &at("企业名录.xlsx"),
        "--user",
        "nycity",
        "--year",
        "2024",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("缺少必需的列"));
    let out = mujun(&[
        "registry",
        "import",
        &at("企业名录.xlsx"),
        "--user",
        "nycity",
        "--year",
        "2024",
        "--create-clusters",
        "--mapping",
        &at("列对应-企业名录.toml"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("新建产业集聚区"), "{text}");
    let out = mujun(&[
        "history",
        "import",
        "--classes",
        &at("历年评价类别.xlsx"),
        "--user",
        "nycity",
        "--mapping",
        &at("列对应-历年评价类别.toml"),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2021、2022、2023"));
    // The first year's figures with the mapping file, the next without: remembered by layout.
    for (year, mapping) in [("2022", true), ("2023", false)] {
        let file = at(&format!("{year}年度企业数据.xlsx"));
        let map = at(&format!("列对应-{year}年度企业数据.toml"));
        let mut args = vec![
            "history",
            "import",
            "--figures",
            &file,
            "--year",
            year,
            "--user",
            "nycity",
        ];
        if mapping {
            args.extend(["--mapping", &map]);
        }
        let out = mujun(&args);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{year}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains(&format!("已导入 {year} 年度历年数据")) && text.contains("税务局"),
            "{text}"
        );
    }
    // --figures needs its year.
    let out = mujun(&[
        "history",
        "import",
        "--figures",
        &at("2021年度企业数据.xlsx"),
        "--user",
        "nycity",
    ]);
    assert!(!out.status.success());
}

#[tokio::test]
async fn a_refused_registry_writes_its_problem_list() {
    let dir = tempfile::tempdir().unwrap();
    let mujun = nanyang(dir.path()).await;
    let file = dir.path().join("名录.csv");
    std::fs::write(&file, "企业名称,县区\n甲,宛城区\n").unwrap();
    let problems = dir.path().join("问题清单.xlsx");
    let out = mujun(&[
        "registry",
        "import",
        file.to_str().unwrap(),
        "--user",
        "nycity",
        "--year",
        "2024",
        "--errors-out",
        problems.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("未导入任何数据") && err.contains("缺少必需的列"),
        "{err}"
    );
    // The file itself, its cells as given, with the problem list beside it.
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(std::fs::read(&problems).unwrap())).unwrap();
    assert_eq!(book.sheet_names(), ["数据填报", "问题清单"]);
    let data = book.worksheet_range("数据填报").unwrap();
    assert_eq!(data.get_value((1, 0)).unwrap().to_string(), "甲");
    let list = book.worksheet_range("问题清单").unwrap();
    assert!(
        list.rows()
            .any(|r| r.iter().any(|c| c.to_string().contains("缺少必需的列")))
    );
}
