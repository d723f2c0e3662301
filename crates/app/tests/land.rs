//! The land and project lifecycle (issue 13) on SQLite and PostgreSQL, on the demo's data: an
//! idle-land case from the candidate to the fee decision (wrong steps refused, nothing stored; a
//! stale version refused; the public list from the 认定), a government cause routed to the
//! negotiated options within their limits, an exit case, contracts imported all or nothing,
//! progress reports checked, disposal plans, 标准地 shortfalls — and who may do what.
#![allow(clippy::unwrap_used)]

use mujun_app::land::CaseKind;
use mujun_app::land::cases::StepForm;
use mujun_app::land::contracts::ContractForm;
use mujun_app::land::plans::{DisposalForm, PlanForm};
use mujun_app::land::progress::ProgressForm;
use mujun_app::{Actor, App, AppError, HashCost, Security};
use mujun_domain::Date;
use mujun_store::{audit, testing};

async fn each(f: impl AsyncFn(App, &'static str)) {
    for t in testing::all().await {
        let app = App::new(
            t.store.clone(),
            Security {
                hash_cost: HashCost::TEST,
                require_totp: false,
                ..Security::default()
            },
        );
        app.seed_demo(60, 3).await.unwrap().unwrap();
        f(app, t.name).await;
        t.cleanup().await;
    }
}

async fn login(app: &App, user: &str) -> Actor {
    app.login(user, mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor
}

/// Today in Beijing plus `days` (negative: in the past), as the app sees it.
fn day(days: i64) -> String {
    let now = mujun_store::now_ms() / 1000 + 8 * 3600;
    Date::from_days_since_epoch(now.div_euclid(86_400) + days)
        .unwrap()
        .to_string()
}

async fn audited(app: &App, action: &str, outcome: &str) -> usize {
    let mut c = app.store().read().await.unwrap();
    let f = audit::Filter {
        action: Some(action.into()),
        outcome: Some(outcome.into()),
        ..Default::default()
    };
    audit::search(&mut c, &f, 1000, 0).await.unwrap().0.len()
}

fn step(version: i64, step: &str, doc_no: &str) -> StepForm {
    StepForm {
        version,
        step: step.into(),
        doc_no: doc_no.into(),
        ..StepForm::default()
    }
}

fn messages(e: AppError) -> String {
    match e {
        AppError::Invalid(v) => v.into_iter().map(|f| f.message).collect::<Vec<_>>().join("；"),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_idle_case_runs_from_the_candidate_to_the_fee_decision() {
    each(async |app, name| {
        let land = login(&app, "land").await;
        let qiye = login(&app, "qiye").await;
        let own = qiye.enterprise_id.unwrap();
        // The demo enterprise's project is idle one full year and has no case yet.
        let candidates = app.idle_candidates(&land).await.unwrap();
        let p = candidates.iter().find(|p| p.enterprise_id == own).unwrap();
        assert!(p.idle.contains("满 1 年未动工开发"), "{name}: {}", p.idle);
        assert!(p.idle_case.is_none());
        // A department other than natural resources may not open it (refused and audited).
        let tax = login(&app, "tax").await;
        let denied = audited(&app, "land.case_open", "denied").await;
        let e = app
            .open_land_case(&tax, CaseKind::Idle, p.id, &step(0, "", "X"))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{name}: {e:?}");
        assert_eq!(audited(&app, "land.case_open", "denied").await, denied + 1);
        // The notice needs its number.
        let e = app
            .open_land_case(&land, CaseKind::Idle, p.id, &step(0, "", ""))
            .await
            .unwrap_err();
        assert!(messages(e).contains("闲置土地调查通知书的文号"), "{name}");
        let served = day(-3);
        let case = app
            .open_land_case(
                &land,
                CaseKind::Idle,
                p.id,
                &StepForm {
                    issued_on: day(-5),
                    served_on: served.clone(),
                    ..step(0, "", "驻自然资闲调〔2026〕101号")
                },
            )
            .await
            .unwrap();
        let d = app.land_case(&land, case).await.unwrap();
        assert_eq!(d.case.status, "调查");
        // The answer is due 30 days after service.
        assert_eq!(d.case.deadline, day(27), "{name}");
        assert_eq!(
            d.next.iter().map(|n| n.id).collect::<Vec<_>>(),
            ["identification", "dismissal"]
        );
        // Not on the public list before the 认定.
        assert!(
            !app.public_idle_land()
                .await
                .unwrap()
                .iter()
                .any(|r| r.holder == p.enterprise_name)
        );
        // A fee decision now is not a step this case may take: refused, nothing stored.
        let e = app
            .advance_land_case(&land, case, &step(d.case.version, "fee_decision", "X"))
            .await
            .unwrap_err();
        assert!(messages(e).contains("不能办理“征缴闲置费决定”"), "{name}");
        assert_eq!(app.land_case(&land, case).await.unwrap().steps.len(), 1);
        // 认定 without a cause is refused; with the enterprise's cause it goes on.
        let e = app
            .advance_land_case(
                &land,
                case,
                &step(d.case.version, "identification", "驻自然资闲认〔2026〕101号"),
            )
            .await
            .unwrap_err();
        assert!(messages(e).contains("请选择闲置原因"), "{name}");
        app.advance_land_case(
            &land,
            case,
            &StepForm {
                cause: "enterprise".into(),
                ..step(d.case.version, "identification", "驻自然资闲认〔2026〕101号")
            },
        )
        .await
        .unwrap();
        // Someone acting on the stale version is refused.
        let e = app
            .advance_land_case(
                &land,
                case,
                &step(d.case.version, "notification", "驻自然资闲告〔2026〕101号"),
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("已被他人修改"), "{name}: {e}");
        // On the public list from the 认定, with the enterprise's cause.
        let public = app.public_idle_land().await.unwrap();
        let row = public.iter().find(|r| r.holder == p.enterprise_name).unwrap();
        assert_eq!(row.cause, "企业自身原因");
        let d = app.land_case(&land, case).await.unwrap();
        assert_eq!(d.next.iter().map(|n| n.id).collect::<Vec<_>>(), ["notification"]);
        app.advance_land_case(
            &land,
            case,
            &step(d.case.version, "notification", "驻自然资闲告〔2026〕101号"),
        )
        .await
        .unwrap();
        let d = app.land_case(&land, case).await.unwrap();
        // Idle one full year: the decision offered is the fee, not the take-back.
        assert_eq!(
            d.next.iter().map(|n| n.id).collect::<Vec<_>>(),
            ["hearing", "fee_decision"]
        );
        app.advance_land_case(
            &land,
            case,
            &step(d.case.version, "fee_decision", "驻自然资闲征〔2026〕101号"),
        )
        .await
        .unwrap();
        let d = app.land_case(&land, case).await.unwrap();
        assert_eq!(d.case.status, "征缴闲置费决定");
        // The fee is 20 % of the price, to the fen.
        let price: f64 = p.price.replace(',', "").parse().unwrap();
        let fee: f64 = d.case.fee.replace(',', "").parse().unwrap();
        assert!(
            (fee - (price * 0.2 * 100.0).round() / 100.0).abs() < 0.005,
            "{name}: {fee} vs {price}"
        );
        assert_eq!(d.steps.len(), 4);
        assert!(d.steps.iter().all(|s| !s.document.is_empty()));
        // The enterprise sees its case, with its deadline on its home, and may not act on it.
        let own_cases = app.land_cases(&qiye, CaseKind::Idle).await.unwrap();
        assert_eq!(own_cases.len(), 1);
        assert!(app.land_case(&qiye, case).await.unwrap().next.is_empty());
        let home = app.enterprise_home(&qiye).await.unwrap();
        assert!(
            home.land.iter().any(|t| t.text.contains("征缴闲置费决定")),
            "{name}"
        );
        let e = app
            .advance_land_case(&qiye, case, &step(d.case.version, "closing", ""))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)));
        // Another county's officer does not see it.
        let p_county = app
            .projects(&land)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.id == p.id)
            .unwrap();
        let other = if p_county.county == "驿城区" {
            "suiping"
        } else {
            "yicheng"
        };
        let other = login(&app, other).await;
        assert!(matches!(
            app.land_case(&other, case).await.unwrap_err(),
            AppError::Forbidden(_)
        ));
        // Every step audited.
        assert!(audited(&app, "land.case_step", "ok").await >= 3);
        assert!(audited(&app, "land.case_open", "ok").await >= 1);
    })
    .await;
}

#[tokio::test]
async fn a_government_cause_goes_to_the_negotiated_options_within_their_limits() {
    each(async |app, name| {
        let land = login(&app, "land").await;
        let candidates = app.idle_candidates(&land).await.unwrap();
        let p = candidates.first().unwrap();
        let case = app
            .open_land_case(
                &land,
                CaseKind::Idle,
                p.id,
                &step(0, "", "驻自然资闲调〔2026〕201号"),
            )
            .await
            .unwrap();
        let v = app.land_case(&land, case).await.unwrap().case.version;
        // A government cause needs its evidence.
        let e = app
            .advance_land_case(
                &land,
                case,
                &StepForm {
                    cause: "land_not_delivered".into(),
                    ..step(v, "identification", "驻自然资闲认〔2026〕201号")
                },
            )
            .await
            .unwrap_err();
        assert!(messages(e).contains("应写明证据"), "{name}");
        app.advance_land_case(
            &land,
            case,
            &StepForm {
                cause: "land_not_delivered".into(),
                cause_evidence: "交地确认书未签署".into(),
                ..step(v, "identification", "驻自然资闲认〔2026〕201号")
            },
        )
        .await
        .unwrap();
        let d = app.land_case(&land, case).await.unwrap();
        // Never a fee or a take-back: only the negotiated options.
        assert_eq!(d.next.iter().map(|n| n.id).collect::<Vec<_>>(), ["negotiation"]);
        // An extension longer than one year is refused; one year to the day is accepted.
        let too_long = StepForm {
            option: "extend_start".into(),
            deadline: day(366),
            ..step(d.case.version, "negotiation", "驻自然资闲协〔2026〕201号")
        };
        assert!(
            messages(app.advance_land_case(&land, case, &too_long).await.unwrap_err())
                .contains("超过法定上限")
        );
        let today = Date::parse(&day(0)).unwrap();
        let limit = mujun_land::dates::add_months(today, 12).to_string();
        app.advance_land_case(
            &land,
            case,
            &StepForm {
                deadline: limit,
                ..too_long
            },
        )
        .await
        .unwrap();
        let d = app.land_case(&land, case).await.unwrap();
        assert_eq!(d.case.status, "协商处置");
        assert!(d.case.fee.is_empty());
        assert!(d.case.cause.contains("未按约定的期限和条件将土地交付使用"));
        // The government's cause also stops the exit clock of the project.
        let after = app
            .projects(&land)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.id == p.id)
            .unwrap();
        assert!(after.exit.is_empty(), "{name}: {}", after.exit);
    })
    .await;
}

#[tokio::test]
async fn an_exit_case_is_proposed_only_after_the_rectification_deadline() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let candidates = app.exit_candidates(&city).await.unwrap();
        let p = candidates
            .first()
            .unwrap_or_else(|| panic!("{name}: no exit candidate"));
        assert!(p.exit.contains("个月"), "{}", p.exit);
        // The land department does not run exit cases.
        let land = login(&app, "land").await;
        assert!(matches!(
            app.open_land_case(&land, CaseKind::Exit, p.id, &step(0, "", "X"))
                .await
                .unwrap_err(),
            AppError::Forbidden(_)
        ));
        // The rectification notice needs its deadline.
        let e = app
            .open_land_case(&city, CaseKind::Exit, p.id, &step(0, "", "驻集管〔2026〕9号"))
            .await
            .unwrap_err();
        assert!(messages(e).contains("请填写整改期限"));
        let case = app
            .open_land_case(
                &city,
                CaseKind::Exit,
                p.id,
                &StepForm {
                    deadline: day(30),
                    ..step(0, "", "驻集管〔2026〕9号")
                },
            )
            .await
            .unwrap();
        let d = app.land_case(&city, case).await.unwrap();
        assert_eq!(d.case.deadline, day(30));
        let e = app
            .advance_land_case(
                &city,
                case,
                &step(d.case.version, "exit_proposal", "驻集管〔2026〕10号"),
            )
            .await
            .unwrap_err();
        assert!(messages(e).contains("尚未届满"), "{name}");
        app.advance_land_case(
            &city,
            case,
            &StepForm {
                note: "已开工".into(),
                ..step(d.case.version, "rectified", "")
            },
        )
        .await
        .unwrap();
        let d = app.land_case(&city, case).await.unwrap();
        assert!(d.case.closed && d.next.is_empty());
        assert_eq!(d.case.status, "已整改");
        // The ledger counts it as rectified, in its county, and every case once.
        let cases = app.land_cases(&city, CaseKind::Exit).await.unwrap();
        let (by_county, by_cluster) = mujun_app::land::cases::exit_ledger(&cases);
        let county = by_county.iter().find(|t| t.name == d.case.county).unwrap();
        assert!(county.rectified >= 1, "{name}: {county:?}");
        let total = |t: &[mujun_app::land::cases::ExitTally]| {
            t.iter().map(|x| x.open + x.rectified + x.exited).sum::<usize>()
        };
        assert_eq!(total(&by_county), cases.len());
        assert_eq!(total(&by_cluster), cases.len());
        assert_eq!(
            by_county.iter().map(|t| t.rectified).sum::<usize>(),
            cases.iter().filter(|c| c.status == "已整改").count()
        );
    })
    .await;
}

fn contract(no: &str, code: &str, start: &str) -> ContractForm {
    ContractForm {
        certificate_no: format!("TEST-{no}"),
        area_mu: "50".into(),
        location: "驿城区纬三路".into(),
        credit_code: code.into(),
        contract_no: format!("测试合同{no}"),
        project_name: "测试项目".into(),
        supply_mode: "出让".into(),
        price_wan: "1500".into(),
        signed_on: "2024-01-01".into(),
        agreed_start: start.into(),
        agreed_completion: "2027-06-30".into(),
        agreed_full_production: "2028-06-30".into(),
        area_due_m2: "30000".into(),
        investment_total: "15000".into(),
        standard_land: "是".into(),
        std_investment_per_mu: "300".into(),
        std_plot_ratio: "1.2".into(),
        ..ContractForm::default()
    }
}

#[tokio::test]
async fn contracts_are_imported_all_or_nothing_and_progress_is_checked() {
    each(async |app, name| {
        let land = login(&app, "land").await;
        let qiye = login(&app, "qiye").await;
        let code = app
            .enterprise_detail(&qiye, qiye.enterprise_id.unwrap(), 2024)
            .await
            .unwrap()
            .enterprise
            .credit_code;
        let before = app.projects(&land).await.unwrap().len();
        let mut bad = contract("2", &code, "2024-13-01");
        bad.area_mu = "-3".into();
        let e = app
            .import_contracts(&land, &[contract("1", &code, "2024-03-01"), bad], "合同.xlsx")
            .await
            .unwrap_err();
        let m = messages(e);
        assert!(m.contains("文件“合同.xlsx”第 3 行：“约定动工日期”列的值“2024-13-01”不是有效日期"), "{name}: {m}");
        assert!(m.contains("“宗地面积（亩）”列的值“-3”"), "{m}");
        assert_eq!(app.projects(&land).await.unwrap().len(), before, "nothing stored");
        // A polygon that does not match the area is refused.
        let mut drawn = contract("3", &code, "2024-03-01");
        drawn.polygon = r#"{"type":"Polygon","coordinates":[[[114.0,33.0],[114.001,33.0],[114.001,33.001],[114.0,33.001],[114.0,33.0]]]}"#.into();
        assert!(messages(app.register_contract(&land, &drawn).await.unwrap_err()).contains("相差超过"));
        // The county may not register contracts.
        let yicheng = login(&app, "yicheng").await;
        assert!(matches!(
            app.register_contract(&yicheng, &contract("4", &code, "2024-03-01")).await.unwrap_err(),
            AppError::Forbidden(_)
        ));
        let id = app.register_contract(&land, &contract("1", &code, "2024-03-01")).await.unwrap();
        let e = app.register_contract(&land, &contract("1", &code, "2024-03-01")).await.unwrap_err();
        assert!(messages(e).contains("已登记供地合同"), "{name}");
        // The enterprise reports its own progress; the stage needs its dates, investment never shrinks.
        let report = |stage: &str, started: &str, invest: &str| ProgressForm {
            stage: stage.into(),
            started_on: started.into(),
            area_developed_m2: "12000".into(),
            floor_area_m2: "12000".into(),
            investment_made: invest.into(),
            ..ProgressForm::default()
        };
        let e = app.report_progress(&qiye, id, &report("building", "", "1000"), None).await.unwrap_err();
        assert!(messages(e).contains("在建项目应填写实际动工日期"));
        app.report_progress(&qiye, id, &report("building", "2024-04-01", "5000"), Some(("现场.jpg", b"jpeg")))
            .await
            .unwrap();
        let e = app.report_progress(&qiye, id, &report("building", "2024-04-01", "4000"), None).await.unwrap_err();
        assert!(messages(e).contains("少于上次报告"), "{name}");
        let detail = app.project(&qiye, id).await.unwrap();
        assert_eq!(detail.p.stage, "在建");
        assert!(detail.p.idle.is_empty(), "started and going: not idle");
        let (file, bytes) = app.progress_attachment(&qiye, detail.progress[0].id).await.unwrap();
        assert_eq!((file.as_str(), bytes.as_slice()), ("现场.jpg", &b"jpeg"[..]));
        // Completed below the agreed 投资强度 and 容积率: the 标准地 list names the shortfall.
        let done = ProgressForm {
            stage: "completed".into(),
            started_on: "2024-04-01".into(),
            completed_on: day(-10),
            area_developed_m2: "30000".into(),
            floor_area_m2: "30000".into(),
            investment_made: "12000".into(),
            ..ProgressForm::default()
        };
        app.report_progress(&land, id, &done, None).await.unwrap();
        let std = app.standard_land(&land, None).await.unwrap();
        let row = std.rows.iter().find(|r| r.contract_id == id && r.check == "竣工核验").unwrap();
        // (12,000 + 1,500) / 50 = 270 < 300: short 30 × 50 = 1,500 万元; 30,000 / (50 × 666.67) = 0.9 < 1.2.
        assert_eq!(row.amount, "1,500.00", "{name}");
        assert_eq!(row.shortfalls.len(), 2);
        assert!(row.loses_incentives);
        assert_eq!(row.deadline, mujun_land::dates::add_months(Date::parse(&day(-10)).unwrap(), 12).to_string());
    })
    .await;
}

#[tokio::test]
async fn low_efficiency_parcels_get_one_plan_each_and_its_progress_is_kept() {
    each(async |app, name| {
        let zhuangbei = login(&app, "zhuangbei").await;
        let ledger = app.low_efficiency(&zhuangbei, None).await.unwrap();
        let p = ledger
            .parcels
            .iter()
            .find(|p| p.plan_id.is_none())
            .unwrap_or_else(|| panic!("{name}: nothing flagged in the cluster"));
        assert!(
            ledger.parcels.iter().all(|x| x.cluster == "驻马店装备产业集聚区"),
            "{name}: scoped"
        );
        let form = PlanForm {
            parcel_id: p.parcel_id,
            mode: "reinvest".into(),
            responsible_unit: "装备集聚区管委会".into(),
            deadline: day(90),
            area_mu: format!("{}", p.area_mu + 1.0),
        };
        assert!(
            messages(app.add_disposal_plan(&zhuangbei, &form).await.unwrap_err()).contains("不超过宗地面积")
        );
        let id = app
            .add_disposal_plan(
                &zhuangbei,
                &PlanForm {
                    area_mu: String::new(),
                    ..form.clone()
                },
            )
            .await
            .unwrap();
        assert!(
            messages(app.add_disposal_plan(&zhuangbei, &form).await.unwrap_err())
                .contains("已有未完成的处置方案")
        );
        let plan = app.disposal_plan(&zhuangbei, id).await.unwrap();
        assert_eq!(plan.area_mu, p.area_mu);
        let half = format!("{}", p.area_mu / 2.0);
        app.report_disposal(
            &zhuangbei,
            id,
            &DisposalForm {
                version: plan.version,
                area_disposed_mu: half.clone(),
                note: "二次招商签约".into(),
                ..DisposalForm::default()
            },
        )
        .await
        .unwrap();
        let plan = app.disposal_plan(&zhuangbei, id).await.unwrap();
        let e = app
            .report_disposal(
                &zhuangbei,
                id,
                &DisposalForm {
                    version: plan.version,
                    area_disposed_mu: "0".into(),
                    note: "退回".into(),
                    ..DisposalForm::default()
                },
            )
            .await
            .unwrap_err();
        assert!(messages(e).contains("不少于已处置面积"));
        assert_eq!(plan.history.len(), 1);
        assert!((plan.area_remaining_mu - p.area_mu / 2.0).abs() < 1e-9);
        // The cluster's deadlines include the plan.
        let todo = app.land_deadlines(&zhuangbei).await.unwrap();
        assert!(
            todo.iter().any(|t| t.href == format!("/land/plans/{id}")),
            "{name}"
        );
        // Another county's officer does not see the plan.
        let suiping = login(&app, "suiping").await;
        assert!(matches!(
            app.disposal_plan(&suiping, id).await.unwrap_err(),
            AppError::Forbidden(_)
        ));
        // The project list and the ledger judge 投而未达标 alike (the same year's figures).
        let city = login(&app, "city").await;
        let list = app.projects(&city).await.unwrap();
        let ledger = app.low_efficiency(&city, None).await.unwrap();
        let in_list: std::collections::BTreeSet<String> = list
            .iter()
            .filter(|p| p.kind == "投而未达标")
            .map(|p| p.certificate_no.clone())
            .collect();
        let in_ledger: std::collections::BTreeSet<String> = ledger
            .parcels
            .iter()
            .filter(|p| p.findings.iter().any(|f| f.starts_with("投而未达标")))
            .filter(|p| list.iter().any(|x| x.certificate_no == p.certificate_no))
            .map(|p| p.certificate_no.clone())
            .collect();
        assert!(
            !in_list.is_empty(),
            "{name}: the demo has projects below their 亩均税收"
        );
        assert_eq!(in_list, in_ledger, "{name}");
        // An enterprise may not plan.
        let qiye = login(&app, "qiye").await;
        assert!(matches!(
            app.add_disposal_plan(&qiye, &form).await.unwrap_err(),
            AppError::Forbidden(_)
        ));
    })
    .await;
}
