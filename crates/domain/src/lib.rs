//! Domain types of mujun (亩均论英雄).
//!
//! Everything here follows "parse, don't validate": a value of one of these types is known to be
//! well formed, so the rest of the system never checks it again. Nothing here does IO.
//!
//! - [`CreditCode`] — 统一社会信用代码 (GB 32100-2015)
//! - [`IndustryCode`], [`IndustryRange`] — 国民经济行业分类 (GB/T 4754-2017)
//! - [`RegionCode`] — 行政区划代码 (GB/T 2260) and the Zhumadian table
//! - [`Year`], [`Date`] — evaluation years and calendar dates
//! - [`Field`] — the per-enterprise input fields of the evaluation method (spec §1)
//! - [`IndicatorId`] — the twelve indicators (spec §3)
//! - [`units`] — exact conversions between 亩 / m² / 公顷 and 元 / 万元

mod credit_code;
mod date;
pub mod divisions;
mod error;
mod field;
mod indicator;
mod industry;
pub mod items;
mod normalize;
pub mod number;
mod region;
pub mod units;
pub mod workdays;

pub use credit_code::CreditCode;
pub use date::{Date, Year, days_in_month};
pub use error::DomainError;
pub use field::{DEPARTMENTS, Field, Scale};
pub use indicator::IndicatorId;
pub use industry::{IndustryCode, IndustryRange, MANUFACTURING_DIVISIONS, manufacturing_division_name};
pub use normalize::normalize_text;
pub use region::{RegionCode, ZHUMADIAN_CLUSTERS, ZHUMADIAN_REGIONS};
