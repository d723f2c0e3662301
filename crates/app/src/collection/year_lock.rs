//! A published year is locked: its figures are final. Every writer of figures — imports (web,
//! `mujun import`, API), copies of last year, self-check corrections, objection corrections —
//! takes the locks of the departments owning the fields it writes, then checks here that the
//! year is still open, in the same transaction. Publication and reopening take every
//! department's lock, so a write and a publication never interleave.

use mujun_store::runs::{self, Run};
use mujun_store::{AnyConnection, departments};

use crate::{App, AppError};

/// Why a year is locked, as a page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearLock {
    /// The published run.
    pub run_id: i64,
    /// Its title.
    pub title: String,
    /// When it was published, Beijing time.
    pub published_at: String,
    /// The refusal every writer gives.
    pub message: String,
}

fn lock_of(run: &Run) -> YearLock {
    let published_at = run.published_at.map(crate::clock::beijing).unwrap_or_default();
    YearLock {
        run_id: run.id,
        title: run.title.clone(),
        message: format!(
            "{} 年度的评价结果已于 {published_at} 发布（批次 #{}“{}”），该年度数据已锁定，不能再导入、更正或修改。\
             如确需更正，请由市级评价管理员在该批次页面“重新开放年度”并说明理由，再重新评价和公示。",
            run.year, run.id, run.title
        ),
        published_at,
    }
}

/// Refuses when `year` has a published run.
pub(crate) async fn ensure_year_open(conn: &mut AnyConnection, year: i64) -> Result<(), AppError> {
    match runs::published_for_year(conn, year).await? {
        Some(run) => Err(AppError::invalid("year", lock_of(&run).message)),
        None => Ok(()),
    }
}

/// Takes the locks of the departments owning the fields about to be written (in id order, so
/// two writers never wait on each other crosswise), then checks the year is open.
pub(crate) async fn lock_figures(
    conn: &mut AnyConnection,
    year: i64,
    department_ids: &[i64],
) -> Result<(), AppError> {
    let mut ids = department_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        departments::lock(conn, id).await?;
    }
    ensure_year_open(conn, year).await
}

/// Takes every department's lock: no figure is written until the caller's transaction ends
/// (publication, reopening).
pub(crate) async fn lock_all_figures(conn: &mut AnyConnection) -> Result<(), AppError> {
    let mut ids: Vec<i64> = departments::list(conn).await?.into_iter().map(|d| d.id).collect();
    ids.sort_unstable();
    for id in ids {
        departments::lock(conn, id).await?;
    }
    Ok(())
}

impl App {
    /// The lock of a year, when its result is published (pages show it and hide uploads).
    pub async fn year_lock(&self, year: i64) -> Result<Option<YearLock>, AppError> {
        let mut c = self.store.read().await?;
        Ok(runs::published_for_year(&mut c, year)
            .await?
            .as_ref()
            .map(lock_of))
    }
}
