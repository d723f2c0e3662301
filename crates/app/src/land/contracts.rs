//! Registering contracts: one at a time from the form, or many at once from a workbook or the
//! API — all or nothing, every problem named by row, column and value. A new parcel is created
//! for a contract unless a parcel of that number without a contract exists.

use std::collections::HashMap;

use mujun_domain::{CreditCode, Date};
use mujun_land::geometry;
use mujun_store::land_projects::{self, NewContract};
use mujun_store::{StoreError, Tx, enterprises, land};
use serde_json::json;

use crate::audit::{Who, write};
use crate::evaluation::format::number;
use crate::{Actor, App, AppError, FieldError};

/// A contract as typed in the form, a workbook row or the API (all text).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ContractForm {
    /// 宗地编号 / 不动产权证号.
    pub certificate_no: String,
    /// 宗地面积（亩）.
    pub area_mu: String,
    /// 坐落.
    pub location: String,
    /// 用途.
    pub land_use: String,
    /// 宗地范围 (GeoJSON Polygon), optional.
    pub polygon: String,
    /// 受让人（统一社会信用代码）.
    pub credit_code: String,
    /// 合同编号.
    pub contract_no: String,
    /// 项目名称.
    pub project_name: String,
    /// 供地方式: 出让 / 划拨 (or `transfer` / `allocation`).
    pub supply_mode: String,
    /// 出让（划拨）价款（万元）.
    pub price_wan: String,
    /// 签订日期.
    pub signed_on: String,
    /// 约定动工日期.
    pub agreed_start: String,
    /// 约定竣工日期.
    pub agreed_completion: String,
    /// 约定达产日期.
    pub agreed_full_production: String,
    /// 应动工开发建筑面积（平方米）.
    pub area_due_m2: String,
    /// 约定总投资（万元，不含地价）.
    pub investment_total: String,
    /// 标准地: `是` / `1` / `true`.
    pub standard_land: String,
    /// 投资强度（万元/亩）.
    pub std_investment_per_mu: String,
    /// 容积率.
    pub std_plot_ratio: String,
    /// 亩均税收（万元/亩）.
    pub std_tax_per_mu: String,
    /// 单位能耗增加值（万元/吨标准煤）.
    pub std_value_added_per_tce: String,
    /// 单位排放增加值（万元/污染当量）.
    pub std_value_added_per_pollution: String,
    /// 研发投入强度（%）.
    pub std_rd_share_pct: String,
}

/// The columns of the contract workbook and form: (field, Chinese header).
pub const CONTRACT_COLUMNS: [(&str, &str); 23] = [
    ("certificate_no", "宗地编号"),
    ("area_mu", "宗地面积（亩）"),
    ("location", "坐落"),
    ("land_use", "土地用途"),
    ("polygon", "宗地范围（GeoJSON）"),
    ("credit_code", "受让人统一社会信用代码"),
    ("contract_no", "合同编号"),
    ("project_name", "项目名称"),
    ("supply_mode", "供地方式"),
    ("price_wan", "出让（划拨）价款（万元）"),
    ("signed_on", "签订日期"),
    ("agreed_start", "约定动工日期"),
    ("agreed_completion", "约定竣工日期"),
    ("agreed_full_production", "约定达产日期"),
    ("area_due_m2", "应动工开发建筑面积（平方米）"),
    ("investment_total", "约定总投资（万元，不含地价）"),
    ("standard_land", "是否标准地"),
    ("std_investment_per_mu", "约定投资强度（万元/亩）"),
    ("std_plot_ratio", "约定容积率"),
    ("std_tax_per_mu", "约定亩均税收（万元/亩）"),
    ("std_value_added_per_tce", "约定单位能耗增加值（万元/吨标准煤）"),
    (
        "std_value_added_per_pollution",
        "约定单位排放增加值（万元/污染当量）",
    ),
    ("std_rd_share_pct", "约定研发投入强度（%）"),
];

impl ContractForm {
    /// Sets a field by its id (workbook columns); unknown ids are ignored.
    pub fn set(&mut self, field: &str, value: String) {
        let slot = match field {
            "certificate_no" => &mut self.certificate_no,
            "area_mu" => &mut self.area_mu,
            "location" => &mut self.location,
            "land_use" => &mut self.land_use,
            "polygon" => &mut self.polygon,
            "credit_code" => &mut self.credit_code,
            "contract_no" => &mut self.contract_no,
            "project_name" => &mut self.project_name,
            "supply_mode" => &mut self.supply_mode,
            "price_wan" => &mut self.price_wan,
            "signed_on" => &mut self.signed_on,
            "agreed_start" => &mut self.agreed_start,
            "agreed_completion" => &mut self.agreed_completion,
            "agreed_full_production" => &mut self.agreed_full_production,
            "area_due_m2" => &mut self.area_due_m2,
            "investment_total" => &mut self.investment_total,
            "standard_land" => &mut self.standard_land,
            "std_investment_per_mu" => &mut self.std_investment_per_mu,
            "std_plot_ratio" => &mut self.std_plot_ratio,
            "std_tax_per_mu" => &mut self.std_tax_per_mu,
            "std_value_added_per_tce" => &mut self.std_value_added_per_tce,
            "std_value_added_per_pollution" => &mut self.std_value_added_per_pollution,
            "std_rd_share_pct" => &mut self.std_rd_share_pct,
            _ => return,
        };
        *slot = value;
    }
}

/// A supply mode in words.
pub fn supply_mode_label(mode: &str) -> &'static str {
    match mode {
        "allocation" => "划拨",
        _ => "出让",
    }
}

fn header(field: &str) -> &'static str {
    CONTRACT_COLUMNS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or("", |(_, h)| *h)
}

/// A contract checked and ready to store (the holder still to be resolved).
struct Parsed {
    certificate_no: String,
    area_mu: f64,
    location: String,
    land_use: String,
    polygon: Option<String>,
    credit_code: CreditCode,
    contract: NewContract,
}

/// Parses a form; problems are prefixed with `at` (e.g. `第 3 行`).
fn parse(form: &ContractForm, at: &str, tolerance: u32, problems: &mut Vec<FieldError>) -> Option<Parsed> {
    let before = problems.len();
    let mut bad = |field: &'static str, value: &str, why: &str| {
        problems.push(FieldError {
            field,
            message: format!("{at}“{}”列的值“{value}”{why}", header(field)),
        });
    };
    let text = |v: &str| v.trim().to_owned();
    let required = |field: &'static str, v: &str, bad: &mut dyn FnMut(&'static str, &str, &str)| {
        if v.trim().is_empty() {
            bad(field, "", "不能为空");
        }
        v.trim().to_owned()
    };
    let positive = |field: &'static str, v: &str, bad: &mut dyn FnMut(&'static str, &str, &str)| -> f64 {
        match mujun_domain::number::parse_number(v) {
            Ok(Some(x)) if x.is_finite() && x > 0.0 => x,
            _ => {
                bad(field, v.trim(), "应为大于 0 的数字");
                0.0
            }
        }
    };
    let optional =
        |field: &'static str, v: &str, bad: &mut dyn FnMut(&'static str, &str, &str)| -> Option<f64> {
            match mujun_domain::number::parse_number(v) {
                Ok(None) => None,
                Ok(Some(x)) if x.is_finite() && x > 0.0 => Some(x),
                _ => {
                    bad(field, v.trim(), "应为大于 0 的数字或留空");
                    None
                }
            }
        };
    let day = |field: &'static str, v: &str, bad: &mut dyn FnMut(&'static str, &str, &str)| -> Option<Date> {
        match Date::parse(v.trim()) {
            Ok(d) => Some(d),
            Err(_) => {
                bad(field, v.trim(), "不是有效日期（应为 YYYY-MM-DD）");
                None
            }
        }
    };
    let certificate_no = required("certificate_no", &form.certificate_no, &mut bad);
    let area_mu = positive("area_mu", &form.area_mu, &mut bad);
    let contract_no = required("contract_no", &form.contract_no, &mut bad);
    let project_name = required("project_name", &form.project_name, &mut bad);
    let credit_code = match CreditCode::parse_lenient(&form.credit_code) {
        Ok((c, _)) => Some(c),
        Err(e) => {
            bad("credit_code", form.credit_code.trim(), &format!("无效：{e}"));
            None
        }
    };
    let supply_mode = match form.supply_mode.trim() {
        "出让" | "transfer" | "" => "transfer",
        "划拨" | "allocation" => "allocation",
        other => {
            bad("supply_mode", other, "应为“出让”或“划拨”");
            "transfer"
        }
    };
    let price_wan = positive("price_wan", &form.price_wan, &mut bad);
    let signed = day("signed_on", &form.signed_on, &mut bad);
    let start = day("agreed_start", &form.agreed_start, &mut bad);
    let completion = day("agreed_completion", &form.agreed_completion, &mut bad);
    let full = day("agreed_full_production", &form.agreed_full_production, &mut bad);
    if let (Some(s), Some(c), Some(f)) = (start, completion, full) {
        if c < s {
            bad("agreed_completion", &c.to_string(), "早于约定动工日期");
        }
        if f < c {
            bad("agreed_full_production", &f.to_string(), "早于约定竣工日期");
        }
    }
    if let (Some(g), Some(s)) = (signed, start)
        && s < g
    {
        bad("agreed_start", &s.to_string(), "早于合同签订日期");
    }
    let area_due_m2 = positive("area_due_m2", &form.area_due_m2, &mut bad);
    let investment_total = positive("investment_total", &form.investment_total, &mut bad);
    let standard_land = matches!(form.standard_land.trim(), "是" | "1" | "true" | "on" | "标准地");
    let standards = [
        optional("std_investment_per_mu", &form.std_investment_per_mu, &mut bad),
        optional("std_plot_ratio", &form.std_plot_ratio, &mut bad),
        optional("std_tax_per_mu", &form.std_tax_per_mu, &mut bad),
        optional("std_value_added_per_tce", &form.std_value_added_per_tce, &mut bad),
        optional(
            "std_value_added_per_pollution",
            &form.std_value_added_per_pollution,
            &mut bad,
        ),
        optional("std_rd_share_pct", &form.std_rd_share_pct, &mut bad),
    ];
    if standard_land && standards.iter().all(Option::is_none) {
        bad(
            "standard_land",
            form.standard_land.trim(),
            "：标准地至少应约定一项控制指标",
        );
    }
    let polygon = text(&form.polygon);
    let polygon = if polygon.is_empty() {
        None
    } else {
        match geometry::parse(&polygon) {
            Ok((_, m2)) => {
                let (drawn, off) = geometry::check_area(area_mu, m2, tolerance);
                if off && area_mu > 0.0 {
                    bad(
                        "polygon",
                        "（范围）",
                        &format!(
                            "计算面积 {} 亩，与宗地面积 {} 亩相差超过 {}%",
                            number(drawn, 2),
                            number(area_mu, 2),
                            f64::from(tolerance) / 10.0
                        ),
                    );
                }
                Some(polygon)
            }
            Err(e) => {
                bad("polygon", "（范围）", &format!("无效：{e}"));
                None
            }
        }
    };
    if problems.len() > before {
        return None;
    }
    // Every date and the code parsed (no problem was added), so these hold values.
    let (Some(credit_code), Some(signed), Some(start), Some(completion), Some(full)) =
        (credit_code, signed, start, completion, full)
    else {
        return None;
    };
    Some(Parsed {
        certificate_no,
        area_mu,
        location: text(&form.location),
        land_use: if form.land_use.trim().is_empty() {
            "工业用地".to_owned()
        } else {
            text(&form.land_use)
        },
        polygon,
        credit_code,
        contract: NewContract {
            parcel_id: 0,
            enterprise_id: 0,
            contract_no,
            project_name,
            supply_mode: supply_mode.to_owned(),
            price_fen: (price_wan * 1_000_000.0).round() as i64,
            dates: [
                signed.to_string(),
                start.to_string(),
                completion.to_string(),
                full.to_string(),
            ],
            area_due_m2,
            investment_total,
            standard_land,
            standards,
        },
    })
}

impl App {
    /// Registers a parcel's contract (the parcel is created, or an existing parcel of that
    /// number without a contract is used).
    pub async fn register_contract(&self, actor: &Actor, form: &ContractForm) -> Result<i64, AppError> {
        let ids = self
            .import_contracts(actor, std::slice::from_ref(form), "")
            .await?;
        ids.into_iter().next().ok_or(AppError::NotFound("合同"))
    }

    /// Registers many contracts at once, all or nothing; every problem names its row (counted
    /// from 2 when `file` names a workbook, whose row 1 is the header).
    pub async fn import_contracts(
        &self,
        actor: &Actor,
        forms: &[ContractForm],
        file: &str,
    ) -> Result<Vec<i64>, AppError> {
        let rights = self.land_rights(actor).await?;
        if !rights.edits_records {
            return Err(self
                .deny(
                    actor,
                    "land.contract",
                    ("land_contract", ""),
                    "仅自然资源和规划部门或市级评价管理员可以登记供地合同",
                )
                .await);
        }
        let mut problems = Vec::new();
        let at = |i: usize| {
            if file.is_empty() && forms.len() == 1 {
                String::new()
            } else if file.is_empty() {
                format!("第 {} 条：", i + 1)
            } else {
                format!("文件“{file}”第 {} 行：", i + 2)
            }
        };
        let parsed: Vec<Option<Parsed>> = forms
            .iter()
            .enumerate()
            .map(|(i, f)| parse(f, &at(i), self.land.polygon_tolerance_permille, &mut problems))
            .collect();
        let mut seen = HashMap::new();
        for (i, p) in parsed.iter().enumerate() {
            if let Some(p) = p
                && let Some(first) = seen.insert(p.contract.contract_no.clone(), i)
            {
                problems.push(FieldError {
                    field: "contract_no",
                    message: format!(
                        "{}合同编号“{}”与{}重复",
                        at(i),
                        p.contract.contract_no,
                        at(first).trim_end_matches('：')
                    ),
                });
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let mut tx = self.store.begin().await?;
        let mut ids = Vec::new();
        for (i, p) in parsed.into_iter().flatten().enumerate() {
            let id = self.store_contract(&mut tx, actor, p, &at(i)).await?;
            ids.push(id);
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "land.contract",
            (
                "land_contract",
                &ids.first().map(ToString::to_string).unwrap_or_default(),
            ),
            json!({"rows": ids.len(), "file_name": file}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ids)
    }

    async fn store_contract(&self, tx: &mut Tx, actor: &Actor, p: Parsed, at: &str) -> Result<i64, AppError> {
        let holder = enterprises::get_by_code(tx, p.credit_code.as_str())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "credit_code",
                    format!("{at}名录中没有统一社会信用代码为“{}”的企业", p.credit_code),
                )
            })?;
        let parcel_id = match land::parcel_by_certificate(tx, &p.certificate_no).await? {
            Some(id) => {
                let taken = land_projects::contract_of_parcel(tx, id).await?.is_some();
                if taken {
                    return Err(AppError::invalid(
                        "certificate_no",
                        format!("{at}宗地“{}”已登记供地合同", p.certificate_no),
                    ));
                }
                id
            }
            None => {
                let id = land::insert_parcel(
                    tx,
                    &p.certificate_no,
                    p.area_mu,
                    Some(&p.contract.dates[0]),
                    &p.land_use,
                    &p.location,
                )
                .await?;
                land::set_shares(tx, id, &[(holder.id, p.area_mu)]).await?;
                id
            }
        };
        land_projects::set_place(
            tx,
            parcel_id,
            Some(&holder.region_code),
            holder.cluster_id,
            p.polygon.as_deref(),
        )
        .await?;
        let contract = NewContract {
            parcel_id,
            enterprise_id: holder.id,
            ..p.contract
        };
        let id = land_projects::insert_contract(tx, &contract, Some(actor.user_id))
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => AppError::invalid(
                    "contract_no",
                    format!("{at}合同编号“{}”已存在", contract.contract_no),
                ),
                other => other.into(),
            })?;
        Ok(id)
    }
}

/// The column of a header cell: its Chinese header, or the field id (API-minded users).
fn column_of(header: &str) -> Option<&'static str> {
    let h = header.trim();
    CONTRACT_COLUMNS
        .iter()
        .find(|(f, c)| *c == h || *f == h)
        .map(|(f, _)| *f)
}

impl App {
    /// Registers the contracts of a workbook (first sheet, header in row 1, one contract a row),
    /// all or nothing; every problem names the file, row, column and value.
    pub async fn import_contracts_file(
        &self,
        actor: &Actor,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Vec<i64>, AppError> {
        let rights = self.land_rights(actor).await?;
        if !rights.edits_records {
            return Err(self
                .deny(
                    actor,
                    "land.contract",
                    ("land_contract", ""),
                    "仅自然资源和规划部门或市级评价管理员可以导入供地合同",
                )
                .await);
        }
        let bad = |why: String| AppError::invalid("file", format!("文件“{file_name}”{why}"));
        let mut book = mujun_sheet::Workbook::open(file_name, bytes, mujun_sheet::Limits::default())
            .map_err(|e| AppError::invalid("file", e.to_string()))?;
        let sheet = book
            .sheet_names()
            .into_iter()
            .next()
            .ok_or_else(|| bad("没有工作表".to_owned()))?;
        let mut columns: Vec<Option<&'static str>> = Vec::new();
        let mut forms = Vec::new();
        let mut unknown = Vec::new();
        book.rows(&sheet, |r, cells| {
            if r == 0 {
                columns = cells.iter().map(|c| column_of(&c.text())).collect();
                unknown = cells
                    .iter()
                    .enumerate()
                    .filter(|(i, c)| columns[*i].is_none() && !c.text().trim().is_empty())
                    .map(|(i, c)| format!("{}列“{}”", mujun_sheet::column_name(i), c.text()))
                    .collect();
                return true;
            }
            let mut form = ContractForm::default();
            for (i, cell) in cells.iter().enumerate() {
                if let Some(Some(field)) = columns.get(i) {
                    form.set(field, cell.text());
                }
            }
            forms.push(form);
            true
        })
        .map_err(|e| AppError::invalid("file", e.to_string()))?;
        if !unknown.is_empty() {
            return Err(bad(format!(
                "第 1 行有无法识别的列：{}；请使用合同导入模板的列名",
                unknown.join("、")
            )));
        }
        for required in ["certificate_no", "credit_code", "contract_no"] {
            if !columns.contains(&Some(required)) {
                return Err(bad(format!("缺少“{}”列；请使用合同导入模板", header(required))));
            }
        }
        if forms.is_empty() {
            return Err(bad("没有数据行".to_owned()));
        }
        self.import_contracts(actor, &forms, file_name).await
    }

    /// The contract import template: the columns and one example row.
    pub async fn contract_template(&self, actor: &Actor) -> Result<crate::download::Download, AppError> {
        let rights = self.land_rights(actor).await?;
        if !rights.edits_records {
            return Err(self
                .deny(
                    actor,
                    "land.template",
                    ("land_contract", ""),
                    "仅土地管理部门可以下载合同导入模板",
                )
                .await);
        }
        use mujun_batch::TableCell::Text;
        let example = [
            "ZMD-2026-001",
            "50",
            "驿城区装备产业集聚区纬三路北侧",
            "工业用地",
            "",
            "91411700MA0000000X",
            "豫驻出让〔2026〕001号",
            "年产 10 万台电机项目",
            "出让",
            "1500",
            "2026-03-01",
            "2026-06-01",
            "2027-12-31",
            "2028-12-31",
            "30000",
            "15000",
            "是",
            "300",
            "1.2",
            "15",
            "",
            "",
            "",
        ];
        let headers: Vec<&str> = CONTRACT_COLUMNS.iter().map(|(_, h)| *h).collect();
        self.list_export(
            actor,
            "land.template",
            "land_contract",
            "供地合同",
            &headers,
            vec![example.iter().map(|v| Text((*v).to_owned())).collect()],
            "供地合同导入模板.xlsx".to_owned(),
            json!({}),
        )
        .await
    }
}
