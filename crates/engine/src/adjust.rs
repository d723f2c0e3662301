//! Manual adjustment (调档, spec §7): an officer's class with a written reason.

use mujun_domain::CreditCode;

/// One manual adjustment.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Adjustment {
    /// The enterprise.
    pub credit_code: CreditCode,
    /// The class it is given (a class of its group).
    pub class: String,
    /// The mandatory written reason.
    pub reason: String,
}
