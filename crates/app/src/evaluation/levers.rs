//! What would move an enterprise up beyond tax (issue 15): handing back land (退让低效用地),
//! more R&D spending, less energy, fewer emissions — for each, the least change the engine
//! finds by evaluating the pool again (`mujun_engine::levers`), said in words an official and
//! the enterprise can act on.

use mujun_domain::Field;
use mujun_engine::levers::{LEVERS, LeverAnswer, required_change};
use mujun_engine::{EngineError, EvaluationInput, Method};

use super::format::number;

/// One lever and what it would take.
#[derive(Clone, Debug, PartialEq)]
pub struct LeverLine {
    /// The lever in words (退让低效用地, 增加研发经费 …).
    pub lever: &'static str,
    /// The figure it changes.
    pub field: Field,
    /// The engine's answer.
    pub answer: LeverAnswer,
}

impl LeverLine {
    /// The answer in a sentence.
    pub fn text(&self) -> String {
        let unit = self.field.unit();
        match &self.answer {
            LeverAnswer::Reach {
                class,
                change,
                value,
                total,
            } => {
                let what = match self.field {
                    Field::LandAreaMu => format!(
                        "退让低效用地 {} 亩（用地面积降至 {} 亩）",
                        number(*change, 2),
                        number(*value, 2)
                    ),
                    Field::RdExpense => format!(
                        "研发经费增加 {} {unit}（达到 {} {unit}）",
                        number(*change, 2),
                        number(*value, 2)
                    ),
                    Field::EnergyTce => format!(
                        "综合能耗降低 {} {unit}（降至 {} {unit}）",
                        number(*change, 2),
                        number(*value, 2)
                    ),
                    Field::PollutionEq => format!(
                        "污染物排放当量减少 {}（降至 {}）",
                        number(*change, 2),
                        number(*value, 2)
                    ),
                    other => format!(
                        "{}变化 {} {unit}（为 {} {unit}）",
                        other.label(),
                        number(*change, 2),
                        number(*value, 2)
                    ),
                };
                format!(
                    "在其他数据不变的情况下，{what}，可升为 {class} 类（届时总分 {}）；少 0.01 则不能升档。",
                    number(*total, 2)
                )
            }
            LeverAnswer::Missing => format!("缺少{}数据，无法测算。", self.field.label()),
            LeverAnswer::NotReachable => {
                "仅靠这一项不能升档（本方法不计分该项，或已受封顶、保底等规则限制）。".to_owned()
            }
            LeverAnswer::Excluded => "不参评，不适用。".to_owned(),
            LeverAnswer::AlreadyTop => "已处于本组最高档。".to_owned(),
            LeverAnswer::Vetoed => "因否决项定为最低档，需先消除否决情形。".to_owned(),
        }
    }
}

fn lever_name(field: Field) -> &'static str {
    match field {
        Field::LandAreaMu => "退让低效用地",
        Field::RdExpense => "增加研发经费",
        Field::EnergyTce => "降低能耗",
        Field::PollutionEq => "减少排放",
        Field::TaxPaid => "增加实缴税收",
        _ => "调整数据",
    }
}

/// The levers beyond tax for row `row` of the pool `input` (tax has its own what-if). Empty
/// when no lever can apply: not evaluated, already in the best class, or held by a veto.
pub fn levers_beyond_tax(
    method: &Method,
    input: &EvaluationInput,
    row: usize,
) -> Result<Vec<LeverLine>, EngineError> {
    let mut out = Vec::new();
    for (field, direction) in LEVERS {
        if field == Field::TaxPaid {
            continue;
        }
        let answer = required_change(method, input, row, field, direction)?;
        if matches!(
            answer,
            LeverAnswer::Excluded | LeverAnswer::AlreadyTop | LeverAnswer::Vetoed
        ) {
            return Ok(Vec::new());
        }
        out.push(LeverLine {
            lever: lever_name(field),
            field,
            answer,
        });
    }
    Ok(out)
}
