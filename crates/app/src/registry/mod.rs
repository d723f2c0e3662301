//! The registry: clusters, enterprises and reference data.

pub mod clusters;
pub mod enterprises;
pub mod figure_history;
pub mod history_import;
pub mod import;
pub mod mapping;
pub mod reference;
