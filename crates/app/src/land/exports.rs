//! The land lists as workbooks for officials who work in Excel: projects and contracts, the
//! idle-land and exit ledgers, the low-efficiency ledger with its plans, and the list of
//! enterprises that lose their 招商引资 incentives. Every export is audited.

use mujun_batch::TableCell::{Integer, Number, Text};
use mujun_land::cases::CaseKind;
use serde_json::json;

use crate::download::Download;
use crate::{Actor, App, AppError};

impl App {
    /// 项目与合同.xlsx.
    pub async fn export_projects(&self, actor: &Actor) -> Result<Download, AppError> {
        let rows = self
            .projects(actor)
            .await?
            .into_iter()
            .map(|p| {
                vec![
                    Text(p.contract_no),
                    Text(p.project_name),
                    Text(p.enterprise_name),
                    Text(p.credit_code),
                    Text(p.county),
                    Text(p.cluster),
                    Text(p.certificate_no),
                    Number(Some(p.area_mu)),
                    Text(p.supply_mode.to_owned()),
                    Text(p.price),
                    Text(p.agreed_start),
                    Text(p.agreed_completion),
                    Text(p.agreed_full_production),
                    Text(if p.standard_land { "是" } else { "否" }.to_owned()),
                    Text(p.stage.to_owned()),
                    Text(p.investment),
                    Text(p.idle),
                    Text(p.exit),
                    Text(p.stall),
                    Text(p.kind.to_owned()),
                ]
            })
            .collect();
        let headers = [
            "合同编号",
            "项目名称",
            "受让人",
            "统一社会信用代码",
            "县（市、区）",
            "产业集聚区",
            "宗地编号",
            "宗地面积（亩）",
            "供地方式",
            "价款（元）",
            "约定动工日期",
            "约定竣工日期",
            "约定达产日期",
            "标准地",
            "建设阶段",
            "累计投资 / 约定总投资（万元）",
            "闲置情形",
            "退出情形",
            "停建缓建",
            "低效类型",
        ];
        self.list_export(
            actor,
            "land.export",
            "land_contract",
            "项目与合同",
            &headers,
            rows,
            "项目与合同.xlsx".to_owned(),
            json!({}),
        )
        .await
    }

    /// 闲置土地台账.xlsx / 项目退出台账.xlsx: every case with its state and deadline.
    pub async fn export_land_cases(&self, actor: &Actor, kind: CaseKind) -> Result<Download, AppError> {
        let rows = self
            .land_cases(actor, kind)
            .await?
            .into_iter()
            .map(|c| {
                vec![
                    Text(c.enterprise_name),
                    Text(c.project_name),
                    Text(c.contract_no),
                    Text(c.certificate_no),
                    Number(Some(c.area_mu)),
                    Text(c.county),
                    Text(c.cluster),
                    Text(c.finding),
                    Text(c.cause),
                    Text(c.option),
                    Text(c.fee),
                    Text(c.status.to_owned()),
                    Text(c.deadline),
                    Text(if c.overdue { "已逾期" } else { "" }.to_owned()),
                ]
            })
            .collect();
        let headers = [
            "土地使用权人",
            "项目名称",
            "合同编号",
            "宗地编号",
            "面积（亩）",
            "县（市、区）",
            "产业集聚区",
            "立案情形",
            "认定原因",
            "协商处置方式",
            "土地闲置费（元）",
            "办理状态",
            "当前期限",
            "逾期",
        ];
        let name = format!("{}台账", kind.label());
        self.list_export(
            actor,
            "land.export",
            "land_case",
            &name,
            &headers,
            rows,
            format!("{name}.xlsx"),
            json!({"kind": kind.label()}),
        )
        .await
    }

    /// 低效用地台账.xlsx: flagged parcels with their plans, then the tallies per county.
    pub async fn export_low_efficiency(
        &self,
        actor: &Actor,
        year: Option<i64>,
    ) -> Result<Download, AppError> {
        let ledger = self.low_efficiency(actor, year).await?;
        let rows = ledger
            .parcels
            .iter()
            .map(|p| {
                let plan = p.plan_id.and_then(|id| ledger.plans.iter().find(|x| x.id == id));
                vec![
                    Text(p.certificate_no.clone()),
                    Text(p.county.clone()),
                    Text(p.cluster.clone()),
                    Text(p.holder.clone()),
                    Number(Some(p.area_mu)),
                    Text(p.kind.to_owned()),
                    Text(p.findings.join("；")),
                    Text(plan.map_or("", |x| x.mode).to_owned()),
                    Text(plan.map(|x| x.responsible_unit.clone()).unwrap_or_default()),
                    Text(plan.map(|x| x.deadline.clone()).unwrap_or_default()),
                    Number(plan.map(|x| x.area_disposed_mu)),
                    Number(plan.map(|x| x.area_remaining_mu)),
                    Text(
                        plan.map_or("未制定方案", |x| {
                            if x.done {
                                "已完成"
                            } else if x.overdue {
                                "已逾期"
                            } else {
                                "处置中"
                            }
                        })
                        .to_owned(),
                    ),
                ]
            })
            .collect();
        let headers = [
            "宗地编号",
            "县（市、区）",
            "产业集聚区",
            "土地使用权人",
            "占地面积（亩）",
            "低效类型",
            "认定情形",
            "处置方式",
            "责任单位",
            "完成期限",
            "已处置面积（亩）",
            "剩余面积（亩）",
            "处置状态",
        ];
        self.list_export(
            actor,
            "land.export",
            "disposal_plan",
            "低效用地台账",
            &headers,
            rows,
            "低效用地台账.xlsx".to_owned(),
            json!({"year": ledger.year, "rows": ledger.parcels.len()}),
        )
        .await
    }

    /// 招商引资优惠取消清单.xlsx: the enterprises that missed the agreed 投资强度, 税收贡献 or
    /// 生产效益, for the executing departments.
    pub async fn export_incentive_losses(
        &self,
        actor: &Actor,
        year: Option<i64>,
    ) -> Result<Download, AppError> {
        let ledger = self.standard_land(actor, year).await?;
        let rows = ledger
            .incentive_losses()
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    Integer(Some(i as i64 + 1)),
                    Text(r.enterprise_name.clone()),
                    Text(r.project_name.clone()),
                    Text(r.contract_no.clone()),
                    Text(r.county.clone()),
                    Text(r.cluster.clone()),
                    Text(r.check.clone()),
                    Text(r.shortfalls.join("；")),
                    Text(r.amount.clone()),
                    Text(r.deadline.clone()),
                ]
            })
            .collect();
        let headers = [
            "序号",
            "企业名称",
            "项目名称",
            "合同编号",
            "县（市、区）",
            "产业集聚区",
            "核验",
            "未达约定情形",
            "差额（万元）",
            "整改期限",
        ];
        self.list_export(
            actor,
            "land.export",
            "land_contract",
            "取消招商引资优惠",
            &headers,
            rows,
            "取消招商引资优惠清单.xlsx".to_owned(),
            json!({"year": ledger.year}),
        )
        .await
    }
}
