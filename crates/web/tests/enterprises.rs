//! 企业名录 pages: the list (search, filters, sorting, pages, scope), 一企一档, figure history,
//! and the registry forms — on SQLite and PostgreSQL, through the real router.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use mujun_app::Actor;
use mujun_app::registry::enterprises::{EnterprisePage, EnterpriseQuery};
use mujun_store::enterprises::{ListFilter, SortBy};

/// The actor behind a signed-in browser (to ask the use cases for the expected answer).
async fn actor(s: &TestServer, b: &Browser) -> Actor {
    s.app.session(&b.cookie, "127.0.0.1").await.unwrap().actor
}

/// What the list use case answers for a filter (page 1, 50 rows, default sort).
async fn expected(s: &TestServer, a: &Actor, filter: ListFilter) -> EnterprisePage {
    s.app
        .list_enterprises(
            a,
            &EnterpriseQuery {
                filter,
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

/// The enterprise ids of the rows of a list page, in order.
fn row_ids(html: &str) -> Vec<i64> {
    html.split("<td><a href=\"/enterprises/")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

fn ids(page: &EnterprisePage) -> Vec<i64> {
    page.rows.iter().map(|r| r.id).collect()
}

/// The mark of a superseded value in the history.
const SUPERSEDED: &str = "<span class=\"tag warn\">已被替代</span>";

fn total_text(n: i64) -> String {
    format!("共 {n} 家")
}

/// The number of audit entries of a user, action and outcome on an object.
async fn audit_count(s: &TestServer, username: &str, action: &str, outcome: &str, object: &str) -> i64 {
    let mut c = s.app.store().read().await.unwrap();
    let f = mujun_store::audit::Filter {
        username: Some(username.into()),
        action: Some(action.into()),
        outcome: Some(outcome.into()),
        object_id: Some(object.into()),
        ..Default::default()
    };
    mujun_store::audit::search(&mut c, &f, 10, 0).await.unwrap().1
}

#[tokio::test]
async fn the_list_pages_through_every_enterprise() {
    each(async |s| {
        let b = s.login("city").await;
        let a = actor(s, &b).await;
        let all = expected(s, &a, ListFilter::default()).await;
        let total = all.total;
        assert!(total > 100 && total <= 150, "{}: three pages", s.name);

        let p = s.get("/enterprises", Some(&b)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        for text in [
            "企业名录",
            "统一社会信用代码",
            "企业名称",
            "产业集聚区",
            "档次",
            "第 1–50 家",
            "规模、档次为 2024 年度",
            "登记企业",
        ] {
            assert!(p.body.contains(text), "{}: {text}", s.name);
        }
        assert!(p.body.contains(&total_text(total)), "{}", s.name);
        assert_eq!(row_ids(&p.body), ids(&all), "{}: default order", s.name);
        // County names, not only codes.
        let first = &all.rows[0];
        let county = mujun_domain::RegionCode::parse(&first.region_code)
            .unwrap()
            .name()
            .unwrap();
        assert!(p.body.contains(&format!("<td>{county}</td>")), "{}", s.name);
        // Pages: 50 + 50 + the rest, with links.
        assert!(p.body.contains("href=\"/enterprises?page=2\""), "{}", s.name);
        assert!(p.body.contains("href=\"/enterprises?page=3\""), "{}", s.name);
        let p2 = s.get("/enterprises?page=2", Some(&b)).await;
        let p3 = s.get("/enterprises?page=3", Some(&b)).await;
        let second = s
            .app
            .list_enterprises(
                &a,
                &EnterpriseQuery {
                    page: 2,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(row_ids(&p2.body), ids(&second), "{}", s.name);
        assert!(p2.body.contains("第 51–100 家"), "{}", s.name);
        assert!(
            p2.body
                .contains("<span class=\"current\" aria-current=\"page\">2</span>")
        );
        assert_eq!(row_ids(&p3.body).len() as i64, total - 100, "{}", s.name);
        assert!(!p3.body.contains("下一页"), "{}: the last page", s.name);
        let mut seen: Vec<i64> = [row_ids(&p.body), row_ids(&p2.body), row_ids(&p3.body)].concat();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len() as i64, total, "{}: every enterprise once", s.name);
        // Nonsense parameters fall back to defaults instead of failing.
        let odd = s
            .get("/enterprises?page=abc&sort=x&class=Q&cluster=y&year=z", Some(&b))
            .await;
        assert_eq!(odd.status, StatusCode::OK, "{}", s.name);
        assert_eq!(row_ids(&odd.body), ids(&all), "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn search_and_each_filter_narrow_the_list() {
    each(async |s| {
        let b = s.login("city").await;
        let a = actor(s, &b).await;
        let all = expected(s, &a, ListFilter::default()).await;
        // A manufacturer inside a cluster (the industry select offers the 31 manufacturing 大类).
        let target = all
            .rows
            .iter()
            .skip(5)
            .find(|r| {
                r.cluster_name.is_some() && (13..=43).contains(&r.industry_code[..2].parse::<i32>().unwrap())
            })
            .unwrap()
            .clone();

        // Name substring.
        let part: String = target.name.chars().skip(2).take(3).collect();
        let want = expected(
            s,
            &a,
            ListFilter {
                search: Some(part.clone()),
                ..Default::default()
            },
        )
        .await;
        assert!(want.total >= 1 && want.total < all.total, "{}", s.name);
        let p = s
            .get(&format!("/enterprises?q={}", urlencode(&part)), Some(&b))
            .await;
        assert!(p.body.contains(&total_text(want.total)), "{}: {part}", s.name);
        assert_eq!(row_ids(&p.body), ids(&want), "{}", s.name);
        assert!(row_ids(&p.body).contains(&target.id));

        // Credit-code prefix.
        let prefix = &target.credit_code[..10];
        let want = expected(
            s,
            &a,
            ListFilter {
                search: Some(prefix.into()),
                ..Default::default()
            },
        )
        .await;
        let p = s.get(&format!("/enterprises?q={prefix}"), Some(&b)).await;
        assert!(want.total >= 1 && want.total < all.total);
        assert_eq!(row_ids(&p.body), ids(&want), "{}", s.name);
        assert!(row_ids(&p.body).contains(&target.id));

        // Each select, with a value taken from the data.
        let clusters = s.app.list_clusters(&a).await.unwrap();
        let cluster = clusters
            .iter()
            .find(|c| Some(&c.cluster.name) == target.cluster_name.as_ref())
            .or_else(|| clusters.iter().max_by_key(|c| c.enterprises))
            .unwrap();
        let class = all.rows.iter().find_map(|r| r.class.clone()).unwrap();
        let cases: Vec<(String, ListFilter)> = vec![
            (
                format!("region={}", target.region_code),
                ListFilter {
                    region_code: Some(target.region_code.clone()),
                    ..Default::default()
                },
            ),
            (
                format!("cluster={}", cluster.cluster.id),
                ListFilter {
                    cluster_id: Some(cluster.cluster.id),
                    ..Default::default()
                },
            ),
            (
                format!("industry={}", &target.industry_code[..2]),
                ListFilter {
                    industry: Some(target.industry_code[..2].to_owned()),
                    ..Default::default()
                },
            ),
            (
                "scale=above".into(),
                ListFilter {
                    scale: Some("above".into()),
                    ..Default::default()
                },
            ),
            (
                "scale=below".into(),
                ListFilter {
                    scale: Some("below".into()),
                    ..Default::default()
                },
            ),
            (
                format!("class={class}"),
                ListFilter {
                    class: Some(class.clone()),
                    ..Default::default()
                },
            ),
            (
                format!("class={class}&year=2022"),
                ListFilter {
                    class: Some(class.clone()),
                    year: 2022,
                    ..Default::default()
                },
            ),
            (
                "year=2022".into(),
                ListFilter {
                    year: 2022,
                    ..Default::default()
                },
            ),
        ];
        let mut totals = Vec::new();
        for (query, filter) in cases {
            let want = expected(s, &a, filter).await;
            let p = s.get(&format!("/enterprises?{query}"), Some(&b)).await;
            assert_eq!(p.status, StatusCode::OK, "{}: {query}", s.name);
            assert!(
                p.body.contains(&total_text(want.total)),
                "{}: {query} should give {}",
                s.name,
                want.total
            );
            assert_eq!(row_ids(&p.body), ids(&want), "{}: {query}", s.name);
            if query != "year=2022" {
                assert!(
                    want.total > 0 && want.total < all.total,
                    "{}: {query} narrows",
                    s.name
                );
            }
            // The chosen value stays selected in the form.
            let (name, value) = query.split('&').next().unwrap().split_once('=').unwrap();
            assert!(
                p.body.contains(&format!("<option value=\"{value}\" selected>")),
                "{}: {name} keeps {value}",
                s.name
            );
            totals.push(want.total);
        }
        // 规上 and 规下 split the enterprises with a scale that year.
        assert!(totals[3] > 0 && totals[4] > 0 && totals[3] + totals[4] <= all.total);
        // A division outside manufacturing (from a link) filters too and stays selected.
        let other = all
            .rows
            .iter()
            .find(|r| !(13..=43).contains(&r.industry_code[..2].parse::<i32>().unwrap()))
            .unwrap();
        let division = &other.industry_code[..2];
        let want = expected(
            s,
            &a,
            ListFilter {
                industry: Some(division.to_owned()),
                ..Default::default()
            },
        )
        .await;
        let p = s
            .get(&format!("/enterprises?industry={division}"), Some(&b))
            .await;
        assert_eq!(row_ids(&p.body), ids(&want), "{}", s.name);
        assert!(row_ids(&p.body).contains(&other.id));
        assert!(
            p.body.contains(&format!(
                "<option value=\"{division}\" selected>{division}（其他行业）</option>"
            )),
            "{}",
            s.name
        );
        // The year select says which year the classes are of.
        let p = s.get("/enterprises?year=2022", Some(&b)).await;
        assert!(p.body.contains("规模、档次为 2022 年度"), "{}", s.name);
        // Combined filters and no match.
        let p = s
            .get(
                "/enterprises?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E4%BC%81%E4%B8%9A",
                Some(&b),
            )
            .await;
        assert!(p.body.contains("共 0 家") && p.body.contains("没有符合条件的企业"));
    })
    .await;
}

#[tokio::test]
async fn sorting_keeps_the_filters_and_follows_the_use_case() {
    each(async |s| {
        let b = s.login("city").await;
        let a = actor(s, &b).await;
        let default = expected(s, &a, ListFilter::default()).await;
        for (key, sort) in [
            ("name", SortBy::Name),
            ("region", SortBy::Region),
            ("cluster", SortBy::Cluster),
            ("industry", SortBy::Industry),
            ("class", SortBy::Class),
            ("code", SortBy::CreditCode),
        ] {
            for desc in [false, true] {
                let want = s
                    .app
                    .list_enterprises(
                        &a,
                        &EnterpriseQuery {
                            sort,
                            descending: desc,
                            page: 1,
                            per_page: 50,
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
                let url = format!("/enterprises?sort={key}{}", if desc { "&dir=desc" } else { "" });
                let p = s.get(&url, Some(&b)).await;
                assert_eq!(row_ids(&p.body), ids(&want), "{}: {url}", s.name);
                if key != "code" || desc {
                    assert_ne!(ids(&want), ids(&default), "{}: {url} changes the order", s.name);
                }
                let marker = if desc {
                    "class=\"sorted desc\""
                } else {
                    "class=\"sorted\""
                };
                assert!(p.body.contains(marker), "{}: {url}", s.name);
            }
        }
        // Header links keep the filters, toggle the direction and go back to page 1.
        let p = s
            .get("/enterprises?region=411702&scale=above&sort=name", Some(&b))
            .await;
        assert!(
            p.body
                .contains("href=\"/enterprises?region=411702&#38;scale=above&#38;sort=name&#38;dir=desc\""),
            "{}",
            s.name
        );
        assert!(
            p.body
                .contains("href=\"/enterprises?region=411702&#38;scale=above&#38;sort=class\""),
            "{}",
            s.name
        );
        // The filter form keeps the sort.
        assert!(
            p.body
                .contains("<input type=\"hidden\" name=\"sort\" value=\"name\">")
        );
        // Pages of a sorted, filtered list.
        let want = s
            .app
            .list_enterprises(
                &a,
                &EnterpriseQuery {
                    filter: ListFilter {
                        year: 2023,
                        ..Default::default()
                    },
                    sort: SortBy::Name,
                    descending: true,
                    page: 2,
                    per_page: 50,
                },
            )
            .await
            .unwrap();
        assert!(want.total > 50, "{}: needs a second page", s.name);
        let p = s
            .get("/enterprises?year=2023&sort=name&dir=desc&page=2", Some(&b))
            .await;
        assert_eq!(row_ids(&p.body), ids(&want), "{}", s.name);
        assert!(
            p.body
                .contains("href=\"/enterprises?year=2023&#38;sort=name&#38;dir=desc\">上一页</a>"),
            "{}",
            s.name
        );
    })
    .await;
}

#[tokio::test]
async fn a_county_officer_sees_only_its_county() {
    each(async |s| {
        let city = s.login("city").await;
        let a = actor(s, &city).await;
        let yicheng = expected(
            s,
            &a,
            ListFilter {
                region_code: Some("411702".into()),
                ..Default::default()
            },
        )
        .await;
        let yicheng_total = yicheng.total;
        assert!(yicheng_total > 0 && yicheng_total < expected(s, &a, ListFilter::default()).await.total);

        let b = s.login("yicheng").await;
        let p = s.get("/enterprises", Some(&b)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        assert!(p.body.contains(&total_text(yicheng_total)), "{}", s.name);
        assert_eq!(
            row_ids(&p.body),
            ids(&yicheng),
            "{}: exactly the county's rows",
            s.name
        );
        assert!(!p.body.contains("<td>遂平县</td>"), "{}", s.name);
        assert!(!p.body.contains("登记企业"), "{}: no create button", s.name);
        // The county select offers only its own county.
        assert!(p.body.contains("<option value=\"411702\">驿城区</option>"));
        assert!(!p.body.contains("<option value=\"411728\">"));
        // Asking for another county gives nothing, not the other county's enterprises.
        let p = s.get("/enterprises?region=411728", Some(&b)).await;
        assert!(p.body.contains("共 0 家"), "{}", s.name);
        // An enterprise of another county is refused on the detail page.
        let other = expected(
            s,
            &a,
            ListFilter {
                region_code: Some("411728".into()),
                ..Default::default()
            },
        )
        .await
        .rows[0]
            .id;
        let p = s.get(&format!("/enterprises/{other}"), Some(&b)).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn an_enterprise_user_cannot_open_another_enterprise() {
    each(async |s| {
        let b = s.login("qiye").await;
        let me = actor(s, &b).await;
        let own = me.enterprise_id.unwrap();
        let city = actor(s, &s.login("city").await).await;
        let other = expected(s, &city, ListFilter::default())
            .await
            .rows
            .iter()
            .find(|r| r.id != own)
            .unwrap()
            .id;
        let object = other.to_string();
        assert_eq!(
            audit_count(s, "qiye", "enterprise.view", "denied", &object).await,
            0
        );

        let p = s.get(&format!("/enterprises/{other}"), Some(&b)).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", s.name);
        assert!(p.body.contains("无权访问"), "{}", s.name);
        assert_eq!(
            audit_count(s, "qiye", "enterprise.view", "denied", &object).await,
            1
        );
        let p = s
            .get(
                &format!("/enterprises/{other}/history?year=2024&field=tax_paid"),
                Some(&b),
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", s.name);
        assert_eq!(
            audit_count(s, "qiye", "enterprise.view", "denied", &object).await,
            2
        );

        // Its own enterprise: the list has one row, the detail and history open.
        let p = s.get("/enterprises", Some(&b)).await;
        assert_eq!(row_ids(&p.body), vec![own], "{}", s.name);
        let p = s.get(&format!("/enterprises/{own}"), Some(&b)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        assert!(!p.body.contains("/edit\""), "{}: no edit button", s.name);
        let p = s
            .get(
                &format!("/enterprises/{own}/history?year=2024&field=tax_paid"),
                Some(&b),
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        // Unknown ids, fields and years are missing pages, not errors.
        let p = s
            .get(&format!("/enterprises/{own}/history?field=tax_paid"), Some(&b))
            .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{}", s.name);
        assert_eq!(
            s.get("/enterprises/999999", Some(&b)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            s.get("/enterprises/abc", Some(&b)).await.status,
            StatusCode::NOT_FOUND
        );
        let p = s
            .get(
                &format!("/enterprises/{own}/history?year=2024&field=nope"),
                Some(&b),
            )
            .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn roles_without_business_data_are_refused() {
    each(async |s| {
        for who in ["admin", "auditor"] {
            let b = s.login(who).await;
            for path in [
                "/enterprises",
                "/enterprises/1",
                "/enterprises/1/history?year=2024&field=tax_paid",
            ] {
                let p = s.get(path, Some(&b)).await;
                assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} {path}", s.name);
            }
        }
        // Not signed in: to the login page.
        let p = s.get("/enterprises", None).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", s.name);
        assert!(p.location().starts_with("/login"), "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn the_detail_shows_the_registry_years_figures_and_items() {
    each(async |s| {
        let b = s.login("city").await;
        let a = actor(s, &b).await;
        let all = expected(s, &a, ListFilter::default()).await;
        let row = &all.rows[3];
        let d = s.app.enterprise_detail(&a, row.id, 0).await.unwrap();
        let p = s.get(&format!("/enterprises/{}", row.id), Some(&b)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        for text in [
            "一企一档",
            "登记信息",
            row.credit_code.as_str(),
            row.name.as_str(),
            d.region_name.as_deref().unwrap(),
            "历年规模与档次",
            "2024 年度数据",
            "实缴税收",
            "主营业务收入",
            "万元",
            "国家税务总局驻马店市税务局",
            "市统计局",
            "初始数据",
            "记录时间（北京时间）",
            "历次记录",
            "加分项与否决项",
            "编辑",
        ] {
            assert!(p.body.contains(text), "{}: {text}", s.name);
        }
        // One badge per evaluated year, with the year's scale.
        for (year, class, _) in &d.classes {
            assert!(
                p.body
                    .contains(&format!("<span class=\"badge {class}\">{class}</span>")),
                "{}: {year}",
                s.name
            );
        }
        assert!(p.body.contains("规上") || p.body.contains("规下"));
        assert!(p.body.contains(&format!(
            "/enterprises/{}/history?year=2024&#38;field=tax_paid",
            row.id
        )));
        // Another year.
        let p = s
            .get(&format!("/enterprises/{}?year=2022", row.id), Some(&b))
            .await;
        assert!(p.body.contains("2022 年度数据"), "{}", s.name);
        assert!(p.body.contains("<option value=\"2022\" selected>"));
        // An enterprise with bonus or veto items shows them in Chinese.
        let mut found = false;
        for r in &all.rows {
            let d = s.app.enterprise_detail(&a, r.id, 2024).await.unwrap();
            if let Some((kind, _)) = d.items.first() {
                let p = s.get(&format!("/enterprises/{}?year=2024", r.id), Some(&b)).await;
                let label = if kind == "veto" { "否决项" } else { "加分项" };
                assert!(p.body.contains(&format!("{label}</span>")), "{}", s.name);
                found = true;
                break;
            }
        }
        assert!(found, "{}: the demo has items", s.name);
    })
    .await;
}

#[tokio::test]
async fn a_department_officer_sees_only_its_figures() {
    each(async |s| {
        let city = actor(s, &s.login("city").await).await;
        let id = expected(s, &city, ListFilter::default()).await.rows[0].id;
        let tax = s.login("tax").await;
        let p = s.get(&format!("/enterprises/{id}"), Some(&tax)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        assert!(p.body.contains("实缴税收") && p.body.contains("仅显示本部门报送的指标"));
        assert!(
            !p.body.contains("主营业务收入") && !p.body.contains("用电量"),
            "{}",
            s.name
        );
        assert!(!p.body.contains(">编辑</a>"), "{}", s.name);
        let ok = s
            .get(
                &format!("/enterprises/{id}/history?year=2024&field=tax_paid"),
                Some(&tax),
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", s.name);
        let refused = s
            .get(
                &format!("/enterprises/{id}/history?year=2024&field=main_revenue"),
                Some(&tax),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", s.name);

        let stats = s.login("stats").await;
        let p = s.get(&format!("/enterprises/{id}"), Some(&stats)).await;
        assert!(p.body.contains("主营业务收入") && p.body.contains("综合能耗"));
        assert!(!p.body.contains("实缴税收"), "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn the_history_lists_every_value_newest_first() {
    each(async |s| {
        let b = s.login("city").await;
        let a = actor(s, &b).await;
        let id = expected(s, &a, ListFilter::default()).await.rows[5].id;
        let url = format!("/enterprises/{id}/history?year=2024&field=tax_paid");
        let p = s.get(&url, Some(&b)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        assert!(p.body.contains("实缴税收（2024年度）的历次记录"), "{}", s.name);
        assert!(p.body.contains("共 1 条记录") && p.body.contains("现行值"));
        assert!(!p.body.contains(SUPERSEDED), "{}", s.name);
        assert!(p.body.contains("国家税务总局驻马店市税务局") && p.body.contains("初始数据"));

        // A correction supersedes the seeded value; both stay.
        let mut tx = s.app.store().begin().await.unwrap();
        mujun_store::figures::record(
            &mut tx,
            s.app.store().backend(),
            &[mujun_store::figures::NewFigure {
                enterprise_id: id,
                year: 2024,
                field: "tax_paid".into(),
                value: Some(123_456.78),
                department_id: None,
                source: "objection".into(),
                batch_id: None,
                user_id: Some(a.user_id),
            }],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let p = s.get(&url, Some(&b)).await;
        assert!(p.body.contains("共 2 条记录"), "{}", s.name);
        assert_eq!(p.body.matches(SUPERSEDED).count(), 1, "{}", s.name);
        let newest = p.body.find("123,456.78").unwrap();
        let old = p.body.find(SUPERSEDED).unwrap();
        assert!(newest < old, "{}: newest first", s.name);
        // Who recorded it by name, never by an internal id.
        assert!(
            p.body.contains("公示异议更正") && p.body.contains(&a.display_name),
            "{}",
            s.name
        );
        assert!(!p.body.contains("账号 #"), "{}", s.name);
        // The detail shows the new current value.
        let d = s.get(&format!("/enterprises/{id}?year=2024"), Some(&b)).await;
        assert!(d.body.contains("123,456.78"), "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn creating_validates_next_to_the_field_and_stores_nothing_on_error() {
    each(async |s| {
        let b = s.login("city").await;
        let a = actor(s, &b).await;
        let before = expected(s, &a, ListFilter::default()).await.total;
        let form = s.get("/enterprises/new", Some(&b)).await;
        assert_eq!(form.status, StatusCode::OK, "{}", s.name);
        for text in [
            "登记企业",
            "统一社会信用代码",
            "校验位不符仍登记（早期代码）",
            "name=\"production_start\"",
            "type=\"date\"",
            "驿城区（411702）",
            "驻马店装备产业集聚区",
            "正常生产",
            "停产半停产",
        ] {
            assert!(form.body.contains(text), "{}: {text}", s.name);
        }
        assert!(csrf_in(&form.body).is_some());

        let base = [
            ("name", "驻马店测试机械有限公司"),
            ("region_code", "411702"),
            ("cluster_id", ""),
            ("industry_code", "C3511"),
            ("production_start", "2019-05-01"),
            ("status", "operating"),
            ("contact_name", "张三"),
            ("contact_phone", "0396-1234567"),
            ("address", "驿城区开源大道 1 号"),
        ];
        let with = |code: &'static str| {
            let mut v = base.to_vec();
            v.push(("credit_code", code));
            v
        };
        // Wrong length: 422, the message next to the field, the values kept, nothing stored.
        let p = s.post("/enterprises/new", Some(&b), &with("91411700ABC")).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(
            p.body
                .contains("<span class=\"field-error\">统一社会信用代码应为 18 位，实际为 11 位</span>"),
            "{}",
            s.name
        );
        assert!(p.body.contains("<label class=\"invalid\">统一社会信用代码"));
        assert!(
            p.body.contains("value=\"驻马店测试机械有限公司\""),
            "{}: values kept",
            s.name
        );
        assert!(p.body.contains("<option value=\"411702\" selected>"));
        // Wrong check character: the override is offered.
        let p = s
            .post("/enterprises/new", Some(&b), &with("91110000600037341A"))
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(p.body.contains("校验位错误") && p.body.contains("如确属早期代码"));
        // Several fields at once.
        let p = s
            .post(
                "/enterprises/new",
                Some(&b),
                &[
                    ("credit_code", "91110000600037341L"),
                    ("name", ""),
                    ("region_code", ""),
                    ("industry_code", "abc"),
                    ("status", "operating"),
                    ("contact_phone", "call me"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        for msg in [
            "企业名称不能为空",
            "行政区划代码",
            "行业代码“abc”不合法",
            "联系电话只能包含",
        ] {
            assert!(p.body.contains(msg), "{}: {msg}", s.name);
        }
        assert_eq!(
            expected(s, &a, ListFilter::default()).await.total,
            before,
            "{}",
            s.name
        );

        // Valid: redirect to the detail, which says so.
        let p = s
            .post("/enterprises/new", Some(&b), &with("91110000600037341L"))
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        let loc = p.location().to_owned();
        assert!(
            loc.starts_with("/enterprises/") && loc.ends_with("?msg=created"),
            "{loc}"
        );
        let d = s.get(&loc, Some(&b)).await;
        assert_eq!(d.status, StatusCode::OK);
        for text in [
            "已创建。",
            "驻马店测试机械有限公司",
            "91110000600037341L",
            "3511",
            "专用设备制造业",
            "2019-05-01",
            "张三",
        ] {
            assert!(d.body.contains(text), "{}: {text}", s.name);
        }
        // No data yet: every figure is "未报送", and there is no history to link to.
        assert_eq!(d.body.matches("未报送").count(), 12, "{}", s.name);
        assert!(!d.body.contains("/history?"), "{}", s.name);
        assert_eq!(
            expected(s, &a, ListFilter::default()).await.total,
            before + 1,
            "{}",
            s.name
        );
        // The same code again: a conflict at the top of the form.
        let p = s
            .post("/enterprises/new", Some(&b), &with("91110000600037341L"))
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{}", s.name);
        assert!(p.body.contains("统一社会信用代码已存在"), "{}", s.name);
        // An early code with a wrong check character, explicitly accepted.
        let mut v = with("91110108551385082A");
        v.push(("accept_checksum_mismatch", "1"));
        v[0] = ("name", "早期代码企业");
        let p = s.post("/enterprises/new", Some(&b), &v).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        let d = s.get(p.location(), Some(&b)).await;
        assert!(d.body.contains("校验位不符，已确认登记"), "{}", s.name);
        // Its edit form keeps the override ticked, so saving again works.
        let id = p
            .location()
            .trim_start_matches("/enterprises/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let e = s.get(&format!("/enterprises/{id}/edit"), Some(&b)).await;
        assert!(
            e.body
                .contains("name=\"accept_checksum_mismatch\" value=\"1\" checked")
        );
    })
    .await;
}

#[tokio::test]
async fn editing_uses_the_version_and_reports_conflicts() {
    each(async |s| {
        let b = s.login("city").await;
        let a = actor(s, &b).await;
        let row = expected(s, &a, ListFilter::default()).await.rows[2].clone();
        let e = s.app.enterprise_for_edit(&a, row.id).await.unwrap();
        let url = format!("/enterprises/{}/edit", row.id);
        let form = s.get(&url, Some(&b)).await;
        assert_eq!(form.status, StatusCode::OK, "{}", s.name);
        assert!(form.body.contains(&format!("编辑企业 · {}", row.name)));
        assert!(
            form.body
                .contains(&format!("name=\"version\" value=\"{}\"", e.version))
        );
        assert!(form.body.contains(&format!("value=\"{}\"", e.credit_code)));
        assert!(
            form.body
                .contains(&format!("<option value=\"{}\" selected>", e.region_code))
        );

        let version = e.version.to_string();
        let cluster = e.cluster_id.map(|c| c.to_string()).unwrap_or_default();
        let fields = |name: &'static str, version: String| {
            vec![
                ("credit_code", e.credit_code.clone()),
                ("name", name.to_owned()),
                ("region_code", e.region_code.clone()),
                ("cluster_id", cluster.clone()),
                ("industry_code", e.industry_code.clone()),
                ("production_start", e.production_start.clone().unwrap_or_default()),
                ("status", "stopped".to_owned()),
                ("version", version),
            ]
        };
        let send = async |v: Vec<(&'static str, String)>| {
            let pairs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            s.post(&url, Some(&b), &pairs).await
        };
        let p = send(fields("改名后的企业有限公司", version.clone())).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        assert_eq!(p.location(), format!("/enterprises/{}?msg=saved", row.id));
        let d = s.get(p.location(), Some(&b)).await;
        assert!(d.body.contains("已保存。") && d.body.contains("改名后的企业有限公司"));
        assert!(d.body.contains("停产半停产"), "{}", s.name);
        // The list marks the stopped enterprise.
        let l = s
            .get("/enterprises?q=%E6%94%B9%E5%90%8D%E5%90%8E", Some(&b))
            .await;
        assert!(
            l.body.contains("<span class=\"tag warn\">停产半停产</span>"),
            "{}",
            s.name
        );

        // The same (now stale) version again: 409, message on top, input kept, nothing saved.
        let p = send(fields("又一次改名有限公司", version)).await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{}", s.name);
        assert!(
            p.body.contains("企业信息已被他人修改，请刷新后重试"),
            "{}",
            s.name
        );
        assert!(p.body.contains("value=\"又一次改名有限公司\""));
        let now = s.app.enterprise_for_edit(&a, row.id).await.unwrap();
        assert_eq!(now.name, "改名后的企业有限公司");
        assert_eq!(now.version, e.version + 1);
        // Invalid input on edit: 422 next to the field.
        let mut bad = fields("", now.version.to_string());
        bad[0].1 = "123".into();
        let p = send(bad).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(p.body.contains("<label class=\"invalid\">企业名称"), "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn only_registry_editors_reach_the_forms() {
    each(async |s| {
        let city = actor(s, &s.login("city").await).await;
        let all = expected(s, &city, ListFilter::default()).await;
        let before = all.total;
        let own = {
            let q = s.login("qiye").await;
            actor(s, &q).await.enterprise_id.unwrap()
        };
        let in_yicheng = expected(
            s,
            &city,
            ListFilter {
                region_code: Some("411702".into()),
                ..Default::default()
            },
        )
        .await
        .rows[0]
            .id;
        for (who, id) in [
            ("yicheng", in_yicheng),
            ("tax", all.rows[0].id),
            ("qiye", own),
            ("zhuangbei", all.rows[0].id),
            ("admin", all.rows[0].id),
        ] {
            let b = s.login(who).await;
            let p = s.get("/enterprises/new", Some(&b)).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} new", s.name);
            let p = s.get(&format!("/enterprises/{id}/edit"), Some(&b)).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} edit", s.name);
            let p = s
                .post(
                    "/enterprises/new",
                    Some(&b),
                    &[
                        ("credit_code", "91110000600037341L"),
                        ("name", "越权登记"),
                        ("region_code", "411702"),
                        ("industry_code", "3511"),
                        ("status", "operating"),
                    ],
                )
                .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} create", s.name);
            let p = s
                .post(
                    &format!("/enterprises/{id}/edit"),
                    Some(&b),
                    &[("name", "越权修改"), ("version", "1")],
                )
                .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} update", s.name);
            assert!(
                !s.get("/enterprises", Some(&b))
                    .await
                    .body
                    .contains("href=\"/enterprises/new\"")
            );
        }
        assert_eq!(
            expected(s, &city, ListFilter::default()).await.total,
            before,
            "{}",
            s.name
        );
        assert_eq!(
            audit_count(s, "yicheng", "enterprise.create", "denied", "").await,
            1
        );
        // A form without the session's token is refused.
        let b = s.login("city").await;
        let p = s
            .post(
                "/enterprises/new",
                Some(&b),
                &[("_csrf", "forged"), ("credit_code", "91110000600037341L")],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", s.name);
    })
    .await;
}

/// Percent-encodes a query value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
