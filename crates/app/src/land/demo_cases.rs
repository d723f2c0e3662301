//! The demo's cases and plans: idle-land cases in every stage (one government-caused), exit
//! cases from rectification to decision, and disposal plans with progress — written step by
//! step as the use cases would, with dates relative to today.

use mujun_domain::Date;
use mujun_land::cases::{CaseKind, Step};
use mujun_land::dates::add_months;
use mujun_land::idle::{Cause, GovernmentCause, NegotiatedOption, fee_fen};
use mujun_store::{StoreError, Tx, disposal_plans, land_cases};

use super::demo::{Made, Story, shift};
use crate::{App, AppError};

impl App {
    pub(super) async fn seed_land_cases(
        &self,
        tx: &mut Tx,
        made: &[Made],
        today: Date,
    ) -> Result<(), AppError> {
        let rules = self.land;
        // The demo enterprise's project (the first) stays an uncased candidate.
        let pick = |story: Story, n: usize| made.iter().skip(1).filter(move |m| m.story == story).take(n);
        let mut serial = 0;
        let mut doc = |kind: &str| {
            serial += 1;
            format!("驻自然资{kind}〔{}〕{serial}号", today.year())
        };
        struct S<'a> {
            step: Step,
            days_ago: i64,
            doc_no: String,
            deadline: Option<Date>,
            cause: Option<(&'a str, &'a str)>,
            option: Option<&'a str>,
            fee: Option<i64>,
            note: &'a str,
        }
        let step = |step: Step, days_ago: i64, doc_no: String| S {
            step,
            days_ago,
            doc_no,
            deadline: None,
            cause: None,
            option: None,
            fee: None,
            note: "",
        };
        let run = async |tx: &mut Tx,
                         kind: CaseKind,
                         m: &Made,
                         finding: &str,
                         steps: Vec<S<'_>>|
               -> Result<(), StoreError> {
            let case = land_cases::insert_case(tx, kind.id(), m.contract_id, finding, None).await?;
            for (v, s) in steps.into_iter().enumerate() {
                let issued = shift(today, -s.days_ago);
                let served = shift(issued, 2).min(today);
                let deadline = s
                    .deadline
                    .or_else(|| mujun_land::cases::rule_deadline(s.step, served, &rules.cases));
                let issued_text = issued.to_string();
                let served_text = served.to_string();
                let deadline_text = deadline.map(|d| d.to_string());
                land_cases::add_step(
                    tx,
                    case,
                    v as i64 + 1,
                    &land_cases::NewStep {
                        step: s.step.id(),
                        doc_no: &s.doc_no,
                        issued_on: &issued_text,
                        served_on: s.step.document().map(|_| served_text.as_str()),
                        deadline: if s.step.ends() {
                            None
                        } else {
                            deadline_text.as_deref()
                        },
                        note: s.note,
                        closes: s.step.ends(),
                        cause: s.cause,
                        negotiated_option: s.option,
                        fee_fen: s.fee,
                        linked_case_id: None,
                    },
                    None,
                )
                .await?;
            }
            Ok(())
        };
        let not_started = |m: &Made| {
            let years = mujun_land::dates::full_years(m.agreed_start, today);
            format!("超过约定动工开发日期满 {years} 年未动工开发")
        };
        let enterprise = Cause::Enterprise.id();
        let government = Cause::Government(GovernmentCause::LandNotDelivered).id();
        let mut ones = pick(Story::IdleOneYear, 6);
        if let Some(m) = ones.next() {
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![step(Step::Investigation, 10, doc("闲调"))],
            )
            .await?;
        }
        if let Some(m) = ones.next() {
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 60, doc("闲调")),
                    S {
                        cause: Some((enterprise, "企业资金链紧张，未按期开工")),
                        ..step(Step::Identification, 20, doc("闲认"))
                    },
                ],
            )
            .await?;
        }
        if let Some(m) = ones.next() {
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 80, doc("闲调")),
                    S {
                        cause: Some((enterprise, "企业未提交政府原因证明材料")),
                        ..step(Step::Identification, 45, doc("闲认"))
                    },
                    step(Step::Notification, 3, doc("闲告")),
                ],
            )
            .await?;
        }
        if let Some(m) = ones.next() {
            let fee = fee_fen(m.price_fen, rules.idle.fee_permille).ok();
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 120, doc("闲调")),
                    S {
                        cause: Some((enterprise, "企业自身原因")),
                        ..step(Step::Identification, 90, doc("闲认"))
                    },
                    step(Step::Notification, 60, doc("闲告")),
                    S {
                        fee,
                        ..step(Step::FeeDecision, 40, doc("闲征"))
                    },
                ],
            )
            .await?;
        }
        if let Some(m) = ones.next() {
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 70, doc("闲调")),
                    S {
                        cause: Some((government, "管委会未按期完成场地平整和水电接入，有交地记录为证")),
                        ..step(Step::Identification, 40, doc("闲认"))
                    },
                    S {
                        option: Some(NegotiatedOption::ExtendStart.id()),
                        deadline: Some(add_months(shift(today, -10), 10)),
                        ..step(Step::Negotiation, 10, doc("闲协"))
                    },
                ],
            )
            .await?;
        }
        if let Some(m) = ones.next() {
            let fee = fee_fen(m.price_fen, rules.idle.fee_permille).ok();
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 200, doc("闲调")),
                    S {
                        cause: Some((enterprise, "企业自身原因")),
                        ..step(Step::Identification, 170, doc("闲认"))
                    },
                    step(Step::Notification, 150, doc("闲告")),
                    S {
                        fee,
                        ..step(Step::FeeDecision, 120, doc("闲征"))
                    },
                    S {
                        note: "土地闲置费已全额缴纳",
                        ..step(Step::Closing, 80, String::new())
                    },
                ],
            )
            .await?;
        }
        if let Some(m) = pick(Story::IdleTwoYears, 1).next() {
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 90, doc("闲调")),
                    S {
                        cause: Some((enterprise, "企业自身原因")),
                        ..step(Step::Identification, 60, doc("闲认"))
                    },
                    step(Step::Notification, 40, doc("闲告")),
                    S {
                        note: "企业申请听证，听证维持认定",
                        ..step(Step::Hearing, 30, String::new())
                    },
                    step(Step::TakeBackDecision, 15, doc("闲收")),
                ],
            )
            .await?;
        }
        // Exit cases: one in rectification, one overdue, one proposed, one decided, one rectified.
        let late: Vec<&Made> = pick(Story::LateStart, 5).collect();
        let finding = |m: &Made| {
            let limit = add_months(m.agreed_start, rules.exit.late_months);
            format!(
                "超过约定开工日期 {} 个月仍未开工（最迟应于 {limit} 开工）",
                rules.exit.late_months
            )
        };
        let exit_doc = |n: usize| format!("驻集管〔{}〕{n}号", today.year());
        for (k, m) in late.iter().enumerate() {
            let f = finding(m);
            let steps = match k {
                0 => vec![S {
                    deadline: Some(shift(today, 60)),
                    ..step(Step::RectificationNotice, 20, exit_doc(k * 3 + 1))
                }],
                1 => vec![S {
                    deadline: Some(shift(today, -15)),
                    ..step(Step::RectificationNotice, 100, exit_doc(k * 3 + 1))
                }],
                2 => vec![
                    S {
                        deadline: Some(shift(today, -40)),
                        ..step(Step::RectificationNotice, 130, exit_doc(k * 3 + 1))
                    },
                    step(Step::ExitProposal, 20, exit_doc(k * 3 + 2)),
                ],
                3 => vec![
                    S {
                        deadline: Some(shift(today, -90)),
                        ..step(Step::RectificationNotice, 200, exit_doc(k * 3 + 1))
                    },
                    step(Step::ExitProposal, 60, exit_doc(k * 3 + 2)),
                    step(Step::ExitDecision, 25, exit_doc(k * 3 + 3)),
                ],
                _ => vec![
                    S {
                        deadline: Some(shift(today, 10)),
                        ..step(Step::RectificationNotice, 50, exit_doc(k * 3 + 1))
                    },
                    S {
                        note: "项目已开工，整改到位",
                        ..step(Step::Rectified, 5, String::new())
                    },
                ],
            };
            run(tx, CaseKind::Exit, m, &f, steps).await?;
        }
        // Disposal plans for stalled and built-but-idle parcels.
        let modes = ["lease", "restructure", "reinvest", "buy_back", "bankruptcy"];
        for (k, m) in made
            .iter()
            .filter(|m| matches!(m.story, Story::NoProgress | Story::BuiltIdle | Story::Stalled))
            .take(12)
            .enumerate()
        {
            let (kind, finding) = match m.story {
                Story::BuiltIdle => ("built_not_producing", "建而未投"),
                Story::Stalled => ("stalled", "停建缓建：长期停工"),
                _ => ("stalled", "停建缓建：超过 6 个月无新增投资"),
            };
            let deadline = shift(today, if k % 4 == 0 { -20 } else { 120 + 30 * k as i64 }).to_string();
            let id = disposal_plans::insert(
                tx,
                &disposal_plans::NewPlan {
                    parcel_id: m.parcel_id,
                    low_kind: kind,
                    finding,
                    mode: modes[k % modes.len()],
                    responsible_unit: "集聚区管委会",
                    deadline: &deadline,
                    area_mu: m.area_mu,
                },
                None,
            )
            .await?;
            if k % 3 != 2 {
                let done_area = (m.area_mu * if k % 3 == 0 { 1.0 } else { 0.4 } * 100.0).round() / 100.0;
                let on = shift(today, -15).to_string();
                disposal_plans::add_progress(
                    tx,
                    id,
                    1,
                    &on,
                    done_area,
                    "已与意向企业签订租赁协议",
                    k % 3 == 0,
                    None,
                )
                .await?;
            }
        }
        Ok(())
    }
}
