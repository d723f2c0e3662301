//! A run's inputs: taken once from the collected figures (with land derived from the land
//! records where they exist), stored unchanged with the run, and turned into the engine's input
//! the same way every time — so a stored run, its exported snapshot and `mujun evaluate` on
//! that snapshot all give the same result and the same input hash.

use std::collections::HashMap;

use mujun_domain::{CreditCode, Date, Field, IndustryCode, RegionCode, Scale, Year};
use mujun_engine::{EnterpriseInput, EvaluationInput, Figures, ItemSet};
use mujun_store::runs::RunInput;
use mujun_store::{Store, enterprises, figures, land};

use crate::AppError;
use crate::collection::land::derive;

/// Reads the inputs of year `year` for run `run_id`: every enterprise not closed, its scale,
/// its current figures, its bonus and veto items, and its land derived from the land records
/// when it has any — all in one read transaction that sees a single state of the database
/// (REPEATABLE READ on PostgreSQL), so an import committing meanwhile is either wholly in the
/// snapshot or wholly out of it.
pub(crate) async fn take(store: &Store, run_id: i64, year: i64) -> Result<Vec<RunInput>, AppError> {
    // The big reads through the backend's own driver, the land records through `Any`: two
    // transactions on one and the same state of the database.
    let mut tx = store.evaluation_snapshot().await?;
    let roster = enterprises::collection_roster(tx.typed(), year).await?;
    // One row per enterprise: the twelve figures, then the scale (1 规上, 0 规下).
    let ids: Vec<&str> = Field::ALL.iter().map(|f| f.id()).chain(["scale"]).collect();
    let table = figures::year_table(tx.typed(), year, &ids).await?;
    let item_rows = enterprises::items_for_year(tx.typed(), year).await?;
    let mut derived: HashMap<i64, (f64, String)> = HashMap::new();
    for id in land::enterprises_with_records(tx.any()).await? {
        if let Some(d) = derive(tx.any(), id, year).await? {
            derived.insert(id, (d.total_mu, d.explain()));
        }
    }
    tx.finish().await?;
    let mut values: HashMap<i64, [Option<f64>; Field::COUNT]> = HashMap::with_capacity(roster.len());
    let mut scale_figure: HashMap<i64, f64> = HashMap::new();
    for (e, row) in table {
        let mut v = [None; Field::COUNT];
        v.copy_from_slice(&row[..Field::COUNT]);
        values.insert(e, v);
        if let Some(s) = row[Field::COUNT] {
            scale_figure.insert(e, s);
        }
    }
    let mut items: HashMap<i64, (Vec<String>, Vec<String>)> = HashMap::new();
    for (e, kind, item) in item_rows {
        let entry = items.entry(e).or_default();
        if kind == "veto" {
            entry.1.push(item);
        } else {
            entry.0.push(item);
        }
    }
    let mut rows = Vec::with_capacity(roster.len());
    for r in roster {
        let scale = match (r.scale.as_deref(), scale_figure.get(&r.id)) {
            (Some(s), _) => s.to_owned(),
            (None, Some(v)) => if *v >= 0.5 { "above" } else { "below" }.to_owned(),
            (None, None) => {
                return Err(AppError::invalid(
                    "scale",
                    format!(
                        "企业 {}（{}）缺少 {year} 年度规模（规上/规下），请先补报",
                        r.name, r.credit_code
                    ),
                ));
            }
        };
        let v = values.get(&r.id).copied().unwrap_or([None; Field::COUNT]);
        let (land_area_mu, land_derivation) = match derived.remove(&r.id) {
            Some((total, text)) => (Some(total), text),
            None => (v[Field::LandAreaMu.index()], String::new()),
        };
        let (bonus, veto) = items.remove(&r.id).unwrap_or_default();
        let f = |field: Field| v[field.index()];
        rows.push(RunInput {
            run_id,
            enterprise_id: r.id,
            credit_code: r.credit_code,
            name: r.name,
            region_code: r.region_code,
            cluster: r.cluster_name,
            cluster_id: r.cluster_id,
            industry_code: r.industry_code,
            scale,
            production_start: r.production_start,
            land_area_mu,
            tax_paid: f(Field::TaxPaid),
            profit_total: f(Field::ProfitTotal),
            main_revenue: f(Field::MainRevenue),
            rd_expense: f(Field::RdExpense),
            gross_output: f(Field::GrossOutput),
            energy_tce: f(Field::EnergyTce),
            electricity_kwh: f(Field::ElectricityKwh),
            pollution_eq: f(Field::PollutionEq),
            employees: f(Field::Employees),
            value_added: f(Field::ValueAdded),
            water_m3: f(Field::WaterM3),
            land_derivation,
            bonus: bonus.join(";"),
            veto: veto.join(";"),
        });
    }
    Ok(rows)
}

/// A stored input's figure.
pub fn figure(r: &RunInput, field: Field) -> Option<f64> {
    match field {
        Field::LandAreaMu => r.land_area_mu,
        Field::TaxPaid => r.tax_paid,
        Field::ProfitTotal => r.profit_total,
        Field::MainRevenue => r.main_revenue,
        Field::RdExpense => r.rd_expense,
        Field::GrossOutput => r.gross_output,
        Field::EnergyTce => r.energy_tce,
        Field::ElectricityKwh => r.electricity_kwh,
        Field::PollutionEq => r.pollution_eq,
        Field::Employees => r.employees,
        Field::ValueAdded => r.value_added,
        Field::WaterM3 => r.water_m3,
    }
}

/// The engine's manual adjustments for stored ones (by the rows' credit codes); an adjustment
/// of an enterprise not in `rows` (another pool) is left out.
pub fn adjustments(
    rows: &[RunInput],
    stored: &[mujun_store::runs::RunAdjustment],
) -> Vec<mujun_engine::Adjustment> {
    if stored.is_empty() {
        return Vec::new();
    }
    let codes: HashMap<i64, &str> = rows
        .iter()
        .map(|r| (r.enterprise_id, r.credit_code.as_str()))
        .collect();
    stored
        .iter()
        .filter_map(|a| {
            let code = codes.get(&a.enterprise_id)?;
            Some(mujun_engine::Adjustment {
                credit_code: CreditCode::parse_lenient(code).ok()?.0,
                class: a.class.clone(),
                reason: a.reason.clone(),
            })
        })
        .collect()
}

fn bad(r: &RunInput, what: &str, value: &str) -> AppError {
    AppError::invalid(
        "snapshot",
        format!("企业 {}（{}）的{what}“{value}”无效", r.name, r.credit_code),
    )
}

/// The engine's input for stored rows (kept in the given order).
pub fn to_engine(year: i64, rows: &[RunInput]) -> Result<EvaluationInput, AppError> {
    let year = u16::try_from(year)
        .ok()
        .and_then(|y| Year::new(y).ok())
        .ok_or_else(|| AppError::invalid("year", format!("年度“{year}”无效")))?;
    let mut input = EvaluationInput::new(year);
    input.enterprises.reserve(rows.len());
    for r in rows {
        // Registered codes were accepted (a wrong check character only with an explicit
        // override), so the lenient parse is the right one here.
        let (credit_code, _) = CreditCode::parse_lenient(&r.credit_code)
            .map_err(|_| bad(r, "统一社会信用代码", &r.credit_code))?;
        let region = RegionCode::parse(&r.region_code).map_err(|_| bad(r, "县区代码", &r.region_code))?;
        let industry =
            IndustryCode::parse(&r.industry_code).map_err(|_| bad(r, "行业代码", &r.industry_code))?;
        let scale = Scale::parse(&r.scale).map_err(|_| bad(r, "规模", &r.scale))?;
        let production_start = match r.production_start.as_deref().filter(|s| !s.is_empty()) {
            Some(d) => Some(Date::parse(d).map_err(|_| bad(r, "投产日期", d))?),
            None => None,
        };
        let cluster = r.cluster.as_deref().map(|c| input.intern_cluster(c));
        let mut figures = Figures::empty();
        for field in Field::ALL {
            figures.set(field, figure(r, field));
        }
        let mut items = |list: &str| {
            let mut set = ItemSet::default();
            for id in list.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                if let Some(i) = input.intern_item(id) {
                    set.insert(i);
                }
            }
            set
        };
        let bonus = items(&r.bonus);
        let veto = items(&r.veto);
        input.enterprises.push(EnterpriseInput {
            credit_code,
            region,
            cluster,
            industry,
            scale,
            production_start,
            figures,
            bonus,
            veto,
        });
    }
    Ok(input)
}

/// The snapshot as a CSV file in the format `mujun evaluate` reads (field ids as headers,
/// engine units), so that anyone can reproduce the run from it and the method file.
pub fn to_csv(rows: &[RunInput]) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "credit_code",
        "name",
        "region_code",
        "cluster",
        "industry_code",
        "scale",
        "production_start",
    ];
    header.extend(Field::ALL.map(Field::id));
    header.extend(["bonus", "veto"]);
    let io = |e: csv::Error| AppError::invalid("export", format!("生成 CSV 失败：{e}"));
    w.write_record(&header).map_err(io)?;
    for r in rows {
        // Names and lists are text someone typed: a spreadsheet must not run them as formulas.
        let text = |s: &str| mujun_batch::neutralise_formula(s).into_owned();
        let mut rec: Vec<String> = vec![
            text(&r.credit_code),
            text(&r.name),
            text(&r.region_code),
            text(r.cluster.as_deref().unwrap_or_default()),
            text(&r.industry_code),
            text(&r.scale),
            text(r.production_start.as_deref().unwrap_or_default()),
        ];
        // `{}` prints the shortest text that reads back as the same f64.
        rec.extend(Field::ALL.map(|f| figure(r, f).map(|v| v.to_string()).unwrap_or_default()));
        rec.push(text(&r.bonus));
        rec.push(text(&r.veto));
        w.write_record(&rec).map_err(io)?;
    }
    w.into_inner()
        .map_err(|e| AppError::invalid("export", format!("生成 CSV 失败：{e}")))
}
