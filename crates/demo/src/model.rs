//! The enterprise model: how one firm's figures are drawn, and how they move from year to year.
//!
//! A firm is a handful of latent quantities (land, main revenue, and ratios such as tax / revenue,
//! profit margin, value added / output, energy per output); every reported figure is computed
//! from them, so the figures of a row are always consistent with each other and with the scale.

use mujun_domain::{
    CreditCode, Date, Field, IndustryCode, RegionCode, Scale, Year, ZHUMADIAN_CLUSTERS, ZHUMADIAN_REGIONS,
};

use crate::DemoRow;
use crate::names::{NameParts, Namer};
use crate::profile::{
    CLUSTER_WEIGHTS, MANUFACTURING, OUT_OF_SCOPE, OUT_OF_SCOPE_SHARE, Profile, SPECIALITY_SHARE,
    cluster_specialities, code_words, manufacturing_profile,
};
use crate::rng::{Src, exp};

/// Bonus item ids, in the order of the shipped method files (bit i of [`Firm::bonus`]).
pub(crate) const BONUS_IDS: [&str; 5] = [
    "high_tech",
    "listed",
    "provincial_rd_platform",
    "quality_award",
    "strategic_emerging",
];
/// Veto item ids, in the order of the shipped method files (bit i of [`Firm::veto`]).
pub(crate) const VETO_IDS: [&str; 3] = [
    "major_safety_accident",
    "major_pollution_incident",
    "serious_dishonesty",
];

const HIGH_TECH: u8 = 1;
const LISTED: u8 = 2;
const RD_PLATFORM: u8 = 4;
const QUALITY_AWARD: u8 = 8;
const STRATEGIC: u8 = 16;

/// Share of 规上 firms.
pub(crate) const ABOVE_SHARE: f64 = 0.70;
/// 规上 threshold on main revenue (万元).
pub(crate) const ABOVE_MIN_REVENUE: f64 = 2000.0;
/// Median land (亩) of 规上 / 规下 firms; log-normal.
const LAND_MEDIAN: [f64; 2] = [45.0, 14.0];
const LAND_SIGMA: f64 = 0.8;
/// Median 亩均税收 (万元/亩) of 规上 / 规下 firms before the industry factor; log-normal.
const TAX_PER_MU_MEDIAN: [f64; 2] = [14.0, 5.0];
const TAX_PER_MU_SIGMA: f64 = 0.75;
const TAX_RATE_SIGMA: f64 = 0.35;
/// Multiplier on the profiles' tax / revenue (实缴税收 counts every tax: VAT, income tax,
/// surcharges, property and land-use tax).
const TAX_RATE_LEVEL: f64 = 1.35;
const MIN_REVENUE: f64 = 20.0;
const MAX_REVENUE: f64 = 1_500_000.0;

const OUTSIDE_CLUSTER_SHARE: f64 = 0.04;
const MISSING_START_SHARE: f64 = 0.01;
const NEW_FIRM_SHARE: f64 = 0.04;
const ZERO_ENERGY_SHARE: f64 = 0.015;
const MISSING_POLLUTION_SHARE: f64 = 0.025;
const ZERO_POLLUTION_SHARE: f64 = 0.015;
const TIE_SHARE: f64 = 0.0025;
const VETO_RATE: f64 = 0.0035;
const EXIT_RATE: f64 = 0.015;
/// 当量值 conversion of electricity (GB/T 2589-2020), tce per 万kWh.
const TCE_PER_10K_KWH: f64 = 1.229;
/// Below this many firms no edge case is forced (a tiny sample stays purely random).
const MIN_FORCED: usize = 40;

/// Rounds to 2 decimals (the figures are stored exactly as they are written).
pub(crate) fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The edge cases the data must contain; each is forced on one row of a large enough data set
/// (on top of its natural rate), so that every demo shows every case.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Edge {
    ZeroEnergy,
    MissingPollution,
    ZeroPollution,
    Loss,
    NoRd,
    NewFirm,
    TinyPlot,
    OutsideCluster,
    MissingStart,
    Veto,
    Bonus,
    Tie,
}

const ALL_EDGES: [Edge; 12] = [
    Edge::ZeroEnergy,
    Edge::MissingPollution,
    Edge::ZeroPollution,
    Edge::Loss,
    Edge::NoRd,
    Edge::NewFirm,
    Edge::TinyPlot,
    Edge::OutsideCluster,
    Edge::MissingStart,
    Edge::Veto,
    Edge::Bonus,
    Edge::Tie,
];

/// The edge cases that live in the yearly figures (re-forced in every later year).
const YEARLY_EDGES: [Edge; 7] = [
    Edge::ZeroEnergy,
    Edge::MissingPollution,
    Edge::ZeroPollution,
    Edge::Loss,
    Edge::NoRd,
    Edge::Veto,
    Edge::Bonus,
];

/// How the pollution figure is reported.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Pollution {
    Reported,
    Missing,
    Zero,
}

/// The latent quantities of a firm in a year.
#[derive(Clone, Copy, Debug)]
pub(crate) struct State {
    /// 亩, already rounded to 2 decimals.
    pub land: f64,
    /// 万元.
    pub revenue: f64,
    pub tax_rate: f64,
    pub margin: f64,
    pub output_ratio: f64,
    pub va_ratio: f64,
    pub productivity: f64,
    pub energy_int: f64,
    pub elec_share: f64,
    pub pollution_int: f64,
    pub water_int: f64,
    pub rd_ratio: f64,
    /// Persistent growth tendency of the firm (log-scale, per year).
    pub trend: f64,
    pub zero_energy: bool,
    pub pollution: Pollution,
}

impl State {
    pub(crate) fn scale(&self) -> Scale {
        if r2(self.revenue) >= ABOVE_MIN_REVENUE {
            Scale::Above
        } else {
            Scale::Below
        }
    }

    pub(crate) fn figures(&self) -> [Option<f64>; Field::COUNT] {
        let mut f = [None; Field::COUNT];
        let output = self.revenue * self.output_ratio;
        let va = output * self.va_ratio;
        let energy = output * self.energy_int;
        let mut set = |field: Field, v: f64| f[field.index()] = Some(v);
        set(Field::LandAreaMu, self.land);
        set(Field::TaxPaid, r2(self.revenue * self.tax_rate));
        set(Field::ProfitTotal, r2(self.revenue * self.margin));
        set(Field::MainRevenue, r2(self.revenue));
        set(Field::RdExpense, r2(self.revenue * self.rd_ratio));
        set(Field::GrossOutput, r2(output));
        set(
            Field::EnergyTce,
            if self.zero_energy {
                0.0
            } else {
                r2(energy.max(0.01))
            },
        );
        set(
            Field::ElectricityKwh,
            r2((energy * self.elec_share / TCE_PER_10K_KWH).max(0.01)),
        );
        match self.pollution {
            Pollution::Reported => set(Field::PollutionEq, r2((output * self.pollution_int).max(0.1))),
            Pollution::Zero => set(Field::PollutionEq, 0.0),
            Pollution::Missing => {}
        }
        set(Field::Employees, (va / self.productivity).round().max(2.0));
        set(Field::ValueAdded, r2(va));
        set(Field::WaterM3, (output * self.water_int).round().max(30.0));
        f
    }
}

/// One enterprise: identity and latent state.
#[derive(Clone, Debug)]
pub(crate) struct Firm {
    pub code: CreditCode,
    pub name: String,
    pub region: RegionCode,
    pub cluster: Option<&'static str>,
    pub industry: IndustryCode,
    pub profile: &'static Profile,
    pub start: Option<Date>,
    pub state: State,
    /// Bit i set: [`BONUS_IDS`]`[i]`.
    pub bonus: u8,
    /// Bit i set: [`VETO_IDS`]`[i]`.
    pub veto: u8,
    /// The firm this one is an exact copy of (same figures), by index in the year's list.
    pub twin_of: Option<usize>,
}

fn ids(bits: u8, table: &[&'static str]) -> Vec<&'static str> {
    if bits == 0 {
        return Vec::new();
    }
    table
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, id)| *id)
        .collect()
}

impl Firm {
    pub(crate) fn to_row(&self) -> DemoRow {
        DemoRow {
            credit_code: self.code,
            name: self.name.clone(),
            region: self.region,
            cluster: self.cluster.map(str::to_owned),
            industry: self.industry,
            scale: self.state.scale(),
            production_start: self.start,
            figures: self.state.figures(),
            bonus: ids(self.bonus, &BONUS_IDS),
            veto: ids(self.veto, &VETO_IDS),
        }
    }

    pub(crate) fn into_row(self) -> DemoRow {
        DemoRow {
            credit_code: self.code,
            region: self.region,
            cluster: self.cluster.map(str::to_owned),
            industry: self.industry,
            scale: self.state.scale(),
            production_start: self.start,
            figures: self.state.figures(),
            bonus: ids(self.bonus, &BONUS_IDS),
            veto: ids(self.veto, &VETO_IDS),
            name: self.name,
        }
    }
}

/// Picks one row index per edge case, at least 2 apart and never the last row (a forced tie
/// needs the next row for its twin).
fn pick_forced(
    src: &mut Src,
    n: usize,
    edges: &[Edge],
    exclude: impl Fn(usize) -> bool,
) -> Vec<(usize, Edge)> {
    let mut chosen: Vec<(usize, Edge)> = Vec::with_capacity(edges.len());
    for &edge in edges {
        for _ in 0..10_000 {
            let i = src.below(n - 1);
            if !exclude(i) && chosen.iter().all(|&(j, _)| i.abs_diff(j) >= 2) {
                chosen.push((i, edge));
                break;
            }
        }
    }
    chosen
}

fn forced_at(forced: &[(usize, Edge)], i: usize) -> Option<Edge> {
    forced.iter().find(|(j, _)| *j == i).map(|(_, e)| *e)
}

/// Draws firms one after the other; keeps what must stay unique (codes, names).
pub(crate) struct Generator {
    seed: u64,
    src: Src,
    namer: Namer,
    year: u16,
    n: usize,
    index: usize,
    forced: Vec<(usize, Edge)>,
    twin_source: Option<Firm>,
    start_years: Vec<(u16, f64)>,
    counties: Vec<RegionCode>,
    cluster_table: Vec<(usize, f64)>,
    manufacturing_table: Vec<(usize, f64)>,
    out_of_scope_table: Vec<(usize, f64)>,
}

fn region(code: u32) -> RegionCode {
    RegionCode::parse(&code.to_string()).expect("the Zhumadian tables hold valid region codes")
}

fn start_year_weights(year: u16) -> Vec<(u16, f64)> {
    // Few firms from the 1990s, many from the cluster boom (Henan's 产业集聚区 date from 2009).
    let last = year.saturating_sub(2).max(1995);
    (1995..=last)
        .map(|y| {
            let w = match y {
                ..=2002 => 1.0,
                2003..=2008 => 2.0,
                2009..=2016 => 4.0,
                _ => 3.0,
            };
            (y, w)
        })
        .collect()
}

impl Generator {
    pub(crate) fn new(n: usize, seed: u64, year: Year) -> Self {
        let mut src = Src::new(seed, 0);
        let forced = if n >= MIN_FORCED {
            pick_forced(&mut src, n, &ALL_EDGES, |_| false)
        } else {
            Vec::new()
        };
        Generator {
            seed,
            src,
            namer: Namer::new(n + n / 8),
            year: year.value(),
            n,
            index: 0,
            forced,
            twin_source: None,
            start_years: start_year_weights(year.value()),
            counties: ZHUMADIAN_REGIONS
                .iter()
                .skip(1)
                .map(|&(c, _)| region(c))
                .collect(),
            cluster_table: CLUSTER_WEIGHTS.iter().copied().enumerate().collect(),
            manufacturing_table: MANUFACTURING.iter().map(|p| p.weight).enumerate().collect(),
            out_of_scope_table: OUT_OF_SCOPE.iter().map(|p| p.weight).enumerate().collect(),
        }
    }

    /// Firms still to come in the first year.
    pub(crate) fn remaining(&self) -> usize {
        self.n - self.index
    }

    /// The next firm of the first year.
    pub(crate) fn next_firm(&mut self) -> Option<Firm> {
        if self.index >= self.n {
            return None;
        }
        let i = self.index;
        self.index += 1;
        if let Some(original) = self.twin_source.take() {
            return Some(self.twin(original, i - 1));
        }
        let edge = forced_at(&self.forced, i);
        let firm = self.new_firm(edge, edge.is_some());
        if i + 1 < self.n
            && forced_at(&self.forced, i + 1).is_none()
            && firm.cluster.is_some()
            && firm.veto == 0
            && (edge == Some(Edge::Tie) || self.src.chance(TIE_SHARE))
        {
            self.twin_source = Some(firm.clone());
        }
        Some(firm)
    }

    /// Another firm of the same cluster, scale, industry and start with identical figures.
    fn twin(&mut self, original: Firm, index: usize) -> Firm {
        let words = code_words(original.industry.value()).unwrap_or(original.profile.words);
        let joint_stock = original.bonus & LISTED != 0 || self.src.chance(0.08);
        let name = self.namer.name(
            &mut self.src,
            &NameParts {
                region: original.region,
                words,
                joint_stock,
            },
        );
        let new_style = original.start.is_some_and(|d| d.year() >= 2016);
        let code = self.namer.credit_code(&mut self.src, original.region, new_style);
        Firm {
            code,
            name,
            twin_of: Some(index),
            ..original
        }
    }

    fn start_date(&mut self, edge: Option<Edge>) -> Option<Date> {
        let r = self.src.unit();
        let year = self.year;
        let (y, last_day) = if edge == Some(Edge::MissingStart) || (edge.is_none() && r < MISSING_START_SHARE)
        {
            return None;
        } else if edge == Some(Edge::NewFirm) || r < MISSING_START_SHARE + NEW_FIRM_SHARE {
            // Started in the evaluated year (by September) or the year before.
            if self.src.chance(0.5) {
                (year, 273)
            } else {
                (year - 1, 365)
            }
        } else {
            (self.src.weighted(&self.start_years), 365)
        };
        let first = Date::first_of_year(y).days_since_epoch();
        Date::from_days_since_epoch(first + self.src.below(last_day) as i64)
    }

    /// Land, main revenue and tax rate consistent with the scale (rejection sampling: the joint
    /// distribution is the log-normal model conditioned on the scale's revenue range).
    fn economics(&mut self, p: &Profile, scale: Scale, tiny: bool) -> (f64, f64, f64) {
        let si = usize::from(scale == Scale::Below);
        for _ in 0..100 {
            let land = if tiny {
                self.src.range(0.6, 4.9)
            } else {
                self.src
                    .log_normal(LAND_MEDIAN[si], LAND_SIGMA)
                    .clamp(0.5, 5000.0)
            };
            let land = r2(land);
            let tax_per_mu = self
                .src
                .log_normal(TAX_PER_MU_MEDIAN[si] * p.tax_factor, TAX_PER_MU_SIGMA);
            let rate = self
                .src
                .log_normal(p.tax_rate * TAX_RATE_LEVEL, TAX_RATE_SIGMA)
                .clamp(0.004, 0.25);
            let revenue = land * tax_per_mu / rate;
            let rounded = r2(revenue);
            let fits = match scale {
                Scale::Above => (ABOVE_MIN_REVENUE..=MAX_REVENUE).contains(&rounded),
                Scale::Below => (MIN_REVENUE..ABOVE_MIN_REVENUE).contains(&rounded),
            };
            if fits {
                return (land, revenue, rate);
            }
        }
        // Practically unreachable; a plain firm of the scale.
        let revenue = if scale == Scale::Above { 3000.0 } else { 800.0 };
        (
            if tiny { 3.0 } else { LAND_MEDIAN[si] },
            revenue,
            p.tax_rate * TAX_RATE_LEVEL,
        )
    }

    /// A new firm of the current year. `in_scope` forces a manufacturing industry (forced edge
    /// cases must matter to the evaluation).
    fn new_firm(&mut self, edge: Option<Edge>, in_scope: bool) -> Firm {
        // Where.
        let outside = edge == Some(Edge::OutsideCluster)
            || (edge != Some(Edge::Tie) && self.src.chance(OUTSIDE_CLUSTER_SHARE));
        let (region, cluster, cluster_index) = if outside {
            (*self.src.choose(&self.counties), None, None)
        } else {
            let ci = self.src.weighted(&self.cluster_table);
            let (name, county) = ZHUMADIAN_CLUSTERS[ci];
            (region(county), Some(name), Some(ci))
        };

        // What.
        let (profile, code) = if !in_scope && self.src.chance(OUT_OF_SCOPE_SHARE) {
            let p = &OUT_OF_SCOPE[self.src.weighted(&self.out_of_scope_table)];
            (p, self.src.weighted(p.codes))
        } else if let Some(ci) = cluster_index
            && self.src.chance(SPECIALITY_SHARE)
        {
            let code = self.src.weighted(cluster_specialities(ci));
            let p = manufacturing_profile((code / 100) as u8).expect("specialities are manufacturing codes");
            (p, code)
        } else {
            let p = &MANUFACTURING[self.src.weighted(&self.manufacturing_table)];
            (p, self.src.weighted(p.codes))
        };
        let industry = IndustryCode::from_value(code).expect("profile codes are valid GB/T 4754 codes");

        // How big.
        let scale = if edge == Some(Edge::TinyPlot) || !self.src.chance(ABOVE_SHARE) {
            Scale::Below
        } else {
            Scale::Above
        };
        let below = scale == Scale::Below;
        let start = self.start_date(edge);
        let (land, revenue, tax_rate) = self.economics(profile, scale, edge == Some(Edge::TinyPlot));

        // Ratios.
        let src = &mut self.src;
        let margin = if edge == Some(Edge::Loss) {
            -src.range(0.01, 0.12)
        } else {
            (profile.margin + 0.035 * src.normal()).clamp(-0.3, 0.35)
        };
        let output_ratio = (1.02 + 0.04 * src.normal()).clamp(0.85, 1.2);
        let va_ratio = src.range(profile.va.0, profile.va.1);
        let productivity = src.log_normal(profile.productivity * if below { 0.45 } else { 1.0 }, 0.4);
        let energy_int = src.log_normal(profile.energy, 0.5);
        let elec_share = (profile.elec_share * src.log_normal(1.0, 0.2)).clamp(0.05, 1.0);
        let pollution_int = src.log_normal(profile.pollution, 0.7);
        let water_int = src.log_normal(profile.water, 0.5);
        let zero_energy = edge == Some(Edge::ZeroEnergy) || src.chance(ZERO_ENERGY_SHARE);
        let pollution = match edge {
            Some(Edge::MissingPollution) => Pollution::Missing,
            Some(Edge::ZeroPollution) => Pollution::Zero,
            _ => {
                let r = src.unit();
                if r < MISSING_POLLUTION_SHARE {
                    Pollution::Missing
                } else if r < MISSING_POLLUTION_SHARE + ZERO_POLLUTION_SHARE {
                    Pollution::Zero
                } else {
                    Pollution::Reported
                }
            }
        };
        let tech = profile.tech.min(2.5);
        let p_no_rd = ((if below { 0.5 } else { 0.22 }) * (1.5 - 0.4 * tech)).clamp(0.05, 0.85);
        let mut rd_ratio = if edge == Some(Edge::NoRd) || profile.rd == 0.0 || src.chance(p_no_rd) {
            0.0
        } else {
            src.log_normal(profile.rd * if below { 0.6 } else { 1.0 }, 0.6)
                .clamp(0.0005, 0.05)
        };

        // Bonus items.
        let mut bonus = 0u8;
        let p_high_tech = (0.07 * profile.tech * if below { 0.25 } else { 1.3 }).min(0.5);
        if edge == Some(Edge::Bonus) || (edge != Some(Edge::NoRd) && src.chance(p_high_tech)) {
            bonus |= HIGH_TECH;
            // 高新技术企业 need R&D of at least 3 % of revenue (for firms of this size).
            rd_ratio = rd_ratio.max(src.range(0.03, 0.05));
        }
        let high_tech = bonus & HIGH_TECH != 0;
        let p_listed = match revenue {
            r if r > 200_000.0 => 0.25,
            r if r > 50_000.0 => 0.05,
            r if r > 20_000.0 => 0.005,
            _ => 0.0,
        };
        if src.chance(p_listed) {
            bonus |= LISTED;
        }
        if src.chance(match (high_tech, below) {
            (true, _) => 0.3,
            (false, false) => 0.01,
            (false, true) => 0.0,
        }) {
            bonus |= RD_PLATFORM;
        }
        if src.chance(if below { 0.006 } else { 0.04 }) {
            bonus |= QUALITY_AWARD;
        }
        if src.chance(if high_tech {
            0.4
        } else {
            (0.025 * profile.tech).min(0.2)
        }) {
            bonus |= STRATEGIC;
        }

        // Veto items.
        let mut veto = 0u8;
        if edge == Some(Edge::Veto) {
            veto |= 1 << src.below(VETO_IDS.len());
        } else if edge != Some(Edge::Tie) {
            for k in 0..VETO_IDS.len() {
                if src.chance(VETO_RATE) {
                    veto |= 1 << k;
                }
            }
        }

        // Who.
        let joint_stock = bonus & LISTED != 0 || src.chance(0.08);
        let words = code_words(code).unwrap_or(profile.words);
        let name = self.namer.name(
            &mut self.src,
            &NameParts {
                region,
                words,
                joint_stock,
            },
        );
        let new_style = start.is_some_and(|d| d.year() >= 2016) && self.src.chance(0.85);
        let credit_code = self.namer.credit_code(&mut self.src, region, new_style);

        let trend = 0.04 * self.src.normal();
        Firm {
            code: credit_code,
            name,
            region,
            cluster,
            industry,
            profile,
            start,
            state: State {
                land,
                revenue,
                tax_rate,
                margin,
                output_ratio,
                va_ratio,
                productivity,
                energy_int,
                elec_share,
                pollution_int,
                water_int,
                rd_ratio,
                trend,
                zero_energy,
                pollution,
            },
            bonus,
            veto,
            twin_of: None,
        }
    }

    /// The same firms one or more years later: growth or decline, a few exits (never of a tied
    /// pair), a few new firms, land mostly unchanged. Each year has its own random stream, so a
    /// year's data depends only on the seed and the years before it.
    pub(crate) fn next_year(&mut self, firms: Vec<Firm>, year: Year, steps: u16) -> Vec<Firm> {
        self.year = year.value();
        self.start_years = start_year_weights(self.year);
        self.src = Src::new(self.seed, 0x1_0000 + u64::from(self.year));
        let n_old = firms.len();
        if n_old == 0 {
            return firms;
        }
        let mut has_twin = vec![false; n_old];
        for f in &firms {
            if let Some(j) = f.twin_of {
                has_twin[j] = true;
            }
        }
        let forced = if n_old >= MIN_FORCED {
            pick_forced(&mut self.src, n_old, &YEARLY_EDGES, |i| {
                firms[i].twin_of.is_some()
            })
        } else {
            Vec::new()
        };
        let macro_growth = 0.05 + 0.03 * self.src.normal();
        // Repeated multiplication, not `powi`, whose result may differ between platforms.
        let stay = (0..steps).fold(1.0, |p, _| p * (1.0 - EXIT_RATE));
        let mut new_index: Vec<Option<usize>> = vec![None; n_old];
        let mut out: Vec<Firm> = Vec::with_capacity(n_old + n_old / 16 + 1);
        for (i, mut firm) in firms.into_iter().enumerate() {
            if firm.twin_of.is_none() && !has_twin[i] && !self.src.chance(stay) {
                continue;
            }
            match firm.twin_of.and_then(|j| new_index[j]) {
                Some(nj) => {
                    let original = &out[nj];
                    firm.state = original.state;
                    firm.bonus = original.bonus;
                    firm.veto = original.veto;
                    firm.twin_of = Some(nj);
                }
                None => {
                    firm.twin_of = None;
                    for _ in 0..steps {
                        evolve_state(&mut self.src, &mut firm, macro_growth);
                    }
                    evolve_items(&mut self.src, &mut firm);
                    if let Some(edge) = forced_at(&forced, i) {
                        force_yearly_edge(&mut self.src, &mut firm, edge);
                    }
                }
            }
            new_index[i] = Some(out.len());
            out.push(firm);
        }
        let entrants =
            ((n_old as f64 * self.src.range(0.02, 0.04) * f64::from(steps)).round() as usize).max(1);
        for _ in 0..entrants {
            let firm = self.new_firm(Some(Edge::NewFirm), false);
            out.push(firm);
        }
        out
    }
}

/// One year of change of a firm's latent state.
fn evolve_state(src: &mut Src, firm: &mut Firm, macro_growth: f64) {
    let p = firm.profile;
    let s = &mut firm.state;
    let growth = exp(macro_growth + s.trend + 0.14 * src.normal()).clamp(0.4, 1.8);
    s.revenue = (s.revenue * growth).clamp(MIN_REVENUE, MAX_REVENUE);
    if src.chance(0.04) {
        s.land = r2(s.land * src.range(1.1, 1.6));
    } else if src.chance(0.01) {
        s.land = r2((s.land * src.range(0.7, 0.95)).max(0.5));
    }
    s.tax_rate = (s.tax_rate * src.log_normal(1.0, 0.08)).clamp(0.004, 0.25);
    s.margin = (p.margin + 0.6 * (s.margin - p.margin) + 0.028 * src.normal()).clamp(-0.3, 0.35);
    s.output_ratio = (1.02 + 0.04 * src.normal()).clamp(0.85, 1.2);
    s.va_ratio = (s.va_ratio + 0.01 * src.normal()).clamp(p.va.0 - 0.03, p.va.1 + 0.03);
    s.productivity *= src.log_normal(1.05, 0.05);
    s.energy_int *= src.log_normal(0.97, 0.05);
    s.elec_share = (s.elec_share * src.log_normal(1.0, 0.05)).clamp(0.05, 1.0);
    s.pollution_int *= src.log_normal(0.95, 0.1);
    s.water_int *= src.log_normal(0.98, 0.05);
    s.rd_ratio = if s.rd_ratio == 0.0 {
        if p.rd > 0.0 && src.chance(0.1) {
            src.log_normal(p.rd, 0.6).clamp(0.0005, 0.05)
        } else {
            0.0
        }
    } else if firm.bonus & HIGH_TECH == 0 && src.chance(0.04) {
        0.0
    } else {
        (s.rd_ratio * src.log_normal(1.03, 0.1)).clamp(0.0005, 0.05)
    };
    s.trend = 0.7 * s.trend + 0.02 * src.normal();
}

/// Yearly change of the flags, bonus and veto items (rates keep the first year's shares).
fn evolve_items(src: &mut Src, firm: &mut Firm) {
    let s = &mut firm.state;
    s.zero_energy = if s.zero_energy {
        src.chance(0.5)
    } else {
        src.chance(0.0076)
    };
    s.pollution = match s.pollution {
        Pollution::Missing if src.chance(0.5) => Pollution::Missing,
        Pollution::Zero if src.chance(0.8) => Pollution::Zero,
        Pollution::Missing | Pollution::Zero => Pollution::Reported,
        Pollution::Reported => {
            let r = src.unit();
            if r < 0.0128 {
                Pollution::Missing
            } else if r < 0.0158 {
                Pollution::Zero
            } else {
                Pollution::Reported
            }
        }
    };
    let above = s.scale() == Scale::Above;
    let tech = firm.profile.tech.min(2.5);
    let b = &mut firm.bonus;
    let keep = |src: &mut Src, b: &mut u8, bit: u8, p_keep: f64, p_gain: f64| {
        let now = if *b & bit != 0 {
            src.chance(p_keep)
        } else {
            src.chance(p_gain)
        };
        if now { *b |= bit } else { *b &= !bit }
    };
    keep(
        src,
        b,
        HIGH_TECH,
        0.93,
        if s.rd_ratio > 0.0 { 0.01 * tech } else { 0.0 },
    );
    if *b & HIGH_TECH != 0 {
        s.rd_ratio = s.rd_ratio.max(src.range(0.03, 0.05));
    }
    keep(
        src,
        b,
        LISTED,
        1.0,
        if s.revenue > 50_000.0 { 0.005 } else { 0.0 },
    );
    let ht = *b & HIGH_TECH != 0;
    keep(src, b, RD_PLATFORM, 0.95, if ht { 0.05 } else { 0.0 });
    keep(src, b, QUALITY_AWARD, 0.5, if above { 0.02 } else { 0.003 });
    keep(src, b, STRATEGIC, 1.0, if ht { 0.1 } else { 0.0 });
    firm.veto = 0;
    for k in 0..VETO_IDS.len() {
        if src.chance(VETO_RATE) {
            firm.veto |= 1 << k;
        }
    }
}

fn force_yearly_edge(src: &mut Src, firm: &mut Firm, edge: Edge) {
    let s = &mut firm.state;
    match edge {
        Edge::ZeroEnergy => s.zero_energy = true,
        Edge::MissingPollution => s.pollution = Pollution::Missing,
        Edge::ZeroPollution => s.pollution = Pollution::Zero,
        Edge::Loss => s.margin = -src.range(0.01, 0.12),
        Edge::NoRd => {
            s.rd_ratio = 0.0;
            firm.bonus &= !HIGH_TECH;
        }
        Edge::Veto => firm.veto |= 1 << src.below(VETO_IDS.len()),
        Edge::Bonus => {
            firm.bonus |= HIGH_TECH;
            s.rd_ratio = s.rd_ratio.max(src.range(0.03, 0.05));
        }
        Edge::NewFirm | Edge::TinyPlot | Edge::OutsideCluster | Edge::MissingStart | Edge::Tie => {}
    }
}
