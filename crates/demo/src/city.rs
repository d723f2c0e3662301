//! A city's own files for day one (issue 11), for any city: its enterprise registry, the classes
//! it published in the three years before, those years' figures, and this year's figures as the
//! departments report them. The registry, the classes and the earlier figures come in a layout of
//! the city's own — headers that are not ours (企业代码, 企业全称, 所属县（区）, 税收（元）…) and
//! other units (平方米, 元, 千瓦时) — so that loading them exercises the column mapping; each
//! comes with the mapping file that reads it. This year's department files use the template's
//! headers, as a department fills in the template it downloads.
//!
//! The enterprises are the Zhumadian generator's ([`crate::generate_years`]) moved to the city:
//! counties taken in turn, names and credit codes rewritten with the city's places.

use std::collections::{HashMap, HashSet};

use mujun_domain::divisions::City;
use mujun_domain::{CreditCode, Field, RegionCode, Scale, Year};

/// A cell of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
}

/// A sheet: headers and rows.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Table {
    /// Headers.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Value>>,
}

/// One file to write: its name, its table, and the mapping file that reads it (TOML), if its
/// headers are not ours.
#[derive(Clone, Debug, PartialEq)]
pub struct CityFile {
    /// File name (Chinese).
    pub name: String,
    /// Its content.
    pub table: Table,
    /// The column mapping for it (`["列对应"]`), when its layout needs one.
    pub mapping: Option<String>,
}

/// Classes of a year as the city published them: enterprise code → class letter.
pub type PublishedClasses = HashMap<String, &'static str>;

/// Everything for a city.
#[derive(Clone, Debug, PartialEq)]
pub struct CityFiles {
    /// The registry (one row per enterprise, closed ones included).
    pub registry: CityFile,
    /// Classes of the three earlier years.
    pub classes: CityFile,
    /// Figures of each earlier year.
    pub earlier: Vec<(Year, CityFile)>,
    /// This year's figures, one file per department (code, file).
    pub this_year: Vec<(&'static str, CityFile)>,
    /// The classes of each earlier year, as in the classes file (for checks).
    pub published: Vec<(Year, PublishedClasses)>,
    /// The publishing document of each earlier year.
    pub documents: Vec<(Year, String)>,
}

fn short(name: &str) -> &str {
    let trimmed = name
        .strip_suffix("自治县")
        .or_else(|| name.strip_suffix('县'))
        .or_else(|| name.strip_suffix('区'))
        .or_else(|| name.strip_suffix('市'))
        .or_else(|| name.strip_suffix('旗'))
        .unwrap_or(name);
    if trimmed.chars().count() >= 2 {
        trimmed
    } else {
        name
    }
}

fn department_name(code: &str) -> &'static str {
    match code {
        "tax" => "税务",
        "natural_resources" => "自然资源",
        "power" => "电力",
        "ecology" => "生态环境",
        "water" => "水利",
        _ => "统计",
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// The class each firm of a year got: by 亩均税收 over the year's firms with land, the top 20 %
/// A, the bottom 15 % C, the rest B (firms without land are not classed).
fn classes_of(rows: &[(String, f64, f64)]) -> PublishedClasses {
    let mut ranked: Vec<(&str, f64)> = rows
        .iter()
        .filter(|(_, land, _)| *land > 0.0)
        .map(|(code, land, tax)| (code.as_str(), tax / land))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let n = ranked.len();
    ranked
        .into_iter()
        .enumerate()
        .map(|(i, (code, _))| {
            let class = if i * 5 < n {
                "A"
            } else if i * 100 >= n * 85 {
                "C"
            } else {
                "B"
            };
            (code.to_owned(), class)
        })
        .collect()
}

/// The files of `city` with about `enterprises` firms, for this `year` and the three before.
pub fn city_files(city: &City, enterprises: usize, seed: u64, year: Year) -> CityFiles {
    let years: Vec<Year> = (0..4)
        .rev()
        .filter_map(|k| Year::new(year.value() - k).ok())
        .collect();
    let generated = crate::generate_years(enterprises, seed, &years);
    // Zhumadian's counties (in code order) onto the city's, in turn.
    let mut zhumadian: Vec<RegionCode> = Vec::new();
    for (_, rows) in &generated {
        for r in rows {
            if !zhumadian.contains(&r.region) {
                zhumadian.push(r.region);
            }
        }
    }
    zhumadian.sort();
    let county_of: HashMap<RegionCode, &mujun_domain::divisions::Division> = zhumadian
        .iter()
        .enumerate()
        .map(|(i, z)| (*z, city.counties[i % city.counties.len()]))
        .collect();
    let city_short = short(city.division.name).to_owned();
    let place_names: Vec<(String, String)> = zhumadian
        .iter()
        .filter_map(|z| {
            let to = county_of[z];
            mujun_domain::divisions::find(*z).map(|from| (from.name.to_owned(), to.name.to_owned()))
        })
        .flat_map(|(from, to)| {
            [
                (from.clone(), to.clone()),
                (short(&from).to_owned(), short(&to).to_owned()),
            ]
        })
        .chain([
            ("驻马店市".to_owned(), city.division.name.to_owned()),
            ("驻马店".to_owned(), city_short.clone()),
        ])
        .collect();
    let rename = |name: &str| -> String {
        let mut n = name.to_owned();
        for (from, to) in &place_names {
            if n.contains(from.as_str()) {
                n = n.replace(from.as_str(), to);
            }
        }
        n
    };
    // New codes: the county's division code in place of Zhumadian's; a collision drops the firm.
    let mut code_of: HashMap<String, Option<String>> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    for (_, rows) in &generated {
        for r in rows {
            code_of.entry(r.credit_code.to_string()).or_insert_with(|| {
                let old = r.credit_code.to_string();
                let county = county_of[&r.region].code.to_string();
                let text = format!("{}{}{}", &old[..2], county, &old[8..17]);
                CreditCode::with_check_char(&text)
                    .ok()
                    .map(|c| c.to_string())
                    .filter(|c| taken.insert(c.clone()))
            });
        }
    }
    let new_code = |c: &CreditCode| code_of.get(c.as_str()).cloned().flatten();

    // The registry: every firm of any year; those gone by this year closed.
    let (_, current) = generated.last().expect("four years generated");
    let current_codes: HashSet<&str> = current.iter().map(|r| r.credit_code.as_str()).collect();
    let mut seen = HashSet::new();
    let mut registry = Table {
        headers: [
            "序号",
            "企业代码",
            "企业全称",
            "所属县（区）",
            "所在园区",
            "行业代码",
            "企业规模",
            "投产时间",
            "经营状态",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: Vec::new(),
    };
    for (_, rows) in generated.iter().rev() {
        for r in rows {
            let Some(code) = new_code(&r.credit_code) else {
                continue;
            };
            if !seen.insert(code.clone()) {
                continue;
            }
            let county = county_of[&r.region];
            registry.rows.push(vec![
                Value::Number((registry.rows.len() + 1) as f64),
                text(code),
                text(rename(&r.name)),
                text(county.name),
                text(
                    r.cluster
                        .as_ref()
                        .map_or_else(String::new, |_| format!("{}产业集聚区", short(county.name))),
                ),
                text(r.industry.to_string()),
                text(if r.scale == Scale::Above {
                    "规上"
                } else {
                    "规下"
                }),
                text(r.production_start.map_or_else(String::new, |d| d.to_string())),
                text(if current_codes.contains(r.credit_code.as_str()) {
                    "正常"
                } else {
                    "注销"
                }),
            ]);
        }
    }

    // Earlier years: their figures in the city's layout, and the classes it published.
    let earlier_headers = [
        "企业代码",
        "企业名称",
        "用地面积（平方米）",
        "税收（元）",
        "营业收入（万元）",
        "利润总额（万元）",
        "工业总产值（万元）",
        "工业增加值（万元）",
        "综合能耗（吨标准煤）",
        "用电量（千瓦时）",
        "排放当量",
        "研发投入（万元）",
        "从业人员",
        "用水量（立方米）",
    ];
    let earlier_fields = [
        Field::LandAreaMu,
        Field::TaxPaid,
        Field::MainRevenue,
        Field::ProfitTotal,
        Field::GrossOutput,
        Field::ValueAdded,
        Field::EnergyTce,
        Field::ElectricityKwh,
        Field::PollutionEq,
        Field::RdExpense,
        Field::Employees,
        Field::WaterM3,
    ];
    let mut earlier = Vec::new();
    let mut published = Vec::new();
    let mut documents = Vec::new();
    let mut classes = Table {
        headers: ["评价年份", "企业代码", "企业名称", "评价结果", "发文文号"]
            .map(str::to_owned)
            .to_vec(),
        rows: Vec::new(),
    };
    for (y, rows) in &generated[..generated.len() - 1] {
        let mut table = Table {
            headers: earlier_headers.map(str::to_owned).to_vec(),
            rows: Vec::new(),
        };
        let mut for_classes = Vec::new();
        for r in rows {
            let Some(code) = new_code(&r.credit_code) else {
                continue;
            };
            let mut row = vec![text(code.clone()), text(rename(&r.name))];
            for f in earlier_fields {
                row.push(match r.figure(f) {
                    None => text(""),
                    Some(v) => Value::Number(match f {
                        Field::LandAreaMu => round(v * 2000.0 / 3.0, 2),
                        Field::TaxPaid => round(v * 10_000.0, 2),
                        Field::ElectricityKwh => round(v * 10_000.0, 0),
                        _ => v,
                    }),
                });
            }
            table.rows.push(row);
            if let (Some(land), Some(tax)) = (r.figure(Field::LandAreaMu), r.figure(Field::TaxPaid)) {
                for_classes.push((code, land, tax));
            }
        }
        let document = format!("{city_short}政办〔{}〕{}号", y.value() + 1, 3 + y.value() % 7);
        let year_classes = classes_of(&for_classes);
        let names: HashMap<String, String> = rows
            .iter()
            .filter_map(|r| new_code(&r.credit_code).map(|c| (c, rename(&r.name))))
            .collect();
        let mut ordered: Vec<(&String, &&str)> = year_classes.iter().collect();
        ordered.sort();
        for (code, class) in ordered {
            classes.rows.push(vec![
                Value::Number(f64::from(y.value())),
                text(code.clone()),
                text(names.get(code).cloned().unwrap_or_default()),
                text(format!("{class}类")),
                text(document.clone()),
            ]);
        }
        published.push((*y, year_classes));
        documents.push((*y, document));
        earlier.push((
            *y,
            CityFile {
                name: format!("{}年度企业数据.xlsx", y.value()),
                table,
                mapping: Some(mapping_toml(&[
                    ("企业代码", "统一社会信用代码"),
                    ("企业名称", ""),
                    ("税收（元）", "实缴税收（元）"),
                    ("营业收入（万元）", "主营业务收入（万元）"),
                    ("排放当量", "主要污染物排放当量"),
                    ("研发投入（万元）", "研发经费投入（万元）"),
                    ("从业人员", "年平均职工人数"),
                ])),
            },
        ));
    }

    // This year: one file per department in the template's headers.
    let mut by_department: Vec<(&'static str, Vec<Field>)> = Vec::new();
    for f in Field::ALL {
        let d = f.owner_department();
        match by_department.iter_mut().find(|(c, _)| *c == d) {
            Some((_, v)) => v.push(f),
            None => by_department.push((d, vec![f])),
        }
    }
    let mut this_year = Vec::new();
    for (dept, fields) in by_department {
        let mut headers = vec!["统一社会信用代码".to_owned(), "企业名称".to_owned()];
        if dept == "statistics" {
            headers.push("规模".to_owned());
        }
        headers.extend(fields.iter().map(|f| format!("{}（{}）", f.label(), f.unit())));
        let mut table = Table {
            headers,
            rows: Vec::new(),
        };
        for r in current {
            let Some(code) = new_code(&r.credit_code) else {
                continue;
            };
            let mut row = vec![text(code), text(rename(&r.name))];
            if dept == "statistics" {
                row.push(text(if r.scale == Scale::Above {
                    "规上"
                } else {
                    "规下"
                }));
            }
            row.extend(
                fields
                    .iter()
                    .map(|f| r.figure(*f).map_or_else(|| text(""), Value::Number)),
            );
            table.rows.push(row);
        }
        this_year.push((
            dept,
            CityFile {
                name: format!("{}年度-{}数据.xlsx", year.value(), department_name(dept)),
                table,
                mapping: None,
            },
        ));
    }

    CityFiles {
        registry: CityFile {
            name: "企业名录.xlsx".into(),
            table: registry,
            mapping: Some(mapping_toml(&[
                ("序号", ""),
                ("企业代码", "统一社会信用代码"),
                ("企业全称", "企业名称"),
                ("所属县（区）", "县区"),
                ("所在园区", "产业集聚区"),
            ])),
        },
        classes: CityFile {
            name: "历年评价类别.xlsx".into(),
            table: classes,
            mapping: Some(mapping_toml(&[
                ("评价年份", "年度"),
                ("企业代码", "统一社会信用代码"),
                ("企业名称", ""),
                ("评价结果", "评价类别"),
                ("发文文号", "发布文件"),
            ])),
        },
        earlier,
        this_year,
        published,
        documents,
    }
}

/// A mapping file (`["列对应"]`) for the pairs given.
fn mapping_toml(pairs: &[(&str, &str)]) -> String {
    let mut out = String::from(
        "# 列对应：左边是文件中的列名，右边是系统的列名；右边为空表示忽略该列。\n[\"列对应\"]\n",
    );
    for (h, t) in pairs {
        out.push_str(&format!("\"{h}\" = \"{t}\"\n"));
    }
    out
}

/// Writes a table as an xlsx workbook (one sheet).
pub fn write_table_xlsx(table: &Table, path: &std::path::Path) -> Result<(), rust_xlsxwriter::XlsxError> {
    let bytes = table_xlsx(table)?;
    std::fs::write(path, bytes).map_err(rust_xlsxwriter::XlsxError::IoError)
}

/// A table as the bytes of an xlsx workbook (one sheet).
pub fn table_xlsx(table: &Table) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name("Sheet1")?;
    for (c, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, v) in row.iter().enumerate() {
            match v {
                Value::Text(t) if t.is_empty() => {}
                Value::Text(t) => {
                    sheet.write_string(r, c as u16, t)?;
                }
                Value::Number(n) => {
                    sheet.write_number(r, c as u16, *n)?;
                }
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nanyang() -> City {
        mujun_domain::divisions::city(RegionCode::parse("411300").unwrap()).unwrap()
    }

    #[test]
    fn the_files_are_the_citys_own() {
        let files = city_files(&nanyang(), 300, 7, Year::new(2024).unwrap());
        let counties: Vec<&str> = nanyang().counties.iter().map(|d| d.name).collect();
        let reg = &files.registry.table;
        assert!(
            reg.rows.len() >= 300,
            "every firm of any year: {}",
            reg.rows.len()
        );
        for row in &reg.rows {
            let Value::Text(code) = &row[1] else { panic!() };
            assert!(CreditCode::parse(code).is_ok(), "{code}");
            assert_eq!(&code[2..4], "41", "{code}");
            assert_eq!(&code[4..6], "13", "a Nanyang division code: {code}");
            let Value::Text(county) = &row[3] else { panic!() };
            assert!(counties.contains(&county.as_str()), "{county}");
            let Value::Text(name) = &row[2] else { panic!() };
            assert!(!name.contains("驻马店"), "{name}");
        }
        let codes: HashSet<String> = reg.rows.iter().map(|r| format!("{:?}", r[1])).collect();
        assert_eq!(codes.len(), reg.rows.len(), "distinct codes");
        assert!(
            reg.rows.iter().any(|r| r[8] == text("注销")),
            "firms that left are closed"
        );
        assert_eq!(files.earlier.len(), 3);
        assert_eq!(files.published.len(), 3);
        assert_eq!(
            files.earlier.iter().map(|(y, _)| y.value()).collect::<Vec<_>>(),
            [2021, 2022, 2023]
        );
        // Some firms stayed in C for all three years (the surcharge then escalates).
        let c_every_year = files.published[0]
            .1
            .iter()
            .filter(|(code, class)| {
                **class == "C"
                    && files.published[1..]
                        .iter()
                        .all(|(_, p)| p.get(*code) == Some(&"C"))
            })
            .count();
        assert!(c_every_year > 0);
        assert_eq!(files.this_year.len(), 6, "six departments supply figures");
        assert!(
            files
                .registry
                .mapping
                .as_ref()
                .unwrap()
                .contains("\"企业代码\" = \"统一社会信用代码\"")
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_files() {
        let a = city_files(&nanyang(), 50, 3, Year::new(2024).unwrap());
        let b = city_files(&nanyang(), 50, 3, Year::new(2024).unwrap());
        assert_eq!(a, b);
    }
}
