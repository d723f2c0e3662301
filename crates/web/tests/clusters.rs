//! 产业集聚区 pages: the list, one cluster with its history, and the forms — on SQLite and
//! PostgreSQL, through the real router.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use mujun_app::Actor;
use mujun_app::registry::clusters::ClusterRow;

async fn actor(s: &TestServer, b: &Browser) -> Actor {
    s.app.session(&b.cookie, "127.0.0.1").await.unwrap().actor
}

async fn clusters(s: &TestServer, b: &Browser) -> Vec<ClusterRow> {
    s.app.list_clusters(&actor(s, b).await).await.unwrap()
}

/// The cluster ids linked from a page (`/clusters/{id}"`), in order.
fn linked_ids(html: &str) -> Vec<i64> {
    html.split("href=\"/clusters/")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest[digits.len()..]
                .starts_with('"')
                .then(|| digits.parse().ok())
                .flatten()
        })
        .collect()
}

fn by_name<'a>(list: &'a [ClusterRow], name: &str) -> &'a ClusterRow {
    list.iter().find(|c| c.cluster.name == name).unwrap()
}

/// Posts a form given as owned pairs.
async fn post(s: &TestServer, path: &str, b: &Browser, fields: &[(&str, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    s.post(path, Some(b), &pairs).await
}

fn form(
    name: &str,
    region: &str,
    star: &str,
    status: &str,
    merged_into: &str,
    version: i64,
) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_owned()),
        ("region_code", region.to_owned()),
        ("star_level", star.to_owned()),
        ("leading_industries", "新能源、装备制造".to_owned()),
        ("planned_area_mu", "8000".to_owned()),
        ("status", status.to_owned()),
        ("merged_into", merged_into.to_owned()),
        ("version", version.to_string()),
    ]
}

#[tokio::test]
async fn the_list_shows_every_cluster_with_its_facts() {
    each(async |s| {
        let b = s.login("city").await;
        let all = clusters(s, &b).await;
        assert_eq!(all.len(), 11, "{}", s.name);
        let p = s.get("/clusters", Some(&b)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        for text in [
            "产业集聚区",
            "共 11 个集聚区",
            "名称",
            "星级",
            "主导产业",
            "规划面积（亩）",
            "企业数",
            "驻马店装备产业集聚区",
            "专用汽车、装备制造",
            "22,500",
            "3 星",
            "正常",
            "新建集聚区",
        ] {
            assert!(p.body.contains(text), "{}: {text}", s.name);
        }
        let mut ids = linked_ids(&p.body);
        ids.sort_unstable();
        let mut want: Vec<i64> = all.iter().map(|c| c.cluster.id).collect();
        want.sort_unstable();
        assert_eq!(ids, want, "{}: one link per cluster", s.name);
        // County names and the enterprise counts, linked to the filtered list.
        let zb = by_name(&all, "驻马店装备产业集聚区");
        assert!(p.body.contains("<td>驿城区</td>"), "{}", s.name);
        assert!(
            p.body.contains(&format!(
                "<a href=\"/enterprises?cluster={}\">{}</a>",
                zb.cluster.id, zb.enterprises
            )),
            "{}",
            s.name
        );
        assert!(zb.enterprises > 0);
    })
    .await;
}

#[tokio::test]
async fn scoped_users_see_only_their_clusters() {
    each(async |s| {
        let city = s.login("city").await;
        let all = clusters(s, &city).await;
        // A county officer: the clusters of its county, no create button.
        let b = s.login("yicheng").await;
        let p = s.get("/clusters", Some(&b)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        let mut seen = linked_ids(&p.body);
        seen.sort_unstable();
        let mut want: Vec<i64> = all
            .iter()
            .filter(|c| c.cluster.region_code == "411702")
            .map(|c| c.cluster.id)
            .collect();
        want.sort_unstable();
        assert_eq!(seen, want, "{}", s.name);
        assert_eq!(want.len(), 2);
        assert!(!p.body.contains("新建集聚区"), "{}", s.name);
        assert!(!p.body.contains("遂平县产业集聚区"), "{}", s.name);
        // A cluster officer opening another cluster: refused.
        let zb = s.login("zhuangbei").await;
        let own = actor(s, &zb).await.cluster_id.unwrap();
        let other = by_name(&all, "遂平县产业集聚区").cluster.id;
        assert_eq!(
            s.get(&format!("/clusters/{own}"), Some(&zb)).await.status,
            StatusCode::OK
        );
        let p = s.get(&format!("/clusters/{other}"), Some(&zb)).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", s.name);
        assert_eq!(linked_ids(&s.get("/clusters", Some(&zb)).await.body), vec![own]);
        // Unknown and malformed ids.
        assert_eq!(
            s.get("/clusters/99999", Some(&city)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            s.get("/clusters/x", Some(&city)).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn roles_without_business_data_are_refused() {
    each(async |s| {
        let city = s.login("city").await;
        let id = clusters(s, &city).await[0].cluster.id;
        for who in ["admin", "auditor"] {
            let b = s.login(who).await;
            for path in ["/clusters".to_owned(), format!("/clusters/{id}")] {
                let p = s.get(&path, Some(&b)).await;
                assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} {path}", s.name);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn the_detail_shows_facts_history_and_the_enterprises_link() {
    each(async |s| {
        let b = s.login("city").await;
        let all = clusters(s, &b).await;
        let zb = by_name(&all, "驻马店装备产业集聚区");
        let p = s.get(&format!("/clusters/{}", zb.cluster.id), Some(&b)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        for text in [
            "产业集聚区 · 驻马店装备产业集聚区",
            "驿城区（411702）",
            "3 星",
            "专用汽车、装备制造",
            "22,500 亩",
            "沿革",
            "设立",
            "设立：驻马店装备产业集聚区",
            "时间（北京时间）",
            "编辑",
        ] {
            assert!(p.body.contains(text), "{}: {text}", s.name);
        }
        assert!(
            p.body
                .contains(&format!("href=\"/enterprises?cluster={}\"", zb.cluster.id))
        );
        // The link leads to the cluster's enterprises.
        let list = s
            .get(&format!("/enterprises?cluster={}", zb.cluster.id), Some(&b))
            .await;
        assert!(
            list.body.contains(&format!("共 {} 家", zb.enterprises)),
            "{}",
            s.name
        );
        // A county officer sees it without the edit button.
        let y = s.login("yicheng").await;
        let p = s.get(&format!("/clusters/{}", zb.cluster.id), Some(&y)).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(!p.body.contains("/edit\""), "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn creating_and_editing_record_events_shown_on_the_detail() {
    each(async |s| {
        let b = s.login("city").await;
        let new = s.get("/clusters/new", Some(&b)).await;
        assert_eq!(new.status, StatusCode::OK, "{}", s.name);
        assert!(
            new.body.contains("新建集聚区")
                && new.body.contains("并入集聚区")
                && new.body.contains("驿城区（411702）")
        );

        // Invalid: 422, messages next to the fields, nothing stored.
        let p = post(s, "/clusters/new", &b, &form("", "", "9", "active", "", 0)).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        for msg in ["名称不能为空", "请选择所在县区", "星级应为 1–5"] {
            assert!(p.body.contains(msg), "{}: {msg}", s.name);
        }
        assert!(p.body.contains("<label class=\"invalid\">名称"), "{}", s.name);
        assert_eq!(clusters(s, &b).await.len(), 11);
        // A taken name: 409 at the top.
        let p = post(
            s,
            "/clusters/new",
            &b,
            &form("遂平县产业集聚区", "411728", "", "active", "", 0),
        )
        .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{}", s.name);
        assert!(p.body.contains("集聚区名称已存在"), "{}", s.name);

        // Created: redirect to the detail with its `created` event.
        let p = post(
            s,
            "/clusters/new",
            &b,
            &form("驻马店新能源产业园", "411702", "2", "active", "", 0),
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        let loc = p.location().to_owned();
        assert!(loc.ends_with("?msg=created"), "{loc}");
        let id: i64 = loc
            .trim_start_matches("/clusters/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let d = s.get(&loc, Some(&b)).await;
        assert!(d.body.contains("已创建。") && d.body.contains("设立：驻马店新能源产业园"));
        assert!(
            d.body.contains("2 星") && d.body.contains("8,000 亩") && d.body.contains("新能源、装备制造")
        );
        assert_eq!(clusters(s, &b).await.len(), 12);

        // Edit form carries the version.
        let edit = s.get(&format!("/clusters/{id}/edit"), Some(&b)).await;
        assert_eq!(edit.status, StatusCode::OK, "{}", s.name);
        assert!(edit.body.contains("name=\"version\" value=\"1\""), "{}", s.name);
        assert!(edit.body.contains("<option value=\"2\" selected>2 星</option>"));
        assert!(
            !edit.body.contains(&format!("<option value=\"{id}\"")),
            "not into itself"
        );

        // Rename and star change: two events.
        let url = format!("/clusters/{id}/edit");
        let p = post(
            s,
            &url,
            &b,
            &form("驻马店新能源产业集聚区", "411702", "3", "active", "", 1),
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        assert_eq!(p.location(), format!("/clusters/{id}?msg=saved"));
        let d = s.get(p.location(), Some(&b)).await;
        for text in [
            "已保存。",
            "更名：驻马店新能源产业园 → 驻马店新能源产业集聚区",
            "星级：2 星 → 3 星",
            ">更名<",
            ">星级调整<",
        ] {
            assert!(d.body.contains(text), "{}: {text}", s.name);
        }
        // Newest first.
        assert!(d.body.find("更名：").unwrap() < d.body.find("设立：").unwrap());

        // Stale version: 409 at the top, nothing changed.
        let p = post(s, &url, &b, &form("又改一次", "411702", "3", "active", "", 1)).await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{}", s.name);
        assert!(p.body.contains("集聚区已被他人修改，请刷新后重试"), "{}", s.name);
        assert!(p.body.contains("value=\"又改一次\""));

        // Merged without a target: 422 next to the select.
        let p = post(
            s,
            &url,
            &b,
            &form("驻马店新能源产业集聚区", "411702", "3", "merged", "", 2),
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(
            p.body.contains("<label class=\"invalid\">并入集聚区"),
            "{}",
            s.name
        );
        // Merged into the equipment cluster: the event and the target are shown.
        let all = clusters(s, &b).await;
        let zb = by_name(&all, "驻马店装备产业集聚区").cluster.id;
        let p = post(
            s,
            &url,
            &b,
            &form(
                "驻马店新能源产业集聚区",
                "411702",
                "3",
                "merged",
                &zb.to_string(),
                2,
            ),
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        let d = s.get(&format!("/clusters/{id}"), Some(&b)).await;
        assert!(d.body.contains("状态：正常 → 已合并"), "{}", s.name);
        assert!(d.body.contains(">合并<"), "{}", s.name);
        assert!(
            d.body.contains(&format!(
                "并入 <a href=\"/clusters/{zb}\">驻马店装备产业集聚区</a>"
            )),
            "{}",
            s.name
        );
        // The list marks it.
        let l = s.get("/clusters", Some(&b)).await;
        assert!(
            l.body.contains("<span class=\"tag warn\">已合并</span>"),
            "{}",
            s.name
        );
        // A merged cluster is no longer offered for new enterprises.
        let f = s.get("/enterprises/new", Some(&b)).await;
        assert!(!f.body.contains("驻马店新能源产业集聚区"), "{}", s.name);
        // Demoted.
        let p = post(
            s,
            &url,
            &b,
            &form("驻马店新能源产业集聚区", "411702", "3", "demoted", "", 3),
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        let d = s.get(&format!("/clusters/{id}"), Some(&b)).await;
        assert!(d.body.contains("状态：已合并 → 已降级") && d.body.contains(">降级<"));
    })
    .await;
}

#[tokio::test]
async fn only_registry_editors_reach_the_forms() {
    each(async |s| {
        let city = s.login("city").await;
        let all = clusters(s, &city).await;
        let zb = by_name(&all, "驻马店装备产业集聚区").cluster.clone();
        for who in ["yicheng", "zhuangbei", "tax", "qiye", "admin", "auditor"] {
            let b = s.login(who).await;
            let p = s.get("/clusters/new", Some(&b)).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} new", s.name);
            let p = s.get(&format!("/clusters/{}/edit", zb.id), Some(&b)).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} edit", s.name);
            let p = post(
                s,
                "/clusters/new",
                &b,
                &form("越权集聚区", "411702", "", "active", "", 0),
            )
            .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} create", s.name);
            let p = post(
                s,
                &format!("/clusters/{}/edit", zb.id),
                &b,
                &form("越权改名", "411702", "", "active", "", zb.version),
            )
            .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} update", s.name);
        }
        let after = clusters(s, &city).await;
        assert_eq!(after.len(), 11, "{}", s.name);
        assert_eq!(by_name(&after, "驻马店装备产业集聚区").cluster, zb, "{}", s.name);
    })
    .await;
}
