//! `mujun backup` and `mujun restore` (issue 10): an encrypted online backup of a SQLite
//! database restores into a new SQLite and a new PostgreSQL database with every value exact,
//! and the restored audit trail verifies; a non-empty target, a wrong passphrase and a cut-off
//! file are refused with nothing written.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use mujun_app::{App, HashCost, Security};
use mujun_store::audit::{AuditKey, Mac};
use mujun_store::{Store, testing};

const PASSPHRASE: &str = "correct horse battery staple";

fn mujun(dir: &Path, args: &[&str], passphrase: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mujun"))
        .args(args)
        .env("MUJUN_AUDIT_KEY_FILE", dir.join("audit.key"))
        .env("MUJUN_AUDIT_ANCHOR_FILE", dir.join("anchors.log"))
        .env("MUJUN_BACKUP_PASSPHRASE", passphrase)
        .env("MUJUN_CONFIG_UNUSED", "1")
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every figure value and enterprise name, in id order: what must survive exactly.
async fn contents(store: &Store) -> (Vec<(i64, Option<f64>)>, Vec<String>, Vec<Vec<u8>>) {
    let mut c = store.read().await.unwrap();
    let values: Vec<(i64, Option<f64>)> = sqlx::query_as("SELECT id, value FROM figures ORDER BY id")
        .fetch_all(&mut *c)
        .await
        .unwrap();
    let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM enterprises ORDER BY id")
        .fetch_all(&mut *c)
        .await
        .unwrap();
    let blobs: Vec<(Vec<u8>,)> = sqlx::query_as("SELECT content FROM pending_uploads ORDER BY id")
        .fetch_all(&mut *c)
        .await
        .unwrap();
    (
        values,
        names.into_iter().map(|(n,)| n).collect(),
        blobs.into_iter().map(|(b,)| b).collect(),
    )
}

#[tokio::test]
async fn an_encrypted_backup_restores_exactly_into_either_backend() {
    let dir = tempfile::tempdir().unwrap();
    let key = AuditKey::load_or_create(&dir.path().join("audit.key"), Mac::HmacSha256).unwrap();
    let source = testing::sqlite().await;
    let app = App::new(
        source.store.clone().with_audit_key(key),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    );
    app.seed_demo(60, 3).await.unwrap().unwrap();
    // An uploaded workbook kept in the database: binary data, every byte value.
    {
        let mut tx = source.store.begin().await.unwrap();
        sqlx::query(
            "INSERT INTO pending_uploads (user_id, department_id, year, file_name, file_hash, content, created_at) \
             VALUES ((SELECT MIN(id) FROM users), (SELECT MIN(id) FROM departments), 2019, '税务.xlsx', 'x', $1, 0)",
        )
        .bind((0..=255u8).cycle().take(5000).collect::<Vec<u8>>())
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let before = contents(&source.store).await;
    assert!(before.0.len() > 100);

    let file = dir.path().join("mujun.bak");
    let file_arg = file.to_str().unwrap();
    let out = mujun(
        dir.path(),
        &[
            "backup",
            "--out",
            file_arg,
            "--encrypt",
            "--database",
            &source.url,
        ],
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(App::backup_is_encrypted(&file).unwrap());
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        !bytes.windows("驻马店".len()).any(|w| w == "驻马店".as_bytes()),
        "nothing readable in an encrypted backup"
    );

    let mut targets = vec![(
        "sqlite",
        format!("sqlite://{}", dir.path().join("restored.db").display()),
        None,
    )];
    if let Some(pg) = testing::postgres().await {
        targets.push(("postgres", pg.url.clone(), Some(pg)));
    }
    for (name, url, _keep) in &targets {
        let out = mujun(
            dir.path(),
            &["restore", file_arg, "--database", url],
            "a wrong passphrase",
        );
        assert!(!out.status.success(), "{name}: wrong passphrase");
        assert!(text(&out).contains("口令错误"), "{name}: {}", text(&out));

        let out = mujun(dir.path(), &["restore", file_arg, "--database", url], PASSPHRASE);
        assert!(out.status.success(), "{name}: {}", text(&out));
        assert!(text(&out).contains("审计日志校验通过"), "{}", text(&out));
        let out = mujun(dir.path(), &["audit", "verify", "--database", url], "");
        assert!(out.status.success(), "{name}: {}", text(&out));

        let restored = Store::connect(url).await.unwrap();
        assert_eq!(contents(&restored).await, before, "{name}: every value exact");
        restored.close().await;

        // Not into a database that has data.
        let out = mujun(dir.path(), &["restore", file_arg, "--database", url], PASSPHRASE);
        assert!(!out.status.success(), "{name}");
        assert!(text(&out).contains("不是空库"), "{name}: {}", text(&out));
    }

    // A file cut short restores nothing.
    let cut = dir.path().join("cut.bak");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let empty = format!("sqlite://{}", dir.path().join("empty.db").display());
    let out = mujun(
        dir.path(),
        &["restore", cut.to_str().unwrap(), "--database", &empty],
        PASSPHRASE,
    );
    assert!(!out.status.success());
    let store = Store::connect(&empty).await.unwrap();
    assert_eq!(contents(&store).await.0.len(), 0, "nothing half-written");
    store.close().await;

    for (_, _, pg) in targets {
        if let Some(pg) = pg {
            pg.cleanup().await;
        }
    }
}
