//! Data collection files of mujun (issue 4).
//!
//! - [`catalogue`]: the data items every department reports — owner, unit, kind, range, which
//!   scale needs them. Templates, checks, completeness and the API all derive from it.
//! - [`template`]: the Excel workbook a department downloads: its items as columns (unit in the
//!   header), the enterprises in scope pre-filled, data validation, input hints, 填表说明.
//! - [`upload`]: reading a filled workbook (or CSV, UTF-8 or GBK) back: every cell checked
//!   against the catalogue and the registry before anything is stored; errors and warnings by
//!   row and column; the same workbook with the bad cells marked.
//! - [`registry`] and [`history`]: a city's enterprise registry and its earlier years' classes.
//! - [`mapping`]: a city's own headers read as ours (remembered per layout).

pub mod catalogue;
mod error;
pub mod history;
pub mod mapping;
pub mod registry;
pub mod template;
pub mod upload;

pub use catalogue::{CatalogueItem, ValueKind};
pub use error::CollectError;
