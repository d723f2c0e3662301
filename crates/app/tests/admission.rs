//! 产业准入负面清单 and project admission review (issue 13, item 6) on SQLite and PostgreSQL: the
//! demo's example lists, a new version saved by the cluster's committee (history kept, audited),
//! a wrong row refused with its row, column and value and nothing stored, reviews decided by the
//! most specific code, and who may do what.
#![allow(clippy::unwrap_used)]

use mujun_app::admission::{EntryForm, ListForm, ReviewForm};
use mujun_app::{Actor, App, AppError, HashCost, Security};
use mujun_store::{audit, clusters, testing};

async fn each(f: impl AsyncFn(App, &'static str)) {
    for t in testing::all().await {
        let app = App::new(
            t.store.clone(),
            Security {
                hash_cost: HashCost::TEST,
                require_totp: false,
                ..Security::default()
            },
        );
        app.seed_demo(60, 3).await.unwrap().unwrap();
        f(app, t.name).await;
        t.cleanup().await;
    }
}

async fn login(app: &App, user: &str) -> Actor {
    app.login(user, mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor
}

async fn cluster_id(app: &App, name: &str) -> i64 {
    let mut c = app.store().read().await.unwrap();
    clusters::get_by_name(&mut c, name).await.unwrap().unwrap().id
}

fn row(code: &str, rule: &str, investment: &str, basis: &str) -> EntryForm {
    EntryForm {
        code: code.into(),
        rule: rule.into(),
        min_investment_per_mu: investment.into(),
        basis: basis.into(),
        ..EntryForm::default()
    }
}

fn project(cluster_id: i64, code: &str, investment: &str) -> ReviewForm {
    ReviewForm {
        cluster_id,
        project_name: "年产 5 万吨新材料项目".into(),
        industry_code: code.into(),
        investment: investment.into(),
        land_mu: "100".into(),
        expected_tax: "2500".into(),
        energy_tce: "3000".into(),
    }
}

async fn audited(app: &App, action: &str) -> usize {
    let mut c = app.store().read().await.unwrap();
    let f = audit::Filter {
        action: Some(action.into()),
        outcome: Some("ok".into()),
        ..Default::default()
    };
    audit::search(&mut c, &f, 100, 0).await.unwrap().0.len()
}

#[tokio::test]
async fn a_cluster_keeps_its_list_and_projects_are_reviewed_by_the_most_specific_code() {
    each(async |app, name| {
        let zhuangbei = cluster_id(&app, "驻马店装备产业集聚区").await;
        let chemical_park = cluster_id(&app, "驻马店市产业集聚区").await;
        let city = login(&app, "city").await;
        // The demo's example lists: chemicals banned in the chemical park, restricted elsewhere.
        let park = app.negative_list(&city, chemical_park).await.unwrap();
        let chem = park.entries.iter().find(|e| e.code == "26").unwrap();
        assert_eq!(chem.rule_label, "禁止", "{name}");
        assert!(park.versions[0].3, "{name}: marked as an example");
        let own = app.negative_list(&city, zhuangbei).await.unwrap();
        assert_eq!(
            own.entries.iter().find(|e| e.code == "26").unwrap().rule_label,
            "限制"
        );

        // The cluster's committee saves a new version: 26 banned, 2614 restricted.
        let committee = login(&app, "zhuangbei").await;
        let form = ListForm {
            basis: "驻装管〔2025〕3 号".into(),
            min_investment_per_mu: "200".into(),
            min_tax_per_mu: "15".into(),
            entries: vec![
                row("26", "banned", "", "不再新上化工项目"),
                row("2614", "restricted", "300", "有机化学原料限于产业链配套"),
                EntryForm::default(),
            ],
        };
        assert_eq!(
            app.save_negative_list(&committee, zhuangbei, &form)
                .await
                .unwrap(),
            2
        );
        let now = app.negative_list(&city, zhuangbei).await.unwrap();
        assert_eq!(now.versions.len(), 2, "{name}: the example stays as version 1");
        assert_eq!(now.entries.len(), 2);
        assert_eq!(now.entries[1].conditions, "投资强度 ≥ 300.00 万元/亩");
        assert_eq!(audited(&app, "negative_list.save").await, 1);

        // A wrong row: refused with its row, column and value; nothing stored.
        let bad = ListForm {
            entries: vec![row("26", "banned", "", ""), row("2X14", "banned", "", "")],
            ..form.clone()
        };
        let Err(AppError::Invalid(problems)) = app.save_negative_list(&committee, zhuangbei, &bad).await
        else {
            panic!("{name}: a bad code must be refused");
        };
        assert!(
            problems[0].message.contains("第 2 行") && problems[0].message.contains("2X14"),
            "{name}: {problems:?}"
        );
        assert_eq!(
            app.negative_list(&city, zhuangbei).await.unwrap().versions.len(),
            2
        );

        // Reviews: 2614 with enough investment is admitted under the condition; 2619 is banned
        // by the 大类; 3399 is outside the list and meets the 标准地 minimums.
        let r = app
            .review_project(&committee, &project(zhuangbei, "2614", "30000"))
            .await
            .unwrap();
        assert_eq!((r.verdict_label, r.list_version), ("有条件准入", 2), "{name}");
        let r = app
            .review_project(&committee, &project(zhuangbei, "2614", "29999"))
            .await
            .unwrap();
        assert_eq!(r.verdict_label, "不予准入", "{name}");
        assert!(r.review.reasons.contains("299.99"), "{}", r.review.reasons);
        let r = app
            .review_project(&city, &project(zhuangbei, "2619", "30000"))
            .await
            .unwrap();
        assert!(
            r.verdict_label == "不予准入" && r.review.reasons.contains("禁止类（26"),
            "{name}"
        );
        let r = app
            .review_project(&city, &project(zhuangbei, "3399", "30000"))
            .await
            .unwrap();
        assert_eq!(r.verdict_label, "准入", "{name}");
        // Below the 标准地 minimum 投资强度 (200 万元/亩): refused whatever the industry.
        let r = app
            .review_project(&city, &project(zhuangbei, "3399", "19999"))
            .await
            .unwrap();
        assert!(
            r.verdict_label == "不予准入" && r.review.reasons.contains("标准地"),
            "{name}"
        );
        assert_eq!(audited(&app, "admission.review").await, 5);
        // The county's officers review for their clusters; the reviews list shows them.
        let county = login(&app, "yicheng").await;
        app.review_project(&county, &project(zhuangbei, "3399", "30000"))
            .await
            .unwrap();
        let seen = app.admission_reviews(&county, 50).await.unwrap();
        assert_eq!(seen.len(), 6, "{name}");
        assert_eq!(seen[0].cluster_name, "驻马店装备产业集聚区");

        // Who may not: another cluster's committee, a department, an enterprise.
        let other = cluster_id(&app, "遂平县产业集聚区").await;
        assert!(matches!(
            app.save_negative_list(&committee, other, &form).await,
            Err(AppError::Forbidden(_) | AppError::NotFound(_))
        ));
        let tax = login(&app, "tax").await;
        assert!(matches!(
            app.save_negative_list(&tax, zhuangbei, &form).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.review_project(&tax, &project(zhuangbei, "3399", "30000"))
                .await,
            Err(AppError::Forbidden(_))
        ));
        let qiye = login(&app, "qiye").await;
        assert!(matches!(
            app.negative_list(&qiye, zhuangbei).await,
            Err(AppError::Forbidden(_))
        ));
        // A bad project is refused in words, nothing kept.
        let Err(AppError::Invalid(p)) = app
            .review_project(
                &city,
                &ReviewForm {
                    industry_code: "99999".into(),
                    land_mu: "0".into(),
                    ..project(zhuangbei, "", "1")
                },
            )
            .await
        else {
            panic!("{name}");
        };
        assert!(
            p.iter()
                .any(|e| e.field == "land_mu" && e.message.contains("大于 0")),
            "{p:?}"
        );
        assert_eq!(audited(&app, "admission.review").await, 6);
    })
    .await;
}
