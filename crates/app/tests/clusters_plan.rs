//! Cluster indicators, the assessment runs and the plan targets (issue 14) on SQLite and
//! PostgreSQL, on the demo's data.
#![allow(clippy::unwrap_used)]

mod common;

use common::login;
use mujun_app::clusters_plan::assessments::State;
use mujun_app::clusters_plan::indicators::DataForm;
use mujun_app::{App, AppError};
use mujun_cluster::indicators::Indicator;
use mujun_store::audit;

async fn each(f: impl AsyncFn(App, &'static str)) {
    common::each_demo(200, 9, f).await;
}

fn value(v: &[mujun_cluster::indicators::Value], i: Indicator) -> Option<f64> {
    v.iter().find(|x| x.indicator == i).and_then(|x| x.value)
}

#[tokio::test]
async fn indicators_come_from_the_enterprises_and_the_supplied_data() {
    each(async |app, db| {
        let city = login(&app, "city").await;
        let stats = login(&app, "stats").await;
        let tax = login(&app, "tax").await;
        let v = app.cluster_indicators(&city, None).await.unwrap();
        let year = v.year.unwrap();
        assert_eq!(v.clusters.len(), 11, "{db}");
        // The city's 亩均税收 is its clusters' tax over their land, not an average of ratios.
        let mut tax_sum = 0.0;
        let mut land_sum = 0.0;
        for k in &v.clusters {
            let d = &k
                .values
                .iter()
                .find(|x| x.indicator == Indicator::TaxPerMu)
                .unwrap()
                .derivation;
            let nums: Vec<f64> = d
                .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .filter_map(|s| s.parse().ok())
                .collect();
            tax_sum += nums[0];
            land_sum += nums[1];
        }
        let city_tax = value(&v.city, Indicator::TaxPerMu).unwrap();
        assert!(
            (city_tax - tax_sum / land_sum).abs() < 1e-3,
            "{city_tax} vs {}",
            tax_sum / land_sum
        );
        assert!(
            v.clusters
                .iter()
                .all(|k| value(&k.values, Indicator::RetrofitRate).is_some())
        );
        assert!(
            value(&v.city, Indicator::EnergyDecline).is_some(),
            "the demo has a price index"
        );

        // The statistics bureau enters the city's price index; the tax department may not.
        assert!(v.may_supply.len() == 9);
        let form = DataForm {
            cluster_id: 0,
            year,
            item: "price_index".into(),
            value: "103.5".into(),
            note: "统计局月报".into(),
        };
        assert!(matches!(
            app.supply_cluster_data(&tax, &form).await,
            Err(AppError::Forbidden(_))
        ));
        let e = app
            .supply_cluster_data(
                &stats,
                &DataForm {
                    value: "300".into(),
                    ..form.clone()
                },
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("50 至 200"), "{e}");
        let e = app
            .supply_cluster_data(
                &stats,
                &DataForm {
                    item: "retrofitted_above".into(),
                    ..form.clone()
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(e, AppError::Forbidden(_)),
            "statistics does not own retrofit counts: {e}"
        );
        app.supply_cluster_data(&stats, &form).await.unwrap();
        let after = app.cluster_indicators(&stats, Some(year)).await.unwrap();
        assert_eq!(after.price_index, Some(103.5));
        assert!(
            after.history.iter().any(|h| h.3.contains("已被更新")),
            "history kept"
        );
        assert_ne!(
            value(&after.city, Indicator::EnergyDecline),
            value(&v.city, Indicator::EnergyDecline)
        );
        let mut c = app.store().read().await.unwrap();
        let f = audit::Filter {
            action: Some("clusters.supply".into()),
            ..Default::default()
        };
        assert_eq!(audit::search(&mut c, &f, 10, 0).await.unwrap().0.len(), 3, "{db}");
        drop(c);
        // An enterprise does not read cluster indicators.
        let qiye = login(&app, "qiye").await;
        assert!(matches!(
            app.cluster_indicators(&qiye, None).await,
            Err(AppError::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn an_assessment_is_approved_by_the_leader_and_published_by_the_city() {
    each(async |app, db| {
        let city = login(&app, "city").await;
        let leader = login(&app, "leader").await;
        let county = login(&app, "yicheng").await;
        let all = app.cluster_assessments(&city).await.unwrap();
        assert_eq!(all.len(), 2, "{db}: a published one and a draft");
        let draft = all.iter().find(|a| a.state == State::Draft).unwrap().clone();
        let published = all.iter().find(|a| a.state == State::Published).unwrap().clone();
        assert_eq!(draft.year, published.year + 1);
        // The county sees only the published one.
        let seen = app.cluster_assessments(&county).await.unwrap();
        assert_eq!(seen.iter().map(|a| a.id).collect::<Vec<_>>(), [published.id]);
        assert!(matches!(
            app.cluster_assessment(&county, draft.id).await,
            Err(AppError::Forbidden(_))
        ));
        let v = app.cluster_assessment(&city, draft.id).await.unwrap();
        assert_eq!(v.results.len(), 11);
        let ranks: Vec<i64> = v.results.iter().map(|r| r.rank).collect();
        assert_eq!(ranks[0], 1);
        assert!(
            v.results
                .windows(2)
                .all(|w| w[0].total >= w[1].total && w[0].rank <= w[1].rank)
        );
        assert!(
            v.results.iter().all(|r| r.movement != "首次评价"),
            "moves against the published year"
        );
        assert!(
            v.results
                .iter()
                .any(|r| r.measures.iter().any(|m| m.contains("表彰奖励")))
        );
        assert!(
            v.results
                .iter()
                .any(|r| r.measures.iter().any(|m| m.contains("不支持扩区")))
        );
        // Publishing needs the leader's approval first; the leader does not publish.
        let e = app
            .decide_cluster_assessment(&city, draft.id, v.version, "publish")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("须先经审定领导审定"), "{e}");
        assert!(matches!(
            app.decide_cluster_assessment(&city, draft.id, v.version, "approve")
                .await,
            Err(AppError::Forbidden(_))
        ));
        app.decide_cluster_assessment(&leader, draft.id, v.version, "approve")
            .await
            .unwrap();
        assert!(matches!(
            app.decide_cluster_assessment(&leader, draft.id, v.version + 1, "publish")
                .await,
            Err(AppError::Forbidden(_))
        ));
        let e = app
            .decide_cluster_assessment(&city, draft.id, v.version, "publish")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("已被他人修改"), "stale: {e}");
        app.decide_cluster_assessment(&city, draft.id, v.version + 1, "publish")
            .await
            .unwrap();
        assert_eq!(
            app.cluster_assessment(&county, draft.id).await.unwrap().state,
            State::Published
        );

        // The method is checked before it is kept; a new run uses it.
        let e = app.set_cluster_method(&city, "name = \"x\"\n").await.unwrap_err();
        assert!(e.to_string().contains("至少需要一个计分指标"), "{e}");
        let method =
            "name = \"只看亩均税收\"\n[[indicator]]\nid = \"tax_per_mu\"\nweight = 100\nbenchmark = 1000\n";
        app.set_cluster_method(&city, method).await.unwrap();
        let id = app
            .run_cluster_assessment(&city, draft.year, "按亩均税收试算")
            .await
            .unwrap();
        let only_tax = app.cluster_assessment(&city, id).await.unwrap();
        assert_eq!(only_tax.method_name, "只看亩均税收");
        assert!(
            only_tax
                .results
                .iter()
                .all(|r| r.points.len() == 1 && r.star.is_empty())
        );
        // Ranked by 亩均税收 alone.
        let ind = app.cluster_indicators(&city, Some(draft.year)).await.unwrap();
        let best = ind
            .clusters
            .iter()
            .max_by(|a, b| {
                value(&a.values, Indicator::TaxPerMu)
                    .partial_cmp(&value(&b.values, Indicator::TaxPerMu))
                    .unwrap()
            })
            .unwrap();
        assert_eq!(only_tax.results[0].name, best.name);
        assert!(matches!(
            app.run_cluster_assessment(&county, draft.year, "").await,
            Err(AppError::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn the_plan_targets_show_progress_and_a_projection() {
    each(async |app, db| {
        let city = login(&app, "city").await;
        let zhuangbei = login(&app, "zhuangbei").await;
        let targets = app.plan_targets(&city).await.unwrap();
        assert_eq!(targets.len(), 13, "{db}");
        // Loaded once: loading again is refused, and not by anyone but the city.
        assert!(matches!(
            app.load_plan_targets(&city).await,
            Err(AppError::Invalid(_))
        ));
        assert!(matches!(
            app.load_plan_targets(&zhuangbei).await,
            Err(AppError::Forbidden(_))
        ));
        let ind = app.cluster_indicators(&city, None).await.unwrap();
        let tax = targets
            .iter()
            .find(|t| t.level == "市级" && t.indicator == "亩均税收")
            .unwrap();
        assert_eq!(tax.series.len(), 3);
        assert_eq!(tax.latest, value(&ind.city, Indicator::TaxPerMu));
        assert_eq!((tax.target, tax.unit), (15.0, "万元/亩"));
        assert!(!tax.status.is_empty());
        let hundred = targets.iter().find(|t| t.indicator == "百亿级产业集群").unwrap();
        let tiers = ind.clusters.iter().filter(|k| !k.tier.is_empty()).count();
        assert_eq!(hundred.latest, Some(tiers as f64));
        // A cluster target of the city; its staff see it with the city's.
        let form = mujun_app::clusters_plan::targets::TargetForm {
            level: "cluster".into(),
            cluster_id: zhuangbei.cluster_id.unwrap(),
            document: "驻马店装备产业集聚区三年行动计划".into(),
            indicator: "tax_per_mu".into(),
            target_year: "2027".into(),
            value: "20".into(),
            note: String::new(),
        };
        assert!(matches!(
            app.add_plan_target(&zhuangbei, &form).await,
            Err(AppError::Forbidden(_))
        ));
        app.add_plan_target(&city, &form).await.unwrap();
        let theirs = app.plan_targets(&zhuangbei).await.unwrap();
        assert_eq!(theirs.len(), 14);
        let own = theirs.iter().find(|t| t.level == "集聚区").unwrap();
        assert_eq!(own.cluster, "驻马店装备产业集聚区");
        let line = ind.clusters.iter().find(|k| k.name == own.cluster).unwrap();
        assert_eq!(own.latest, value(&line.values, Indicator::TaxPerMu));
    })
    .await;
}
