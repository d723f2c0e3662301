//! The land part of the demo: contracts and progress for a few hundred parcels inside the
//! clusters (with synthetic rectangular polygons), some parcels approved but not supplied, idle
//! cases in every stage (one government-caused), exit cases, low-efficiency disposal plans and
//! 标准地 contracts. Dates are set relative to today, so the rules find the same things on any
//! day the demo is seeded. The demo enterprise's own project is left as a fresh idle-land
//! candidate (the walkthrough opens its case).

use mujun_domain::Date;
use mujun_land::dates::add_months;
use mujun_land::standard::M2_PER_MU;
use mujun_store::land_projects::{NewContract, NewProgress};
use mujun_store::{Tx, land, land_projects};

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

pub(super) fn shift(d: Date, days: i64) -> Date {
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
pub(super) enum Story {
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

pub(super) struct Made {
    pub(super) contract_id: i64,
    pub(super) parcel_id: i64,
    pub(super) story: Story,
    pub(super) price_fen: i64,
    pub(super) agreed_start: Date,
    pub(super) area_mu: f64,
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
}
