//! Setting up a city other than the demo's (issue 11): any prefecture-level city or
//! municipality from the embedded table of divisions, on an empty database; refusals for
//! unknown codes, counties, provinces and databases already in use — on both backends.
#![allow(clippy::unwrap_used)]

use mujun_app::{App, AppError, HashCost, Security};
use mujun_store::{audit, testing};

fn app(t: &testing::TestStore) -> App {
    App::new(
        t.store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    )
}

fn refused(r: Result<impl std::fmt::Debug, AppError>, words: &str) {
    match r {
        Err(AppError::Invalid(e)) => assert!(
            e.iter().any(|f| f.message.contains(words)),
            "expected “{words}”: {e:?}"
        ),
        other => panic!("expected a refusal with “{words}”, got {other:?}"),
    }
}

#[tokio::test]
async fn nanyang_is_set_up_with_its_counties_and_nothing_of_zhumadian() {
    for t in testing::all().await {
        let name = t.name;
        let app = app(&t);
        assert!(app.city().await.unwrap().is_none());
        refused(app.init_city("4113", "南阳市发展和改革委员会").await, "6 位");
        refused(app.init_city("411800", "x").await, "不是地级市");
        refused(app.init_city("411302", "x").await, "宛城区");
        refused(app.init_city("410000", "x").await, "河南省");
        refused(app.init_city("411300", " ").await, "机构名称");
        let city = app.init_city("411300", "南阳市发展和改革委员会").await.unwrap();
        assert_eq!(
            (city.name.as_str(), city.province.as_str()),
            ("南阳市", "河南省"),
            "{name}"
        );
        assert_eq!(city.counties.len(), 13, "{name}");
        assert!(city.counties.contains(&("411381".into(), "邓州市".into())));
        assert_eq!(app.city().await.unwrap(), Some(city.clone()));
        // The shared reference data, and no cluster or county of the demo city.
        let mut c = app.store().read().await.unwrap();
        let regions = mujun_store::regions::list_all(&mut c).await.unwrap();
        assert_eq!(regions.len(), 14, "{name}: the city and its 13 counties");
        assert!(regions.iter().all(|r| r.code.starts_with("4113")));
        assert!(
            mujun_store::clusters::list(&mut c, None)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(!mujun_store::departments::list(&mut c).await.unwrap().is_empty());
        assert!(mujun_store::catalogue::count(&mut c).await.unwrap() > 10);
        let (entries, _) = audit::search(
            &mut c,
            &audit::Filter {
                action: Some("city.init".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(entries.len(), 1, "{name}: audited");
        drop(c);
        refused(app.init_city("411700", "x").await, "已设置为南阳市");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_municipality_works_and_a_used_database_is_refused() {
    for t in testing::all().await {
        let app = app(&t);
        let beijing = app.init_city("110000", "北京市发展和改革委员会").await.unwrap();
        assert_eq!(beijing.counties.len(), 16, "{}", t.name);
        t.cleanup().await;
    }
    for t in testing::all().await {
        let app = app(&t);
        app.seed_demo(20, 1).await.unwrap().unwrap();
        refused(
            app.init_city("411300", "南阳市发展和改革委员会").await,
            "不是空库",
        );
        t.cleanup().await;
    }
}
