//! The cluster assessment of mujun (pure): the indicators of each 产业集聚区 per year from its
//! enterprises' figures and the data departments supply ([`indicators`]), the assessment method
//! as a file the city keeps ([`method`]), and the assessment itself — points, ranking, star
//! levels as absolute thresholds that must all be met, promotion and demotion, the plan's
//! rewards and restrictions ([`assess`]).

pub mod assess;
pub mod indicators;
pub mod method;

/// What can go wrong.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClusterError {
    /// The method file is wrong.
    #[error("考核办法有误：{0}")]
    Method(String),
}
