//! The public list (公示名单): names, credit codes, clusters and classes of the runs under notice
//! or published — and nothing else. It needs no login, so it is built from a column list that
//! holds no confidential figure.

use mujun_store::Scope;
use mujun_store::runs::{self, ResultFilter, ResultSort};

use super::state::RunState;
use crate::{App, AppError};

/// A run shown publicly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicRun {
    /// Id.
    pub id: i64,
    /// Year.
    pub year: i64,
    /// Title.
    pub title: String,
    /// `公示中` or `已发布`.
    pub state: RunState,
    /// Notice period.
    pub notice_start: Option<String>,
    /// Notice end.
    pub notice_end: Option<String>,
}

/// One line of the public list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicLine {
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 企业名称.
    pub name: String,
    /// County code.
    pub region_code: String,
    /// Cluster name.
    pub cluster: String,
    /// Final class (`X` for 不参评).
    pub class: String,
}

impl App {
    /// The runs the public may see.
    pub async fn public_runs(&self) -> Result<Vec<PublicRun>, AppError> {
        let mut c = self.store.read().await?;
        Ok(runs::list(&mut c, &["notice", "published"])
            .await?
            .into_iter()
            .filter_map(|r| {
                let state = RunState::parse(&r.state)?;
                Some(PublicRun {
                    id: r.id,
                    year: r.year,
                    title: r.title,
                    state,
                    notice_start: r.notice_start,
                    notice_end: r.notice_end,
                })
            })
            .collect())
    }

    /// One page of a public run's list (by credit code), filtered by class and a name part.
    pub async fn public_list(
        &self,
        run_id: i64,
        class: Option<String>,
        search: Option<String>,
        page: i64,
        per_page: i64,
    ) -> Result<(PublicRun, Vec<PublicLine>, i64), AppError> {
        let run = self
            .public_runs()
            .await?
            .into_iter()
            .find(|r| r.id == run_id)
            .ok_or(AppError::NotFound("公示批次"))?;
        let mut c = self.store.read().await?;
        let (rows, total) = runs::ranking(
            &mut c,
            run_id,
            &Scope::All,
            &ResultFilter {
                class,
                search,
                ..ResultFilter::default()
            },
            ResultSort::Name,
            page,
            per_page,
        )
        .await?;
        // Only these five columns leave this function.
        let lines = rows
            .into_iter()
            .map(|r| PublicLine {
                credit_code: r.credit_code,
                name: r.name,
                region_code: r.region_code,
                cluster: r.cluster.unwrap_or_default(),
                class: r.final_class,
            })
            .collect();
        Ok((run, lines, total))
    }
}
