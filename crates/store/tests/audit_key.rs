//! The keyed audit chain and its anchors against someone who owns the database but not the key
//! (issue 10): rewriting entries and re-sealing the chain, or cutting off the tail and rewinding
//! the head, is detected — on both backends, with HMAC-SHA256 and HMAC-SM3.
#![allow(clippy::unwrap_used)]

use mujun_store::audit::{self, Anchor, AuditKey, Mac, NewEntry, Verification};
use mujun_store::{Backend, Store, testing};

fn entry(n: usize) -> NewEntry {
    NewEntry {
        user_id: Some(1),
        username: "city".into(),
        role: "city_admin".into(),
        action: "enterprise.update".into(),
        object_type: "enterprise".into(),
        object_id: format!("{n}"),
        detail: format!("{{\"n\":{n}}}"),
        ip: "10.0.0.1".into(),
        outcome: "ok".into(),
    }
}

async fn append(s: &Store, n: usize) {
    let mut tx = s.begin().await.unwrap();
    audit::append(&mut tx, &entry(n)).await.unwrap();
    tx.commit().await.unwrap();
}

/// Runs statements as the database owner, with the append-only guard removed.
async fn as_owner(s: &Store, statements: &[String]) {
    let mut tx = s.begin().await.unwrap();
    let off = match s.backend() {
        Backend::Sqlite => vec![
            "DROP TRIGGER IF EXISTS audit_log_no_update",
            "DROP TRIGGER IF EXISTS audit_log_no_delete",
        ],
        Backend::Postgres => vec!["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"],
    };
    for q in off
        .into_iter()
        .map(str::to_owned)
        .chain(statements.iter().cloned())
    {
        sqlx::query(sqlx::AssertSqlSafe(q))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

fn key(mac: Mac, byte: u8) -> AuditKey {
    AuditKey::new(mac, vec![byte; 32]).unwrap()
}

#[tokio::test]
async fn a_rewritten_and_resealed_chain_fails_without_the_key() {
    for mac in [Mac::HmacSha256, Mac::HmacSm3] {
        for t in testing::all().await {
            let name = t.name;
            let k = key(mac, 7);
            let s = t.store.clone().with_audit_key(k.clone());
            for n in 1..=10 {
                append(&s, n).await;
            }
            let mut r = s.read().await.unwrap();
            assert_eq!(
                audit::verify(&mut r, &k).await.unwrap(),
                Verification::Intact {
                    entries: 10,
                    unkeyed: 0
                },
                "{name} {mac:?}"
            );
            // The wrong key verifies nothing.
            assert!(matches!(
                audit::verify(&mut r, &key(mac, 8)).await.unwrap(),
                Verification::Broken { id: 1, .. }
            ));
            drop(r);
            // The owner edits entry 5 and re-seals 5..10 the only way open to them: unkeyed.
            let mut r = s.read().await.unwrap();
            let rows = audit::search(&mut r, &audit::Filter::default(), 100, 0)
                .await
                .unwrap()
                .0;
            drop(r);
            let mut rows: Vec<audit::Entry> = rows.into_iter().rev().collect();
            let mut prev = rows[3].hash.clone();
            let mut statements = Vec::new();
            for e in rows.iter_mut().skip(4) {
                if e.id == 5 {
                    e.username = "mallory".into();
                }
                let fields = NewEntry {
                    user_id: e.user_id,
                    username: e.username.clone(),
                    role: e.role.clone(),
                    action: e.action.clone(),
                    object_type: e.object_type.clone(),
                    object_id: e.object_id.clone(),
                    detail: e.detail.clone(),
                    ip: e.ip.clone(),
                    outcome: e.outcome.clone(),
                };
                let h = audit::entry_hash(&prev, e.id, e.at, e.user_id, &fields);
                statements.push(format!(
                    "UPDATE audit_log SET username = '{}', prev_hash = '{prev}', hash = '{h}', mac = 'sha256' WHERE id = {}",
                    e.username, e.id
                ));
                prev = h;
            }
            statements.push(format!("UPDATE audit_head SET last_hash = '{prev}' WHERE id = 1"));
            as_owner(&s, &statements).await;
            let mut r = s.read().await.unwrap();
            match audit::verify(&mut r, &k).await.unwrap() {
                Verification::Broken { id, why } => {
                    assert_eq!(id, 5, "{name} {mac:?}");
                    assert!(why.contains("未加密钥"), "{why}");
                }
                other => panic!("{name} {mac:?}: {other:?}"),
            }
            drop(r);
            t.cleanup().await;
        }
    }
}

#[tokio::test]
async fn a_cut_tail_and_rewound_head_fail_against_the_anchors() {
    for t in testing::all().await {
        let name = t.name;
        let k = key(Mac::HmacSha256, 9);
        let s = t.store.clone().with_audit_key(k.clone());
        for n in 1..=6 {
            append(&s, n).await;
        }
        let mut r = s.read().await.unwrap();
        let (id, hash) = audit::head(&mut r).await.unwrap();
        assert_eq!(id, 6);
        let anchors = vec![Anchor::new(&k, id, &hash)];
        assert!(anchors[0].genuine(&k) && !anchors[0].genuine(&key(Mac::HmacSha256, 1)));
        let mut forged = anchors[0].clone();
        forged.id = 3;
        assert!(!forged.genuine(&k), "{name}: an edited anchor is not genuine");
        drop(r);
        for n in 7..=8 {
            append(&s, n).await;
        }
        let mut r = s.read().await.unwrap();
        assert_eq!(audit::verify_anchors(&mut r, &k, &anchors).await.unwrap(), Ok(1));
        let (_, h4) = {
            let rows = audit::search(&mut r, &audit::Filter::default(), 100, 0)
                .await
                .unwrap()
                .0;
            let e4 = rows.iter().find(|e| e.id == 4).unwrap();
            (4, e4.hash.clone())
        };
        drop(r);
        // The owner deletes entries 5..8 and rewinds the head to entry 4.
        let mut statements = vec!["DELETE FROM audit_log WHERE id > 4".to_owned()];
        statements.push(format!(
            "UPDATE audit_head SET last_id = 4, last_hash = '{h4}' WHERE id = 1"
        ));
        as_owner(&s, &statements).await;
        let mut r = s.read().await.unwrap();
        // The shorter chain is consistent in itself …
        assert_eq!(
            audit::verify(&mut r, &k).await.unwrap(),
            Verification::Intact {
                entries: 4,
                unkeyed: 0
            },
            "{name}"
        );
        // … but no longer holds what was anchored.
        let why = audit::verify_anchors(&mut r, &k, &anchors)
            .await
            .unwrap()
            .unwrap_err();
        assert!(why.contains("链尾只到第 4 条"), "{name}: {why}");
        drop(r);
        t.cleanup().await;
    }
}

#[test]
fn keys_are_long_random_and_kept_in_a_private_file() {
    assert!(AuditKey::new(Mac::HmacSha256, vec![1; 16]).is_err(), "short key");
    assert!(
        AuditKey::new(Mac::Sha256, vec![1; 32]).is_err(),
        "unkeyed is not a key"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys/audit.key");
    let a = AuditKey::load_or_create(&path, Mac::HmacSm3).unwrap();
    let b = AuditKey::load_or_create(&path, Mac::HmacSm3).unwrap();
    let anchor = Anchor::new(&a, 1, "ab");
    assert!(anchor.genuine(&b), "the same file, the same key");
    assert_eq!(anchor.mac, "hmac-sm3");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "readable by its owner only");
    }
    assert!(!format!("{a:?}").contains(&std::fs::read_to_string(&path).unwrap()[..8]));
    let other = dir.path().join("other.key");
    let c = AuditKey::load_or_create(&other, Mac::HmacSm3).unwrap();
    assert!(!anchor.genuine(&c), "a new file, a new key");
}

#[tokio::test]
async fn the_application_role_of_postgresql_cannot_touch_the_guard() {
    let Some(t) = testing::postgres().await else {
        return;
    };
    // The two roles of docs/SECURITY.md: the test's owner migrated the database; an
    // application role gets rows, not the tables.
    let db = t
        .url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let role = format!("{db}_app");
    let owner = |q: String| {
        let s = t.store.clone();
        async move {
            let mut tx = s.begin().await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(q))
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    };
    owner(format!("CREATE ROLE {role} LOGIN")).await;
    owner(format!("GRANT USAGE ON SCHEMA public TO {role}")).await;
    owner(format!(
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
    ))
    .await;
    owner(format!(
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"
    ))
    .await;
    owner(format!(
        "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}"
    ))
    .await;
    let url = t
        .url
        .replacen("postgres://postgres@", &format!("postgres://{role}@"), 1);
    assert_ne!(url, t.url, "the test URL names its user");
    let app = Store::connect(&url)
        .await
        .expect("the application role opens a migrated database")
        .with_audit_key(key(Mac::HmacSha256, 3));
    append(&app, 1).await;
    for q in [
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
        "DROP TRIGGER audit_log_no_update ON audit_log",
        "UPDATE audit_log SET username = 'mallory'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let mut tx = app.begin().await.unwrap();
        let r = sqlx::query(q).execute(&mut *tx).await;
        assert!(r.is_err(), "the application role must not: {q}");
    }
    app.close().await;
    owner(format!("DROP OWNED BY {role}")).await;
    t.store.close().await;
    // The role outlives the database otherwise.
    let admin = testing::postgres_admin_url();
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap();
    t.cleanup().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP ROLE IF EXISTS {role}")))
        .execute(&mut c)
        .await
        .unwrap();
}
