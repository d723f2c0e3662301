//! The 亩均地图 of a cluster: its parcels drawn from their polygons, coloured by the holder's
//! class of the year or by its 亩均税收, with idle and low-efficiency parcels marked; each
//! parcel links to its holder's 一企一档. The app projects the polygons to drawing
//! coordinates; the web crate draws them as SVG.

use std::collections::{HashMap, HashSet};

use mujun_land::cases::CaseKind;
use mujun_land::geometry;
use mujun_store::{clusters, enterprises, figures, land_projects};

use crate::evaluation::format::number;
use crate::{Actor, App, AppError};

/// What the colours show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colouring {
    /// The holder's class of the year.
    Class,
    /// The holder's 亩均税收.
    TaxPerMu,
}

/// One parcel on the map.
#[derive(Clone, Debug, PartialEq)]
pub struct MapParcel {
    /// Parcel number.
    pub certificate_no: String,
    /// Holder (none: unsupplied).
    pub holder_id: Option<i64>,
    /// Holder's name.
    pub holder: String,
    /// SVG `points`.
    pub points: String,
    /// Label position.
    pub x: f64,
    /// Label position.
    pub y: f64,
    /// Fill colour.
    pub fill: &'static str,
    /// What the colour means for this parcel (the tooltip).
    pub title: String,
    /// On an open idle-land case.
    pub idle: bool,
    /// On a disposal plan or flagged low-efficiency.
    pub low: bool,
}

/// The map of a cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterMap {
    /// Cluster id.
    pub cluster_id: i64,
    /// Its name.
    pub cluster_name: String,
    /// The year of the classes and figures.
    pub year: Option<i64>,
    /// Years to choose from.
    pub years: Vec<i64>,
    /// Colouring.
    pub by_tax: bool,
    /// Drawing width.
    pub width: f64,
    /// Drawing height.
    pub height: f64,
    /// Parcels.
    pub parcels: Vec<MapParcel>,
    /// Legend: (colour, words).
    pub legend: Vec<(&'static str, &'static str)>,
    /// Parcels of the cluster without a polygon (not drawn).
    pub without_polygon: usize,
}

const GREY: &str = "#b0b0b0";

fn class_colour(class: Option<&str>) -> &'static str {
    match class {
        Some("A") => "#2e7d32",
        Some("B") => "#f2b705",
        Some("C") => "#c62828",
        _ => GREY,
    }
}

fn tax_colour(t: Option<f64>) -> &'static str {
    match t {
        Some(t) if t >= 15.0 => "#1b5e20",
        Some(t) if t >= 10.0 => "#66bb6a",
        Some(t) if t >= 5.0 => "#f2b705",
        Some(_) => "#c62828",
        None => GREY,
    }
}

impl App {
    /// The map of a cluster for `year` (default: the latest year with data).
    pub async fn cluster_map(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: Option<i64>,
        colouring: Colouring,
    ) -> Result<ClusterMap, AppError> {
        let rights = self.land_reader(actor, "land.map").await?;
        let mut c = self.store.read().await?;
        let cluster = clusters::get(&mut c, cluster_id)
            .await?
            .ok_or(AppError::NotFound("集聚区"))?;
        // Like the cluster's page and its negative list: whoever sees the cluster, but not an
        // enterprise (the map shows its neighbours' classes).
        if !actor.has_cockpit() || !rights.covers(&cluster.region_code, Some(cluster_id), None) {
            drop(c);
            return Err(self
                .deny(
                    actor,
                    "land.map",
                    ("cluster", &cluster_id.to_string()),
                    "超出本账号的查看范围",
                )
                .await);
        }
        let years = enterprises::years(&mut c).await?;
        let year = year
            .filter(|y| years.contains(y))
            .or_else(|| years.first().copied());
        let parcels = land_projects::placed_parcels(&mut c, &rights.scope, Some(cluster_id)).await?;
        let classes: HashMap<i64, String> = match year {
            Some(y) => land_projects::classes_of_year(&mut c, y)
                .await?
                .into_iter()
                .collect(),
            None => HashMap::new(),
        };
        let mut tax: HashMap<i64, f64> = HashMap::new();
        let mut land: HashMap<i64, f64> = HashMap::new();
        if let Some(y) = year {
            for (e, field, v) in figures::current_values(&mut c, y).await? {
                match (field.as_str(), v) {
                    ("tax_paid", Some(v)) => {
                        tax.insert(e, v);
                    }
                    ("land_area_mu", Some(v)) => {
                        land.insert(e, v);
                    }
                    _ => {}
                }
            }
        }
        let idle_contracts: HashSet<i64> = mujun_store::land_cases::open_cases(&mut c, CaseKind::Idle.id())
            .await?
            .into_iter()
            .map(|(contract, _)| contract)
            .collect();
        let planned: HashSet<i64> = mujun_store::disposal_plans::plans(&mut c, &rights.scope)
            .await?
            .into_iter()
            .filter(|p| p.done == 0)
            .map(|p| p.parcel_id)
            .collect();
        drop(c);
        let mut drawn = Vec::new();
        let mut without_polygon = 0;
        for p in &parcels {
            match p.polygon.as_deref().and_then(|g| geometry::parse(g).ok()) {
                Some((poly, _)) => drawn.push((p, poly)),
                None => without_polygon += 1,
            }
        }
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for (_, poly) in &drawn {
            for &(x, y) in &poly.ring {
                min_x = min_x.min(x);
                max_x = max_x.max(x);
                min_y = min_y.min(y);
                max_y = max_y.max(y);
            }
        }
        let width = 860.0;
        let margin = 20.0;
        let lat = f64::midpoint(min_y, max_y).to_radians().cos().max(0.1);
        let span_x = ((max_x - min_x) * lat).max(1e-9);
        let span_y = (max_y - min_y).max(1e-9);
        let scale = (width - 2.0 * margin) / span_x;
        let height = if drawn.is_empty() {
            0.0
        } else {
            (span_y * scale + 2.0 * margin).min(1400.0)
        };
        let scale = scale.min((height - 2.0 * margin).max(1.0) / span_y);
        let out = drawn
            .into_iter()
            .map(|(p, poly)| {
                let pts: Vec<(f64, f64)> = poly
                    .ring
                    .iter()
                    .map(|&(x, y)| (margin + (x - min_x) * lat * scale, margin + (max_y - y) * scale))
                    .collect();
                let n = pts.len() as f64;
                let cx = pts.iter().map(|p| p.0).sum::<f64>() / n;
                let cy = pts.iter().map(|p| p.1).sum::<f64>() / n;
                let class = p.holder_id.and_then(|h| classes.get(&h)).map(String::as_str);
                let per_mu = p.holder_id.and_then(|h| {
                    let t = tax.get(&h)?;
                    let l = land.get(&h).copied().unwrap_or(p.area_mu);
                    (l > 0.0).then(|| t / l)
                });
                let fill = match colouring {
                    Colouring::Class => class_colour(class),
                    Colouring::TaxPerMu => tax_colour(per_mu),
                };
                let idle = p.contract_id.is_some_and(|c| idle_contracts.contains(&c));
                let low = planned.contains(&p.id);
                let mut title = format!(
                    "{} · {} · {} 亩",
                    p.certificate_no,
                    p.holder_name.as_deref().unwrap_or("未供应"),
                    number(p.area_mu, 2)
                );
                if let Some(c) = class {
                    title.push_str(&format!(" · {c} 类"));
                }
                if let Some(t) = per_mu {
                    title.push_str(&format!(" · 亩均税收 {} 万元", number(t, 2)));
                }
                if idle {
                    title.push_str(" · 闲置土地处置中");
                }
                if low {
                    title.push_str(" · 低效用地处置中");
                }
                MapParcel {
                    certificate_no: p.certificate_no.clone(),
                    holder_id: p.holder_id,
                    holder: p.holder_name.clone().unwrap_or_default(),
                    points: pts
                        .iter()
                        .map(|(x, y)| format!("{x:.1},{y:.1}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    x: cx,
                    y: cy,
                    fill,
                    title,
                    idle,
                    low,
                }
            })
            .collect();
        let legend = match colouring {
            Colouring::Class => vec![
                (class_colour(Some("A")), "A 类 优先发展"),
                (class_colour(Some("B")), "B 类 鼓励提升"),
                (class_colour(Some("C")), "C 类 倒逼转型"),
                (GREY, "未评价或未供应"),
            ],
            Colouring::TaxPerMu => vec![
                (tax_colour(Some(15.0)), "亩均税收 ≥ 15 万元"),
                (tax_colour(Some(10.0)), "10–15 万元"),
                (tax_colour(Some(5.0)), "5–10 万元"),
                (tax_colour(Some(0.0)), "< 5 万元"),
                (GREY, "无数据或未供应"),
            ],
        };
        Ok(ClusterMap {
            cluster_id,
            cluster_name: cluster.name,
            year,
            years,
            by_tax: colouring == Colouring::TaxPerMu,
            width,
            height,
            parcels: out,
            legend,
            without_polygon,
        })
    }
}
