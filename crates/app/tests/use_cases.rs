//! Use cases on SQLite and PostgreSQL: login security, scopes, refusals audited, registry edits
//! audited, the demo seed.
#![allow(clippy::unwrap_used)]

use mujun_app::accounts::AccountForm;
use mujun_app::registry::enterprises::{EnterpriseForm, EnterpriseQuery};
use mujun_app::{Actor, App, AppError, HashCost, Security};
use mujun_store::testing;
use mujun_store::{audit, enterprises};

fn security() -> Security {
    Security {
        hash_cost: HashCost::TEST,
        require_totp: false,
        ..Security::default()
    }
}

async fn each(f: impl AsyncFn(App, &'static str)) {
    for t in testing::all().await {
        let app = App::new(t.store.clone(), security());
        f(app, t.name).await;
        t.cleanup().await;
    }
}

async fn seeded(app: &App) {
    let seed = app.seed_demo(120, 5).await.unwrap().unwrap();
    assert_eq!(
        seed.accounts,
        mujun_app::demo::demo_accounts(),
        "the login page lists what the seed creates"
    );
}

async fn login(app: &App, user: &str) -> Actor {
    app.login(user, mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor
}

async fn last_audit(app: &App) -> audit::Entry {
    let mut c = app.store().read().await.unwrap();
    audit::search(&mut c, &audit::Filter::default(), 1, 0)
        .await
        .unwrap()
        .0
        .remove(0)
}

#[tokio::test]
async fn sessions_renew_at_login_expire_when_idle_and_end_at_logout() {
    each(async |app, name| {
        seeded(&app).await;
        let first = app
            .login("city", mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
            .await
            .unwrap();
        assert!(app.session(&first.token, "127.0.0.1").await.is_ok());
        // A second login from the same browser renews the id: the old token is dead (fixation).
        let second = app
            .login(
                "city",
                mujun_app::demo::DEMO_PASSWORD,
                "127.0.0.1",
                Some(&first.token),
            )
            .await
            .unwrap();
        assert_ne!(first.token, second.token);
        assert!(
            matches!(
                app.session(&first.token, "127.0.0.1").await,
                Err(AppError::Unauthenticated)
            ),
            "{name}"
        );
        let s = app.session(&second.token, "127.0.0.1").await.unwrap();
        assert_eq!(s.csrf, second.csrf);
        app.logout(&s.actor, &second.token).await.unwrap();
        assert!(matches!(
            app.session(&second.token, "127.0.0.1").await,
            Err(AppError::Unauthenticated)
        ));
        assert_eq!(last_audit(&app).await.action, "logout");

        let strict = App::new(
            app.store().clone(),
            Security {
                idle_timeout_minutes: 0,
                ..security()
            },
        );
        let third = strict
            .login("city", mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(
            matches!(
                strict.session(&third.token, "127.0.0.1").await,
                Err(AppError::Unauthenticated)
            ),
            "{name}: idle timeout"
        );
    })
    .await;
}

#[tokio::test]
async fn password_policy_and_forced_change() {
    each(async |app, name| {
        seeded(&app).await;
        let admin = login(&app, "admin").await;
        let form = AccountForm {
            username: "newbie".into(),
            display_name: "新用户".into(),
            role: "county".into(),
            region_code: Some("411702".into()),
            active: true,
            ..Default::default()
        };
        assert!(
            matches!(
                app.create_account(&admin, &form, "short").await,
                Err(AppError::Invalid(_))
            ),
            "{name}"
        );
        app.create_account(&admin, &form, "Initial-Pass1").await.unwrap();
        let fresh = app
            .login("newbie", "Initial-Pass1", "127.0.0.1", None)
            .await
            .unwrap();
        assert!(
            fresh.actor.must_change_password,
            "{name}: forced change at first login"
        );
        assert!(matches!(
            app.change_password(&fresh.actor, "Initial-Pass1", "weakpassword")
                .await,
            Err(AppError::Invalid(_))
        ));
        let changed = app
            .change_password(&fresh.actor, "Initial-Pass1", "Better-Pass22")
            .await
            .unwrap();
        assert!(!changed.actor.must_change_password);
        assert!(
            app.session(&fresh.token, "127.0.0.1").await.is_err(),
            "{name}: other sessions end"
        );
        assert!(app.session(&changed.token, "127.0.0.1").await.is_ok());
        // The role's scope is required.
        let bad = AccountForm {
            role: "county".into(),
            username: "c1".into(),
            region_code: None,
            ..form.clone()
        };
        match app.create_account(&admin, &bad, "Initial-Pass1").await {
            Err(AppError::Invalid(errors)) => assert!(errors.iter().any(|e| e.field == "region_code")),
            other => panic!("{other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn scopes_limit_every_list_and_refusals_are_audited() {
    each(async |app, name| {
        seeded(&app).await;
        let q = EnterpriseQuery {
            page: 1,
            per_page: 200,
            ..Default::default()
        };
        let city = login(&app, "city").await;
        let all = app.list_enterprises(&city, &q).await.unwrap();
        assert!(all.total >= 120, "{name}");
        let county = login(&app, "yicheng").await;
        let page = app.list_enterprises(&county, &q).await.unwrap();
        assert!(page.total > 0 && page.total < all.total);
        assert!(
            page.rows.iter().all(|r| r.region_code == "411702"),
            "{name}: county scope"
        );
        let ent = login(&app, "qiye").await;
        let own = app.list_enterprises(&ent, &q).await.unwrap();
        assert_eq!(own.total, 1, "{name}: an enterprise sees itself only");
        let own_id = own.rows[0].id;
        let other = all.rows.iter().find(|r| r.id != own_id).unwrap().id;
        // Changing the id in the URL: refused and audited.
        assert!(matches!(
            app.enterprise_detail(&ent, other, 0).await,
            Err(AppError::Forbidden(_))
        ));
        let e = last_audit(&app).await;
        assert_eq!(
            (e.action.as_str(), e.outcome.as_str(), e.object_id.clone()),
            ("enterprise.view", "denied", other.to_string())
        );
        assert!(app.enterprise_detail(&ent, own_id, 0).await.is_ok());
        // A county officer reading another county's enterprise.
        let elsewhere = all.rows.iter().find(|r| r.region_code != "411702").unwrap().id;
        assert!(
            matches!(
                app.enterprise_detail(&county, elsewhere, 0).await,
                Err(AppError::Forbidden(_))
            ),
            "{name}"
        );
        // The system administrator and the auditor see no business data.
        for who in ["admin", "auditor"] {
            let a = login(&app, who).await;
            assert!(
                matches!(app.list_enterprises(&a, &q).await, Err(AppError::Forbidden(_))),
                "{name} {who}"
            );
            assert!(matches!(app.list_clusters(&a).await, Err(AppError::Forbidden(_))));
        }
        // Only the auditor reads the audit trail; only the admin manages accounts.
        assert!(matches!(
            app.search_audit(&city, &Default::default(), 1, 50).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.list_accounts(&city).await,
            Err(AppError::Forbidden(_))
        ));
        let auditor = login(&app, "auditor").await;
        let (entries, total) = app
            .search_audit(&auditor, &Default::default(), 1, 50)
            .await
            .unwrap();
        assert!(total > 10 && !entries.is_empty());
        assert_eq!(
            app.verify_audit(&auditor).await.unwrap(),
            audit::Verification::Intact {
                entries: total,
                unkeyed: total
            },
            "{name}"
        );
    })
    .await;
}

#[tokio::test]
async fn department_sees_only_its_own_figures() {
    each(async |app, name| {
        seeded(&app).await;
        let tax = login(&app, "tax").await;
        let q = EnterpriseQuery {
            page: 1,
            per_page: 10,
            ..Default::default()
        };
        let id = app.list_enterprises(&tax, &q).await.unwrap().rows[0].id;
        let d = app.enterprise_detail(&tax, id, 0).await.unwrap();
        assert_eq!(
            d.figures.iter().map(|f| f.field.id()).collect::<Vec<_>>(),
            ["tax_paid"],
            "{name}"
        );
        assert!(matches!(
            app.figure_history(&tax, id, d.year, mujun_domain::Field::MainRevenue)
                .await,
            Err(AppError::Forbidden(_))
        ));
        let city = login(&app, "city").await;
        assert_eq!(
            app.enterprise_detail(&city, id, 0).await.unwrap().figures.len(),
            12
        );
    })
    .await;
}

#[tokio::test]
async fn registry_edits_are_validated_versioned_and_audited() {
    each(async |app, name| {
        seeded(&app).await;
        let city = login(&app, "city").await;
        let form = EnterpriseForm {
            credit_code: "91110000600037341L".into(),
            name: "新登记机械有限公司".into(),
            region_code: "411702".into(),
            industry_code: "C3412".into(),
            production_start: "2018-06-01".into(),
            status: "operating".into(),
            ..Default::default()
        };
        let bad = EnterpriseForm {
            credit_code: "91110000600037341M".into(),
            industry_code: "99".into(),
            ..form.clone()
        };
        match app.create_enterprise(&city, &bad).await {
            Err(AppError::Invalid(errors)) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
                assert_eq!(fields, ["credit_code", "industry_code"], "{name}");
            }
            other => panic!("{other:?}"),
        }
        let early = EnterpriseForm {
            accept_checksum_mismatch: true,
            ..bad.clone()
        };
        assert!(
            matches!(
                app.create_enterprise(&city, &early).await,
                Err(AppError::Invalid(_))
            ),
            "industry still wrong"
        );
        // The unfiltered list's total is kept for a while; a registration through this server
        // must show at once, and so must a move to another county in that county's list.
        let all = EnterpriseQuery {
            page: 1,
            per_page: 10,
            ..Default::default()
        };
        let county = login(&app, "yicheng").await;
        let before = app.list_enterprises(&city, &all).await.unwrap().total;
        let county_before = app.list_enterprises(&county, &all).await.unwrap().total;
        let id = app.create_enterprise(&city, &form).await.unwrap();
        assert_eq!(last_audit(&app).await.action, "enterprise.create");
        assert_eq!(
            app.list_enterprises(&city, &all).await.unwrap().total,
            before + 1,
            "{name}: total after a registration"
        );
        assert_eq!(
            app.list_enterprises(&county, &all).await.unwrap().total,
            county_before + 1
        );
        assert!(matches!(
            app.create_enterprise(&city, &form).await,
            Err(AppError::Store(mujun_store::StoreError::Duplicate(_)))
        ));
        let edited = EnterpriseForm {
            name: "新登记机械股份有限公司".into(),
            region_code: "411721".into(),
            ..form.clone()
        };
        app.update_enterprise(&city, id, 1, &edited).await.unwrap();
        let e = last_audit(&app).await;
        assert_eq!(
            app.list_enterprises(&county, &all).await.unwrap().total,
            county_before,
            "{name}: moved to another county"
        );
        assert!(
            e.detail.contains("新登记机械股份有限公司"),
            "{name}: {}",
            e.detail
        );
        assert!(matches!(
            app.update_enterprise(&city, id, 1, &edited).await,
            Err(AppError::Store(mujun_store::StoreError::Conflict(_)))
        ));
        assert!(matches!(
            app.update_enterprise(&county, id, 2, &edited).await,
            Err(AppError::Forbidden(_))
        ));
        let mut c = app.store().read().await.unwrap();
        assert_eq!(
            enterprises::get(&mut c, id, &mujun_store::Scope::All)
                .await
                .unwrap()
                .unwrap()
                .version,
            2
        );
    })
    .await;
}

#[tokio::test]
async fn demo_seed_only_into_an_empty_database() {
    each(async |app, name| {
        let seed = app.seed_demo(60, 9).await.unwrap().unwrap();
        assert_eq!(seed.years, vec![2022, 2023, 2024]);
        assert!(seed.enterprises >= 60, "{name}");
        assert!(
            app.seed_demo(60, 9).await.unwrap().is_none(),
            "{name}: second seed refused"
        );
        let city = login(&app, "city").await;
        let clusters = app.list_clusters(&city).await.unwrap();
        assert_eq!(clusters.len(), 11);
        let q = EnterpriseQuery {
            filter: enterprises::ListFilter {
                class: Some("A".into()),
                ..Default::default()
            },
            page: 1,
            per_page: 50,
            ..Default::default()
        };
        assert!(
            app.list_enterprises(&city, &q).await.unwrap().total > 0,
            "{name}: classes seeded"
        );
    })
    .await;
}

#[tokio::test]
async fn a_cluster_merges_only_into_a_current_cluster_without_loops() {
    use mujun_app::registry::clusters::ClusterForm;
    each(async |app, name| {
        seeded(&app).await;
        let city = login(&app, "city").await;
        let list = app.list_clusters(&city).await.unwrap();
        let (a, b) = (&list[0].cluster, &list[1].cluster);
        let form = |c: &mujun_store::clusters::Cluster, status: &str, into: Option<i64>| ClusterForm {
            name: c.name.clone(),
            region_code: c.region_code.clone(),
            star_level: String::new(),
            leading_industries: String::new(),
            planned_area_mu: String::new(),
            status: status.into(),
            merged_into: into,
        };
        assert!(
            matches!(
                app.update_cluster(&city, a.id, a.version, &form(a, "merged", Some(999_999)))
                    .await,
                Err(AppError::Invalid(_))
            ),
            "{name}: unknown target"
        );
        assert!(matches!(
            app.update_cluster(&city, a.id, a.version, &form(a, "merged", Some(a.id)))
                .await,
            Err(AppError::Invalid(_))
        ));
        app.update_cluster(&city, a.id, a.version, &form(a, "merged", Some(b.id)))
            .await
            .unwrap();
        // b into a would loop (a is merged into b), and a is no longer current anyway.
        assert!(
            matches!(
                app.update_cluster(&city, b.id, b.version, &form(b, "merged", Some(a.id)))
                    .await,
                Err(AppError::Invalid(_))
            ),
            "{name}"
        );
        let (_, events) = app.get_cluster(&city, a.id).await.unwrap();
        assert!(
            events.iter().any(|e| e.detail.contains("正常 → 已合并")),
            "{name}: status labels in Chinese"
        );
    })
    .await;
}
