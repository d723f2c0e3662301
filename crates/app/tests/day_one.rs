//! Day one of a city other than the demo (issue 11), end to end on both backends: an empty
//! database → 南阳 set up → its registry, the classes of three earlier years and those years'
//! figures loaded from its own workbooks (its own headers, read through column mappings) →
//! this year's department files → a run → notice → approval → publication. Its C enterprises
//! then get the electricity surcharge of their consecutive year in C, counted across the
//! imported years.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use mujun_app::collection::imports::{Confirm, ImportOutcome};
use mujun_app::evaluation::runs::StartRun;
use mujun_app::evaluation::state::RunState;
use mujun_app::registry::figure_history::FiguresOutcome;
use mujun_app::registry::history_import::ClassesOutcome;
use mujun_app::registry::import::RegistryOutcome;
use mujun_app::registry::mapping::ColumnMapping;
use mujun_app::{App, HashCost, Security};
use mujun_demo::city::{CityFile, city_files, table_xlsx};
use mujun_domain::{RegionCode, Year};
use mujun_store::testing;

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

fn day(days: i64) -> String {
    let d = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400) + days;
    mujun_domain::Date::from_days_since_epoch(d).unwrap().to_string()
}

fn bytes(f: &CityFile) -> Vec<u8> {
    table_xlsx(&f.table).unwrap()
}

fn mapping(f: &CityFile) -> ColumnMapping {
    ColumnMapping::from_toml(f.mapping.as_deref().unwrap()).unwrap()
}

async fn enterprise_count(app: &App) -> usize {
    let mut c = app.store().read().await.unwrap();
    mujun_store::registry::all_by_code(&mut c).await.unwrap().len()
}

#[tokio::test]
async fn nanyang_goes_from_an_empty_database_to_a_published_run_with_its_own_files() {
    let nanyang = mujun_domain::divisions::city(RegionCode::parse("411300").unwrap()).unwrap();
    let files = city_files(&nanyang, 240, 11, Year::new(2024).unwrap());
    for t in testing::all().await {
        let name = t.name;
        let app = app(&t);
        app.init_city("411300", "南阳市发展和改革委员会").await.unwrap();
        let city = mujun_app::testing::city_admin(&app, "nycity", "Wancheng-Road-2024")
            .await
            .unwrap();

        // The registry in the city's own layout: without a mapping its required columns are
        // missing, and nothing is stored.
        let reg = &files.registry;
        match app
            .import_registry(&city, &reg.name, bytes(reg), 2024, true, None)
            .await
            .unwrap()
        {
            RegistryOutcome::Rejected { errors } => {
                assert!(errors.iter().all(|e| e.row == 1), "{name}: {errors:?}");
                assert!(errors.iter().any(|e| e.message.contains("统一社会信用代码")));
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(enterprise_count(&app).await, 0, "{name}");
        let RegistryOutcome::Imported(summary) = app
            .import_registry(&city, &reg.name, bytes(reg), 2024, true, Some(&mapping(reg)))
            .await
            .unwrap()
        else {
            panic!("{name}: the mapped registry is refused");
        };
        assert_eq!(summary.added, reg.table.rows.len(), "{name}");
        assert!(!summary.clusters_created.is_empty(), "{name}");
        assert_eq!(enterprise_count(&app).await, reg.table.rows.len());

        // Classes of 2021–2023 and their figures, each through its mapping; the second and third
        // figure files reuse the mapping remembered for their layout.
        let ClassesOutcome::Imported { years, .. } = app
            .import_class_history(
                &city,
                &files.classes.name,
                bytes(&files.classes),
                Some(&mapping(&files.classes)),
            )
            .await
            .unwrap()
        else {
            panic!("{name}: classes refused");
        };
        assert_eq!(years, [2021, 2022, 2023], "{name}");
        for (i, (y, f)) in files.earlier.iter().enumerate() {
            let given = (i == 0).then(|| mapping(f));
            match app
                .import_figure_history(&city, &f.name, bytes(f), i64::from(y.value()), given.as_ref())
                .await
                .unwrap()
            {
                FiguresOutcome::Imported {
                    rows, departments, ..
                } => {
                    assert_eq!(rows, f.table.rows.len(), "{name} {y}");
                    assert_eq!(departments.len(), 6, "{name} {y}: {departments:?}");
                }
                FiguresOutcome::Rejected { errors } => {
                    panic!("{name} {y}: {:?}", &errors[..errors.len().min(5)])
                }
            }
        }

        // Last year's imported figures are what this year's checks compare with: a tax figure
        // typed in 元 into the 万元 column is caught against the imported 2023 value.
        let (code, yuan) = files.earlier[2]
            .1
            .table
            .rows
            .iter()
            .find_map(|r| match (&r[0], &r[3]) {
                (mujun_demo::city::Value::Text(c), mujun_demo::city::Value::Number(v)) if *v > 1e5 => {
                    Some((c.clone(), *v))
                }
                _ => None,
            })
            .unwrap();
        let slip = format!("统一社会信用代码,实缴税收（万元）\n{code},{yuan}\n");
        match app
            .import_upload(&city, "tax", 2024, "税务.csv", slip.as_bytes(), Confirm::NONE)
            .await
            .unwrap()
        {
            ImportOutcome::NeedsConfirmation {
                warnings, pending_id, ..
            } => {
                assert!(warnings[0].message.contains("上年"), "{name}: {warnings:?}");
                app.cancel_import(&city, pending_id).await.unwrap();
            }
            other => panic!("{name}: {other:?}"),
        }

        // This year's figures, one file per department in the template's headers.
        for (dept, f) in &files.this_year {
            match app
                .import_upload(&city, dept, 2024, &f.name, &bytes(f), Confirm::WARNINGS)
                .await
                .unwrap()
            {
                ImportOutcome::Imported { .. } => {}
                other => panic!("{name} {dept}: {other:?}"),
            }
        }

        // A run, its notice, approval and publication.
        let started = app
            .start_run(
                &city,
                &StartRun {
                    year: 2024,
                    method: "preset:henan-2019".into(),
                    title: String::new(),
                    previous_run_id: None,
                },
            )
            .await
            .unwrap();
        started.job.await.unwrap();
        let run = app.get_run(&city, started.id).await.unwrap();
        assert_eq!(run.state, RunState::Draft, "{name}: {}", run.run.message);
        app.start_notice(&city, started.id, &day(0), &day(6))
            .await
            .unwrap();
        app.end_notice(&city, started.id, "公示期内无异议").await.unwrap();
        app.approve_run(&city, started.id).await.unwrap();
        app.publish_run(&city, started.id, true).await.unwrap();

        // The surcharge step of each C enterprise is its consecutive year in C: this year plus
        // the imported years before it without a break.
        let list = app
            .department_policy_list(&city, started.id, "power")
            .await
            .unwrap();
        let surcharged: Vec<_> = list.iter().filter(|r| r.class == "C").collect();
        assert!(!surcharged.is_empty(), "{name}: C enterprises pay a surcharge");
        let published: HashMap<u16, &HashMap<String, &str>> =
            files.published.iter().map(|(y, p)| (y.value(), p)).collect();
        let mut longest = 0;
        for r in &surcharged {
            let mut expected = 1;
            for y in (2021u16..=2023).rev() {
                if published[&y].get(&r.credit_code) == Some(&"C") {
                    expected += 1;
                } else {
                    break;
                }
            }
            assert_eq!(r.consecutive, expected, "{name}: {}", r.credit_code);
            assert!(
                r.line.basis.contains(&format!("连续第 {expected} 年")),
                "{name}: {}",
                r.line.basis
            );
            longest = longest.max(expected);
        }
        assert!(
            longest >= 3,
            "{name}: some enterprise in C three years running or more"
        );

        // Its class history shows the imported years (with their document) and this year's run.
        let someone = surcharged.iter().find(|r| r.consecutive == longest).unwrap();
        let detail = app
            .enterprise_detail(&city, someone.enterprise_id, 0)
            .await
            .unwrap();
        let years: Vec<i64> = detail.classes.iter().map(|c| c.0).collect();
        for y in 2025 - i64::from(longest)..=2024 {
            assert!(years.contains(&y), "{name}: {years:?}");
        }
        let document = &files.documents.iter().find(|(y, _)| y.value() == 2023).unwrap().1;
        assert!(
            detail
                .classes
                .iter()
                .any(|c| c.0 == 2023 && c.2.contains(document.as_str())),
            "{name}: {:?}",
            detail.classes
        );
        // Last year's imported figures are what this year's checks compare with.
        let history = app
            .figure_history(&city, someone.enterprise_id, 2023, mujun_domain::Field::TaxPaid)
            .await
            .unwrap();
        assert_eq!(history[0].source, "history", "{name}");
        assert_eq!(history[0].file_name, "2023年度企业数据.xlsx", "{name}");
        assert_eq!(history[0].file_hash.len(), 64, "{name}");
        t.cleanup().await;
    }
}
