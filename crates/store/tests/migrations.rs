//! The SQLite and PostgreSQL migrations create the same tables with the same columns, and
//! both folders hold the same versions.
#![allow(clippy::unwrap_used)]

use mujun_store::testing;

fn versions(dir: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    v.sort();
    v
}

#[test]
fn both_folders_hold_the_same_versions() {
    let root = env!("CARGO_MANIFEST_DIR");
    let sqlite = versions(&format!("{root}/migrations/sqlite"));
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, versions(&format!("{root}/migrations/postgres")));
}

#[tokio::test]
async fn both_backends_have_the_same_columns() {
    let sqlite = testing::sqlite().await;
    let lite = sqlite.store.columns().await.unwrap();
    assert!(lite.iter().any(|(t, c)| t == "enterprises" && c == "credit_code"));
    sqlite.cleanup().await;
    let Some(pg) = testing::postgres().await else {
        return;
    };
    let post = pg.store.columns().await.unwrap();
    pg.cleanup().await;
    assert_eq!(lite, post);
}

#[tokio::test]
async fn reconnecting_applies_nothing_twice() {
    let t = testing::sqlite().await;
    let again = mujun_store::Store::connect(&t.url).await.unwrap();
    assert_eq!(again.columns().await.unwrap(), t.store.columns().await.unwrap());
    again.close().await;
    t.cleanup().await;
}
