//! The evaluation engine of mujun: pure functions from a method file and one year's figures to
//! every enterprise's indicators, scores, rank, class and the reasons for them.
//!
//! The contract is `shared/spec/evaluation-method.md`; section numbers in comments refer to it.
//! Nothing here does IO, async or SQL: callers (the batch command, the application) read and
//! write, and hand the engine an [`EvaluationInput`].
//!
//! ```
//! use mujun_engine::{evaluate, presets};
//! let method = presets::load("henan-2019").unwrap();
//! let input = mujun_engine::EvaluationInput::new(mujun_domain::Year::new(2024).unwrap());
//! let result = evaluate(&method, &input, &[]).unwrap();
//! assert!(result.outcomes.is_empty());
//! ```

mod adjust;
mod error;
mod evaluate;
pub mod explain;
mod hash;
mod input;
pub mod levers;
pub mod method;
mod result;
pub mod simulate;
pub mod whatif;

pub use adjust::Adjustment;
pub use error::EngineError;
pub use evaluate::{evaluate, indicator_value};
pub use input::{EnterpriseInput, EvaluationInput, Figures, ItemSet};
pub use method::{Method, presets};
pub use result::{
    Basis, ClassReason, Evaluation, Exclusion, IgnoredItem, IndicatorResult, IndicatorValue, Outcome, Pool,
    PoolKey, Scored, TwoStageQuotas,
};
pub use whatif::{Requirement, WhatIf, required_tax};

impl Evaluation {
    /// The class label of a scored enterprise's final class.
    pub fn final_class<'m>(&self, method: &'m Method, scored: &Scored) -> &'m str {
        &method.groups[scored.group].classes[scored.final_class]
    }

    /// The class label of a scored enterprise's computed class.
    pub fn computed_class<'m>(&self, method: &'m Method, scored: &Scored) -> &'m str {
        &method.groups[scored.group].classes[scored.computed_class]
    }

    /// The reason for the final class as written in outputs: `quota A`, `quota C`, `default B`,
    /// `quantile <class>`, `threshold <class>`, `veto:<item>` or `manual:<reason>`.
    pub fn class_reason(&self, method: &Method, scored: &Scored) -> String {
        match &scored.manual_reason {
            Some(reason) => format!("manual:{reason}"),
            None => self.computed_reason(method, scored),
        }
    }

    /// The reason for the computed class, as [`Evaluation::class_reason`] writes it.
    pub fn computed_reason(&self, method: &Method, scored: &Scored) -> String {
        let class = self.computed_class(method, scored);
        match scored.reason {
            ClassReason::QuotaA => "quota A".to_owned(),
            ClassReason::QuotaC => "quota C".to_owned(),
            ClassReason::DefaultB => "default B".to_owned(),
            ClassReason::Quantile => format!("quantile {class}"),
            ClassReason::Threshold => format!("threshold {class}"),
            ClassReason::Veto(v) => format!("veto:{}", method.veto_items[v].0),
        }
    }
}
