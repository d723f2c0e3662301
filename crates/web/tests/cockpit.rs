//! The cockpit (issue 12): the home of the business roles, its numbers checked against the
//! stored figures, scoped to the caller, with a year switch; on both databases.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use common::*;

/// 亩均税收 of the year over the enterprises with land, from the stored figures: per county and
/// for the whole city.
async fn expected(s: &TestServer, year: i64) -> (f64, HashMap<String, f64>) {
    let mut c = s.app.store().read().await.unwrap();
    let values = mujun_store::figures::current_values(&mut c, year).await.unwrap();
    let all = mujun_store::registry::all_by_code(&mut c).await.unwrap();
    let region: HashMap<i64, String> = all.values().map(|e| (e.id, e.region_code.clone())).collect();
    let mut per: HashMap<i64, (f64, f64)> = HashMap::new();
    for (e, f, v) in values {
        let Some(v) = v else { continue };
        let slot = per.entry(e).or_default();
        match f.as_str() {
            "land_area_mu" => slot.0 += v,
            "tax_paid" => slot.1 += v,
            _ => {}
        }
    }
    let mut by_region: HashMap<String, (f64, f64)> = HashMap::new();
    let (mut land, mut tax) = (0.0, 0.0);
    for (e, (l, t)) in per {
        if l > 0.0 {
            land += l;
            tax += t;
            let r = by_region.entry(region[&e].clone()).or_default();
            r.0 += l;
            r.1 += t;
        }
    }
    (
        tax / land,
        by_region.into_iter().map(|(k, (l, t))| (k, t / l)).collect(),
    )
}

fn shown(v: f64) -> String {
    mujun_app::evaluation::format::number(v, 2)
}

#[tokio::test]
async fn the_cockpit_shows_the_citys_numbers_and_each_scope_its_own() {
    each(async |s| {
        let city = s.login("city").await;
        let page = s.get("/", Some(&city)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.name);
        for id in ["kpis", "map", "ranking", "trend"] {
            assert!(
                page.body.contains(&format!("data-testid=\"{id}\"")),
                "{}: {id}",
                s.name
            );
        }
        let year = s
            .app
            .dashboard(&s.app.login("city", PASSWORD, "ip", None).await.unwrap().actor)
            .await
            .unwrap()
            .year;
        let (city_value, counties) = expected(s, year).await;
        assert!(
            page.body.contains(&format!("{} 万元/亩", shown(city_value))),
            "{}: the city's 亩均税收 {city_value}",
            s.name
        );
        let yicheng = counties["411702"];
        assert!(
            page.body
                .contains(&format!("驿城区：亩均税收 {yicheng:.2} 万元/亩")),
            "{}",
            s.name
        );
        assert!(page.body.contains("目标 15 万元/亩"), "{}", s.name);

        // The header finds an enterprise by name or code from any page.
        assert!(
            page.body.contains("action=\"/enterprises\" class=\"search\""),
            "{}",
            s.name
        );
        let icon = s.get("/static/favicon.svg", None).await;
        assert_eq!(icon.status, StatusCode::OK);
        assert!(icon.body.starts_with("<svg"));

        // A county officer: its county only.
        let county = s.login("yicheng").await;
        let page = s.get("/", Some(&county)).await;
        assert!(page.body.contains("驿城区：亩均税收"), "{}", s.name);
        assert!(
            !page.body.contains("西平县：亩均税收"),
            "{}: another county",
            s.name
        );
        assert!(
            page.body.contains(&format!("{} 万元/亩", shown(yicheng))),
            "{}: the county's own 亩均税收 is its total",
            s.name
        );

        // The year switch.
        let before = s.get(&format!("/?year={}", year - 1), Some(&city)).await;
        assert!(
            before.body.contains(&format!(
                "<strong class=\"tag\" aria-current=\"true\">{}</strong>",
                year - 1
            )),
            "{}",
            s.name
        );
        let (last, _) = expected(s, year - 1).await;
        assert!(
            before.body.contains(&format!("{} 万元/亩", shown(last))),
            "{}",
            s.name
        );

        // A department officer's to-do list: its task of the open round, past its deadline.
        let city_actor = s.app.login("city", PASSWORD, "ip", None).await.unwrap().actor;
        let depts = s.app.reference(&city_actor).await.unwrap().departments;
        let tax_dept = depts.iter().find(|d| d.code == "tax").unwrap().id;
        s.app
            .open_round(&city_actor, year + 1, "", &[(tax_dept, "2020-01-01".into())])
            .await
            .unwrap();
        let tax = s.login("tax").await;
        let page = s.get("/", Some(&tax)).await;
        assert!(page.body.contains("data-testid=\"todo\""), "{}", s.name);
        assert!(
            page.body.contains("未报送，截止 2020-01-01") && page.body.contains("已逾期"),
            "{}",
            s.name
        );
        // The department's task is not the city's; the city's to-do holds the land deadlines
        // it answers for (the demo's idle-land and exit cases).
        let city_home = s.get("/", Some(&city)).await.body;
        assert!(!city_home.contains("未报送，截止 2020-01-01"), "{}", s.name);
        assert!(
            city_home.contains("闲置土地处置：") && city_home.contains("项目退出："),
            "{}",
            s.name
        );

        // The enterprise's home is not the cockpit; the administrators' neither.
        for other in ["qiye", "admin", "auditor"] {
            let b = s.login(other).await;
            let page = s.get("/", Some(&b)).await;
            assert_eq!(page.status, StatusCode::OK, "{}: {other}", s.name);
            assert!(!page.body.contains("data-testid=\"kpis\""), "{}: {other}", s.name);
        }
    })
    .await;
}

#[tokio::test]
async fn an_enterprise_sees_its_own_record_on_its_home() {
    each(async |s| {
        let qiye = s.app.login("qiye", PASSWORD, "ip", None).await.unwrap().actor;
        let own = qiye.enterprise_id.unwrap();
        // Before any run: its classes and its figures to check, no score.
        let b = s.login("qiye").await;
        let page = s.get("/", Some(&b)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.name);
        assert!(
            page.body.contains("data-testid=\"enterprise-home\"")
                && page.body.contains("尚无公示或发布的评价结果"),
            "{}",
            s.name
        );
        // A run in its notice: the class, rank, indicators against benchmarks and the way up.
        let (run, _) = run_in_notice(s, None).await;
        let card = s.app.score_card(&qiye, run, own).await.unwrap();
        let page = s.get("/", Some(&b)).await;
        let label = mujun_app::evaluation::format::class_label(&card.result.final_class);
        assert!(page.body.contains(&label), "{}: its class {label}", s.name);
        if let (Some(k), Some(n)) = (card.result.rank, card.result.pool_size) {
            assert!(
                page.body.contains(&format!("第 {k} 名 / 共 {n} 家")),
                "{}",
                s.name
            );
        }
        assert!(page.body.contains("data-testid=\"versus\""), "{}", s.name);
        for d in &card.detail.indicators {
            if let Some(r) = d.ratio {
                assert!(
                    page.body.contains(&format!("{r:.2} 倍")),
                    "{}: {} ratio {r}",
                    s.name,
                    d.id
                );
            }
        }
        assert!(page.body.contains(&card.what_if_text()), "{}", s.name);
        for l in &card.levers {
            assert!(page.body.contains(&l.text()), "{}: {}", s.name, l.lever);
        }
        // Another role's home is not an enterprise's.
        let tax = s.login("tax").await;
        assert!(
            !s.get("/", Some(&tax))
                .await
                .body
                .contains("data-testid=\"enterprise-home\"")
        );
    })
    .await;
}
