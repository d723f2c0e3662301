//! 倒逼转型 (issue 14) on SQLite and PostgreSQL, on the demo's classes: the C enterprises of a
//! year per scope, a county's 一企一策 plan with its checks, progress kept as history, and the
//! outcome read from the next year's class.
#![allow(clippy::unwrap_used)]

mod common;

use common::login;
use mujun_app::transformation::{Outcome, PlanForm, ProgressForm};
use mujun_app::{App, AppError};
use mujun_domain::Date;

async fn each(f: impl AsyncFn(App, &'static str)) {
    common::each_demo(200, 5, f).await;
}

fn in_days(n: i64) -> String {
    let now = mujun_store::now_ms() / 1000 + 8 * 3600;
    Date::from_days_since_epoch(now.div_euclid(86_400) + n)
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_county_plans_for_its_c_enterprise_and_the_outcome_follows_the_next_class() {
    each(async |app, db| {
        let city = login(&app, "city").await;
        let yicheng = login(&app, "yicheng").await;
        let tax = login(&app, "tax").await;
        let all = app.c_ledger(&city, None).await.unwrap();
        let year = all.year.unwrap();
        let mine = app.c_ledger(&yicheng, Some(year)).await.unwrap();
        assert!(!mine.rows.is_empty(), "{db}");
        assert!(mine.rows.iter().all(|r| r.county == "驿城区"));
        assert!(mine.rows.len() < all.rows.len());
        let target = mine.rows.iter().find(|r| r.plan.is_none()).unwrap().enterprise_id;
        let outside = all
            .rows
            .iter()
            .find(|r| r.county != "驿城区")
            .unwrap()
            .enterprise_id;
        let form = |enterprise_id| PlanForm {
            enterprise_id,
            year,
            targets: "亩均税收提高到 3 万元/亩".into(),
            measures: "生产线智能化改造".into(),
            deadline: in_days(180),
            responsible: "区工信局 王某 副局长".into(),
        };
        // Out of scope: refused and audited; a department does not make plans.
        assert!(matches!(
            app.add_transformation_plan(&yicheng, &form(outside)).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.add_transformation_plan(&tax, &form(target)).await,
            Err(AppError::Forbidden(_))
        ));
        // Not a C enterprise of the year: bad input, not a refusal.
        let q = mujun_app::registry::enterprises::EnterpriseQuery {
            page: 1,
            per_page: 200,
            ..Default::default()
        };
        let mut not_c = None;
        for e in app.list_enterprises(&yicheng, &q).await.unwrap().rows {
            let class = app
                .class_history(&city, e.id)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.year == year)
                .map(|c| c.class);
            if class.as_deref() != Some("C") {
                not_c = Some(e.id);
                break;
            }
        }
        let e = app
            .add_transformation_plan(&yicheng, &form(not_c.unwrap()))
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains(&format!("不是 {year} 年度 C 类企业")),
            "{e}"
        );
        // A past deadline and empty fields.
        let e = app
            .add_transformation_plan(
                &yicheng,
                &PlanForm {
                    deadline: in_days(-1),
                    measures: " ".into(),
                    ..form(target)
                },
            )
            .await
            .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("应为今天之后的日期") && text.contains("请填写主要措施"),
            "{text}"
        );
        let id = app
            .add_transformation_plan(&yicheng, &form(target))
            .await
            .unwrap();
        // One plan per enterprise and year.
        assert!(
            app.add_transformation_plan(&yicheng, &form(target))
                .await
                .is_err()
        );
        let p = app.transformation_plan(&yicheng, id).await.unwrap();
        assert_eq!((p.year, p.outcome), (year, Outcome::Pending), "{db}");
        assert!(p.may_report, "the county reports on its own plan");
        assert!(
            !app.transformation_plan(&tax, id).await.unwrap().may_report,
            "a department reads it only"
        );
        assert_eq!(p.outcome_text, format!("待 {} 年度评价", year + 1));
        // Progress: stale refused, then done; history kept.
        let progress = |version, body: &str, done: &str| ProgressForm {
            version,
            body: body.into(),
            done: done.into(),
        };
        app.report_transformation(&yicheng, id, &progress(1, "设备已招标", ""))
            .await
            .unwrap();
        let e = app
            .report_transformation(&yicheng, id, &progress(1, "重复", ""))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("已被他人修改"), "{e}");
        app.report_transformation(&yicheng, id, &progress(2, "改造完成", "1"))
            .await
            .unwrap();
        let p = app.transformation_plan(&city, id).await.unwrap();
        assert!(p.done && p.history.len() == 2, "{db}");
        assert!(!p.may_report, "a plan done takes no more progress");
        assert!(
            app.report_transformation(&yicheng, id, &progress(3, "再报", ""))
                .await
                .is_err()
        );
        // The department reads it; another county does not.
        assert!(app.transformation_plan(&tax, id).await.is_ok());
        let suiping = login(&app, "suiping").await;
        assert!(matches!(
            app.transformation_plan(&suiping, id).await,
            Err(AppError::Forbidden(_))
        ));
        // Linked from the class history of the enterprise.
        assert!(
            app.transformation_plans_of(&city, target)
                .await
                .unwrap()
                .contains(&(year, id))
        );
        assert!(
            app.transformation_plans_of(&suiping, target)
                .await
                .unwrap()
                .is_empty()
        );

        // The demo's plans of the year before have their outcome from this year's class.
        let before = app.c_ledger(&city, Some(year - 1)).await.unwrap();
        let planned: Vec<_> = before.rows.iter().filter_map(|r| r.plan.as_ref()).collect();
        assert!(!planned.is_empty(), "{db}");
        for p in &planned {
            let class = app
                .class_history(&city, p.enterprise_id)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.year == year)
                .map(|c| c.class);
            let expected = match class.as_deref() {
                None => Outcome::Pending,
                Some("C") => Outcome::StillC,
                Some(_) => Outcome::Improved,
            };
            assert_eq!(p.outcome, expected, "{}", p.enterprise_name);
        }
        assert_eq!(
            before.improved,
            planned.iter().filter(|p| p.outcome == Outcome::Improved).count()
        );
    })
    .await;
}
