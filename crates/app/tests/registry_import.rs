//! A second city loads its registry from its own file (issue 11): every bad-input case refused
//! with its row named and nothing stored; new clusters refused or created on request; a
//! re-import updates by credit code and keeps each enterprise's history — on both backends.
#![allow(clippy::unwrap_used)]

use mujun_app::registry::import::{RegistryOutcome, RegistrySummary};
use mujun_app::{Actor, App, HashCost, Security};
use mujun_store::testing;

/// Valid credit codes of Nanyang enterprises (check character computed, GB 32100).
fn code(n: u32) -> String {
    mujun_domain::CreditCode::with_check_char(&format!("91411300MA{n:07}"))
        .unwrap()
        .to_string()
}

/// Nanyang set up on an empty store, with its city administrator (asked for, approved,
/// activated — 三员分立).
async fn nanyang(t: &testing::TestStore) -> (App, Actor) {
    let app = App::new(
        t.store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    );
    app.init_city("411300", "南阳市发展和改革委员会").await.unwrap();
    let city = mujun_app::testing::city_admin(&app, "nycity", "Wancheng-Road-2024")
        .await
        .unwrap();
    (app, city)
}

async fn count(app: &App) -> i64 {
    let mut c = app.store().read().await.unwrap();
    mujun_store::enterprises::count(&mut c).await.unwrap()
}

fn csv(rows: &[String]) -> Vec<u8> {
    // The city's own headers, not the template's.
    let mut s =
        String::from("单位名称,社会信用代码,所在县区,园区,国民经济行业代码,企业规模,投产时间,经营状态\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

fn refused(o: RegistryOutcome, row: usize, column: &str) {
    match o {
        RegistryOutcome::Rejected { errors } => assert!(
            errors.iter().any(|e| e.row == row && e.column == column),
            "row {row} {column}: {errors:?}"
        ),
        other => panic!("expected row {row} {column} refused, got {other:?}"),
    }
}

#[tokio::test]
async fn nanyang_loads_and_reloads_its_registry_from_its_own_file() {
    for t in testing::all().await {
        let name = t.name;
        let (app, city) = nanyang(&t).await;
        let good = vec![
            format!(
                "南阳甲机械有限公司,{},宛城区,南阳高新技术产业开发区,C3511,规上,2012-03-01,正常生产",
                code(1)
            ),
            format!(
                "邓州乙食品有限公司,{},邓州市,邓州市产业集聚区,1391,规下,,正常",
                code(2)
            ),
            format!(
                "南阳丙纺织有限公司,{},411302,南阳高新技术产业开发区,1712,规上,2008-07-15,",
                code(3)
            ),
        ];
        // Clusters the city lacks are refused unless asked to create them; nothing stored.
        let o = app
            .import_registry(&city, "名录.csv", csv(&good), 2024, false, None)
            .await
            .unwrap();
        refused(o, 2, "产业集聚区");
        assert_eq!(count(&app).await, 0, "{name}");

        // Each bad-input case names its row; nothing stored.
        let mut bad = good.clone();
        bad.push("错码公司,91411300MA0000001X,宛城区,,3511,规上,,".to_owned());
        bad.push(format!("重复公司,{},宛城区,,3511,规上,,", code(1)));
        bad.push(format!("外县公司,{},驿城区,,3511,规上,,", code(4)));
        bad.push(format!("日期公司,{},宛城区,,3511,规上,2019-02-30,", code(5)));
        bad.push(format!("行业公司,{},宛城区,,99,规上,,", code(6)));
        let o = app
            .import_registry(&city, "名录.csv", csv(&bad), 2024, true, None)
            .await
            .unwrap();
        for (row, column) in [
            (5, "社会信用代码"),
            (6, "社会信用代码"),
            (7, "所在县区"),
            (8, "投产时间"),
            (9, "国民经济行业代码"),
        ] {
            refused(o.clone(), row, column);
        }
        assert_eq!(count(&app).await, 0, "{name}");
        let o = app
            .import_registry(
                &city,
                "名录.csv",
                "单位名称,所在县区\n甲,宛城区\n".as_bytes().to_vec(),
                2024,
                true,
                None,
            )
            .await
            .unwrap();
        refused(o, 1, "统一社会信用代码");

        // The good file, creating its two clusters.
        let o = app
            .import_registry(&city, "名录.csv", csv(&good), 2024, true, None)
            .await
            .unwrap();
        let RegistryOutcome::Imported(s) = o else {
            panic!("{name}: {o:?}")
        };
        assert_eq!((s.added, s.changed, s.unchanged), (3, 0, 0), "{name}");
        assert_eq!(
            s.clusters_created,
            vec!["南阳高新技术产业开发区".to_owned(), "邓州市产业集聚区".to_owned()]
        );
        assert_eq!(count(&app).await, 3);

        // Next year's file: a rename, a move to another cluster, a closure; the same file
        // again changes nothing.
        let next = vec![
            format!(
                "南阳甲智能装备有限公司,{},宛城区,南阳高新技术产业开发区,C3511,规上,2012-03-01,正常生产",
                code(1)
            ),
            format!(
                "邓州乙食品有限公司,{},邓州市,南阳高新技术产业开发区,1391,规下,,正常",
                code(2)
            ),
            format!(
                "南阳丙纺织有限公司,{},411302,南阳高新技术产业开发区,1712,规上,2008-07-15,已关闭",
                code(3)
            ),
        ];
        let o = app
            .import_registry(&city, "名录2025.csv", csv(&next), 2025, false, None)
            .await
            .unwrap();
        assert!(
            matches!(
                &o,
                RegistryOutcome::Imported(RegistrySummary {
                    added: 0,
                    changed: 3,
                    closed: 1,
                    ..
                })
            ),
            "{name}: {o:?}"
        );
        let again = app
            .import_registry(&city, "名录2025.csv", csv(&next), 2025, false, None)
            .await
            .unwrap();
        assert!(
            matches!(
                &again,
                RegistryOutcome::Imported(RegistrySummary {
                    changed: 0,
                    unchanged: 3,
                    ..
                })
            ),
            "{name}: {again:?}"
        );
        let first = {
            let mut c = app.store().read().await.unwrap();
            mujun_store::enterprises::get_by_code(&mut c, &code(1))
                .await
                .unwrap()
                .unwrap()
        };
        assert_eq!(first.name, "南阳甲智能装备有限公司");
        // The search follows the rename: the new name's words find it, the old name's do not.
        let found = |words: &str| {
            let q = mujun_app::registry::enterprises::EnterpriseQuery {
                filter: mujun_store::enterprises::ListFilter {
                    search: Some(words.to_owned()),
                    ..Default::default()
                },
                page: 1,
                per_page: 50,
                ..Default::default()
            };
            let (app, city) = (&app, &city);
            async move { app.list_enterprises(city, &q).await.unwrap().total }
        };
        assert_eq!(found("智能装备").await, 1, "{name}");
        assert_eq!(found("甲机械").await, 0, "{name}");
        let history = app.enterprise_registry_history(&city, first.id).await.unwrap();
        let kinds: Vec<(&str, &str, &str)> = history
            .iter()
            .map(|c| (c.what, c.old.as_str(), c.new.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("登记", "", "南阳甲机械有限公司"),
                ("名称", "南阳甲机械有限公司", "南阳甲智能装备有限公司"),
            ],
            "{name}"
        );
        assert!(
            history
                .iter()
                .all(|c| c.file.len() == 12 && c.source == "名录导入")
        );
        // The closure of the third, in words.
        let third = {
            let mut c = app.store().read().await.unwrap();
            mujun_store::enterprises::get_by_code(&mut c, &code(3))
                .await
                .unwrap()
                .unwrap()
                .id
        };
        let closed = app.enterprise_registry_history(&city, third).await.unwrap();
        assert!(
            closed
                .iter()
                .any(|c| c.what == "状态" && c.old == "正常生产" && c.new == "已关闭"),
            "{name}: {closed:?}"
        );
        let scales = {
            let mut c = app.store().read().await.unwrap();
            mujun_store::enterprises::scales(&mut c, first.id).await.unwrap()
        };
        assert_eq!(
            scales,
            vec![(2025, "above".to_owned()), (2024, "above".to_owned())]
        );

        // Classes published before mujun: shown in the class history with their document, and
        // counted as consecutive years.
        let classes = format!(
            "年度,统一社会信用代码,评价类别,发布文件\n\
             2022,{c2},倒逼转型类,宛政办〔2023〕9号\n\
             2023,{c2},C,宛政办〔2024〕12号\n\
             2023,{c1},A,宛政办〔2024〕12号\n",
            c1 = code(1),
            c2 = code(2)
        );
        let unknown = format!("{classes}2023,{},B,\n", code(99));
        match app
            .import_class_history(&city, "历年.csv", unknown.into_bytes(), None)
            .await
            .unwrap()
        {
            mujun_app::registry::history_import::ClassesOutcome::Rejected { errors } => {
                assert_eq!(errors.len(), 1, "{name}: {errors:?}");
                assert_eq!(errors[0].row, 5);
                assert!(errors[0].message.contains("企业名录中没有"));
            }
            other => panic!("{name}: {other:?}"),
        }
        let done = app
            .import_class_history(&city, "历年.csv", classes.into_bytes(), None)
            .await
            .unwrap();
        assert!(
            matches!(&done, mujun_app::registry::history_import::ClassesOutcome::Imported { rows: 3, years, .. } if *years == vec![2022, 2023]),
            "{name}: {done:?}"
        );
        let second = {
            let mut c = app.store().read().await.unwrap();
            mujun_store::enterprises::get_by_code(&mut c, &code(2))
                .await
                .unwrap()
                .unwrap()
                .id
        };
        let history = app.class_history(&city, second).await.unwrap();
        let got: Vec<(i64, &str, u32, String)> = history
            .iter()
            .map(|h| {
                (
                    h.year,
                    h.class.as_str(),
                    h.consecutive,
                    mujun_app::evaluation::history::class_source_label(&h.source),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (2023, "C", 2, "历史导入（宛政办〔2024〕12号）".to_owned()),
                (2022, "C", 1, "历史导入（宛政办〔2023〕9号）".to_owned()),
            ],
            "{name}"
        );

        // Only the city administrator imports, and the refusal is audited.
        let sys = app.cli_actor("sys").await.unwrap();
        assert!(matches!(
            app.import_registry(&sys, "名录.csv", csv(&good), 2024, true, None)
                .await,
            Err(mujun_app::AppError::Forbidden(_))
        ));
        t.cleanup().await;
    }
}
