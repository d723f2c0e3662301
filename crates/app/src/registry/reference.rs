//! Reference data any signed-in user may read: regions, industries, departments.

use mujun_store::{departments, industries, regions};

use crate::{Actor, App, AppError};

/// Reference tables for forms and filters.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Regions valid now.
    pub regions: Vec<regions::Region>,
    /// Manufacturing 大类.
    pub industries: Vec<industries::Industry>,
    /// Departments.
    pub departments: Vec<departments::Department>,
}

impl App {
    /// The reference tables (for any signed-in caller).
    pub async fn reference(&self, _actor: &Actor) -> Result<Reference, AppError> {
        let mut c = self.store.read().await?;
        let year = 2100; // "valid now": every region without an end year, or ending later
        Ok(Reference {
            regions: regions::valid_in(&mut c, year).await?,
            industries: industries::list(&mut c).await?,
            departments: departments::list(&mut c).await?,
        })
    }
}
