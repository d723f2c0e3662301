//! The land part of the demo: contracts and progress for a few hundred parcels inside the
//! clusters (with synthetic rectangular polygons), some parcels approved but not supplied, idle
//! cases in every stage (one government-caused), exit cases, low-efficiency disposal plans and
//! 标准地 contracts. Dates are set relative to today, so the rules find the same things on any
//! day the demo is seeded. The demo enterprise's own project is left as a fresh idle-land
//! candidate (the walkthrough opens its case).

use mujun_domain::Date;
use mujun_land::cases::{CaseKind, Step};
use mujun_land::dates::add_months;
use mujun_land::idle::{Cause, GovernmentCause, NegotiatedOption, fee_fen};
use mujun_land::standard::M2_PER_MU;
use mujun_store::land_projects::{NewContract, NewProgress};
use mujun_store::{StoreError, Tx, disposal_plans, land, land_cases, land_projects};

use super::today;
use crate::{App, AppError};

/// Parcels with contracts the demo creates at most.
const PROJECTS: usize = 300;

/// A deterministic pseudo-random sequence (the demo must be the same for the same seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next() % 10_000) as f64 / 10_000.0 * (hi - lo)
    }

    fn days(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % u64::try_from(hi - lo + 1).unwrap_or(1)) as i64
    }
}

fn shift(d: Date, days: i64) -> Date {
    Date::from_days_since_epoch(d.days_since_epoch() + days).unwrap_or(d)
}

fn back_months(d: Date, months: u32) -> Date {
    // add_months only goes forward: step back by years and come forward.
    let years = months.div_ceil(12);
    let base = Date::new(
        d.year().saturating_sub(u16::try_from(years).unwrap_or(0)),
        d.month(),
        d.day().min(28),
    )
    .unwrap_or(d);
    add_months(base, years * 12 - months)
}

/// A rectangle of `area_mu` 亩 at (`lon`, `lat`) as a GeoJSON polygon, `ratio` wide to high.
fn rectangle(lon: f64, lat: f64, area_mu: f64, ratio: f64) -> String {
    let m2 = area_mu * M2_PER_MU;
    let w = (m2 * ratio).sqrt();
    let h = m2 / w;
    let dx = w / (111_320.0 * lat.to_radians().cos());
    let dy = h / 110_574.0;
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{lon:.6},{lat:.6}],[{:.6},{lat:.6}],[{:.6},{:.6}],[{lon:.6},{:.6}],[{lon:.6},{lat:.6}]]]}}"#,
        lon + dx,
        lon + dx,
        lat + dy,
        lat + dy
    )
}

/// An enterprise that gets a project: (id, county code, cluster id).
pub(crate) type Holder = (i64, String, i64);

/// What the demo makes of a project.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Story {
    /// Not started, agreed start 13–22 months ago: idle one full year.
    IdleOneYear,
    /// Not started, 25–30 months ago: idle two full years.
    IdleTwoYears,
    /// Started, short of a third of the area, suspended 13–20 months.
    Stalled,
    /// Not started, agreed start 7–10 months ago: an exit candidate.
    LateStart,
    /// Building, no new investment for 8 months.
    NoProgress,
    /// Producing.
    Producing,
    /// Built, not producing past the agreed date.
    BuiltIdle,
    /// Building in time.
    Building,
}

const STORIES: [Story; 20] = [
    Story::IdleOneYear,
    Story::Producing,
    Story::LateStart,
    Story::Building,
    Story::Producing,
    Story::Producing,
    Story::Stalled,
    Story::Producing,
    Story::BuiltIdle,
    Story::Producing,
    Story::IdleTwoYears,
    Story::Producing,
    Story::LateStart,
    Story::Building,
    Story::Producing,
    Story::NoProgress,
    Story::Producing,
    Story::IdleOneYear,
    Story::Producing,
    Story::Producing,
];

struct Made {
    contract_id: i64,
    parcel_id: i64,
    story: Story,
    price_fen: i64,
    agreed_start: Date,
    area_mu: f64,
}

impl App {
    /// Seeds the land demo for the enterprises `(id, region, cluster)` (in cluster order); the
    /// demo enterprise's project comes first and stays an uncased idle candidate.
    pub(crate) async fn seed_land_demo(
        &self,
        tx: &mut Tx,
        enterprises: &[Holder],
        demo_enterprise: Option<i64>,
        seed: u64,
    ) -> Result<(), AppError> {
        let today = today();
        let mut rng = Rng(seed ^ 0x1A4D);
        // Round-robin over the clusters so every cluster gets projects.
        let mut by_cluster: Vec<(i64, Vec<&Holder>)> = Vec::new();
        for e in enterprises {
            match by_cluster.iter_mut().find(|(c, _)| *c == e.2) {
                Some((_, v)) => v.push(e),
                None => by_cluster.push((e.2, vec![e])),
            }
        }
        let mut chosen: Vec<&Holder> = Vec::new();
        if let Some(d) = demo_enterprise.and_then(|d| enterprises.iter().find(|e| e.0 == d)) {
            chosen.push(d);
        }
        let mut round = 0;
        while chosen.len() < PROJECTS.min(enterprises.len()) {
            let mut any = false;
            for (_, v) in &by_cluster {
                if let Some(e) = v.get(round)
                    && Some(e.0) != demo_enterprise
                    && chosen.len() < PROJECTS
                {
                    chosen.push(e);
                    any = true;
                }
            }
            if !any {
                break;
            }
            round += 1;
        }
        let cluster_index = |c: i64| by_cluster.iter().position(|(k, _)| *k == c).unwrap_or(0);
        let mut slots: Vec<usize> = vec![0; by_cluster.len()];
        let mut made = Vec::new();
        for (i, (enterprise, region, cluster)) in chosen.iter().map(|e| (e.0, &e.1, e.2)).enumerate() {
            let story = if i == 0 && demo_enterprise == Some(enterprise) {
                Story::IdleOneYear
            } else {
                STORIES[i % STORIES.len()]
            };
            let ci = cluster_index(cluster);
            let slot = slots[ci];
            slots[ci] += 1;
            // Each cluster's parcels on a grid of 500 m cells around its own centre.
            let (clon, clat) = (113.55 + 0.13 * (ci % 4) as f64, 32.55 + 0.12 * (ci / 4) as f64);
            let lon = clon + (slot % 8) as f64 * 500.0 / (111_320.0 * clat.to_radians().cos());
            let lat = clat + (slot / 8) as f64 * 500.0 / 110_574.0;
            let area_mu = (rng.range(20.0, 110.0) * 100.0).round() / 100.0;
            let polygon = rectangle(lon, lat, area_mu, rng.range(0.7, 1.4));
            let start = match story {
                Story::IdleOneYear => shift(today, -rng.days(400, 650)),
                Story::IdleTwoYears => shift(today, -rng.days(760, 900)),
                Story::LateStart => shift(today, -rng.days(215, 300)),
                Story::Stalled | Story::NoProgress => shift(today, -rng.days(420, 700)),
                Story::Building => shift(today, -rng.days(200, 420)),
                Story::BuiltIdle | Story::Producing => shift(today, -rng.days(1100, 1500)),
            };
            let completion = add_months(start, 18);
            let full = add_months(completion, 12);
            let signed = back_months(start, 2);
            let price_fen = (area_mu * rng.range(18.0, 30.0) * 1_000_000.0).round() as i64;
            let investment_total = (area_mu * 250.0).round();
            let area_due = (area_mu * M2_PER_MU * 0.9).round();
            let standard = i % 3 == 0;
            let number = format!("ZMD-{}-{:03}", signed.year(), i + 1);
            let parcel_id = land::insert_parcel(
                tx,
                &number,
                area_mu,
                Some(&signed.to_string()),
                "工业用地",
                "产业集聚区内",
            )
            .await?;
            // No holding is recorded for the demo's project parcels: the demo's land areas come
            // from the figures, and a holding would replace an enterprise's evaluated area with
            // its parcels' (see `collection::land`). The contract names the holder.
            land_projects::set_place(tx, parcel_id, Some(region), Some(cluster), Some(&polygon)).await?;
            let contract = NewContract {
                parcel_id,
                enterprise_id: enterprise,
                contract_no: format!("豫驻出让〔{}〕{:03}号", signed.year(), i + 1),
                project_name: format!(
                    "{}项目",
                    [
                        "智能装备",
                        "食品加工",
                        "新材料",
                        "电子元件",
                        "纺织服装",
                        "生物医药"
                    ][i % 6]
                ),
                supply_mode: if i % 17 == 5 { "allocation" } else { "transfer" }.to_owned(),
                price_fen,
                dates: [
                    signed.to_string(),
                    start.to_string(),
                    completion.to_string(),
                    full.to_string(),
                ],
                area_due_m2: area_due,
                investment_total,
                standard_land: standard,
                standards: if standard {
                    [
                        Some(rng.range(200.0, 290.0).round()),
                        Some((rng.range(0.8, 1.3) * 10.0).round() / 10.0),
                        Some(rng.range(10.0, 20.0).round()),
                        Some(2.0),
                        None,
                        Some(1.0),
                    ]
                } else {
                    [None; 6]
                },
            };
            let contract_id = land_projects::insert_contract(tx, &contract, None).await?;
            let report =
                |on: Date,
                 stage: &'static str,
                 dates: [Option<Date>; 4],
                 area: f64,
                 floor: f64,
                 invest: f64,
                 note: &'static str| { (on, stage, dates, area, floor, invest, note) };
            let mut reports = Vec::new();
            match story {
                Story::IdleOneYear | Story::IdleTwoYears | Story::LateStart => {
                    reports.push(report(
                        shift(today, -rng.days(20, 60)),
                        "not_started",
                        [None; 4],
                        0.0,
                        0.0,
                        0.0,
                        "尚未取得施工许可",
                    ));
                }
                Story::Stalled => {
                    let started = shift(start, 30);
                    let stopped = shift(today, -rng.days(400, 600)).max(shift(started, 60));
                    reports.push(report(
                        shift(started, 20),
                        "building",
                        [Some(started), None, None, None],
                        area_due * 0.1,
                        area_due * 0.1,
                        investment_total * 0.1,
                        "基础施工",
                    ));
                    reports.push(report(
                        shift(stopped, 10),
                        "suspended",
                        [Some(started), Some(stopped), None, None],
                        area_due * 0.2,
                        area_due * 0.2,
                        investment_total * 0.15,
                        "资金不到位，停工",
                    ));
                }
                Story::NoProgress => {
                    let started = shift(start, 20);
                    reports.push(report(
                        shift(started, 10),
                        "building",
                        [Some(started), None, None, None],
                        area_due * 0.3,
                        area_due * 0.3,
                        investment_total * 0.4,
                        "主体施工",
                    ));
                    reports.push(report(
                        shift(today, -240),
                        "building",
                        [Some(started), None, None, None],
                        area_due * 0.45,
                        area_due * 0.45,
                        investment_total * 0.5,
                        "主体施工",
                    ));
                    reports.push(report(
                        shift(today, -30),
                        "building",
                        [Some(started), None, None, None],
                        area_due * 0.45,
                        area_due * 0.45,
                        investment_total * 0.5,
                        "进度缓慢",
                    ));
                }
                Story::Building => {
                    let started = shift(start, 15);
                    reports.push(report(
                        shift(started, 30),
                        "building",
                        [Some(started), None, None, None],
                        area_due * 0.3,
                        area_due * 0.3,
                        investment_total * 0.3,
                        "主体施工",
                    ));
                    reports.push(report(
                        shift(today, -20),
                        "building",
                        [Some(started), None, None, None],
                        area_due * 0.7,
                        area_due * 0.7,
                        investment_total * 0.75,
                        "设备安装",
                    ));
                }
                Story::BuiltIdle | Story::Producing => {
                    let started = shift(start, 10);
                    let done = shift(completion, -rng.days(0, 60));
                    let floor = area_mu * M2_PER_MU * rng.range(0.8, 1.6);
                    let invest = investment_total * rng.range(0.85, 1.1);
                    reports.push(report(
                        shift(started, 30),
                        "building",
                        [Some(started), None, None, None],
                        area_due * 0.4,
                        floor * 0.4,
                        invest * 0.4,
                        "主体施工",
                    ));
                    if story == Story::Producing {
                        let producing = shift(done, 90);
                        reports.push(report(
                            shift(producing, 10),
                            "producing",
                            [Some(started), None, Some(done), Some(producing)],
                            area_due,
                            floor,
                            invest,
                            "已投产",
                        ));
                    } else {
                        reports.push(report(
                            shift(done, 10),
                            "completed",
                            [Some(started), None, Some(done), None],
                            area_due,
                            floor,
                            invest,
                            "已竣工，设备未到位",
                        ));
                    }
                }
            }
            for (on, stage, dates, area, floor, invest, note) in reports {
                let on = on.min(today);
                let texts = dates.map(|d| d.map(|d| d.min(on).to_string()));
                land_projects::insert_progress(
                    tx,
                    &NewProgress {
                        contract_id,
                        reported_on: &on.to_string(),
                        stage,
                        dates: [
                            texts[0].as_deref(),
                            texts[1].as_deref(),
                            texts[2].as_deref(),
                            texts[3].as_deref(),
                        ],
                        area_developed_m2: area.round(),
                        floor_area_m2: floor.round(),
                        investment_made: invest.round(),
                        note,
                        attachment: None,
                    },
                    None,
                )
                .await?;
            }
            made.push(Made {
                contract_id,
                parcel_id,
                story,
                price_fen,
                agreed_start: start,
                area_mu,
            });
        }
        // A few parcels per cluster approved but not supplied (批而未供).
        for (ci, (cluster, members)) in by_cluster.iter().enumerate() {
            let Some(region) = members.first().map(|e| e.1.clone()) else {
                continue;
            };
            for k in 0..2 {
                let slot = slots[ci];
                slots[ci] += 1;
                let (clon, clat) = (113.55 + 0.13 * (ci % 4) as f64, 32.55 + 0.12 * (ci / 4) as f64);
                let lon = clon + (slot % 8) as f64 * 500.0 / (111_320.0 * clat.to_radians().cos());
                let lat = clat + (slot / 8) as f64 * 500.0 / 110_574.0;
                let area = (rng.range(30.0, 90.0) * 100.0).round() / 100.0;
                let id = land::insert_parcel(
                    tx,
                    &format!("ZMD-PG-{:02}-{}", ci + 1, k + 1),
                    area,
                    None,
                    "工业用地",
                    "批而未供地块",
                )
                .await?;
                land_projects::set_place(
                    tx,
                    id,
                    Some(&region),
                    Some(*cluster),
                    Some(&rectangle(lon, lat, area, 1.0)),
                )
                .await?;
            }
        }
        self.seed_land_cases(tx, &made, today).await
    }

    async fn seed_land_cases(&self, tx: &mut Tx, made: &[Made], today: Date) -> Result<(), AppError> {
        let rules = self.land;
        // The demo enterprise's project (the first) stays an uncased candidate.
        let pick = |story: Story, n: usize| made.iter().skip(1).filter(move |m| m.story == story).take(n);
        let mut serial = 0;
        let mut doc = |kind: &str| {
            serial += 1;
            format!("驻自然资{kind}〔{}〕{serial}号", today.year())
        };
        struct S<'a> {
            step: Step,
            days_ago: i64,
            doc_no: String,
            deadline: Option<Date>,
            cause: Option<(&'a str, &'a str)>,
            option: Option<&'a str>,
            fee: Option<i64>,
            note: &'a str,
        }
        let step = |step: Step, days_ago: i64, doc_no: String| S {
            step,
            days_ago,
            doc_no,
            deadline: None,
            cause: None,
            option: None,
            fee: None,
            note: "",
        };
        let run = async |tx: &mut Tx,
                         kind: CaseKind,
                         m: &Made,
                         finding: &str,
                         steps: Vec<S<'_>>|
               -> Result<(), StoreError> {
            let case = land_cases::insert_case(tx, kind.id(), m.contract_id, finding, None).await?;
            for (v, s) in steps.into_iter().enumerate() {
                let issued = shift(today, -s.days_ago);
                let served = shift(issued, 2).min(today);
                let deadline = s
                    .deadline
                    .or_else(|| mujun_land::cases::rule_deadline(s.step, served, &rules.cases));
                let issued_text = issued.to_string();
                let served_text = served.to_string();
                let deadline_text = deadline.map(|d| d.to_string());
                land_cases::add_step(
                    tx,
                    case,
                    v as i64 + 1,
                    &land_cases::NewStep {
                        step: s.step.id(),
                        doc_no: &s.doc_no,
                        issued_on: &issued_text,
                        served_on: s.step.document().map(|_| served_text.as_str()),
                        deadline: if s.step.ends() {
                            None
                        } else {
                            deadline_text.as_deref()
                        },
                        note: s.note,
                        closes: s.step.ends(),
                        cause: s.cause,
                        negotiated_option: s.option,
                        fee_fen: s.fee,
                        linked_case_id: None,
                    },
                    None,
                )
                .await?;
            }
            Ok(())
        };
        let not_started = |m: &Made| {
            let years = mujun_land::dates::full_years(m.agreed_start, today);
            format!("超过约定动工开发日期满 {years} 年未动工开发")
        };
        let enterprise = Cause::Enterprise.id();
        let government = Cause::Government(GovernmentCause::LandNotDelivered).id();
        let mut ones = pick(Story::IdleOneYear, 6);
        if let Some(m) = ones.next() {
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![step(Step::Investigation, 10, doc("闲调"))],
            )
            .await?;
        }
        if let Some(m) = ones.next() {
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 60, doc("闲调")),
                    S {
                        cause: Some((enterprise, "企业资金链紧张，未按期开工")),
                        ..step(Step::Identification, 20, doc("闲认"))
                    },
                ],
            )
            .await?;
        }
        if let Some(m) = ones.next() {
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 80, doc("闲调")),
                    S {
                        cause: Some((enterprise, "企业未提交政府原因证明材料")),
                        ..step(Step::Identification, 45, doc("闲认"))
                    },
                    step(Step::Notification, 3, doc("闲告")),
                ],
            )
            .await?;
        }
        if let Some(m) = ones.next() {
            let fee = fee_fen(m.price_fen, rules.idle.fee_permille).ok();
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 120, doc("闲调")),
                    S {
                        cause: Some((enterprise, "企业自身原因")),
                        ..step(Step::Identification, 90, doc("闲认"))
                    },
                    step(Step::Notification, 60, doc("闲告")),
                    S {
                        fee,
                        ..step(Step::FeeDecision, 40, doc("闲征"))
                    },
                ],
            )
            .await?;
        }
        if let Some(m) = ones.next() {
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 70, doc("闲调")),
                    S {
                        cause: Some((government, "管委会未按期完成场地平整和水电接入，有交地记录为证")),
                        ..step(Step::Identification, 40, doc("闲认"))
                    },
                    S {
                        option: Some(NegotiatedOption::ExtendStart.id()),
                        deadline: Some(add_months(shift(today, -10), 10)),
                        ..step(Step::Negotiation, 10, doc("闲协"))
                    },
                ],
            )
            .await?;
        }
        if let Some(m) = ones.next() {
            let fee = fee_fen(m.price_fen, rules.idle.fee_permille).ok();
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 200, doc("闲调")),
                    S {
                        cause: Some((enterprise, "企业自身原因")),
                        ..step(Step::Identification, 170, doc("闲认"))
                    },
                    step(Step::Notification, 150, doc("闲告")),
                    S {
                        fee,
                        ..step(Step::FeeDecision, 120, doc("闲征"))
                    },
                    S {
                        note: "土地闲置费已全额缴纳",
                        ..step(Step::Closing, 80, String::new())
                    },
                ],
            )
            .await?;
        }
        if let Some(m) = pick(Story::IdleTwoYears, 1).next() {
            run(
                tx,
                CaseKind::Idle,
                m,
                &not_started(m),
                vec![
                    step(Step::Investigation, 90, doc("闲调")),
                    S {
                        cause: Some((enterprise, "企业自身原因")),
                        ..step(Step::Identification, 60, doc("闲认"))
                    },
                    step(Step::Notification, 40, doc("闲告")),
                    S {
                        note: "企业申请听证，听证维持认定",
                        ..step(Step::Hearing, 30, String::new())
                    },
                    step(Step::TakeBackDecision, 15, doc("闲收")),
                ],
            )
            .await?;
        }
        // Exit cases: one in rectification, one overdue, one proposed, one decided, one rectified.
        let late: Vec<&Made> = pick(Story::LateStart, 5).collect();
        let finding = |m: &Made| {
            let limit = add_months(m.agreed_start, rules.exit.late_months);
            format!(
                "超过约定开工日期 {} 个月仍未开工（最迟应于 {limit} 开工）",
                rules.exit.late_months
            )
        };
        let exit_doc = |n: usize| format!("驻集管〔{}〕{n}号", today.year());
        for (k, m) in late.iter().enumerate() {
            let f = finding(m);
            let steps = match k {
                0 => vec![S {
                    deadline: Some(shift(today, 60)),
                    ..step(Step::RectificationNotice, 20, exit_doc(k * 3 + 1))
                }],
                1 => vec![S {
                    deadline: Some(shift(today, -15)),
                    ..step(Step::RectificationNotice, 100, exit_doc(k * 3 + 1))
                }],
                2 => vec![
                    S {
                        deadline: Some(shift(today, -40)),
                        ..step(Step::RectificationNotice, 130, exit_doc(k * 3 + 1))
                    },
                    step(Step::ExitProposal, 20, exit_doc(k * 3 + 2)),
                ],
                3 => vec![
                    S {
                        deadline: Some(shift(today, -90)),
                        ..step(Step::RectificationNotice, 200, exit_doc(k * 3 + 1))
                    },
                    step(Step::ExitProposal, 60, exit_doc(k * 3 + 2)),
                    step(Step::ExitDecision, 25, exit_doc(k * 3 + 3)),
                ],
                _ => vec![
                    S {
                        deadline: Some(shift(today, 10)),
                        ..step(Step::RectificationNotice, 50, exit_doc(k * 3 + 1))
                    },
                    S {
                        note: "项目已开工，整改到位",
                        ..step(Step::Rectified, 5, String::new())
                    },
                ],
            };
            run(tx, CaseKind::Exit, m, &f, steps).await?;
        }
        // Disposal plans for stalled and built-but-idle parcels.
        let modes = ["lease", "restructure", "reinvest", "buy_back", "bankruptcy"];
        for (k, m) in made
            .iter()
            .filter(|m| matches!(m.story, Story::NoProgress | Story::BuiltIdle | Story::Stalled))
            .take(12)
            .enumerate()
        {
            let (kind, finding) = match m.story {
                Story::BuiltIdle => ("built_not_producing", "建而未投"),
                Story::Stalled => ("stalled", "停建缓建：长期停工"),
                _ => ("stalled", "停建缓建：超过 6 个月无新增投资"),
            };
            let deadline = shift(today, if k % 4 == 0 { -20 } else { 120 + 30 * k as i64 }).to_string();
            let id = disposal_plans::insert(
                tx,
                &disposal_plans::NewPlan {
                    parcel_id: m.parcel_id,
                    low_kind: kind,
                    finding,
                    mode: modes[k % modes.len()],
                    responsible_unit: "集聚区管委会",
                    deadline: &deadline,
                    area_mu: m.area_mu,
                },
                None,
            )
            .await?;
            if k % 3 != 2 {
                let done_area = (m.area_mu * if k % 3 == 0 { 1.0 } else { 0.4 } * 100.0).round() / 100.0;
                let on = shift(today, -15).to_string();
                disposal_plans::add_progress(
                    tx,
                    id,
                    1,
                    &on,
                    done_area,
                    "已与意向企业签订租赁协议",
                    k % 3 == 0,
                    None,
                )
                .await?;
            }
        }
        Ok(())
    }
}
