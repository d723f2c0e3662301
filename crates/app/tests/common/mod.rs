//! Shared set-up of the app's integration tests: a demo city on every backend (SQLite, and
//! PostgreSQL unless skipped on purpose), and logging in as one of its accounts.
#![allow(dead_code, clippy::unwrap_used)]

use mujun_app::{Actor, App, HashCost, Security};
use mujun_store::testing;

/// Runs `f` on a fresh demo of `enterprises` enterprises (seed `seed`) on every backend.
pub async fn each_demo(enterprises: usize, seed: u64, f: impl AsyncFn(App, &'static str)) {
    for t in testing::all().await {
        let app = App::new(
            t.store.clone(),
            Security {
                hash_cost: HashCost::TEST,
                require_totp: false,
                ..Security::default()
            },
        );
        app.seed_demo(enterprises, seed).await.unwrap().unwrap();
        f(app, t.name).await;
        t.cleanup().await;
    }
}

/// The actor of a demo account.
pub async fn login(app: &App, user: &str) -> Actor {
    app.login(user, mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor
}

/// How many audit entries of `action` with `outcome` there are.
pub async fn audited(app: &App, action: &str, outcome: &str) -> usize {
    let mut c = app.store().read().await.unwrap();
    let f = mujun_store::audit::Filter {
        action: Some(action.into()),
        outcome: Some(outcome.into()),
        ..Default::default()
    };
    mujun_store::audit::search(&mut c, &f, 1000, 0)
        .await
        .unwrap()
        .0
        .len()
}
