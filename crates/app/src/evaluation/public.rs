//! The public list (公示名单): names, credit codes, clusters and classes — and nothing else. It
//! needs no login, so it is built from a column list that holds no confidential figure.
//!
//! One public result per year, never several contradictory lists: the run under notice if the
//! year has one (a supplementary notice shows only the enterprises its re-run moved), else the
//! year's published run, else — for a reopened year whose new run is not under notice yet —
//! the run that was published, marked as reopened.

use mujun_store::Scope;
use mujun_store::runs::{self, ResultFilter, ResultSort, Run};

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
    /// `公示中`, `已发布` or `已重新开放`.
    pub state: RunState,
    /// Notice period.
    pub notice_start: Option<String>,
    /// Notice end.
    pub notice_end: Option<String>,
    /// A supplementary notice (only the enterprises a re-run moved).
    pub supplementary: bool,
    /// When the year was reopened (`YYYY-MM-DD`) and why — on the reopened run itself, and on
    /// the new run of that year.
    pub reopening: Option<(String, String)>,
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

/// Picks the public run of each year from the runs under notice, published or reopened
/// (newest first in, newest year first out).
fn one_per_year(runs: Vec<Run>) -> Vec<PublicRun> {
    let mut years: Vec<i64> = runs.iter().map(|r| r.year).collect();
    years.dedup();
    let mut out = Vec::new();
    for year in years {
        let of_year: Vec<&Run> = runs.iter().filter(|r| r.year == year).collect();
        let state = |r: &&Run| RunState::parse(&r.state);
        let pick = of_year
            .iter()
            .find(|r| state(r) == Some(RunState::Notice))
            .or_else(|| of_year.iter().find(|r| state(r) == Some(RunState::Published)))
            .or_else(|| {
                of_year
                    .iter()
                    .filter(|r| state(r) == Some(RunState::Reopened))
                    .max_by_key(|r| r.reopened_at)
            });
        let Some(run) = pick else { continue };
        let reopened = of_year
            .iter()
            .filter(|r| state(r) == Some(RunState::Reopened))
            .max_by_key(|r| r.reopened_at)
            .filter(|r| r.id == run.id || r.reopened_at.is_some_and(|at| at <= run.created_at));
        out.push(PublicRun {
            id: run.id,
            year: run.year,
            title: run.title.clone(),
            state: state(run).unwrap_or(RunState::Failed),
            notice_start: run.notice_start.clone(),
            notice_end: run.notice_end.clone(),
            supplementary: run.notice_kind == "supplementary",
            reopening: reopened.map(|r| {
                (
                    crate::clock::beijing(r.reopened_at.unwrap_or_default())
                        .chars()
                        .take(10)
                        .collect(),
                    r.reopen_reason.clone(),
                )
            }),
        });
    }
    out
}

impl App {
    /// The public result of each year, newest year first.
    pub async fn public_runs(&self) -> Result<Vec<PublicRun>, AppError> {
        let mut c = self.store.read().await?;
        let runs = runs::list(&mut c, &["notice", "published", "reopened"]).await?;
        Ok(one_per_year(runs))
    }

    /// A run that is its year's public result (any other run is not found publicly).
    pub async fn public_run(&self, run_id: i64) -> Result<PublicRun, AppError> {
        self.public_runs()
            .await?
            .into_iter()
            .find(|r| r.id == run_id)
            .ok_or(AppError::NotFound("公示批次"))
    }

    /// The rows a public list holds: every enterprise of the run, or only the members of a
    /// supplementary notice.
    pub(crate) fn public_filter(&self, run: &PublicRun) -> ResultFilter {
        ResultFilter {
            notice_members_only: run.supplementary && run.state == RunState::Notice,
            ..ResultFilter::default()
        }
    }

    /// One page of a public run's list (by name), filtered by class and a name part.
    pub async fn public_list(
        &self,
        run_id: i64,
        class: Option<String>,
        search: Option<String>,
        page: i64,
        per_page: i64,
    ) -> Result<(PublicRun, Vec<PublicLine>, i64), AppError> {
        let run = self.public_run(run_id).await?;
        let filter = ResultFilter {
            class,
            search,
            ..self.public_filter(&run)
        };
        let mut c = self.store.read().await?;
        let (rows, total) = runs::ranking(
            &mut c,
            run_id,
            &Scope::All,
            &filter,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: i64, year: i64, state: &str, created_at: i64, reopened_at: Option<i64>) -> Run {
        Run {
            id,
            year,
            title: format!("批次{id}"),
            method_ref: String::new(),
            method_id: String::new(),
            method_hash: String::new(),
            method_source: String::new(),
            input_hash: String::new(),
            state: state.into(),
            progress: 100,
            message: String::new(),
            previous_run_id: None,
            notice_start: None,
            notice_end: None,
            content_hash: String::new(),
            enterprises: 0,
            created_by: None,
            created_at,
            finished_at: None,
            approved_by: None,
            approved_at: None,
            published_at: None,
            notice_kind: "full".into(),
            notice_ended_at: None,
            notice_end_reason: String::new(),
            reopened_at,
            reopened_by: None,
            reopen_reason: if reopened_at.is_some() {
                "数据有误".into()
            } else {
                String::new()
            },
        }
    }

    #[test]
    fn one_list_per_year() {
        // 2024: published; 2023: reopened and a new run under notice; 2022: reopened only.
        let runs = vec![
            run(9, 2024, "published", 900, None),
            run(8, 2023, "notice", 800, None),
            run(7, 2023, "reopened", 700, Some(750)),
            run(5, 2022, "reopened", 500, Some(600)),
        ];
        let out = one_per_year(runs);
        let picked: Vec<(i64, i64)> = out.iter().map(|r| (r.year, r.id)).collect();
        assert_eq!(picked, vec![(2024, 9), (2023, 8), (2022, 5)]);
        assert_eq!(out[0].reopening, None);
        assert_eq!(out[1].reopening.as_ref().map(|r| r.1.as_str()), Some("数据有误"));
        assert_eq!(out[2].state, RunState::Reopened);
    }
}
