//! Reference data that almost never changes (regions, industries, departments, the catalogue),
//! kept for a short time so that every page view does not read it again. The time is short
//! because several servers may share one PostgreSQL: a change made through another server shows
//! here within [`TTL`]; changes made through this one clear the cache at once.
//!
//! The number of enterprises in a scope is kept the same way: the unfiltered enterprise list is
//! every role's first page, and counting 100,000 rows is most of its cost on PostgreSQL (which
//! has no cheap exact count). Creating or editing an enterprise or a cluster here clears it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mujun_collect::CatalogueItem;

use mujun_store::Scope;
use mujun_store::enterprises::ListFilter;

use crate::registry::reference::Reference;

/// How long a cached copy is used.
pub const TTL: Duration = Duration::from_secs(30);

/// Most list counts kept at once.
const MAX_LIST_TOTALS: usize = 10_000;

/// The cached copies.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    reference: Mutex<Option<(Instant, Reference)>>,
    catalogue: Mutex<Option<(Instant, Vec<CatalogueItem>)>>,
    /// The enterprise list's number of matches per scope and filter.
    list_totals: Mutex<HashMap<(Scope, ListFilter), (Instant, i64)>>,
    /// The city cockpit's collection progress of a round: (round id, title, lines).
    progress: Mutex<Option<(Instant, CockpitProgress)>>,
    /// The last simulated run's stored inputs and the engine's input made of them, by run and
    /// input hash: a run's snapshot never changes once computed, so no time limit applies, and
    /// a city trying draft after draft on one run reads it once.
    snapshot: Mutex<Option<RunSnapshot>>,
}

/// A run's stored inputs and the engine's input made of them: (run id, input hash, rows, input).
pub(crate) type RunSnapshot = (
    i64,
    String,
    std::sync::Arc<Vec<mujun_store::runs::RunInput>>,
    std::sync::Arc<mujun_engine::EvaluationInput>,
);

/// A round's progress as the cockpit shows it: (round id, title, lines).
pub(crate) type CockpitProgress = (i64, String, Vec<crate::cockpit::Progress>);

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

    /// The cockpit's progress of `round`, when fresh (a board reads every figure of the year:
    /// not on every view of a home page).
    pub(crate) fn progress(&self, round: i64) -> Option<CockpitProgress> {
        fresh(&self.progress).filter(|(id, _, _)| *id == round)
    }

    pub(crate) fn put_progress(&self, p: CockpitProgress) {
        put(&self.progress, p);
    }

    pub(crate) fn catalogue(&self) -> Option<Vec<CatalogueItem>> {
        fresh(&self.catalogue)
    }

    pub(crate) fn put_catalogue(&self, c: Vec<CatalogueItem>) {
        put(&self.catalogue, c);
    }

    /// The number of enterprises of `scope` that `filter` selects, when counted within [`TTL`]
    /// (counting a common name fragment's matches is most of a search page's cost).
    pub(crate) fn list_total(&self, scope: &Scope, filter: &ListFilter) -> Option<i64> {
        let guard = self
            .list_totals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .get(&(scope.clone(), filter.clone()))
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, n)| *n)
    }

    pub(crate) fn put_list_total(&self, scope: Scope, filter: ListFilter, total: i64) {
        let mut guard = self
            .list_totals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.retain(|_, (at, _)| at.elapsed() < TTL);
        // Filters come from requests: the map stays bounded whatever they hold.
        if guard.len() >= MAX_LIST_TOTALS {
            guard.clear();
        }
        guard.insert((scope, filter), (Instant::now(), total));
    }

    /// Forgets the enterprise counts (after an enterprise or cluster changed here).
    pub(crate) fn clear_totals(&self) {
        self.list_totals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// The snapshot of run `run` with input hash `hash`, if it is the one kept.
    pub(crate) fn snapshot(&self, run: i64, hash: &str) -> Option<RunSnapshot> {
        self.snapshot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .filter(|(id, h, _, _)| *id == run && h == hash && !h.is_empty())
            .cloned()
    }

    /// Keeps a run's snapshot (in place of the one kept before).
    pub(crate) fn put_snapshot(&self, s: RunSnapshot) {
        *self
            .snapshot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(s);
    }

    /// Forgets everything (after a change through this server).
    pub(crate) fn clear(&self) {
        self.clear_totals();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn search(s: &str) -> ListFilter {
        ListFilter {
            search: Some(s.to_owned()),
            year: 2024,
            ..ListFilter::default()
        }
    }

    #[test]
    fn list_counts_are_kept_per_scope_and_filter_and_cleared_together() {
        let cache = Cache::default();
        let county = Scope::Region("411702".into());
        cache.put_list_total(Scope::All, search("机械"), 6_276);
        cache.put_list_total(county.clone(), search("机械"), 512);
        assert_eq!(cache.list_total(&Scope::All, &search("机械")), Some(6_276));
        assert_eq!(cache.list_total(&county, &search("机械")), Some(512));
        // Another fragment, another year or no search at all: not counted yet.
        assert_eq!(cache.list_total(&Scope::All, &search("食品")), None);
        let mut other_year = search("机械");
        other_year.year = 2023;
        assert_eq!(cache.list_total(&Scope::All, &other_year), None);
        assert_eq!(cache.list_total(&Scope::All, &ListFilter::default()), None);
        cache.clear_totals();
        assert_eq!(cache.list_total(&Scope::All, &search("机械")), None);
    }

    #[test]
    fn list_counts_stay_bounded_whatever_the_requests_hold() {
        let cache = Cache::default();
        for i in 0..MAX_LIST_TOTALS + 5 {
            cache.put_list_total(Scope::All, search(&format!("片段{i}")), 1);
        }
        let kept = cache
            .list_totals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len();
        assert!(kept <= MAX_LIST_TOTALS, "{kept}");
        assert_eq!(
            cache.list_total(&Scope::All, &search(&format!("片段{}", MAX_LIST_TOTALS + 4))),
            Some(1)
        );
    }
}
