//! Evaluation runs in the application (issue 5): method files, runs over the collected figures
//! with an immutable snapshot, results and score cards, the 公示 → objections → re-run →
//! adjustment → approval → publication workflow, class history, differentiated policies and
//! the downloads. The engine stays pure; this module feeds it and stores what it gives.

pub mod actions;
pub mod exports;
pub mod format;
pub mod history;
pub mod levers;
pub mod method_form;
pub mod methods;
pub mod objections;
pub mod pdf;
pub mod policies;
pub mod policy_params;
pub mod public;
pub mod results;
pub mod runs;
pub mod simulate;
pub mod snapshot;
pub mod state;
pub mod stored;
pub mod workflow;

pub use state::{RunState, Step};
