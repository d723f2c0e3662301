//! The negative-list and admission-review pages (issue 13, item 6) on both databases: the
//! cluster's committee saves a new version through the form (a wrong row comes back with its
//! row and value, nothing stored), and a county officer reviews a project and reads the verdict.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn the_committee_edits_its_list_and_the_county_reviews_a_project() {
    each(async |s| {
        let name = s.name;
        let zb = cluster_id(s, "驻马店装备产业集聚区").await;
        let committee = s.login("zhuangbei").await;
        let path = format!("/clusters/{zb}/negative-list");
        let page = s.get(&path, Some(&committee)).await;
        assert_eq!(page.status, StatusCode::OK, "{name}");
        assert!(
            page.body.contains("示例，非正式发布") && page.body.contains("data-code=\"26\""),
            "{name}: the demo's example list"
        );
        let detail = s.get(&format!("/clusters/{zb}"), Some(&committee)).await;
        assert!(
            detail.body.contains(&format!("href=\"{path}\"")),
            "{name}: linked from the cluster"
        );
        // A wrong code in the second row: refused, named, kept in the form, nothing stored.
        let fields = |code: &'static str| {
            vec![
                ("basis", "驻装管〔2025〕3 号"),
                ("min_investment_per_mu", "200"),
                ("min_tax_per_mu", "15"),
                ("code_0", "26"),
                ("rule_0", "banned"),
                ("basis_0", "不再新上化工项目"),
                ("code_1", code),
                ("rule_1", "restricted"),
                ("inv_1", "300"),
                ("basis_1", "产业链配套"),
            ]
        };
        let res = s.post(&path, Some(&committee), &fields("26X4")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            res.body.contains("第 2 行") && res.body.contains("26X4") && res.body.contains("value=\"26X4\""),
            "{name}: {}",
            res.body
        );
        let res = s.post(&path, Some(&committee), &fields("2614")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{name}: {}", res.body);
        let page = s.get(&path, Some(&committee)).await;
        assert!(
            page.body.contains("第 2 版")
                && page.body.contains("data-code=\"2614\"")
                && page.body.contains("历史版本"),
            "{name}"
        );

        // The county reviews a 2614 project: admitted under the condition.
        let county = s.login("yicheng").await;
        let form = s.get("/admission", Some(&county)).await;
        assert_eq!(form.status, StatusCode::OK, "{name}");
        let zb_text = zb.to_string();
        let review = |code: &'static str, investment: &'static str| {
            vec![
                ("cluster_id", zb_text.as_str()),
                ("project_name", "年产 5 万吨新材料项目"),
                ("industry_code", code),
                ("investment", investment),
                ("land_mu", "100"),
                ("expected_tax", "2500"),
                ("energy_tce", "3000"),
            ]
        };
        let res = s
            .post("/admission", Some(&county), &review("2614", "30000"))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{name}");
        assert!(
            res.body.contains("审查结论：有条件准入") && res.body.contains("投资强度不低于 300 万元/亩"),
            "{name}: {}",
            res.body
        );
        let res = s
            .post("/admission", Some(&county), &review("2619", "30000"))
            .await;
        assert!(
            res.body.contains("审查结论：不予准入") && res.body.contains("禁止类（26"),
            "{name}"
        );
        let res = s.post("/admission", Some(&county), &review("2619", "三万")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(res.body.contains("“三万”"), "{name}");
        let list = s.get("/admission", Some(&county)).await;
        assert_eq!(
            list.body.matches("年产 5 万吨新材料项目").count(),
            2,
            "{name}: two reviews kept"
        );
    })
    .await;
}
