//! Which choices of a method matter (issue 15): for each weight and each quota share (or
//! quantile boundary, or threshold cut) of the run's method, how many enterprises of the run's
//! snapshot change class when it moves by one step — every count an evaluation the engine ran.

use mujun_engine::Method;
use mujun_engine::simulate::{MethodChange, sensitivity};
use serde_json::json;

use super::super::format::{group_label, number};
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// One change tried.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivityLine {
    /// The evaluation group in words (规上, 规下).
    pub group: String,
    /// 权重, 名额 or 分档线.
    pub kind: &'static str,
    /// The change in words.
    pub change: String,
    /// Enterprises whose class changes.
    pub changed: usize,
}

/// The sensitivity of a run's method.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivityView {
    /// The run.
    pub run_id: i64,
    /// The method's name.
    pub method_name: String,
    /// The step (points of weight, percentage points of a share, points of a cut).
    pub step: f64,
    /// Enterprises in the snapshot.
    pub enterprises: usize,
    /// The changes, most consequential first within each group.
    pub lines: Vec<SensitivityLine>,
}

/// Steps offered (points).
pub const STEPS: [f64; 3] = [1.0, 5.0, 10.0];

fn words(method: &Method, group: usize, change: MethodChange) -> (&'static str, String) {
    let signed = |units: i32| {
        let pp = f64::from(units) / 100.0;
        format!(
            "{}{} 个百分点",
            if pp > 0.0 { "增加 " } else { "减少 " },
            number(pp.abs(), 0)
        )
    };
    match change {
        MethodChange::Weight { from, to, points } => (
            "权重",
            format!(
                "从“{}”移 {} 分到“{}”",
                from.label(),
                number(points, 0),
                to.label()
            ),
        ),
        MethodChange::AShare { delta } => ("名额", format!("A 类名额比例{}", signed(delta))),
        MethodChange::CShare { delta } => ("名额", format!("C 类名额比例{}", signed(delta))),
        MethodChange::Boundary { class, delta } => {
            let classes = &method.groups[group].classes;
            (
                "名额",
                format!(
                    "{} 类比例{}（{} 类相应调整）",
                    classes[class],
                    signed(delta),
                    classes.get(class + 1).map_or("", String::as_str)
                ),
            )
        }
        MethodChange::Cut { class, delta } => (
            "分档线",
            format!(
                "{} 类分档线{} {} 分",
                method.groups[group].classes[class],
                if delta > 0.0 { "提高" } else { "降低" },
                number(delta.abs(), 0)
            ),
        ),
    }
}

impl App {
    /// The sensitivity of run `run_id`'s method (or of kept scenario `scenario`) with a step of
    /// `step` points.
    pub async fn run_sensitivity(
        &self,
        actor: &Actor,
        run_id: i64,
        scenario: Option<i64>,
        step: f64,
    ) -> Result<SensitivityView, AppError> {
        let run = self.simulated_run(actor, run_id, "run.sensitivity").await?;
        if !STEPS.contains(&step) {
            return Err(AppError::invalid("step", "步长只能是 1、5 或 10 分"));
        }
        let source = match scenario {
            Some(id) => self.scenario_of(run_id, id).await?.method_source,
            None => run.method_source.clone(),
        };
        let method = Method::parse(&source)?;
        let (rows, input) = self.run_input(&run).await?;
        let enterprises = rows.len();
        let (method, found) = self
            .cpu(move || {
                let found = sensitivity(&method, &input, step)?;
                Ok::<_, AppError>((method, found))
            })
            .await??;
        let mut lines: Vec<(usize, SensitivityLine)> = found
            .iter()
            .map(|s| {
                let (kind, change) = words(&method, s.group, s.change);
                (
                    s.group,
                    SensitivityLine {
                        group: group_label(&method.groups[s.group].id),
                        kind,
                        change,
                        changed: s.changed,
                    },
                )
            })
            .collect();
        lines.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.changed.cmp(&a.1.changed)));
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "run.sensitivity",
            ("evaluation_run", &run_id.to_string()),
            json!({"scenario": scenario, "step": step, "changes_tried": lines.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(mujun_store::StoreError::from)?;
        Ok(SensitivityView {
            run_id,
            method_name: method.name.clone(),
            step,
            enterprises,
            lines: lines.into_iter().map(|(_, l)| l).collect(),
        })
    }
}
