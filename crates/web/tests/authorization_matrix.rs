//! Every route × every role → allowed, refused (403, and the refusal is in the audit trail) or
//! sent to log in. Scoped roles are tested against objects inside and outside their scope: an
//! enterprise user changing the id in the URL, a county officer reading another county, the
//! system administrator and the auditor reading business data.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use mujun_store::audit;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// Served.
    A,
    /// 403, audited.
    D,
    /// Sent to log in (pages) or 401 (API).
    L,
}
use Expect::{A, D, L};

/// A multipart form: path, text fields, expectation per role.
type Upload = (String, Vec<(&'static str, &'static str)>, [Expect; 10]);

/// A form submission: path, fields, expectation per role.
type Post = (&'static str, Vec<(&'static str, &'static str)>, [Expect; 10]);

const ROLES: [&str; 10] = [
    "(anonymous)",
    "admin",
    "city",
    "tax",
    "yicheng",
    "zhuangbei",
    "qiye",
    "auditor",
    "leader",
    "secadmin",
];

async fn denied_count(s: &TestServer) -> i64 {
    let mut c = s.app.store().read().await.unwrap();
    let f = audit::Filter {
        outcome: Some("denied".into()),
        ..Default::default()
    };
    audit::search(&mut c, &f, 1, 0).await.unwrap().1
}

fn classify(p: &Page) -> Option<Expect> {
    match p.status {
        StatusCode::FORBIDDEN => Some(D),
        StatusCode::UNAUTHORIZED => Some(L),
        s if s.is_redirection() && p.location().starts_with("/login") => Some(L),
        // Past the permission check: served, or refused for its content.
        s if s.is_success() || s.is_redirection() => Some(A),
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => Some(A),
        _ => None,
    }
}

/// A published evaluation run of 2024 whose notice saw one objection of the enterprise user on
/// its tax figure (with an attachment, routed to the tax department, answered by the city):
/// `(run, objection)`.
async fn published_run(s: &TestServer) -> (i64, i64) {
    let city = s
        .app
        .login("city", PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor;
    let (run, objection) = run_in_notice(s, Some(("证明.pdf".into(), b"%PDF-1.4".to_vec()))).await;
    s.app.end_notice(&city, run, "测试：提前结束公示").await.unwrap();
    s.app
        .resolve_objection(
            &city,
            objection,
            &mujun_app::evaluation::objections::Decision::Reject {
                reason: "核实无误".into(),
            },
        )
        .await
        .unwrap();
    s.app.approve_run(&city, run).await.unwrap();
    s.app.publish_run(&city, run, true).await.unwrap();
    (run, objection)
}

#[tokio::test]
async fn every_route_for_every_role() {
    each(async |s| {
        let mut browsers: Vec<Option<Browser>> = vec![None];
        for role in &ROLES[1..] {
            browsers.push(Some(s.login(role).await));
        }
        let actor =
            |u: &'static str| async move { s.app.login(u, PASSWORD, "127.0.0.1", None).await.unwrap().actor };
        let city = actor("city").await;
        let qiye = actor("qiye").await;
        // Objects: the enterprise user's own enterprise, one outside county 411702 and outside
        // the equipment cluster, the equipment cluster and a cluster of another county, a round.
        let q = mujun_app::registry::enterprises::EnterpriseQuery {
            page: 1,
            per_page: 200,
            ..Default::default()
        };
        let own = s.app.list_enterprises(&qiye, &q).await.unwrap().rows.remove(0);
        let clusters = s.app.list_clusters(&city).await.unwrap();
        let zb = clusters
            .iter()
            .find(|c| c.cluster.name == "驻马店装备产业集聚区")
            .unwrap()
            .cluster
            .clone();
        let far_cluster = clusters
            .iter()
            .find(|c| c.cluster.region_code != "411702")
            .unwrap()
            .cluster
            .clone();
        let all = s.app.list_enterprises(&city, &q).await.unwrap().rows;
        let far = all
            .iter()
            .find(|e| {
                e.region_code != "411702"
                    && e.cluster_name.as_deref() != Some(zb.name.as_str())
                    && e.id != own.id
            })
            .unwrap()
            .clone();
        let own_cluster = s
            .app
            .enterprise_detail(&city, own.id, 0)
            .await
            .unwrap()
            .enterprise
            .cluster_id;
        let depts = s.app.reference(&city).await.unwrap().departments;
        let tax_dept = depts.iter().find(|d| d.code == "tax").unwrap().id;
        let round = s
            .app
            .open_round(&city, 2024, "", &[(tax_dept, "2030-01-01".into())])
            .await
            .unwrap();
        let account = s.app.list_accounts(&actor("admin").await).await.unwrap()[0].id;
        // A published run; an enterprise of it outside county 411702 and the equipment cluster.
        let (run, objection) = published_run(s).await;
        let scenario = {
            let source = s.app.run_method_source(&city, run).await.unwrap();
            s.app
                .save_scenario(&city, run, "权限测试方案", &source)
                .await
                .unwrap()
        };
        let far_result = s
            .app
            .run_ranking(
                &city,
                run,
                &mujun_store::runs::ResultFilter::default(),
                mujun_store::runs::ResultSort::Name,
                1,
                1000,
            )
            .await
            .unwrap()
            .0
            .into_iter()
            .find(|r| {
                r.region_code != "411702"
                    && r.cluster.as_deref() != Some(zb.name.as_str())
                    && r.enterprise_id != own.id
            })
            .unwrap();

        // Expectations for an enterprise / a cluster, from the facts (not from the system).
        let ent = |id: i64, region: &str, cluster: Option<&str>| -> [Expect; 10] {
            let county = if region == "411702" { A } else { D };
            let clus = if cluster == Some(zb.name.as_str()) { A } else { D };
            let me = if id == own.id { A } else { D };
            [L, D, A, A, county, clus, me, D, A, D]
        };
        let clu = |id: i64, region: &str| -> [Expect; 10] {
            let county = if region == "411702" { A } else { D };
            let clus = if id == zb.id { A } else { D };
            let me = if Some(id) == own_cluster { A } else { D };
            [L, D, A, A, county, clus, me, D, A, D]
        };
        let everyone = [L, A, A, A, A, A, A, A, A, A];
        let business = [L, D, A, A, A, A, A, D, A, D];
        let city_only = [L, D, A, D, D, D, D, D, D, D];
        let admin_only = [L, A, D, D, D, D, D, D, D, D];
        let auditor_only = [L, D, D, D, D, D, D, A, D, D];
        // 三员分立: API tokens only for roles with API work; approvals only by the security
        // administrator.
        let token_holders = [L, D, A, A, A, A, A, D, D, D];
        let security_admin_only = [L, D, D, D, D, D, D, D, D, A];
        let collectors = [L, D, A, A, D, D, D, D, D, D];
        let department_only = [L, D, D, A, D, D, D, D, D, D];
        let enterprise_only = [L, D, D, D, D, D, A, D, D, D];

        let own_e = ent(own.id, &own.region_code, own.cluster_name.as_deref());
        let far_e = ent(far.id, &far.region_code, far.cluster_name.as_deref());
        // Evaluation results: no department, and a score card only within the scope.
        let results = [L, D, A, D, A, A, A, D, A, D];
        let card = |id: i64, region: &str, cluster: Option<&str>| -> [Expect; 10] {
            let mut e = ent(id, region, cluster);
            e[3] = D;
            e
        };
        let own_card = card(own.id, &own.region_code, own.cluster_name.as_deref());
        let far_card = card(
            far_result.enterprise_id,
            &far_result.region_code,
            far_result.cluster.as_deref(),
        );
        let far_id = far_result.enterprise_id;
        let public = [A, A, A, A, A, A, A, A, A, A];
        // Land: projects and cases scoped by the holder like the enterprise; plans by the
        // parcel's place; the map like the cluster's negative list.
        let own_project = s.app.projects(&qiye).await.unwrap().remove(0);
        let projects = s.app.projects(&city).await.unwrap();
        let far_project = projects
            .iter()
            .find(|p| p.county != "驿城区" && p.cluster != zb.name && p.enterprise_id != own.id)
            .unwrap();
        let by_place = |county: &str, cluster: &str, enterprise: Option<i64>| -> [Expect; 10] {
            let c = if county == "驿城区" { A } else { D };
            let k = if cluster == zb.name { A } else { D };
            let me = if enterprise == Some(own.id) { A } else { D };
            [L, D, A, A, c, k, me, D, A, D]
        };
        let own_p = by_place(&own_project.county, &own_project.cluster, Some(own.id));
        let far_p = by_place(
            &far_project.county,
            &far_project.cluster,
            Some(far_project.enterprise_id),
        );
        let idle_cases = s
            .app
            .land_cases(&city, mujun_app::land::CaseKind::Idle)
            .await
            .unwrap();
        let far_case = idle_cases
            .iter()
            .find(|c| c.county != "驿城区" && c.cluster != zb.name && c.enterprise_id != own.id)
            .unwrap();
        let far_c = by_place(&far_case.county, &far_case.cluster, Some(far_case.enterprise_id));
        let far_step = s.app.land_case(&city, far_case.id).await.unwrap().steps[0].id;
        let plans = s.app.low_efficiency(&city, None).await.unwrap().plans;
        let plan = &plans[0];
        let plan_e = by_place(&plan.county, &plan.cluster, None);
        let mut map_zb = clu(zb.id, &zb.region_code);
        map_zb[6] = D;
        let mut map_far = clu(far_cluster.id, &far_cluster.region_code);
        map_far[6] = D;
        let land_routes: Vec<(String, [Expect; 10])> = vec![
            ("/land/projects".into(), business),
            ("/land/projects.xlsx".into(), business),
            ("/land/projects/template.xlsx".into(), city_only),
            (format!("/land/projects/{}", own_project.id), own_p),
            (format!("/land/projects/{}", far_project.id), far_p),
            ("/land/idle".into(), business),
            ("/land/idle.xlsx".into(), business),
            ("/land/exit".into(), business),
            ("/land/exit.xlsx".into(), business),
            ("/land/low-efficiency".into(), business),
            ("/land/low-efficiency.xlsx".into(), business),
            ("/land/standard".into(), business),
            ("/land/standard/incentives.xlsx".into(), business),
            (format!("/land/cases/{}", far_case.id), far_c),
            (
                format!("/land/cases/{}/steps/{far_step}/document.pdf", far_case.id),
                far_c,
            ),
            (format!("/land/plans/{}", plan.id), plan_e),
            (format!("/clusters/{}/map", zb.id), map_zb),
            (format!("/clusters/{}/map?by=tax", far_cluster.id), map_far),
            ("/public/idle-land".into(), public),
            ("/api/v1/land/projects".into(), business),
            (format!("/api/v1/land/projects/{}", own_project.id), own_p),
            (format!("/api/v1/land/projects/{}", far_project.id), far_p),
            ("/api/v1/land/idle-candidates".into(), business),
            ("/api/v1/land/cases?kind=exit".into(), business),
            (format!("/api/v1/land/cases/{}", far_case.id), far_c),
            ("/api/v1/land/low-efficiency".into(), business),
            ("/api/v1/land/standard-land".into(), business),
        ];
        // Enterprise service: a problem is read by the city, the leader, the department it is
        // assigned to, and its enterprise's county, cluster and itself. The tracker: every role
        // with a cockpit; its workbook: the city and the leader.
        let problems = s.app.problems(&city).await.unwrap().problems;
        let by_problem = |p: &mujun_app::service::problems::ProblemView| -> [Expect; 10] {
            let county = if p.county == "驿城区" { A } else { D };
            let clus = if p.cluster == zb.name { A } else { D };
            let me = if p.enterprise_id == own.id { A } else { D };
            let tax = if p.department.contains("税务") { A } else { D };
            [L, D, A, tax, county, clus, me, D, A, D]
        };
        let own_problem = problems
            .iter()
            .find(|p| p.enterprise_id == own.id)
            .unwrap()
            .clone();
        let tax_problem = problems
            .iter()
            .find(|p| p.department.contains("税务") && p.enterprise_id != own.id)
            .unwrap()
            .clone();
        let filed = s
            .app
            .file_problem(
                &qiye,
                &mujun_app::service::problems::ProblemForm {
                    category: "其他".into(),
                    title: "权限测试".into(),
                    description: "权限测试".into(),
                    ..Default::default()
                },
                Some(("证明.pdf", b"%PDF-1.4".as_slice())),
            )
            .await
            .unwrap();
        let filed_page = s.app.problem(&city, filed).await.unwrap().problem;
        let filed_event = filed_page.events[0].id;
        let tracker = s.app.plan_tasks(&city).await.unwrap();
        let task = tracker.sections[0].1[2].id;
        let report = s
            .app
            .report_task(
                &city,
                task,
                &mujun_app::tasks::tracker::ReportForm {
                    status: "on_track".into(),
                    body: "权限测试".into(),
                    ..Default::default()
                },
                Some(("进展.pdf", b"%PDF-1.4".as_slice())),
            )
            .await
            .unwrap();
        let tracker_readers = [L, D, A, A, A, A, D, D, A, D];
        let assessments = s.app.cluster_assessments(&city).await.unwrap();
        let published_assessment = assessments
            .iter()
            .find(|a| a.state == mujun_app::clusters_plan::assessments::State::Published)
            .unwrap()
            .id;
        let draft_assessment = assessments
            .iter()
            .find(|a| a.state == mujun_app::clusters_plan::assessments::State::Draft)
            .unwrap()
            .id;
        // 倒逼转型: plans are read like their enterprise.
        let c_plan = s
            .app
            .c_ledger(&city, None)
            .await
            .unwrap()
            .rows
            .into_iter()
            .find_map(|r| r.plan)
            .unwrap();
        let c_plan_e = {
            let e = all.iter().find(|e| e.id == c_plan.enterprise_id).unwrap();
            ent(e.id, &e.region_code, e.cluster_name.as_deref())
        };
        let service_routes: Vec<(String, [Expect; 10])> = vec![
            ("/service/problems".into(), business),
            ("/service/problems?show=all".into(), business),
            ("/service/problems.xlsx".into(), business),
            (
                format!("/service/problems/{}", own_problem.id),
                by_problem(&own_problem),
            ),
            (
                format!("/service/problems/{}", tax_problem.id),
                by_problem(&tax_problem),
            ),
            (
                format!("/service/attachments/{filed_event}"),
                by_problem(&filed_page),
            ),
            ("/service/calendar".into(), business),
            ("/tasks".into(), tracker_readers),
            ("/tasks.xlsx".into(), [L, D, A, D, D, D, D, D, A, D]),
            (format!("/tasks/{task}"), tracker_readers),
            (format!("/tasks/attachments/{report}"), tracker_readers),
            ("/api/v1/service/problems".into(), business),
            (
                format!("/api/v1/service/problems/{}", own_problem.id),
                by_problem(&own_problem),
            ),
            (
                format!("/api/v1/service/problems/{}", tax_problem.id),
                by_problem(&tax_problem),
            ),
            ("/api/v1/service/statistics".into(), business),
            (format!("/runs/{run}/simulate"), city_only),
            (format!("/runs/{run}/simulate?scenario={scenario}"), city_only),
            (format!("/runs/{run}/simulate/compare?s={scenario}"), city_only),
            (
                format!("/runs/{run}/simulate/compare.xlsx?s={scenario}"),
                city_only,
            ),
            (format!("/runs/{run}/sensitivity"), city_only),
            (format!("/api/v1/runs/{run}/scenarios"), city_only),
            (
                format!("/api/v1/runs/{run}/scenarios/compare?scenarios={scenario}"),
                city_only,
            ),
            (format!("/api/v1/runs/{run}/sensitivity?step=10"), city_only),
            ("/warnings".into(), tracker_readers),
            ("/api/v1/warnings".into(), tracker_readers),
            ("/clusters/indicators".into(), tracker_readers),
            ("/clusters/assessments".into(), tracker_readers),
            (
                format!("/clusters/assessments/{published_assessment}"),
                tracker_readers,
            ),
            (
                format!("/clusters/assessments/{draft_assessment}"),
                [L, D, A, D, D, D, D, D, A, D],
            ),
            ("/clusters/method".into(), tracker_readers),
            ("/targets".into(), tracker_readers),
            ("/api/v1/cluster-indicators".into(), tracker_readers),
            ("/api/v1/cluster-assessments".into(), tracker_readers),
            (
                format!("/api/v1/cluster-assessments/{published_assessment}"),
                tracker_readers,
            ),
            (
                format!("/api/v1/cluster-assessments/{draft_assessment}"),
                [L, D, A, D, D, D, D, D, A, D],
            ),
            ("/api/v1/plan-targets".into(), tracker_readers),
            ("/transformation".into(), business),
            (format!("/transformation/plans/{}", c_plan.id), c_plan_e),
            ("/api/v1/transformation-plans".into(), business),
            (format!("/api/v1/transformation-plans/{}", c_plan.id), c_plan_e),
            ("/api/v1/tasks".into(), tracker_readers),
            (format!("/api/v1/tasks/{task}"), tracker_readers),
        ];
        let routes: Vec<(String, [Expect; 10])> = land_routes
            .into_iter()
            .chain(service_routes)
            .chain(vec![
                ("/".into(), everyone),
                // Negative lists: whoever sees the cluster, but not an enterprise; reviews: the
                // city, counties and clusters.
                (format!("/clusters/{}/negative-list", zb.id), {
                    let mut e = clu(zb.id, &zb.region_code);
                    e[6] = D;
                    e
                }),
                (format!("/clusters/{}/negative-list", far_cluster.id), {
                    let mut e = clu(far_cluster.id, &far_cluster.region_code);
                    e[6] = D;
                    e
                }),
                ("/admission".into(), [L, D, A, D, A, A, D, D, D, D]),
                ("/password".into(), everyone),
                ("/enterprises".into(), business),
                ("/enterprises.xlsx?region=411702".into(), business),
                ("/messages".into(), everyone),
                ("/api/v1/messages".into(), everyone),
                ("/enterprises?class=A&sort=name&page=2".into(), business),
                (format!("/enterprises/{}", own.id), own_e),
                (format!("/enterprises/{}", far.id), far_e),
                (
                    format!("/enterprises/{}/history?year=2024&field=tax_paid", own.id),
                    own_e,
                ),
                (
                    format!("/enterprises/{}/history?year=2024&field=tax_paid", far.id),
                    far_e,
                ),
                ("/enterprises/new".into(), city_only),
                (format!("/enterprises/{}/edit", own.id), city_only),
                ("/clusters".into(), business),
                (format!("/clusters/{}", zb.id), clu(zb.id, &zb.region_code)),
                (
                    format!("/clusters/{}", far_cluster.id),
                    clu(far_cluster.id, &far_cluster.region_code),
                ),
                ("/clusters/new".into(), city_only),
                (format!("/clusters/{}/edit", zb.id), city_only),
                ("/accounts".into(), admin_only),
                ("/accounts.xlsx".into(), admin_only),
                ("/accounts/bulk".into(), admin_only),
                ("/accounts/new".into(), admin_only),
                (format!("/accounts/{account}/edit"), admin_only),
                ("/audit".into(), auditor_only),
                ("/audit.xlsx?outcome=denied".into(), auditor_only),
                ("/audit/verify".into(), auditor_only),
                ("/account/security".into(), everyone),
                ("/account/tokens".into(), token_holders),
                ("/account-requests".into(), security_admin_only),
                ("/setup".into(), city_only),
                ("/collection".into(), collectors),
                (format!("/collection/rounds/{round}"), collectors),
                ("/collection/import?department=tax&year=2024".into(), collectors),
                ("/collection/template?department=tax&year=2024".into(), collectors),
                ("/collection/disputes".into(), department_only),
                ("/collection/disputes.xlsx?year=2024".into(), department_only),
                ("/collection/quality?year=2024".into(), collectors),
                ("/collection/quality.csv?year=2024".into(), collectors),
                ("/collection/catalogue".into(), everyone),
                ("/self-check".into(), enterprise_only),
                ("/land".into(), collectors),
                ("/api/v1/me".into(), everyone),
                ("/api/v1/enterprises".into(), business),
                (format!("/api/v1/enterprises/{}", own.id), own_e),
                (format!("/api/v1/enterprises/{}", far.id), far_e),
                (
                    format!(
                        "/api/v1/enterprises/{}/figures/tax_paid/history?year=2024",
                        far.id
                    ),
                    far_e,
                ),
                ("/api/v1/clusters".into(), business),
                (
                    format!("/api/v1/clusters/{}", far_cluster.id),
                    clu(far_cluster.id, &far_cluster.region_code),
                ),
                ("/api/v1/reference".into(), everyone),
                ("/api/v1/collection/catalogue".into(), everyone),
                ("/api/v1/collection/tax/2024/template".into(), collectors),
                (format!("/api/v1/collection/rounds/{round}"), collectors),
                // Evaluation runs.
                ("/runs".into(), business),
                (format!("/runs/{run}"), results),
                (format!("/runs/{run}/ranking?class=B&sort=total"), results),
                (format!("/runs/{run}/ranking.xlsx"), results),
                (format!("/runs/{run}/summary.pdf"), results),
                (format!("/runs/{run}/notice.pdf"), city_only),
                (format!("/runs/{run}/results.xlsx"), city_only),
                (format!("/runs/{run}/snapshot.csv"), city_only),
                (format!("/runs/{run}/method.toml"), city_only),
                (format!("/runs/{run}/adjustments.csv"), city_only),
                (format!("/runs/{run}/enterprises/{}", own.id), own_card),
                (format!("/runs/{run}/enterprises/{far_id}"), far_card),
                (format!("/runs/{run}/enterprises/{}/card.pdf", own.id), own_card),
                (format!("/runs/{run}/enterprises/{far_id}/card.pdf"), far_card),
                // The policy sheet: scoped like the score card.
                (format!("/runs/{run}/enterprises/{}/policies", own.id), own_card),
                (format!("/runs/{run}/enterprises/{far_id}/policies"), far_card),
                (format!("/enterprises/{}/classes", own.id), own_e),
                (format!("/enterprises/{}/classes", far.id), far_e),
                ("/objections".into(), business),
                (format!("/objections?run={run}"), business),
                (format!("/objections.xlsx?run={run}"), business),
                (format!("/objections/{objection}/attachment"), own_e),
                ("/methods".into(), city_only),
                ("/methods?method=preset:henan-2019".into(), city_only),
                ("/policies".into(), business),
                ("/policies?edit=1".into(), business),
                (format!("/policies/lists?run={run}&department=power"), collectors),
                (
                    format!("/policies/lists.xlsx?run={run}&department=power"),
                    collectors,
                ),
                ("/public/runs".into(), public),
                ("/activate".into(), public),
                (format!("/public/runs/{run}"), public),
                (format!("/public/runs/{run}?class=A&q=%E9%A9%BB"), public),
                (format!("/public/runs/{run}/list.xlsx"), public),
                ("/api/v1/runs".into(), business),
                (format!("/api/v1/runs/{run}"), results),
                (format!("/api/v1/runs/{run}/results?class=C"), results),
                (format!("/api/v1/runs/{run}/results/{}", own.id), own_card),
                (format!("/api/v1/runs/{run}/results/{far_id}"), far_card),
                ("/api/v1/objections".into(), business),
            ])
            .collect();
        let mut mismatches = Vec::new();
        for (path, expected) in &routes {
            for (i, role) in ROLES.iter().enumerate() {
                let before = denied_count(s).await;
                let page = s.get(path, browsers[i].as_ref()).await;
                let got = classify(&page);
                if got != Some(expected[i]) {
                    mismatches.push(format!(
                        "GET {path} as {role}: expected {:?}, got {:?} ({})",
                        expected[i], got, page.status
                    ));
                    continue;
                }
                if got == Some(D) && denied_count(s).await <= before {
                    mismatches.push(format!("GET {path} as {role}: refused but not audited"));
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{}: {} mismatches:\n{}",
            s.name,
            mismatches.len(),
            mismatches.join("\n")
        );
    })
    .await;
}

#[tokio::test]
async fn state_changing_routes_refuse_other_roles() {
    each(async |s| {
        // Each POST is sent with a valid session token and harmless (often invalid) content:
        // an allowed role gets past the permission check (any answer but 403), a refused role
        // gets 403 and an audit entry. The evaluation steps go to a published run, which no
        // step changes any more.
        let (run, objection) = published_run(s).await;
        let scenario = {
            let city = s
                .app
                .login("city", PASSWORD, "127.0.0.1", None)
                .await
                .unwrap()
                .actor;
            let source = s.app.run_method_source(&city, run).await.unwrap();
            s.app
                .save_scenario(&city, run, "权限测试方案", &source)
                .await
                .unwrap()
        };
        let qiye = s
            .app
            .login("qiye", PASSWORD, "127.0.0.1", None)
            .await
            .unwrap()
            .actor;
        let own = qiye.enterprise_id.unwrap();
        let city_only = [L, D, A, D, D, D, D, D, D, D];
        // A message to the enterprise user's enterprise; an account to re-issue a code for.
        let mut tx = s.app.store().begin().await.unwrap();
        let message = mujun_store::messages::insert(
            &mut tx,
            mujun_store::messages::Recipient::Enterprise(own),
            "权限测试",
            "正文",
            "",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let message_path: &'static str = Box::leak(format!("/messages/{message}/read").into_boxed_str());
        // Not an enterprise account: the administrator is refused for the content (422), so the
        // enterprise user keeps its password for the rest of the matrix.
        let auditor = s
            .app
            .login("auditor", PASSWORD, "127.0.0.1", None)
            .await
            .unwrap()
            .actor;
        let account_path: &'static str =
            Box::leak(format!("/accounts/{}/activation", auditor.user_id).into_boxed_str());
        let reset_request_path: &'static str =
            Box::leak(format!("/accounts/{}/reset-request", auditor.user_id).into_boxed_str());
        let run_path = |p: &str| -> &'static str { Box::leak(format!("/runs/{run}{p}").into_boxed_str()) };
        let objection_path: &'static str = Box::leak(format!("/objections/{objection}").into_boxed_str());
        let mut posts: Vec<Post> = vec![
            (
                "/runs",
                vec![("year", "1999"), ("method", "preset:henan-2019")],
                city_only,
            ),
            (
                run_path("/notice"),
                vec![("start", "2024-01-01"), ("end", "2024-01-08")],
                city_only,
            ),
            (run_path("/end-notice"), vec![], city_only),
            (run_path("/skip-notice"), vec![], city_only),
            // Approval: the city administrator and the approving leader.
            (run_path("/approve"), vec![], [L, D, A, D, D, D, D, D, A, D]),
            (run_path("/reopen-year"), vec![("reason", "")], city_only),
            (run_path("/reopen"), vec![("reason", "权限测试")], city_only),
            (run_path("/publish"), vec![("confirm", "1")], city_only),
            (
                run_path("/rerun"),
                vec![("year", "2024"), ("method", "preset:henan-2019")],
                city_only,
            ),
            (
                run_path(&format!("/enterprises/{own}/adjust")),
                vec![("class", "C"), ("reason", "权限测试")],
                city_only,
            ),
            // The objection was routed to the tax department: its officer and the city answer.
            (
                objection_path,
                vec![("action", "reject"), ("reason", "权限测试")],
                [L, D, A, A, D, D, D, D, D, D],
            ),
            ("/methods", vec![("source", "x"), ("based_on", "")], city_only),
            (
                "/methods/form",
                vec![("based_on", "preset:henan-2019")],
                city_only,
            ),
            ("/policies", vec![("class", "Z")], city_only),
            ("/policies/1", vec![("class", "Z")], city_only),
        ];
        let zb = cluster_id(s, "驻马店装备产业集聚区").await;
        let list_path: &'static str = Box::leak(format!("/clusters/{zb}/negative-list").into_boxed_str());
        let zb_text: &'static str = Box::leak(zb.to_string().into_boxed_str());
        posts.extend(vec![
            // A cluster's list: the city and the cluster's committee; a review: also its county.
            (list_path, vec![("basis", "")], [L, D, A, D, D, A, D, D, D, D]),
            (
                "/admission",
                vec![("cluster_id", zb_text), ("project_name", "")],
                [L, D, A, D, A, A, D, D, D, D],
            ),
            (
                "/enterprises/new",
                vec![("credit_code", "x")],
                [L, D, A, D, D, D, D, D, D, D],
            ),
            (
                "/clusters/new",
                vec![("name", "")],
                [L, D, A, D, D, D, D, D, D, D],
            ),
            (
                "/accounts/new",
                vec![("username", "")],
                [L, A, D, D, D, D, D, D, D, D],
            ),
            (
                "/accounts/bulk",
                vec![("scope", "")],
                [L, A, D, D, D, D, D, D, D, D],
            ),
            (account_path, vec![], [L, A, D, D, D, D, D, D, D, D]),
            (message_path, vec![], [L, D, D, D, D, D, A, D, D, D]),
            ("/audit/verify", vec![], [L, D, D, D, D, D, D, A, D, D]),
            ("/account/security/totp", vec![], [L, A, A, A, A, A, A, A, A, A]),
            (
                "/account/tokens",
                vec![("name", ""), ("days", "30")],
                [L, D, A, A, A, A, A, D, D, D],
            ),
            (reset_request_path, vec![], [L, A, D, D, D, D, D, D, D, D]),
            (
                "/account-requests/1/reject",
                vec![("reason", "")],
                [L, D, D, D, D, D, D, D, D, A],
            ),
            (
                "/setup/city",
                vec![("code", ""), ("agency", "")],
                [L, D, A, D, D, D, D, D, D, D],
            ),
            // The mapping step of a city file (refused for its content: no such kept file).
            (
                "/setup/mapping",
                vec![("file_id", "0"), ("c0", "")],
                [L, D, A, D, D, D, D, D, D, D],
            ),
            (
                "/collection/rounds",
                vec![("year", "2031")],
                [L, D, A, D, D, D, D, D, D, D],
            ),
            (
                "/land/parcels",
                vec![
                    ("certificate_no", "权限测试"),
                    ("area", "1"),
                    ("unit", "mu"),
                    ("holder_code_1", ""),
                    ("holder_share_1", ""),
                ],
                [L, D, A, D, D, D, D, D, D, D],
            ),
        ]);
        // Land: contracts by the land keepers; idle cases likewise; plans by the city, counties
        // and clusters within their scope.
        let city = s
            .app
            .login("city", PASSWORD, "127.0.0.1", None)
            .await
            .unwrap()
            .actor;
        let own_project = s.app.projects(&qiye).await.unwrap().remove(0).id;
        let problems = s.app.problems(&city).await.unwrap().problems;
        let own_problem = problems.iter().find(|p| p.enterprise_id == own).unwrap().clone();
        let tax_problem = problems
            .iter()
            .find(|p| p.department.contains("税务") && p.enterprise_id != own)
            .unwrap()
            .clone();
        // 促进土地集约节约利用.
        let task = s.app.plan_tasks(&city).await.unwrap().sections[0].1[2].id;
        let c_plan = s
            .app
            .c_ledger(&city, None)
            .await
            .unwrap()
            .rows
            .into_iter()
            .find_map(|r| r.plan)
            .unwrap();
        let draft_assessment = s
            .app
            .cluster_assessments(&city)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.state == mujun_app::clusters_plan::assessments::State::Draft)
            .unwrap()
            .id;
        let decision_path: &'static str =
            Box::leak(format!("/clusters/assessments/{draft_assessment}/decision").into_boxed_str());
        let c_plan_path: &'static str =
            Box::leak(format!("/transformation/plans/{}", c_plan.id).into_boxed_str());
        let c_plan_county = if c_plan.county == "驿城区" { A } else { D };
        let c_plan_cluster = if c_plan.cluster == "驻马店装备产业集聚区" {
            A
        } else {
            D
        };
        let open_path: &'static str =
            Box::leak(format!("/land/projects/{own_project}/cases").into_boxed_str());
        let case = s
            .app
            .land_cases(&city, mujun_app::land::CaseKind::Idle)
            .await
            .unwrap()[0]
            .id;
        let step_path: &'static str = Box::leak(format!("/land/cases/{case}/steps").into_boxed_str());
        let plan = s.app.low_efficiency(&city, None).await.unwrap().plans.remove(0);
        let plan_path: &'static str = Box::leak(format!("/land/plans/{}", plan.id).into_boxed_str());
        let plan_county = if plan.county == "驿城区" { A } else { D };
        let plan_cluster = if plan.cluster == "驻马店装备产业集聚区" {
            A
        } else {
            D
        };
        posts.extend(vec![
            ("/tasks/load", vec![], city_only),
            (
                Box::leak(format!("/tasks/{task}/settings").into_boxed_str()),
                vec![("version", "0"), ("cadence", "")],
                city_only,
            ),
            ("/service/calendar", vec![("text", "不是日期 休")], city_only),
            (
                "/clusters/data",
                vec![("year", "0"), ("item", "")],
                [L, D, A, A, D, D, D, D, D, D],
            ),
            ("/clusters/assessments", vec![("year", "0")], city_only),
            (
                decision_path,
                vec![("version", "0"), ("decision", "approve")],
                [L, D, D, D, D, D, D, D, A, D],
            ),
            ("/clusters/method", vec![("text", "x")], city_only),
            // Simulating a method change: the city administrator only (refused for the content:
            // not a method file).
            (
                Box::leak(format!("/runs/{run}/simulate").into_boxed_str()),
                vec![("method", "x")],
                city_only,
            ),
            // Keeping a scenario (refused for its content: no name); removing one (the city
            // removes it; the roles after it are refused before the scenario is looked up).
            (
                Box::leak(format!("/runs/{run}/scenarios").into_boxed_str()),
                vec![("name", ""), ("method", "x")],
                city_only,
            ),
            (
                Box::leak(format!("/runs/{run}/scenarios/{scenario}/remove").into_boxed_str()),
                vec![],
                city_only,
            ),
            ("/targets", vec![("level", "")], city_only),
            ("/targets/load", vec![], city_only),
            (
                "/transformation/plans",
                vec![("enterprise_id", "0"), ("year", "2024")],
                [L, D, A, D, A, A, D, D, D, D],
            ),
            (
                c_plan_path,
                vec![("version", "0"), ("body", "")],
                [L, D, A, D, c_plan_county, c_plan_cluster, D, D, D, D],
            ),
            ("/land/projects", vec![("certificate_no", "")], city_only),
            (open_path, vec![("kind", "idle"), ("version", "0")], city_only),
            (step_path, vec![("version", "0"), ("step", "closing")], city_only),
            (
                "/land/plans",
                vec![("parcel_id", "0")],
                [L, D, A, D, A, A, D, D, D, D],
            ),
            (
                plan_path,
                vec![("version", "0"), ("area_disposed_mu", "")],
                [L, D, A, D, plan_county, plan_cluster, D, D, D, D],
            ),
        ]);
        let mut mismatches = Vec::new();
        for (path, fields, expected) in &posts {
            for (i, role) in ROLES.iter().enumerate() {
                let browser = if i == 0 { None } else { Some(s.login(role).await) };
                let before = denied_count(s).await;
                let page = s.post(path, browser.as_ref(), fields).await;
                let got = match (i, page.status) {
                    // Without a session the form token check fails first: 403 without audit
                    // is the CSRF refusal, the right answer for an anonymous POST.
                    (0, StatusCode::FORBIDDEN) => Some(L),
                    _ => classify(&page),
                };
                if got != Some(expected[i]) {
                    mismatches.push(format!(
                        "POST {path} as {role}: expected {:?}, got {:?} ({})",
                        expected[i], got, page.status
                    ));
                } else if got == Some(D) && denied_count(s).await <= before {
                    mismatches.push(format!("POST {path} as {role}: refused but not audited"));
                }
            }
        }
        // Objections are multipart forms (with the attachment): only the enterprise user files
        // one (refused for its content here: the notice is over).
        let uploads: Vec<Upload> = vec![
            (
                format!("/runs/{run}/objections"),
                vec![("item", "class"), ("text", "权限测试")],
                [L, D, D, D, D, D, A, D, D, D],
            ),
            // Problems: filed by the enterprise for itself, by cluster staff and the office (for
            // an enterprise: refused here for the content, none chosen); assigned by the office;
            // answered by the department it is assigned to; rated by the enterprise (or recorded
            // by the office or its cluster after a return visit). The tracker: the task's lead
            // and co-operating units (促进土地集约节约利用: the land department leads, the counties
            // co-operate; the city reports for any lead unit).
            ("/service/problems".into(), vec![], [L, D, A, D, D, A, A, D, D, D]),
            (
                format!("/service/problems/{}/assign", own_problem.id),
                vec![("version", "0")],
                city_only,
            ),
            (
                format!("/service/problems/{}/rate", own_problem.id),
                vec![("version", "0")],
                {
                    let clus = if own_problem.cluster == "驻马店装备产业集聚区" {
                        A
                    } else {
                        D
                    };
                    [L, D, A, D, D, clus, A, D, D, D]
                },
            ),
            (
                format!("/service/problems/{}/answer", tax_problem.id),
                vec![("version", "0")],
                [L, D, D, A, D, D, D, D, D, D],
            ),
            (
                format!("/tasks/{task}/reports"),
                vec![("status", "")],
                [L, D, A, D, A, D, D, D, D, D],
            ),
            // The city's registry and class history: the city administrator only (refused for
            // the content here: no file).
            ("/setup/registry".into(), vec![("year", "2024")], city_only),
            ("/setup/classes".into(), vec![], city_only),
            ("/setup/figures".into(), vec![("year", "2023")], city_only),
            // Contracts from a workbook: the land keepers; progress: whoever may report it for
            // the enterprise user's project (its county, its cluster, itself).
            ("/land/projects/import".into(), vec![], city_only),
            (
                format!("/land/projects/{own_project}/progress"),
                vec![("stage", "building")],
                {
                    let e = s
                        .app
                        .projects(&city)
                        .await
                        .unwrap()
                        .into_iter()
                        .find(|p| p.id == own_project)
                        .unwrap();
                    let c = if e.county == "驿城区" { A } else { D };
                    let k = if e.cluster == "驻马店装备产业集聚区" {
                        A
                    } else {
                        D
                    };
                    [L, D, A, D, c, k, A, D, D, D]
                },
            ),
        ];
        for (path, fields, expected) in &uploads {
            for (i, role) in ROLES.iter().enumerate() {
                let browser = if i == 0 { None } else { Some(s.login(role).await) };
                let before = denied_count(s).await;
                let page = s.post_multipart(path, browser.as_ref(), fields, None).await;
                let got = match (i, page.status) {
                    (0, StatusCode::FORBIDDEN) => Some(L),
                    _ => classify(&page),
                };
                if got != Some(expected[i]) {
                    mismatches.push(format!(
                        "POST {path} (multipart) as {role}: expected {:?}, got {:?} ({})",
                        expected[i], got, page.status
                    ));
                } else if got == Some(D) && denied_count(s).await <= before {
                    mismatches.push(format!("POST {path} as {role}: refused but not audited"));
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{}: {} mismatches:\n{}",
            s.name,
            mismatches.len(),
            mismatches.join("\n")
        );
    })
    .await;
}
