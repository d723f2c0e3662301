//! Checking a case step's form: the document number, the dates (issued not in the future nor
//! before the last step, served between issue and today), the deadline by rule or as typed
//! (within the legal limit of an agreed disposal), the cause and its evidence, the fee. Every
//! problem is named by its field; nothing is stored here.

use mujun_domain::Date;
use mujun_land::cases::{Step, negotiated_limit, rule_deadline};
use mujun_land::idle::{self, Cause, Idleness, NegotiatedOption};
use mujun_store::land_cases::NewStep;

use super::cases::StepForm;
use super::today;
use crate::{App, AppError, FieldError};

impl App {
    /// Checks a step's form; every problem named by its field.
    pub(crate) fn check_case_step(
        &self,
        form: &StepForm,
        step: Step,
        last_issued: Option<Date>,
        price_fen: i64,
        idleness: Option<Idleness>,
    ) -> Result<CheckedStep, AppError> {
        let rules = &self.land.cases;
        let today = today();
        let mut problems = Vec::new();
        let mut bad = |field: &'static str, message: String| problems.push(FieldError { field, message });
        let doc_no = form.doc_no.trim().to_owned();
        if step.document().is_some() && doc_no.is_empty() {
            bad("doc_no", format!("请填写{}的文号", step.document().unwrap_or("")));
        }
        let issued = if form.issued_on.trim().is_empty() {
            today
        } else {
            match Date::parse(form.issued_on.trim()) {
                Ok(d) if d <= today => d,
                _ => {
                    bad(
                        "issued_on",
                        format!("签发日期“{}”应为不晚于今天的日期", form.issued_on.trim()),
                    );
                    today
                }
            }
        };
        if let Some(last) = last_issued
            && issued < last
        {
            bad(
                "issued_on",
                format!("签发日期 {issued} 早于上一步骤的日期 {last}"),
            );
        }
        let served = match form.served_on.trim() {
            "" => None,
            t => match Date::parse(t) {
                Ok(d) if d >= issued && d <= today => Some(d),
                _ => {
                    bad("served_on", format!("送达日期“{t}”应在签发日期与今天之间"));
                    None
                }
            },
        };
        let typed_deadline = match form.deadline.trim() {
            "" => None,
            t => match Date::parse(t) {
                Ok(d) if d > issued => Some(d),
                _ => {
                    bad("deadline", format!("期限“{t}”应为签发日期之后的日期"));
                    None
                }
            },
        };
        let mut cause = None;
        let mut option = None;
        let mut deadline = rule_deadline(step, served.unwrap_or(issued), rules);
        match step {
            Step::Identification => match Cause::parse(form.cause.trim()) {
                Some(c @ Cause::Government(_)) if form.cause_evidence.trim().is_empty() => {
                    bad("cause_evidence", format!("认定为{}，应写明证据", c.label()));
                }
                Some(c) => cause = Some((c.id().to_owned(), form.cause_evidence.trim().to_owned())),
                None => bad("cause", "请选择闲置原因（企业原因或政府原因之一）".to_owned()),
            },
            Step::RectificationNotice => match typed_deadline {
                Some(d) => deadline = Some(d),
                None if form.deadline.trim().is_empty() => bad("deadline", "请填写整改期限".to_owned()),
                None => {}
            },
            Step::Negotiation => match NegotiatedOption::parse(form.option.trim()) {
                Some(o) => {
                    option = Some(o.id().to_owned());
                    deadline = typed_deadline;
                    if let (Some(limit), Some(d)) = (negotiated_limit(o, issued, rules), typed_deadline)
                        && d > limit
                    {
                        bad(
                            "deadline",
                            format!("{}的期限 {d} 超过法定上限 {limit}", o.label()),
                        );
                    }
                    if negotiated_limit(o, issued, rules).is_some() && typed_deadline.is_none() {
                        bad("deadline", format!("{}应填写期限", o.label()));
                    }
                }
                None => bad("option", "请选择协商处置方式".to_owned()),
            },
            Step::Closing | Step::Dismissal | Step::Rectified | Step::Hearing => {
                if form.note.trim().is_empty() {
                    bad("note", format!("请写明{}的情况", step.label()));
                }
                deadline = None;
            }
            _ => {}
        }
        let fee_fen = if step == Step::FeeDecision {
            match idle::disposal(
                idleness.unwrap_or(Idleness::NotIdle),
                Cause::Enterprise,
                price_fen,
                &self.land.idle,
            ) {
                Ok(idle::Disposal::Fee { fen }) => Some(fen),
                Ok(_) => idle::fee_fen(price_fen, self.land.idle.fee_permille).ok(),
                Err(e) => {
                    bad("step", e.to_string());
                    None
                }
            }
        } else {
            None
        };
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        Ok(CheckedStep {
            step,
            doc_no,
            issued: issued.to_string(),
            served: served.map(|d| d.to_string()),
            deadline: deadline.map(|d| d.to_string()),
            note: form.note.trim().to_owned(),
            cause,
            option,
            fee_fen,
        })
    }
}

/// A step checked and ready to store.
pub(crate) struct CheckedStep {
    pub(crate) step: Step,
    pub(crate) doc_no: String,
    pub(crate) issued: String,
    pub(crate) served: Option<String>,
    pub(crate) deadline: Option<String>,
    pub(crate) note: String,
    pub(crate) cause: Option<(String, String)>,
    pub(crate) option: Option<String>,
    pub(crate) fee_fen: Option<i64>,
}

impl CheckedStep {
    pub(crate) fn as_new(&self) -> NewStep<'_> {
        NewStep {
            step: self.step.id(),
            doc_no: &self.doc_no,
            issued_on: &self.issued,
            served_on: self.served.as_deref(),
            deadline: self.deadline.as_deref(),
            note: &self.note,
            closes: self.step.ends(),
            cause: self.cause.as_ref().map(|(c, e)| (c.as_str(), e.as_str())),
            negotiated_option: self.option.as_deref(),
            fee_fen: self.fee_fen,
            linked_case_id: None,
        }
    }
}
