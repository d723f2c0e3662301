//! The cockpit (驾驶舱, issue 12): each business role's home — the action plan's targets
//! against today, counties ranked by 亩均税收 with the change from the year before, the class
//! distribution over the years, collection progress, runs, objections waiting and the
//! enterprises whose class fell. Everything within the caller's scope.

use mujun_domain::RegionCode;
use mujun_store::{cockpit, enterprises};

use crate::{Actor, App, AppError, Role};

/// The action plan's target of 亩均税收 (万元/亩), 一(二) of 驻政〔2019〕: the cockpit measures
/// the city against it until plan targets are stored per city (issue 14).
pub const TAX_PER_MU_TARGET: f64 = 15.0;

/// The plan's yearly change of energy use per unit of industrial value added (%).
pub const ENERGY_INTENSITY_TARGET_PCT: f64 = -2.5;

/// One county on the cockpit.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionLine {
    /// County code (for the map's layout).
    pub code: String,
    /// County name.
    pub name: String,
    /// Enterprises with land.
    pub enterprises: i64,
    /// 亩均税收 of the year (万元/亩).
    pub tax_per_mu: Option<f64>,
    /// The year before.
    pub last: Option<f64>,
}

impl RegionLine {
    /// Change from the year before, in percent.
    pub fn change_pct(&self) -> Option<f64> {
        match (self.tax_per_mu, self.last) {
            (Some(a), Some(b)) if b > 0.0 => Some((a / b - 1.0) * 100.0),
            _ => None,
        }
    }
}

/// One department's collection progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Department name.
    pub department: String,
    /// Required values present.
    pub filled: i64,
    /// Values required.
    pub required: i64,
    /// Past the deadline and not submitted.
    pub overdue: bool,
}

/// A run on the cockpit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunLine {
    /// Id (for its link).
    pub id: i64,
    /// Title.
    pub title: String,
    /// State, in words.
    pub state: &'static str,
}

/// An enterprise whose class fell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FallenLine {
    /// Id (for its link).
    pub id: i64,
    /// Name.
    pub name: String,
    /// County name.
    pub county: String,
    /// Class the year before.
    pub before: String,
    /// Class of the year.
    pub after: String,
}

/// Land deadlines the cockpit lists (the rest are counted, with a link).
const LAND_TODO_SHOWN: usize = 10;

/// Something a department has to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Todo {
    /// What, in words.
    pub text: String,
    /// Where it is done.
    pub href: String,
    /// Past its deadline.
    pub overdue: bool,
}

/// Everything a cockpit shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Cockpit {
    /// The year shown.
    pub year: i64,
    /// Years with data, newest first (the year switch).
    pub years: Vec<i64>,
    /// 亩均税收 of the scope (万元/亩).
    pub tax_per_mu: Option<f64>,
    /// The year before.
    pub tax_per_mu_last: Option<f64>,
    /// Energy per unit of value added (吨标准煤/万元).
    pub energy_intensity: Option<f64>,
    /// The year before.
    pub energy_intensity_last: Option<f64>,
    /// Counties, best 亩均税收 first.
    pub regions: Vec<RegionLine>,
    /// Class counts per year, oldest first.
    pub trend: Vec<(i64, Vec<(String, i64)>)>,
    /// Collection progress of the year's round (city administrator), with the round's title.
    pub collection: Option<(String, Vec<Progress>)>,
    /// The latest runs.
    pub runs: Vec<RunLine>,
    /// Objections waiting for an answer.
    pub objections_open: usize,
    /// Enterprises whose class fell this year (at most 10) and how many in all.
    pub fallen: (Vec<FallenLine>, i64),
    /// A department officer's to-do list: tasks not submitted or returned, disputes and
    /// objections waiting, policy lists of published runs to execute.
    pub todo: Vec<Todo>,
    /// The city's plan targets with progress (roles that read the clusters).
    pub targets: Vec<crate::clusters_plan::targets::TargetLine>,
}

impl Cockpit {
    /// Change of energy intensity from the year before, in percent.
    pub fn energy_change_pct(&self) -> Option<f64> {
        match (self.energy_intensity, self.energy_intensity_last) {
            (Some(a), Some(b)) if b > 0.0 => Some((a / b - 1.0) * 100.0),
            _ => None,
        }
    }
}

fn county_name(code: &str) -> String {
    RegionCode::parse(code)
        .ok()
        .and_then(|r| r.name())
        .map_or_else(|| code.to_owned(), str::to_owned)
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

impl App {
    /// The cockpit of a business role (not an enterprise's: its home is its own record) for
    /// `year` (0: the latest year with data).
    pub async fn cockpit(&self, actor: &Actor, year: i64) -> Result<Cockpit, AppError> {
        if !actor.has_cockpit() {
            return Err(self
                .deny(actor, "cockpit.view", ("cockpit", ""), "该角色不能查看业务数据")
                .await);
        }
        let scope = actor.enterprise_scope();
        let (years, now, before, fallen) = {
            let mut c = self.store.read().await?;
            let years = enterprises::years(&mut c).await?;
            let year = if year == 0 || !years.contains(&year) {
                years.first().copied().unwrap_or(0)
            } else {
                year
            };
            let now = cockpit::region_totals(&mut c, &scope, year).await?;
            let before = cockpit::region_totals(&mut c, &scope, year - 1).await?;
            let fallen = cockpit::fallen(&mut c, &scope, year, 10).await?;
            (years, (year, now), before, fallen)
        };
        let (year, now) = now;
        let sum =
            |t: &[cockpit::RegionTotals], f: fn(&cockpit::RegionTotals) -> f64| t.iter().map(f).sum::<f64>();
        let mut regions: Vec<RegionLine> = now
            .iter()
            .map(|r| RegionLine {
                name: county_name(&r.region_code),
                enterprises: r.enterprises,
                tax_per_mu: ratio(r.tax, r.land),
                last: before
                    .iter()
                    .find(|b| b.region_code == r.region_code)
                    .and_then(|b| ratio(b.tax, b.land)),
                code: r.region_code.clone(),
            })
            .collect();
        regions.sort_by(|a, b| {
            b.tax_per_mu
                .unwrap_or(f64::MIN)
                .total_cmp(&a.tax_per_mu.unwrap_or(f64::MIN))
        });
        let collection = if actor.role == Role::CityAdmin {
            let rounds = self.list_rounds(actor).await?;
            match rounds.iter().filter(|r| r.year == year).max_by_key(|r| r.id) {
                Some(round) => {
                    let cached = self.cache.progress(round.id);
                    let (_, title, lines) = match cached {
                        Some(p) => p,
                        None => {
                            let board = self.round_board(actor, round.id).await?;
                            let p = (
                                round.id,
                                board.round.title.clone(),
                                board
                                    .rows
                                    .into_iter()
                                    .map(|r| Progress {
                                        department: r.department_name,
                                        filled: r.filled,
                                        required: r.required,
                                        overdue: r.overdue,
                                    })
                                    .collect::<Vec<_>>(),
                            );
                            self.cache.put_progress(p.clone());
                            p
                        }
                    };
                    Some((title, lines))
                }
                None => None,
            }
        } else {
            None
        };
        let runs = self
            .list_runs(actor)
            .await?
            .into_iter()
            .take(5)
            .map(|r| RunLine {
                id: r.run.id,
                title: r.run.title,
                state: r.state.label(),
            })
            .collect();
        let objections_open = self
            .list_objections(actor, None)
            .await?
            .iter()
            .filter(|o| o.objection.status == "open")
            .count();
        let mut todo = Vec::new();
        if actor.role == Role::Department {
            let today = crate::clock::today();
            for (round, task) in self.department_tasks(actor).await? {
                if matches!(task.status.as_str(), "pending" | "returned") && round.status == "open" {
                    todo.push(Todo {
                        text: format!(
                            "{}：{}，截止 {}",
                            round.title,
                            crate::collection::task_status_label(&task.status),
                            task.deadline
                        ),
                        href: "/collection".into(),
                        overdue: task.deadline < today,
                    });
                }
            }
            let disputes = self
                .dispute_queue(actor, year)
                .await?
                .iter()
                .filter(|d| d.check.status == "disputed")
                .count();
            if disputes > 0 {
                todo.push(Todo {
                    text: format!("{year} 年度企业自核争议 {disputes} 件待处理"),
                    href: format!("/collection/disputes?year={year}"),
                    overdue: false,
                });
            }
            if objections_open > 0 {
                todo.push(Todo {
                    text: format!("转本部门核实的公示异议 {objections_open} 件待答复"),
                    href: "/objections".into(),
                    overdue: false,
                });
            }
            if let Some(run) = self
                .list_runs(actor)
                .await?
                .into_iter()
                .find(|r| r.state == crate::evaluation::RunState::Published)
            {
                todo.push(Todo {
                    text: format!("执行“{}”的差别化政策清单", run.run.title),
                    href: "/policies/lists".into(),
                    overdue: false,
                });
            }
        }
        // New land findings for whoever opens the cases, then the deadlines (open case steps,
        // disposal plans) of whoever answers for them.
        let rights = self.land_rights(actor).await?;
        if rights.handles_idle {
            let n = self.idle_candidates(actor).await?.len();
            if n > 0 {
                todo.push(Todo {
                    text: format!("疑似闲置土地 {n} 宗待立案调查"),
                    href: "/land/idle".into(),
                    overdue: false,
                });
            }
        }
        if rights.handles_exit {
            let n = self.exit_candidates(actor).await?.len();
            if n > 0 {
                todo.push(Todo {
                    text: format!("符合退出情形的项目 {n} 个待发出限期整改通知"),
                    href: "/land/exit".into(),
                    overdue: false,
                });
            }
        }
        let land = self.land_deadlines(actor).await?;
        let more = land.len().saturating_sub(LAND_TODO_SHOWN);
        for d in land.into_iter().take(LAND_TODO_SHOWN) {
            todo.push(Todo {
                text: format!("{}，期限 {}", d.what, d.due),
                href: d.href,
                overdue: d.overdue,
            });
        }
        if more > 0 {
            todo.push(Todo {
                text: format!("另有 {more} 项土地与项目期限"),
                href: "/land/idle".into(),
                overdue: false,
            });
        }
        todo.extend(self.service_todo(actor).await?);
        if actor.has_cockpit() {
            let w = self.warnings(actor).await?;
            if !w.rows.is_empty() {
                let kinds: Vec<String> = w
                    .by_kind
                    .iter()
                    .filter(|k| k.1 > 0)
                    .map(|k| format!("{} {}", k.0, k.1))
                    .collect();
                todo.push(Todo {
                    text: format!("预警企业 {} 家（{}）", w.rows.len(), kinds.join("、")),
                    href: "/warnings".into(),
                    overdue: false,
                });
            }
        }
        let targets = if crate::clusters_plan::cluster_plan_rights(actor).reads {
            self.plan_targets(actor)
                .await?
                .into_iter()
                .filter(|t| t.level != "省级")
                .collect()
        } else {
            Vec::new()
        };
        Ok(Cockpit {
            targets,
            todo,
            year,
            tax_per_mu: ratio(sum(&now, |r| r.tax), sum(&now, |r| r.land)),
            tax_per_mu_last: ratio(sum(&before, |r| r.tax), sum(&before, |r| r.land)),
            energy_intensity: ratio(sum(&now, |r| r.energy), sum(&now, |r| r.value_added)),
            energy_intensity_last: ratio(sum(&before, |r| r.energy), sum(&before, |r| r.value_added)),
            regions,
            trend: self.class_trend(actor).await?,
            collection,
            runs,
            objections_open,
            fallen: (
                fallen
                    .0
                    .into_iter()
                    .map(|f| FallenLine {
                        county: county_name(&f.region_code),
                        id: f.id,
                        name: f.name,
                        before: f.before,
                        after: f.after,
                    })
                    .collect(),
                fallen.1,
            ),
            years,
        })
    }
}

/// An indicator of an enterprise against its pool's benchmark.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorLine {
    /// Chinese name.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// The enterprise's value.
    pub value: Option<f64>,
    /// The pool's benchmark.
    pub benchmark: Option<f64>,
    /// Value ÷ benchmark.
    pub ratio: Option<f64>,
}

/// An enterprise's home: its record in the system at a glance.
#[derive(Clone, Debug, PartialEq)]
pub struct EnterpriseHome {
    /// Its id (for links).
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Classes per year, newest first: (year, class, consecutive years).
    pub classes: Vec<(i64, String, u32)>,
    /// The latest run it can see: (id, title, state).
    pub run: Option<RunLine>,
    /// Its final class there.
    pub class: String,
    /// Rank and pool size there.
    pub rank: Option<(u32, u32)>,
    /// Its indicators against the pool's benchmarks.
    pub indicators: Vec<IndicatorLine>,
    /// What would move it up, in a sentence.
    pub what_if: String,
    /// The other ways up (land handed back, R&D, energy, emissions): (lever, what it takes).
    pub levers: Vec<(&'static str, String)>,
    /// This year's figures waiting for its confirmation (企业自核).
    pub to_check: usize,
    /// The year of those figures.
    pub check_year: i64,
    /// Its land cases with a deadline it must meet (answer, pay, rectify).
    pub land: Vec<Todo>,
    /// Answers to its problems waiting for its rating.
    pub service: Vec<Todo>,
}

impl App {
    /// The home of an enterprise account: its classes over the years, its latest score against
    /// the pool's benchmarks, what would move it up, and the figures waiting for its check.
    pub async fn enterprise_home(&self, actor: &Actor) -> Result<EnterpriseHome, AppError> {
        let Some(id) = actor.enterprise_id.filter(|_| actor.role == Role::Enterprise) else {
            return Err(self
                .deny(actor, "enterprise.home", ("enterprise", ""), "仅企业账号")
                .await);
        };
        let detail = self.enterprise_detail(actor, id, 0).await?;
        let classes = self
            .class_history(actor, id)
            .await?
            .into_iter()
            .map(|c| (c.year, c.class, c.consecutive))
            .collect();
        let latest = self.list_runs(actor).await?.into_iter().next();
        let mut home = EnterpriseHome {
            id,
            name: detail.enterprise.name.clone(),
            classes,
            run: None,
            class: String::new(),
            rank: None,
            indicators: Vec::new(),
            what_if: String::new(),
            levers: Vec::new(),
            to_check: 0,
            check_year: detail.year,
            land: self
                .land_deadlines(actor)
                .await?
                .into_iter()
                .map(|d| Todo {
                    text: format!("{}，期限 {}", d.what, d.due),
                    href: d.href,
                    overdue: d.overdue,
                })
                .collect(),
            service: self.service_todo(actor).await?,
        };
        if let Some(run) = latest {
            // Not in the run (registered since): the run is still named, without a card.
            if let Ok(card) = self.score_card(actor, run.run.id, id).await {
                home.class = card.result.final_class.clone();
                home.rank = card
                    .result
                    .rank
                    .zip(card.result.pool_size)
                    .map(|(r, n)| (u32::try_from(r).unwrap_or(0), u32::try_from(n).unwrap_or(0)));
                home.what_if = card.what_if_text();
                home.levers = card.levers.iter().map(|l| (l.lever, l.text())).collect();
                home.indicators = card
                    .detail
                    .indicators
                    .iter()
                    .map(|d| IndicatorLine {
                        label: crate::evaluation::results::indicator_label(&d.id).to_owned(),
                        unit: crate::evaluation::results::indicator_unit(&d.id).to_owned(),
                        value: d.value,
                        benchmark: d.benchmark,
                        ratio: d.ratio,
                    })
                    .collect();
            }
            home.run = Some(RunLine {
                id: run.run.id,
                title: run.run.title,
                state: run.state.label(),
            });
        }
        if detail.year > 0 {
            home.to_check = self
                .self_check(actor, detail.year)
                .await?
                .iter()
                .filter(|l| l.figure.is_some() && l.last.is_none())
                .count();
        }
        Ok(home)
    }
}
