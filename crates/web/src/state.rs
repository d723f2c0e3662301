//! Shared state of the handlers.

use std::sync::Arc;

use mujun_app::App;

use crate::Config;

/// What every handler can reach. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The use cases.
    pub app: App,
    /// The configuration.
    pub config: Arc<Config>,
    /// Demo mode: the login page lists the demo accounts.
    pub demo: bool,
}
