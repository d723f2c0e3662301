//! The evaluation tables on SQLite and PostgreSQL: method versions, runs and their state,
//! snapshots and results in bulk, ranking with scope and filters, summaries, adjustments,
//! objections and the policy catalogue.
#![allow(clippy::unwrap_used)]

use mujun_store::runs::{self, ResultFilter, ResultSort, RunInput, RunResult, SummaryBy};
use mujun_store::{Scope, Store, enterprises, methods, objections, policies, testing, users};

async fn each(f: impl AsyncFn(&Store, &'static str)) {
    for t in testing::all().await {
        f(&t.store, t.name).await;
        t.cleanup().await;
    }
}

async fn enterprise(s: &Store, code: &str, region: &str) -> i64 {
    let mut c = s.begin().await.unwrap();
    let id = enterprises::insert(
        &mut c,
        &enterprises::EnterpriseFields {
            credit_code: code.into(),
            name: format!("企业{code}"),
            region_code: region.into(),
            cluster_id: None,
            industry_code: "3412".into(),
            production_start: None,
            status: "operating".into(),
            contact_name: String::new(),
            contact_phone: String::new(),
            address: String::new(),
            checksum_override: false,
        },
    )
    .await
    .unwrap();
    c.commit().await.unwrap();
    id
}

async fn user(s: &Store, name: &str) -> i64 {
    let mut c = s.begin().await.unwrap();
    let id = users::insert(
        &mut c,
        &users::UserFields {
            username: name.into(),
            display_name: name.into(),
            role: "city_admin".into(),
            department_id: None,
            region_code: None,
            cluster_id: None,
            enterprise_id: None,
            active: true,
        },
        "hash",
        false,
    )
    .await
    .unwrap();
    c.commit().await.unwrap();
    id
}

fn input(run_id: i64, enterprise_id: i64, code: &str, region: &str, tax: Option<f64>) -> RunInput {
    RunInput {
        run_id,
        enterprise_id,
        credit_code: code.into(),
        name: format!("企业{code}"),
        region_code: region.into(),
        cluster: Some("驿城区产业集聚区".into()),
        cluster_id: Some(7),
        industry_code: "3412".into(),
        scale: "above".into(),
        production_start: Some("2015-01-01".into()),
        land_area_mu: Some(10.5),
        tax_paid: tax,
        profit_total: None,
        main_revenue: Some(1e4),
        rd_expense: Some(0.0),
        gross_output: Some(2e4),
        energy_tce: Some(100.0),
        electricity_kwh: Some(1234.0),
        pollution_eq: None,
        employees: Some(50.0),
        value_added: Some(5e3),
        water_m3: Some(1e4),
        land_derivation: "自有 10.5 亩 − 出租 0 亩 + 承租 0 亩 = 10.5 亩".into(),
        bonus: "high_tech".into(),
        veto: String::new(),
    }
}

fn result(run_id: i64, enterprise_id: i64, rank: i64, total: f64, class: &str) -> RunResult {
    RunResult {
        run_id,
        enterprise_id,
        position: rank,
        group_id: "above".into(),
        pool: "驿城区产业集聚区".into(),
        excluded_reason: String::new(),
        rank: Some(rank),
        pool_size: Some(3),
        base: Some(total),
        bonus: Some(0.0),
        total: Some(total),
        computed_class: class.into(),
        final_class: class.into(),
        class_reason: "default B".into(),
        detail: "{\"indicators\":[]}".into(),
    }
}

#[tokio::test]
async fn method_versions_count_up_per_method() {
    each(async |s, name| {
        let mut c = s.begin().await.unwrap();
        let (a, v1) = methods::insert(&mut c, "zmd-2024", "驻马店", "id = 1", "h1", "henan-2019", None)
            .await
            .unwrap();
        let (_, v2) = methods::insert(&mut c, "zmd-2024", "驻马店", "id = 2", "h2", "", None)
            .await
            .unwrap();
        let (_, other) = methods::insert(&mut c, "other", "别的", "x", "h3", "", None)
            .await
            .unwrap();
        c.commit().await.unwrap();
        assert_eq!((v1, v2, other), (1, 2, 1), "{name}");
        let mut c = s.read().await.unwrap();
        let all = methods::list(&mut c).await.unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].version, 2, "newest first within a method: {name}");
        assert_eq!(
            methods::get(&mut c, a).await.unwrap().unwrap().based_on,
            "henan-2019"
        );
        assert_eq!(
            methods::get_version(&mut c, "zmd-2024", 2)
                .await
                .unwrap()
                .unwrap()
                .source,
            "id = 2"
        );
    })
    .await;
}

#[tokio::test]
async fn runs_snapshots_results_and_ranking() {
    each(async |s, name| {
        let e1 = enterprise(s, "91411700MA00000001", "411702").await;
        let e2 = enterprise(s, "91411700MA00000002", "411702").await;
        let e3 = enterprise(s, "91411700MA00000003", "411721").await;
        let admin = user(s, "admin").await;
        let mut c = s.begin().await.unwrap();
        let run = runs::insert(
            &mut c,
            &runs::NewRun {
                year: 2024,
                title: "2024 年度评价",
                method_ref: "preset:henan-2019",
                method_id: "henan-2019",
                method_hash: "abc",
                method_source: "id = \"henan-2019\"",
                previous_run_id: None,
                user_id: None,
            },
        )
        .await
        .unwrap();
        let inputs = vec![
            input(run, e1, "91411700MA00000001", "411702", Some(100.0)),
            input(run, e2, "91411700MA00000002", "411702", None),
            input(run, e3, "91411700MA00000003", "411721", Some(0.1 + 0.2)),
        ];
        runs::insert_inputs(&mut c, s.backend(), &inputs).await.unwrap();
        runs::insert_results(
            &mut c,
            s.backend(),
            &[
                result(run, e1, 1, 150.0, "A"),
                result(run, e2, 3, 20.0, "C"),
                result(run, e3, 2, 80.5, "B"),
            ],
        )
        .await
        .unwrap();
        runs::set_progress(&mut c, run, 50, "评价中").await.unwrap();
        runs::finish(&mut c, run, "inputhash", 3, "完成").await.unwrap();
        c.commit().await.unwrap();

        let mut c = s.read().await.unwrap();
        let r = runs::get(&mut c, run).await.unwrap().unwrap();
        assert_eq!(
            (r.state.as_str(), r.progress, r.enterprises),
            ("draft", 100, 3),
            "{name}"
        );
        // Values come back exactly, NULLs stay NULL.
        let back = runs::inputs(s.read_typed().await.unwrap().conn(), run)
            .await
            .unwrap();
        assert_eq!(back, inputs, "{name}");
        let (page, total) = runs::ranking(
            &mut c,
            run,
            &Scope::All,
            &ResultFilter::default(),
            ResultSort::Rank,
            1,
            2,
        )
        .await
        .unwrap();
        assert_eq!(total, 3);
        assert_eq!(
            page.iter().map(|r| r.rank).collect::<Vec<_>>(),
            [Some(1), Some(2)]
        );
        let (county, n) = runs::ranking(
            &mut c,
            run,
            &Scope::Region("411702".into()),
            &ResultFilter {
                class: Some("C".into()),
                ..ResultFilter::default()
            },
            ResultSort::Total,
            1,
            50,
        )
        .await
        .unwrap();
        assert_eq!((n, county[0].enterprise_id), (1, e2), "{name}");
        let (found, n) = runs::ranking(
            &mut c,
            run,
            &Scope::All,
            &ResultFilter {
                search: Some("00000003".into()),
                industry: Some("C34".into()),
                ..ResultFilter::default()
            },
            ResultSort::Name,
            1,
            50,
        )
        .await
        .unwrap();
        assert_eq!((n, found[0].enterprise_id), (1, e3));
        let (none, n) = runs::ranking(
            &mut c,
            run,
            &Scope::Enterprise(e1),
            &ResultFilter::default(),
            ResultSort::Rank,
            1,
            50,
        )
        .await
        .unwrap();
        assert_eq!((n, none.len()), (1, 1));
        let (_, n) = runs::ranking(
            &mut c,
            run,
            &Scope::Nothing,
            &ResultFilter::default(),
            ResultSort::Rank,
            1,
            50,
        )
        .await
        .unwrap();
        assert_eq!(n, 0);

        let sums = runs::summary(&mut c, run, &Scope::All, SummaryBy::County)
            .await
            .unwrap();
        let a = sums.iter().find(|r| r.key == "411702" && r.class == "A").unwrap();
        assert_eq!(
            (a.enterprises, a.tax_paid, a.land_area_mu),
            (1, Some(100.0), Some(10.5))
        );
        let c_row = sums.iter().find(|r| r.class == "C").unwrap();
        assert_eq!(c_row.tax_paid, None, "a sum of NULLs is NULL: {name}");
        let city = runs::summary(&mut c, run, &Scope::Cluster(7), SummaryBy::City)
            .await
            .unwrap();
        assert_eq!(city.iter().map(|r| r.enterprises).sum::<i64>(), 3);

        let pool = runs::pool_inputs(&mut c, run, "above", "驿城区产业集聚区")
            .await
            .unwrap();
        assert_eq!(pool.len(), 3);
        let (res, inp) = runs::result_of(&mut c, run, e3).await.unwrap().unwrap();
        assert_eq!((res.final_class.as_str(), inp.tax_paid), ("B", Some(0.1 + 0.2)));
        drop(c);

        // State machine guard: a transition from the wrong state is a conflict.
        let mut c = s.begin().await.unwrap();
        runs::transition(&mut c, run, "draft", "notice").await.unwrap();
        assert!(
            runs::transition(&mut c, run, "draft", "notice").await.is_err(),
            "{name}"
        );
        runs::set_notice(&mut c, run, "2025-03-01", "2025-03-10", "full")
            .await
            .unwrap();
        runs::adjust(&mut c, run, e2, "B", "企业已整改", admin)
            .await
            .unwrap();
        c.commit().await.unwrap();

        // Adjustments rewrite the final class only.
        let mut c = s.read().await.unwrap();
        let (adj, _) = runs::result_of(&mut c, run, e2).await.unwrap().unwrap();
        assert_eq!(
            (
                adj.computed_class.as_str(),
                adj.final_class.as_str(),
                adj.class_reason.as_str()
            ),
            ("C", "B", "manual:企业已整改")
        );
        assert_eq!(runs::adjustments(&mut c, run).await.unwrap().len(), 1);
        let counts = runs::pool_class_counts(&mut c, run).await.unwrap();
        assert_eq!(counts.iter().find(|r| r.2 == "B").unwrap().3, 2);
        drop(c);

        // A re-run: class changes between the two.
        let mut c = s.begin().await.unwrap();
        let rerun = runs::insert(
            &mut c,
            &runs::NewRun {
                year: 2024,
                title: "复核",
                method_ref: "preset:henan-2019",
                method_id: "henan-2019",
                method_hash: "abc",
                method_source: "",
                previous_run_id: Some(run),
                user_id: None,
            },
        )
        .await
        .unwrap();
        runs::insert_inputs(
            &mut c,
            s.backend(),
            &[input(rerun, e1, "91411700MA00000001", "411702", Some(1.0))],
        )
        .await
        .unwrap();
        runs::insert_results(&mut c, s.backend(), &[result(rerun, e1, 1, 150.0, "B")])
            .await
            .unwrap();
        let changes = runs::class_changes(&mut c, run, rerun).await.unwrap();
        assert_eq!(
            changes,
            vec![(
                e1,
                "91411700MA00000001".to_owned(),
                "企业91411700MA00000001".to_owned(),
                "A".to_owned(),
                "B".to_owned()
            )]
        );
        runs::fail(&mut c, rerun, "失败").await.unwrap();
        runs::clear_results(&mut c, rerun).await.unwrap();
        c.commit().await.unwrap();
        let mut c = s.read().await.unwrap();
        assert!(
            runs::inputs(s.read_typed().await.unwrap().conn(), rerun)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(runs::get(&mut c, rerun).await.unwrap().unwrap().state, "failed");
        assert_eq!(runs::list(&mut c, &["notice"]).await.unwrap().len(), 1);
        assert_eq!(runs::list(&mut c, &[]).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn bulk_results_of_many_rows() {
    each(async |s, name| {
        let mut c = s.begin().await.unwrap();
        let run = runs::insert(
            &mut c,
            &runs::NewRun {
                year: 2024,
                title: "t",
                method_ref: "preset:henan-2019",
                method_id: "henan-2019",
                method_hash: "h",
                method_source: "",
                previous_run_id: None,
                user_id: None,
            },
        )
        .await
        .unwrap();
        // More rows than one statement carries on either backend.
        let rows: Vec<RunResult> = (0..25_000)
            .map(|i| {
                result(
                    run,
                    i,
                    i + 1,
                    1000.0 - i as f64 / 7.0,
                    if i % 3 == 0 { "A" } else { "B" },
                )
            })
            .collect();
        runs::insert_results(&mut c, s.backend(), &rows).await.unwrap();
        c.commit().await.unwrap();
        let mut c = s.read().await.unwrap();
        let back = runs::results(&mut c, run).await.unwrap();
        assert_eq!(back, rows, "{name}");
    })
    .await;
}

#[tokio::test]
async fn objections_route_and_resolve_once() {
    each(async |s, name| {
        let e = enterprise(s, "91411700MA00000001", "411702").await;
        let u = user(s, "qiye").await;
        let officer = user(s, "tax").await;
        let mut c = s.begin().await.unwrap();
        let run = runs::insert(
            &mut c,
            &runs::NewRun {
                year: 2024,
                title: "t",
                method_ref: "preset:henan-2019",
                method_id: "henan-2019",
                method_hash: "h",
                method_source: "",
                previous_run_id: None,
                user_id: None,
            },
        )
        .await
        .unwrap();
        let id = objections::insert(
            &mut c,
            &objections::NewObjection {
                run_id: run,
                enterprise_id: e,
                item: "tax_paid",
                text: "税收少计了一笔",
                attachment: Some(("完税证明.pdf", b"%PDF-1.4 \x00\xff")),
                department_code: "tax",
                user_id: u,
            },
        )
        .await
        .unwrap();
        objections::insert(
            &mut c,
            &objections::NewObjection {
                run_id: run,
                enterprise_id: e,
                item: "class",
                text: "分类有误",
                attachment: None,
                department_code: "city",
                user_id: u,
            },
        )
        .await
        .unwrap();
        c.commit().await.unwrap();
        let mut c = s.begin().await.unwrap();
        let tax = objections::list(
            &mut c,
            &objections::ObjectionFilter {
                department_code: Some("tax".into()),
                status: Some("open".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(tax.len(), 1, "{name}");
        assert_eq!(
            objections::attachment(&mut c, id).await.unwrap().unwrap(),
            ("完税证明.pdf".to_owned(), b"%PDF-1.4 \x00\xff".to_vec())
        );
        objections::resolve(&mut c, id, "accepted", "核实无误", Some(123.4), officer)
            .await
            .unwrap();
        assert!(
            objections::resolve(&mut c, id, "rejected", "x", None, officer)
                .await
                .is_err()
        );
        c.commit().await.unwrap();
        let mut c = s.read().await.unwrap();
        let o = objections::get(&mut c, id).await.unwrap().unwrap();
        assert_eq!(
            (o.status.as_str(), o.corrected_value, o.resolved_by),
            ("accepted", Some(123.4), Some(officer))
        );
        let all = objections::list(
            &mut c,
            &objections::ObjectionFilter {
                run_id: Some(run),
                enterprise_id: Some(e),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(objections::attachment(&mut c, all[0].id).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn policy_measures_are_data() {
    each(async |s, name| {
        let mut c = s.begin().await.unwrap();
        let m = policies::MeasureFields {
            class: "C",
            kind: "electricity_surcharge",
            department_code: "power",
            title: "差别电价",
            params: r#"{"per_kwh":[0.05,0.1,0.15]}"#,
            description: "",
            active: true,
            sort_order: 1,
        };
        let id = policies::insert(&mut c, &m).await.unwrap();
        policies::update(
            &mut c,
            id,
            &policies::MeasureFields {
                active: false,
                ..m.clone()
            },
        )
        .await
        .unwrap();
        assert!(policies::update(&mut c, id + 100, &m).await.is_err());
        c.commit().await.unwrap();
        let mut c = s.read().await.unwrap();
        let all = policies::list(&mut c).await.unwrap();
        assert_eq!((all.len(), all[0].active), (1, 0), "{name}");
        assert_eq!(
            policies::get(&mut c, id).await.unwrap().unwrap().kind,
            "electricity_surcharge"
        );
    })
    .await;
}
