//! The rules of the land and project lifecycle (issue 13), pure: no database, no clock — the
//! caller passes "today". Each rule follows `docs/plan-mechanisms.md` of the shared notes;
//! what is national law is fixed here, what varies by place is a parameter
//! ([`IdleRules`], [`ExitRules`]).
//!
//! - [`idle`] — when land counts as idle (《闲置土地处置办法》国土资源部令第53号 art. 2) and what
//!   follows: the fee at 20 % of the land price after one full year, take-back without
//!   compensation after two, the negotiated options when the government caused it (art. 8,
//!   12–14).
//! - [`exit`] — 招商引资 projects whose own-cause start is more than 6 months late (the action
//!   plan's 二(五)2).
//! - [`negative`] — a cluster's 产业准入负面清单 and the review of a proposed project against it
//!   (the most specific GB/T 4754 code wins).
//! - [`cases`] — the steps of an idle-land case and of an exit case, their documents and deadlines.
//! - [`low_efficiency`] — 停产半停产, 停建缓建 and Zhejiang's five kinds of under-used land.
//! - [`standard`] — 标准地 commitments checked at completion and at 达产复核.
//! - [`geometry`] — parcel polygons (GeoJSON) and their area.
//! - [`dates`] — calendar arithmetic the rules share (full years, added months).

pub mod cases;
pub mod dates;
pub mod exit;
pub mod geometry;
pub mod idle;
pub mod low_efficiency;
pub mod negative;
pub mod standard;

/// Errors of the land rules (inputs that cannot be judged).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LandError {
    /// A ratio's denominator is zero or negative, or a value is negative.
    #[error("{0}必须大于 0")]
    NotPositive(&'static str),
    /// A code of the negative list is not a GB/T 4754 section letter or 2–4 digits.
    #[error("国民经济行业代码“{0}”无效：应为门类字母（如 C）或 2 至 4 位数字（如 26、261、2614）")]
    BadCode(String),
    /// A parcel polygon that cannot be read.
    #[error("宗地范围（GeoJSON）无效：{0}")]
    BadPolygon(String),
}
