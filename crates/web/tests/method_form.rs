//! A method edited in a form (issue 12): weights that must add up to 100, shares in percent,
//! bonus points; the file written back and validated; refused with the problem named; city
//! administrator only. On both databases.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn the_city_moves_weight_in_the_method_form() {
    each(async |s| {
        let city = s.login("city").await;
        let page = s.get("/methods?method=preset%3Ahenan-2019", Some(&city)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.name);
        assert!(
            page.body.contains("data-testid=\"method-form\"") && page.body.contains("亩均税收权重（%）"),
            "{}",
            s.name
        );
        let fields = |tax: &'static str| {
            vec![
                ("based_on", "preset:henan-2019"),
                ("name", "本市亩均效益评价办法（2025）"),
                ("id", "city-2025"),
                ("g0.w.tax_per_mu", tax),
                ("g0.w.profit_per_mu", "5"),
                ("g0.a_share", "20"),
                ("bonus.high_tech", "4"),
            ]
        };
        // 45 + 5 + 20 + 15 + 15 = 100; 50 makes 105.
        let res = s.post("/methods/form", Some(&city), &fields("50")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(
            res.body.contains("规上组的指标权重合计为 105，应为 100"),
            "{}: {}",
            s.name,
            res.body
        );
        assert!(
            res.body.contains("value=\"50\""),
            "{}: what was sent is kept",
            s.name
        );
        let res = s.post("/methods/form", Some(&city), &fields("45")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.name, res.body);
        let a = s.app.login("city", PASSWORD, "ip", None).await.unwrap().actor;
        let saved = s.app.list_methods(&a).await.unwrap();
        let mine = saved.iter().find(|m| m.method_id == "city-2025").unwrap();
        assert_eq!(mine.name, "本市亩均效益评价办法（2025）");
        let method =
            mujun_engine::Method::parse(&s.app.method_source(&a, &mine.reference).await.unwrap()).unwrap();
        let weights: Vec<f64> = method.groups[0].indicators.iter().map(|i| i.weight).collect();
        assert_eq!(weights, vec![45.0, 5.0, 20.0, 15.0, 15.0], "{}", s.name);
        assert!(
            method
                .bonus_points
                .iter()
                .any(|(id, p)| id == "high_tech" && *p == 4.0)
        );
        // An indicator added to 规下 with a fixed benchmark, through the same form.
        let mut add = fields("45");
        add.extend([
            ("g1.w.tax_per_mu", "70"),
            ("g1.w.value_added_per_mu", "30"),
            ("g1.b.value_added_per_mu", "80"),
            ("id", "city-2025b"),
        ]);
        add.retain(|(k, v)| *k != "id" || *v == "city-2025b");
        let res = s.post("/methods/form", Some(&city), &add).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.name, res.body);
        let saved = s.app.list_methods(&a).await.unwrap();
        let added = saved.iter().find(|m| m.method_id == "city-2025b").unwrap();
        let method =
            mujun_engine::Method::parse(&s.app.method_source(&a, &added.reference).await.unwrap()).unwrap();
        let below: Vec<&str> = method.groups[1].indicators.iter().map(|i| i.id.id()).collect();
        assert_eq!(below, ["tax_per_mu", "value_added_per_mu"], "{}", s.name);
        // Nobody else.
        let tax = s.login("tax").await;
        let res = s.post("/methods/form", Some(&tax), &fields("45")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", s.name);
    })
    .await;
}
