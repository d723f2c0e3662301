//! Reference data that almost never changes (regions, industries, departments, the catalogue),
//! kept for a short time so that every page view does not read it again. The time is short
//! because several servers may share one PostgreSQL: a change made through another server shows
//! here within [`TTL`]; changes made through this one clear the cache at once.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use mujun_collect::CatalogueItem;

use crate::registry::reference::Reference;

/// How long a cached copy is used.
pub const TTL: Duration = Duration::from_secs(30);

/// The cached copies.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    reference: Mutex<Option<(Instant, Reference)>>,
    catalogue: Mutex<Option<(Instant, Vec<CatalogueItem>)>>,
}

fn fresh<T: Clone>(slot: &Mutex<Option<(Instant, T)>>) -> Option<T> {
    let guard = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    guard
        .as_ref()
        .filter(|(at, _)| at.elapsed() < TTL)
        .map(|(_, v)| v.clone())
}

fn put<T>(slot: &Mutex<Option<(Instant, T)>>, value: T) {
    *slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((Instant::now(), value));
}

impl Cache {
    pub(crate) fn reference(&self) -> Option<Reference> {
        fresh(&self.reference)
    }

    pub(crate) fn put_reference(&self, r: Reference) {
        put(&self.reference, r);
    }

    pub(crate) fn catalogue(&self) -> Option<Vec<CatalogueItem>> {
        fresh(&self.catalogue)
    }

    pub(crate) fn put_catalogue(&self, c: Vec<CatalogueItem>) {
        put(&self.catalogue, c);
    }

    /// Forgets everything (after a change through this server).
    pub(crate) fn clear(&self) {
        *self
            .reference
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        *self
            .catalogue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}
