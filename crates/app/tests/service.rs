//! Enterprise service and the plan's key tasks (issue 14) on SQLite and PostgreSQL, on the
//! demo's data: a problem from filing to 销号 through a rejected answer, its deadlines counted
//! on the city's calendar, wrong steps and stale versions refused with nothing stored, scopes;
//! the calendar's checks; the tracker's reports by lead and co-operating units, overdue
//! periods, the city's settings and the 督查 workbook.
#![allow(clippy::unwrap_used)]

mod common;

use common::{audited, login};
use mujun_app::service::problems::{ProblemForm, StepForm};
use mujun_app::service::{Status, stats};
use mujun_app::tasks::period::Cadence;
use mujun_app::tasks::tracker::{ReportForm, TaskSettingsForm};
use mujun_app::{App, AppError};
use mujun_domain::Date;
use mujun_domain::workdays::WorkCalendar;

async fn each(f: impl AsyncFn(App, &'static str)) {
    common::each_demo(60, 3, f).await;
}

/// Today in Beijing as the app sees it.
fn today() -> Date {
    let now = mujun_store::now_ms() / 1000 + 8 * 3600;
    Date::from_days_since_epoch(now.div_euclid(86_400)).unwrap()
}

fn problem(category: &str) -> ProblemForm {
    ProblemForm {
        category: category.into(),
        title: "厂区供电线路老化".into(),
        description: "请求供电公司检修厂区外线路。".into(),
        ..ProblemForm::default()
    }
}

#[tokio::test]
async fn a_problem_runs_from_filing_to_closing_on_the_citys_calendar() {
    each(async |app, db| {
        let city = login(&app, "city").await;
        let qiye = login(&app, "qiye").await;
        let tax = login(&app, "tax").await;
        // A calendar where the next nine days are holidays and the five after them are
        // (adjusted) working days, whatever their weekday: 5 working days = 14 calendar days.
        let t = today();
        let mut text = String::from("# 测试用节假日安排\n");
        for n in 1..=9 {
            text.push_str(&format!("{} 休\n", t.plus_days(n).unwrap()));
        }
        for n in 10..=14 {
            text.push_str(&format!("{} 班\n", t.plus_days(n).unwrap()));
        }
        app.set_calendar(&city, &text).await.unwrap();
        let expected = t.plus_days(14).unwrap().to_string();

        let before = app.problems(&city).await.unwrap().problems.len();
        let id = app
            .file_problem(
                &qiye,
                &problem("要素保障（用地、用电、用水、用气）"),
                Some(("线路照片.jpg", b"\xFF\xD8\xFFjpeg".as_slice())),
            )
            .await
            .unwrap();
        let page = app.problem(&qiye, id).await.unwrap();
        assert_eq!(page.problem.status, Status::Filed, "{db}");
        assert_eq!(page.problem.enterprise_id, qiye.enterprise_id.unwrap());
        assert!(!page.steps.rate && !page.steps.answer);
        // The department sees nothing until it is assigned the problem.
        assert!(
            matches!(app.problem(&tax, id).await, Err(AppError::Forbidden(_))),
            "{db}"
        );
        // Rating before an answer is refused in words, nothing stored.
        let e = app
            .problem_step(
                &city,
                id,
                "rate",
                &StepForm {
                    version: 1,
                    rating: "satisfied".into(),
                    ..StepForm::default()
                },
                None,
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("当前为“待交办”，不能评价"), "{e}");
        assert_eq!(app.problem(&city, id).await.unwrap().problem.version, 1);

        // The office assigns it to the tax department as a simple problem.
        let tax_dept = tax.department_id.unwrap();
        let assign = StepForm {
            version: 1,
            department_id: tax_dept,
            difficulty: "simple".into(),
            body: "请税务局核实办理".into(),
            ..StepForm::default()
        };
        // Only the office assigns.
        assert!(matches!(
            app.problem_step(&qiye, id, "assign", &assign, None).await,
            Err(AppError::Forbidden(_))
        ));
        app.problem_step(&city, id, "assign", &assign, None)
            .await
            .unwrap();
        let p = app.problem(&tax, id).await.unwrap().problem;
        assert_eq!(
            (p.status, p.deadline.as_str()),
            (Status::Assigned, expected.as_str()),
            "{db}"
        );
        assert!(!p.overdue);
        // A second assignment of the same version is stale.
        let e = app
            .problem_step(&city, id, "assign", &assign, None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("当前为“办理中”，不能交办"), "{e}");

        // The department answers; an empty answer is refused.
        let answer = |version, body: &str| StepForm {
            version,
            body: body.into(),
            ..StepForm::default()
        };
        assert!(matches!(
            app.problem_step(&tax, id, "answer", &answer(2, " "), None).await,
            Err(AppError::Invalid(_))
        ));
        // Another department cannot answer (it cannot even see the problem).
        let land = login(&app, "land").await;
        assert!(matches!(
            app.problem_step(&land, id, "answer", &answer(2, "代答"), None)
                .await,
            Err(AppError::Forbidden(_))
        ));
        // On the department's to-do with its deadline; the office no longer has it to assign.
        let todo = app.service_todo(&tax).await.unwrap();
        assert!(
            todo.iter()
                .any(|t| t.href == format!("/service/problems/{id}") && t.text.contains(&expected)),
            "{todo:?}"
        );
        let office = app.service_todo(&city).await.unwrap();
        assert!(!office.iter().any(|t| t.href == format!("/service/problems/{id}")));
        app.problem_step(&tax, id, "answer", &answer(2, "已联系供电公司排期检修"), None)
            .await
            .unwrap();
        assert!(app.problem(&qiye, id).await.unwrap().steps.rate);
        // The enterprise's home asks for its rating.
        let home = app.enterprise_home(&qiye).await.unwrap();
        assert!(
            home.service
                .iter()
                .any(|t| t.text.contains("请评价") && t.href.ends_with(&id.to_string()))
        );

        // Not satisfied: back to the tax department with a fresh limit and the flag.
        let rate = |version, rating: &str, body: &str| StepForm {
            version,
            rating: rating.into(),
            body: body.into(),
            ..StepForm::default()
        };
        assert!(matches!(
            app.problem_step(&qiye, id, "rate", &rate(3, "unsatisfied", ""), None)
                .await,
            Err(AppError::Invalid(_))
        ));
        app.problem_step(
            &qiye,
            id,
            "rate",
            &rate(3, "unsatisfied", "检修时间仍未确定"),
            None,
        )
        .await
        .unwrap();
        let p = app.problem(&tax, id).await.unwrap().problem;
        assert_eq!((p.status, p.reopened), (Status::Assigned, 1), "{db}");
        assert_eq!(p.deadline, expected);
        app.problem_step(&tax, id, "answer", &answer(4, "已确定下周二检修"), None)
            .await
            .unwrap();
        app.problem_step(&qiye, id, "rate", &rate(5, "满意", ""), None)
            .await
            .unwrap();
        let page = app.problem(&qiye, id).await.unwrap();
        let p = &page.problem;
        assert_eq!(
            (p.status, p.closed_on.as_str()),
            (Status::Closed, t.to_string().as_str())
        );
        let kinds: Vec<&str> = p.events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            ["提交问题", "交办", "部门答复", "退回重办", "部门答复", "销号"],
            "{db}"
        );
        assert_eq!(p.events[0].attachment.as_deref(), Some("线路照片.jpg"));
        let (name, bytes) = app.problem_attachment(&tax, p.events[0].id).await.unwrap();
        assert_eq!((name.as_str(), bytes.len()), ("线路照片.jpg", 7));
        // Every step audited.
        for action in [
            "service.file",
            "service.assign",
            "service.answer",
            "service.rate",
            "service.attachment",
        ] {
            assert!(audited(&app, action, "ok").await >= 1, "{action} {db}");
        }
        assert_eq!(app.problems(&city).await.unwrap().problems.len(), before + 1);

        // The statistics count it for the tax department: answered twice is one problem,
        // closed, sent back once, satisfied.
        let s = stats::tally(&app.problems(&tax).await.unwrap().problems);
        let d = s
            .departments
            .iter()
            .find(|d| d.department.contains("税务"))
            .unwrap();
        assert!(d.closed >= 1 && d.reopened >= 1 && d.satisfied >= 1, "{db}");
    })
    .await;
}

#[tokio::test]
async fn bad_problems_and_foreign_enterprises_are_refused_and_nothing_is_stored() {
    each(async |app, db| {
        let city = login(&app, "city").await;
        let qiye = login(&app, "qiye").await;
        let zhuangbei = login(&app, "zhuangbei").await;
        let yicheng = login(&app, "yicheng").await;
        let before = app.problems(&city).await.unwrap().problems.len();
        let e = app.file_problem(&qiye, &problem("天气"), None).await.unwrap_err();
        assert!(e.to_string().contains("问题类别“天气”无效"), "{e}");
        let e = app
            .file_problem(
                &qiye,
                &ProblemForm {
                    title: String::new(),
                    ..problem("其他")
                },
                Some(("大文件.pdf", vec![0u8; 5 * 1024 * 1024 + 1].as_slice())),
            )
            .await
            .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("请填写问题标题") && text.contains("不能超过 5 MB"),
            "{text}"
        );
        // A county officer does not file; cluster staff only for their cluster's enterprises.
        assert!(matches!(
            app.file_problem(&yicheng, &problem("其他"), None).await,
            Err(AppError::Forbidden(_))
        ));
        let ledger = app.problems(&zhuangbei).await.unwrap();
        assert!(ledger.files_for_others && !ledger.enterprises.is_empty(), "{db}");
        let all = app.problems(&city).await.unwrap();
        assert!(all.enterprises.len() <= 500);
        let own = ledger.enterprises[0].0;
        let outside = app
            .problems(&city)
            .await
            .unwrap()
            .problems
            .into_iter()
            .find(|p| !ledger.problems.iter().any(|q| q.id == p.id))
            .unwrap()
            .enterprise_id;
        assert!(matches!(
            app.file_problem(
                &zhuangbei,
                &ProblemForm {
                    enterprise_id: outside,
                    ..problem("其他")
                },
                None
            )
            .await,
            Err(AppError::Forbidden(_))
        ));
        let e = app
            .file_problem(
                &city,
                &ProblemForm {
                    credit_code: "91411700MA00000000".into(),
                    ..problem("其他")
                },
                None,
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("不在企业名录中"), "{e}");
        assert_eq!(app.problems(&city).await.unwrap().problems.len(), before, "{db}");
        // Filing for an enterprise of the cluster works, and the enterprise does not see
        // other enterprises' problems.
        let id = app
            .file_problem(
                &zhuangbei,
                &ProblemForm {
                    enterprise_id: own,
                    ..problem("其他")
                },
                None,
            )
            .await
            .unwrap();
        assert!(
            app.problems(&qiye)
                .await
                .unwrap()
                .problems
                .iter()
                .all(|p| p.enterprise_id == qiye.enterprise_id.unwrap())
        );
        if Some(own) != qiye.enterprise_id {
            assert!(matches!(
                app.problem(&qiye, id).await,
                Err(AppError::Forbidden(_))
            ));
        }
        assert!(audited(&app, "service.file", "denied").await >= 2);
        // The system administrator and the auditor see no ledger.
        for u in ["admin", "auditor"] {
            assert!(matches!(
                app.problems(&login(&app, u).await).await,
                Err(AppError::Forbidden(_))
            ));
        }
    })
    .await;
}

#[tokio::test]
async fn the_calendar_is_checked_line_by_line_and_kept_by_the_city() {
    each(async |app, _db| {
        let city = login(&app, "city").await;
        let tax = login(&app, "tax").await;
        let before = app.calendar(&city).await.unwrap();
        assert!(before.years.contains(&2026), "the demo keeps 2026");
        let e = app
            .set_calendar(&city, "2026-02-14 班\n2026-02-30 休 春节\n")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("第 2 行“2026-02-30 休 春节”无效"), "{e}");
        assert_eq!(
            app.calendar(&city).await.unwrap().text,
            before.text,
            "nothing stored"
        );
        assert!(matches!(
            app.set_calendar(&tax, "2027-01-01 休\n").await,
            Err(AppError::Forbidden(_))
        ));
        let v = app.set_calendar(&city, "2027-01-01 休 元旦\n").await.unwrap();
        assert_eq!(v.years, [2027]);
        let cal = app.work_calendar().await.unwrap();
        assert!(!cal.is_working_day(Date::parse("2027-01-01").unwrap()));
        assert_eq!(cal, WorkCalendar::parse("2027-01-01 休\n").unwrap());
        assert_eq!(audited(&app, "service.calendar_set", "ok").await, 1);
    })
    .await;
}

#[tokio::test]
async fn lead_and_co_operating_units_report_and_the_city_sees_the_whole_table() {
    each(async |app, db| {
        let city = login(&app, "city").await;
        let tax = login(&app, "tax").await;
        let land = login(&app, "land").await;
        let yicheng = login(&app, "yicheng").await;
        let table = app.plan_tasks(&city).await.unwrap();
        assert_eq!((table.total, table.sections.len()), (24, 6), "{db}");
        let all: Vec<_> = table.sections.iter().flat_map(|(_, l)| l).collect();
        let find = |title: &str| all.iter().find(|t| t.title == title).unwrap().id;
        let evaluation = find("持续开展企业分类综合评价");
        let land_task = find("促进土地集约节约利用");
        let investment = find("强化精准招商");
        let policy = find("加大政策支持");

        // The demo's missing reports: tasks 5, 12 and 18 lack the last past quarter, which
        // counts once it is past due.
        let cal = app.work_calendar().await.unwrap();
        let last = Cadence::Quarterly.of(today()).first_day().plus_days(-1).unwrap();
        let last = Cadence::Quarterly.of(last);
        let due_passed = last.due(5, &cal) < today();
        let missing: Vec<&str> = all
            .iter()
            .filter(|t| !t.missing.is_empty())
            .map(|t| t.title.as_str())
            .collect();
        if due_passed {
            assert_eq!(missing.len(), 3, "{missing:?}");
            assert_eq!(table.overdue, 3);
            // The city's to-do names the table's overdue count.
            let todo = app.service_todo(&city).await.unwrap();
            assert!(
                todo.iter()
                    .any(|t| t.text == "重点任务 3 项逾期未报进展（全表）" && t.overdue),
                "{todo:?}"
            );
        } else {
            assert!(missing.is_empty());
        }

        // The tax department takes part in the evaluation task (co-operating): its part.
        let page = app.plan_task(&tax, evaluation).await.unwrap();
        assert!(
            !page.relation.lead && !page.relation.co,
            "the demo marked this task done"
        );
        let page = app.plan_task(&tax, policy).await.unwrap();
        assert!(
            !page.relation.lead && !page.relation.co,
            "tax is not a unit of 加大政策支持"
        );
        let form = |status: &str, body: &str| ReportForm {
            status: status.into(),
            body: body.into(),
            ..ReportForm::default()
        };
        assert!(matches!(
            app.report_task(&tax, policy, &form("on_track", "x"), None).await,
            Err(AppError::Forbidden(_))
        ));
        let exit = find("健全企业退出机制");
        assert!(
            app.plan_task(&tax, exit).await.unwrap().relation.lead,
            "tax leads 健全企业退出机制"
        );

        // The land department leads 促进土地集约节约利用: it reports this period.
        let before = app.plan_task(&city, land_task).await.unwrap().task.reports.len();
        let e = app
            .report_task(
                &land,
                land_task,
                &ReportForm {
                    period: "1999-Q1".into(),
                    ..form("on_track", "x")
                },
                None,
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("报送期次“1999-Q1”无效"), "{e}");
        assert!(matches!(
            app.report_task(&land, land_task, &form("fine", ""), None).await,
            Err(AppError::Invalid(v)) if v.len() == 2
        ));
        app.report_task(
            &land,
            land_task,
            &form("behind", "盘活低效用地 1,200 亩，完成年度目标的 80%"),
            Some(("盘活清单.xlsx", b"PK\x03\x04".as_slice())),
        )
        .await
        .unwrap();
        let page = app.plan_task(&city, land_task).await.unwrap();
        assert_eq!(page.task.reports.len(), before + 1, "{db}");
        let r = &page.task.reports[0];
        assert!(r.lead && r.unit == "市自然资源和规划局" && r.period == Cadence::Quarterly.of(today()).id());
        assert!(page.task.current_reported);
        assert_eq!(page.task.state().label(), "进度滞后");
        let (name, _) = app.task_attachment(&city, r.id).await.unwrap();
        assert_eq!(name, "盘活清单.xlsx");

        // 驿城区 co-operates on it, and leads 强化精准招商 (the county governments lead).
        assert!(app.plan_task(&yicheng, land_task).await.unwrap().relation.co);
        app.report_task(
            &yicheng,
            land_task,
            &form("on_track", "配合完成辖区内低效用地排查"),
            None,
        )
        .await
        .unwrap();
        let page = app.plan_task(&city, land_task).await.unwrap();
        assert!(
            page.task
                .parts
                .iter()
                .any(|p| p.unit == "驿城区人民政府" && !p.lead)
        );
        assert!(app.plan_task(&yicheng, investment).await.unwrap().relation.lead);

        // The city reports for a lead unit without accounts (市财政局), and only for a lead unit.
        let e = app
            .report_task(
                &city,
                policy,
                &ReportForm {
                    unit: "市税务局".into(),
                    ..form("on_track", "x")
                },
                None,
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("不是该任务的牵头单位"), "{e}");
        app.report_task(
            &city,
            policy,
            &ReportForm {
                unit: "市财政局".into(),
                ..form("on_track", "代报：资金已下达")
            },
            None,
        )
        .await
        .unwrap();
        assert_eq!(
            app.plan_task(&city, policy).await.unwrap().task.reports[0].unit,
            "市财政局"
        );
        assert_eq!(audited(&app, "tasks.report", "ok").await, 3);
        assert!(audited(&app, "tasks.report", "denied").await >= 1);
    })
    .await;
}

#[tokio::test]
async fn the_city_sets_the_cadence_and_exports_the_table() {
    each(async |app, db| {
        let city = login(&app, "city").await;
        let leader = login(&app, "leader").await;
        let tax = login(&app, "tax").await;
        let qiye = login(&app, "qiye").await;
        let table = app.plan_tasks(&city).await.unwrap();
        let overdue = table
            .sections
            .iter()
            .flat_map(|(_, l)| l)
            .find(|t| t.seq == 2 && t.heading_no == 1)
            .unwrap()
            .clone();
        let settings = |version, cadence: &str, done: &str| TaskSettingsForm {
            version,
            cadence: cadence.into(),
            done: done.into(),
        };
        assert!(matches!(
            app.set_plan_task(&tax, overdue.id, &settings(overdue.version, "monthly", ""))
                .await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.set_plan_task(&city, overdue.id, &settings(overdue.version, "yearly", ""))
                .await,
            Err(AppError::Invalid(_))
        ));
        app.set_plan_task(&city, overdue.id, &settings(overdue.version, "monthly", ""))
            .await
            .unwrap();
        let t = app.plan_task(&city, overdue.id).await.unwrap().task;
        assert_eq!(t.cadence, Cadence::Monthly, "{db}");
        assert!(t.missing.is_empty(), "tracking restarts with the new cadence");
        // Stale.
        let e = app
            .set_plan_task(&city, overdue.id, &settings(overdue.version, "monthly", "1"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("已被他人修改"), "{e}");
        // Loading again changes nothing.
        assert!(matches!(
            app.load_plan_tasks(&city).await,
            Err(AppError::Invalid(_))
        ));
        // The 督查 workbook: city and leader; not a department; no enterprise sees the tracker.
        let file = app.export_plan_tasks(&leader).await.unwrap();
        assert_eq!(file.file_name, "重点任务督查表.xlsx");
        assert!(file.into_bytes().unwrap().starts_with(b"PK"));
        assert!(matches!(
            app.export_plan_tasks(&tax).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(app.plan_tasks(&qiye).await, Err(AppError::Forbidden(_))));
        assert_eq!(audited(&app, "tasks.export", "ok").await, 1);
        let file = app.export_problems(&city).await.unwrap();
        assert_eq!(file.file_name, "企业问题台账.xlsx");
    })
    .await;
}
