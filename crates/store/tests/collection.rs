//! The collection tables on SQLite and PostgreSQL: catalogue, rounds and tasks, import batches
//! and pending uploads, self-checks, land records.
#![allow(clippy::unwrap_used)]

use mujun_store::testing;
use mujun_store::{
    Store, catalogue, departments, enterprises, figures, imports, land, rounds, self_checks, users,
};

async fn each(f: impl AsyncFn(&Store, &'static str)) {
    for t in testing::all().await {
        f(&t.store, t.name).await;
        t.cleanup().await;
    }
}

async fn enterprise(s: &Store, code: &str) -> i64 {
    let mut c = s.begin().await.unwrap();
    let id = enterprises::insert(
        &mut c,
        &enterprises::EnterpriseFields {
            credit_code: code.into(),
            name: format!("企业{code}"),
            region_code: "411702".into(),
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

#[tokio::test]
async fn catalogue_rounds_and_tasks() {
    each(async |s, name| {
        let mut c = s.begin().await.unwrap();
        let item = catalogue::Item {
            id: "tax_paid".into(),
            label: "实缴税收".into(),
            department_code: "tax".into(),
            unit: "万元".into(),
            value_kind: "number".into(),
            min_value: Some(-1e8),
            max_value: Some(1e8),
            required_above: 1,
            required_below: 1,
            slow_moving: 0,
            description: "说明".into(),
            shared_with: String::new(),
            sort_order: 1,
            active: 1,
            updated_at: 0,
        };
        catalogue::upsert(&mut c, &item).await.unwrap();
        catalogue::upsert(
            &mut c,
            &catalogue::Item {
                label: "实缴税金".into(),
                ..item.clone()
            },
        )
        .await
        .unwrap();
        catalogue::set_shared_with(&mut c, "tax_paid", "statistics,development")
            .await
            .unwrap();
        let tax = departments::insert(&mut c, "tax", "税务局", 1).await.unwrap();
        let stats = departments::insert(&mut c, "statistics", "统计局", 2)
            .await
            .unwrap();
        let round = rounds::insert(&mut c, 2024, "2024 年度数据采集", None)
            .await
            .unwrap();
        rounds::add_task(&mut c, round, tax, "2025-03-31").await.unwrap();
        rounds::add_task(&mut c, round, stats, "2025-04-15")
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut c = s.begin().await.unwrap();
        let u = users::insert(
            &mut c,
            &users::UserFields {
                username: "t".into(),
                display_name: "t".into(),
                role: "department".into(),
                department_id: Some(tax),
                region_code: None,
                cluster_id: None,
                enterprise_id: None,
                active: true,
            },
            "h",
            false,
        )
        .await
        .unwrap();
        rounds::set_task_status(&mut c, round, tax, "submitted", u, "")
            .await
            .unwrap();
        rounds::set_task_status(&mut c, round, stats, "returned", u, "缺少规下企业")
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        let items = catalogue::list(&mut r).await.unwrap();
        assert_eq!(
            (
                items.len(),
                items[0].label.as_str(),
                items[0].shared_with.as_str()
            ),
            (1, "实缴税金", "statistics,development"),
            "{name}"
        );
        assert_eq!(catalogue::count(&mut r).await.unwrap(), 1);
        assert_eq!(
            rounds::open_for_year(&mut r, 2024).await.unwrap().unwrap().id,
            round
        );
        let tasks = rounds::tasks(&mut r, round).await.unwrap();
        assert_eq!(
            tasks.iter().map(|t| t.status.as_str()).collect::<Vec<_>>(),
            ["submitted", "returned"],
            "{name}"
        );
        assert_eq!(
            rounds::task(&mut r, round, stats).await.unwrap().unwrap().note,
            "缺少规下企业"
        );
        drop(r);
        let mut c = s.begin().await.unwrap();
        rounds::close(&mut c, round).await.unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        assert!(rounds::open_for_year(&mut r, 2024).await.unwrap().is_none());
        assert_eq!(rounds::list(&mut r).await.unwrap()[0].status, "closed");
        assert_eq!(rounds::get(&mut r, round).await.unwrap().unwrap().year, 2024);
    })
    .await;
}

#[tokio::test]
async fn batches_pending_uploads_and_counts() {
    each(async |s, name| {
        let e = enterprise(s, "914117000000000016").await;
        let mut c = s.begin().await.unwrap();
        let tax = departments::insert(&mut c, "tax", "税务局", 1).await.unwrap();
        let u = users::insert(
            &mut c,
            &users::UserFields {
                username: "t".into(),
                display_name: "t".into(),
                role: "department".into(),
                department_id: Some(tax),
                region_code: None,
                cluster_id: None,
                enterprise_id: None,
                active: true,
            },
            "h",
            false,
        )
        .await
        .unwrap();
        let batch = imports::insert(
            &mut c,
            &imports::NewBatch {
                department_id: tax,
                year: 2024,
                user_id: Some(u),
                source: "xlsx".into(),
                file_name: "税务.xlsx".into(),
                file_hash: "ab".repeat(32),
                row_count: 1,
                value_count: 1,
                warnings_confirmed: 0,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        figures::record(
            &mut c,
            s.backend(),
            &[figures::NewFigure {
                enterprise_id: e,
                year: 2024,
                field: "tax_paid".into(),
                value: Some(10.0),
                department_id: Some(tax),
                source: "import".into(),
                batch_id: Some(batch),
                user_id: Some(u),
            }],
        )
        .await
        .unwrap();
        let pending = imports::insert_pending(&mut c, u, tax, 2024, "x.xlsx", "cd", &[0, 159, 255, 1], false)
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        assert_eq!(
            imports::list(&mut r, Some(tax), 2024).await.unwrap()[0].id,
            batch,
            "{name}"
        );
        assert_eq!(imports::list(&mut r, None, 2023).await.unwrap().len(), 0);
        let p = imports::get_pending(&mut r, pending, u).await.unwrap().unwrap();
        assert_eq!(p.content, vec![0, 159, 255, 1], "{name}: bytes survive");
        assert!(
            imports::get_pending(&mut r, pending, u + 1)
                .await
                .unwrap()
                .is_none(),
            "only its sender sees it"
        );
        assert_eq!(
            figures::filled_counts(&mut r, 2024).await.unwrap(),
            vec![("tax_paid".to_owned(), 1)]
        );
        assert_eq!(
            figures::current_values(&mut r, 2024).await.unwrap()[0],
            (e, "tax_paid".to_owned(), Some(10.0))
        );
        assert_eq!(
            figures::current(&mut r, e, 2024).await.unwrap()[0].batch_id,
            Some(batch)
        );
        drop(r);
        let mut c = s.begin().await.unwrap();
        imports::delete_pending(&mut c, pending).await.unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        assert!(imports::get_pending(&mut r, pending, u).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn self_checks_queue_and_resolve() {
    each(async |s, name| {
        let e = enterprise(s, "914117000000000016").await;
        let mut c = s.begin().await.unwrap();
        let u = users::insert(
            &mut c,
            &users::UserFields {
                username: "q".into(),
                display_name: "q".into(),
                role: "enterprise".into(),
                department_id: None,
                region_code: None,
                cluster_id: None,
                enterprise_id: Some(e),
                active: true,
            },
            "h",
            false,
        )
        .await
        .unwrap();
        let new = |item: &str, status: &str, dept: &str| self_checks::NewCheck {
            enterprise_id: e,
            year: 2024,
            item: item.into(),
            figure_id: None,
            status: status.into(),
            comment: "说明".into(),
            department_code: dept.into(),
            user_id: u,
        };
        self_checks::insert(&mut c, &new("main_revenue", "confirmed", "statistics"))
            .await
            .unwrap();
        let d = self_checks::insert(&mut c, &new("tax_paid", "disputed", "tax"))
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        assert_eq!(
            self_checks::queue(&mut r, "tax", 2024).await.unwrap().len(),
            1,
            "{name}"
        );
        assert_eq!(
            self_checks::confirmations(&mut r, 2024).await.unwrap(),
            vec![("statistics".to_owned(), 1)]
        );
        drop(r);
        let mut c = s.begin().await.unwrap();
        self_checks::resolve(&mut c, d, "answered", u, "已核实无误")
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut c = s.begin().await.unwrap();
        assert!(
            matches!(
                self_checks::resolve(&mut c, d, "corrected", u, "再次").await,
                Err(mujun_store::StoreError::Conflict(_))
            ),
            "{name}: once"
        );
        c.rollback().await.unwrap();
        let mut r = s.read().await.unwrap();
        let got = self_checks::get(&mut r, d).await.unwrap().unwrap();
        assert_eq!(
            (got.status.as_str(), got.resolution.as_str()),
            ("answered", "已核实无误")
        );
        assert_eq!(
            self_checks::for_enterprise(&mut r, e, 2024).await.unwrap().len(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn land_parcels_shares_and_leases() {
    each(async |s, name| {
        let a = enterprise(s, "914117000000000016").await;
        let b = enterprise(s, "914117000000000029").await;
        let mut c = s.begin().await.unwrap();
        let p = land::insert_parcel(
            &mut c,
            "豫(2019)驻马店市不动产权第0001234号",
            100.0,
            Some("2012-05-01"),
            "工业用地",
            "驿城区",
        )
        .await
        .unwrap();
        land::set_shares(&mut c, p, &[(a, 60.0), (b, 40.0)])
            .await
            .unwrap();
        land::insert_lease(&mut c, Some(a), Some(b), 10.0, "2023-01-01", None, "厂房出租")
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut c = s.begin().await.unwrap();
        assert!(matches!(
            land::insert_parcel(&mut c, "豫(2019)驻马店市不动产权第0001234号", 5.0, None, "", "").await,
            Err(mujun_store::StoreError::Duplicate(_))
        ));
        c.rollback().await.unwrap();
        let mut r = s.read().await.unwrap();
        assert_eq!(
            land::shares_of_parcel(&mut r, p).await.unwrap().len(),
            2,
            "{name}"
        );
        let h = land::holdings(&mut r, a).await.unwrap();
        assert_eq!((h.len(), h[0].share_mu, h[0].parcel.area_mu), (1, 60.0, 100.0));
        assert_eq!(land::parcel(&mut r, p).await.unwrap().unwrap().version, 2);
        assert_eq!(land::leases_of(&mut r, b).await.unwrap()[0].area_mu, 10.0);
        let mut with = land::enterprises_with_records(&mut r).await.unwrap();
        with.sort_unstable();
        assert_eq!(with, vec![a, b]);
    })
    .await;
}

#[tokio::test]
async fn a_batch_supersedes_exactly_the_values_it_replaces() {
    each(async |s, name| {
        let a = enterprise(s, "914117000000000016").await;
        let b = enterprise(s, "914117000000000029").await;
        let mut c = s.begin().await.unwrap();
        let tax = departments::insert(&mut c, "tax", "税务局", 1).await.unwrap();
        let v = |e: i64, field: &str, value: f64, batch: Option<i64>| figures::NewFigure {
            enterprise_id: e,
            year: 2024,
            field: field.into(),
            value: Some(value),
            department_id: Some(tax),
            source: "import".into(),
            batch_id: batch,
            user_id: None,
        };
        figures::insert_fresh(
            &mut c,
            s.backend(),
            &[
                v(a, "tax_paid", 1.0, None),
                v(b, "tax_paid", 2.0, None),
                v(a, "land_area_mu", 9.0, None),
            ],
        )
        .await
        .unwrap();
        let nb = |rows: i64| imports::NewBatch {
            department_id: tax,
            year: 2024,
            user_id: None,
            source: "xlsx".into(),
            file_name: "f".into(),
            file_hash: "h".into(),
            row_count: rows,
            value_count: rows,
            warnings_confirmed: 0,
            ..Default::default()
        };
        let b1 = imports::insert(&mut c, &nb(1)).await.unwrap();
        figures::record_batch(&mut c, s.backend(), b1, &[v(a, "tax_paid", 10.0, Some(b1))])
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut c = s.begin().await.unwrap();
        let b2 = imports::insert(&mut c, &nb(2)).await.unwrap();
        figures::record_batch(
            &mut c,
            s.backend(),
            b2,
            &[v(a, "tax_paid", 11.0, Some(b2)), v(b, "tax_paid", 22.0, Some(b2))],
        )
        .await
        .unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        let cur: Vec<(i64, String, Option<f64>)> = {
            let mut v = figures::current_values(&mut r, 2024).await.unwrap();
            v.sort_by(|x, y| (x.0, &x.1).cmp(&(y.0, &y.1)));
            v
        };
        assert_eq!(
            cur,
            vec![
                (a, "land_area_mu".into(), Some(9.0)),
                (a, "tax_paid".into(), Some(11.0)),
                (b, "tax_paid".into(), Some(22.0))
            ],
            "{name}"
        );
        let hist = figures::history(&mut r, a, 2024, "tax_paid").await.unwrap();
        assert_eq!(
            hist.iter().map(|f| f.value.unwrap()).collect::<Vec<_>>(),
            vec![11.0, 10.0, 1.0],
            "{name}: history kept"
        );
        assert_eq!(hist.iter().filter(|f| f.superseded_at.is_none()).count(), 1);
    })
    .await;
}
