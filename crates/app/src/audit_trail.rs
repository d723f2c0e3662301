//! Reading and verifying the audit trail (auditor). Refusals and verifications are recorded
//! in the trail; plain searches are not (they would flood it with the auditor's own reading).

use mujun_store::StoreError;
use mujun_store::audit::{self, Entry, Filter, Verification};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// The operations written to the audit trail and their Chinese names.
pub const ACTIONS: &[(&str, &str)] = &[
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("logout", "退出"),
    ("password_change", "修改密码"),
    ("user.create", "新建账号"),
    ("user.create_admin", "创建管理员"),
    ("user.update", "修改账号"),
    ("user.reset_password", "重置密码"),
    ("user.unlock", "解锁账号"),
    ("user.list", "查看账号列表"),
    ("user.view", "查看账号"),
    ("user.form", "打开账号表单"),
    ("user.bulk_enterprises", "批量创建企业账号"),
    ("user.activate", "激活账号"),
    ("user.activation_letters", "导出激活通知书"),
    ("user.reissue_activation", "重新发放激活码"),
    ("message.read", "阅读消息"),
    ("token.create", "签发令牌"),
    ("token.rotate", "轮换令牌"),
    ("token.list", "查看令牌"),
    ("token.revoke", "吊销令牌"),
    ("user.totp_enrol", "绑定动态验证码"),
    ("user.request", "提交特权账号申请"),
    ("user.requests", "查看特权账号申请"),
    ("user.approve", "批准特权账号申请"),
    ("user.reject", "驳回特权账号申请"),
    ("public_list.downloads", "公示名单匿名下载（按小时汇总）"),
    ("backup", "备份"),
    ("city.init", "设置城市"),
    ("registry.import", "导入企业名录"),
    ("setup.view", "查看城市设置"),
    ("history.import_classes", "导入历年评价类别"),
    ("restore", "恢复"),
    ("enterprise.create", "登记企业"),
    ("enterprise.update", "修改企业"),
    ("enterprise.edit", "编辑企业"),
    ("enterprise.view", "查看企业"),
    ("enterprise.list", "查询企业名录"),
    ("enterprise.export", "导出企业名录"),
    ("figure.history", "查看数据历史"),
    ("cluster.create", "新建集聚区"),
    ("cluster.update", "修改集聚区"),
    ("cluster.view", "查看集聚区"),
    ("cluster.list", "查看集聚区列表"),
    ("catalogue.share", "设置数据共享"),
    ("round.open", "发起采集轮次"),
    ("round.close", "结束采集轮次"),
    ("round.submit", "部门提交数据"),
    ("round.confirm", "确认部门数据"),
    ("round.return", "退回部门数据"),
    ("round.review", "审核部门数据"),
    ("round.list", "查看采集轮次"),
    ("round.view", "查看采集轮次"),
    ("round.tasks", "查看采集任务"),
    ("export.template", "下载填报模板"),
    ("import", "导入数据"),
    ("import.api", "接口报送数据"),
    ("import.copy_last_year", "沿用上年数据"),
    ("import.history", "查看导入记录"),
    ("land.parcel", "登记宗地"),
    ("land.lease", "登记租赁"),
    ("land.view", "查看土地记录"),
    ("land.contract", "登记供地合同"),
    ("land.progress", "报告项目进展"),
    ("land.attachment", "下载项目进展附件"),
    ("land.case", "查看土地案件"),
    ("land.case_open", "土地案件立案"),
    ("land.case_step", "办理土地案件"),
    ("land.case_document", "生成处置文书"),
    ("land.plan", "制定低效用地处置方案"),
    ("land.plan_progress", "填报低效用地处置进展"),
    ("land.export", "导出土地台账"),
    ("land.template", "下载供地合同导入模板"),
    ("land.map", "查看亩均地图"),
    ("self_check.record", "企业自核"),
    ("self_check.confirm", "企业确认数据"),
    ("self_check.dispute", "企业对数据提出争议"),
    ("self_check.queue", "查看争议队列"),
    ("self_check.resolve", "处理自核争议"),
    ("self_check.corrected", "自核争议：更正数据"),
    ("self_check.answered", "自核争议：答复"),
    ("self_check.view", "查看自核"),
    ("quality.report", "生成数据质量报告"),
    ("quality.view", "查看数据质量报告"),
    ("quality.export", "导出数据质量报告"),
    ("method.list", "查看评价方法"),
    ("method.view", "查看评价方法"),
    ("method.save", "保存评价方法"),
    ("run.start", "发起评价"),
    ("run.finish", "评价完成"),
    ("run.fail", "评价失败"),
    ("run.step", "评价流程操作"),
    ("run.adjust", "调档"),
    ("run.publish", "发布评价结果"),
    ("run.reopen_year", "重新开放年度"),
    ("run.list", "查看评价批次"),
    ("run.view", "查看评价批次"),
    ("run.overview", "查看评价结果"),
    ("run.changes", "查看类别变化"),
    ("run.score_card", "查看评分卡"),
    ("run.export", "导出评价结果"),
    ("run.export_results", "导出评价结果工作簿"),
    ("run.export_snapshot", "导出评价数据快照"),
    ("run.export_ranking", "导出排名"),
    ("run.export_public_list", "下载公示名单"),
    ("run.export_adjustments", "导出调档记录"),
    ("run.export_score_card", "导出评分卡"),
    ("run.export_summary", "导出结果汇总"),
    ("run.export_notice", "生成公示通知"),
    ("user.export", "导出账号清单"),
    ("objection.export", "导出评价异议"),
    ("check.export", "导出数据异议"),
    ("negative_list.view", "查看负面清单"),
    ("negative_list.save", "修改负面清单"),
    ("admission.review", "项目准入审查"),
    ("admission.list", "查看项目准入审查"),
    ("objection.file", "提出异议"),
    ("objection.accept", "采纳异议"),
    ("objection.reject", "驳回异议"),
    ("objection.resolve", "处理异议"),
    ("objection.list", "查看异议"),
    ("objection.attachment", "下载异议附件"),
    ("policy.create", "新建政策措施"),
    ("policy.update", "修改政策措施"),
    ("policy.save", "保存政策措施"),
    ("policy.list", "查看政策措施"),
    ("policy.sheet", "查看政策清单"),
    ("policy.department_list", "导出部门执行清单"),
    ("class.history", "查看历年类别"),
    ("class.trend", "查看类别趋势"),
    ("audit.search", "查询审计日志"),
    ("audit.verify", "校验审计日志"),
    ("audit.export", "导出审计日志"),
    ("demo.seed", "写入演示数据"),
    ("export", "导出"),
];

/// Keys whose values in audit details are business figures (tax, output, energy …): the
/// auditor sees that a value changed, never the value (三员分立: operations, not data).
const CONFIDENTIAL_KEYS: [&str; 4] = ["value", "old", "new", "corrected_value"];

/// The detail with every confidential value replaced by a mask, at any depth.
pub fn mask_confidential(detail: &str) -> String {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, x) in map.iter_mut() {
                    if CONFIDENTIAL_KEYS.contains(&k.as_str()) && !x.is_null() {
                        *x = serde_json::Value::String("***".to_owned());
                    } else {
                        walk(x);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    match serde_json::from_str::<serde_json::Value>(detail) {
        Ok(mut v) => {
            walk(&mut v);
            v.to_string()
        }
        // Details are always written as JSON; anything else is shown as it is.
        Err(_) => detail.to_owned(),
    }
}

/// The Chinese name of an operation.
pub fn action_label(action: &str) -> Option<&'static str> {
    ACTIONS.iter().find(|(a, _)| *a == action).map(|(_, l)| *l)
}

/// The Chinese names of the keys of audit details.
const DETAIL_KEYS: &[(&str, &str)] = &[
    ("year", "年度"),
    ("rows", "行数"),
    ("reason", "理由"),
    ("level", "级别"),
    ("from", "原状态"),
    ("to", "新状态"),
    ("file_name", "文件"),
    ("username", "账号"),
    ("step", "步骤"),
    ("contract_no", "合同编号"),
    ("doc_no", "文号"),
    ("fee_fen", "土地闲置费（分）"),
    ("finding", "情形"),
    ("cause", "原因"),
    ("stage", "建设阶段"),
    ("reported_on", "报告日期"),
    ("mode", "处置方式"),
    ("deadline", "期限"),
    ("done", "已完成"),
    ("kind", "类型"),
    ("file_hash", "文件指纹"),
    ("role", "角色"),
    ("name", "名称"),
    ("item", "数据项"),
    ("bytes", "字节数"),
    ("value", "数值"),
    ("enterprises", "企业数"),
    ("change_pct", "变化幅度（%）"),
    ("up_to_pct", "上限（%）"),
    ("per_kwh", "每千瓦时加价"),
    ("credit_code", "统一社会信用代码"),
    ("tiers", "档次"),
    ("run", "评价批次"),
    ("request", "申请"),
    ("notice_end", "公示结束"),
    ("input_hash", "数据哈希"),
    ("errors", "问题数"),
    ("enterprise", "企业"),
    ("department", "部门"),
    ("class", "类别"),
    ("active", "启用"),
    ("years", "年度"),
    ("values", "数值个数"),
    ("params", "参数"),
    ("overwritten", "覆盖的更正值"),
    ("old", "原值"),
    ("notice_start", "公示开始"),
    ("new", "新值"),
    ("method_hash", "方法哈希"),
    ("method", "评价方法"),
    ("intact", "完好"),
    ("format", "格式"),
    ("file", "文件"),
    ("downloads", "下载"),
    ("department_id", "部门"),
    ("days", "天数"),
    ("content_hash", "发布内容哈希"),
    ("changed", "变更"),
    ("area_mu", "面积（亩）"),
    ("why", "原因"),
    ("warnings_confirmed", "已确认提示"),
    ("warnings", "提示数"),
    ("version", "版本"),
    ("until", "截至"),
    ("unchanged", "未变"),
    ("top", "前列"),
    ("status", "状态"),
    ("start", "开始"),
    ("star_level", "星级"),
    ("source", "来源"),
    ("skipped", "跳过"),
    ("shared_with", "共享给"),
    ("search", "名称搜索"),
    ("scope", "范围"),
    ("scale", "规模"),
    ("run_id", "评价批次"),
    ("routed_to", "转交"),
    ("resolution", "处理结果"),
    ("replaced_by", "替代为"),
    ("region", "县区"),
    ("rate", "费率"),
    ("previous_run_id", "重算自批次"),
    ("pools", "排名池"),
    ("overwrite_reason", "覆盖理由"),
    ("outcome", "结果"),
    ("on_behalf", "代报"),
    ("object_id", "对象"),
    ("note", "备注"),
    ("n", "数量"),
    ("method_id", "方法标识"),
    ("mapping", "列对应"),
    ("lessor", "出租方"),
    ("lessee", "承租方"),
    ("items", "数据项"),
    ("ip", "地址"),
    ("holders", "权利人"),
    ("hash", "哈希"),
    ("first_broken", "首个断点"),
    ("findings", "发现"),
    ("expires", "到期"),
    ("entries", "条目"),
    ("enterprise_id", "企业"),
    ("end", "结束"),
    ("encrypted", "加密"),
    ("early", "提前"),
    ("departments", "部门"),
    ("created", "新建"),
    ("counties", "县区"),
    ("corrected_value", "更正值"),
    ("computed_class", "计算类别"),
    ("comment", "意见"),
    ("columns", "列"),
    ("clusters_created", "新建集聚区"),
    ("cluster", "集聚区"),
    ("closed", "关闭"),
    ("class_changes", "类别变化"),
    ("city", "城市"),
    ("checksum_override", "校验位例外"),
    ("certificate_no", "证书号"),
    ("blocking", "阻断"),
    ("before", "之前"),
    ("batches", "导入批次"),
    ("based_on", "基于"),
    ("attempt", "尝试"),
    ("attachment", "附件"),
    ("answer", "答复"),
    ("agency", "机构"),
    ("added", "新增"),
    ("action", "操作"),
    ("accounts", "账号数"),
    ("rows_affected", "行数"),
    ("timings_ms", "用时（毫秒）"),
    ("store", "存储"),
    ("snapshot", "快照"),
    ("engine", "引擎"),
    ("job", "任务"),
    ("tables", "数据表"),
    ("unkeyed", "无密钥条目"),
    ("address_failures", "地址失败次数"),
    ("account_failures", "账号失败次数"),
    ("addresses", "地址"),
    ("hour", "小时"),
];

/// Stored codes that appear as values of audit details, in words.
fn detail_value(text: &str) -> String {
    if let Some(state) = crate::evaluation::RunState::parse(text) {
        return state.label().to_owned();
    }
    if let Ok(field) = mujun_domain::Field::parse(text) {
        return field.label().to_owned();
    }
    if let Some(preset) = text.strip_prefix("preset:") {
        return match mujun_engine::presets::source(preset) {
            Some(source) => format!(
                "内置方法《{}》",
                crate::evaluation::format::method_name(source, preset)
            ),
            None => "内置方法".to_owned(),
        };
    }
    if let Some(role) = crate::Role::parse(text) {
        return role.label().to_owned();
    }
    match text {
        "above" => "规上".to_owned(),
        "below" => "规下".to_owned(),
        "operating" => "正常".to_owned(),
        "stopped" => "停产".to_owned(),
        "closed" => "关闭".to_owned(),
        "ok" => "成功".to_owned(),
        "failed" => "失败".to_owned(),
        "denied" => "拒绝".to_owned(),
        other => other.to_owned(),
    }
}

fn detail_json(v: &serde_json::Value) -> String {
    use serde_json::Value as V;
    match v {
        V::Null => "—".to_owned(),
        V::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        V::Number(n) => n.to_string(),
        V::String(s) => detail_value(s),
        V::Array(a) => a.iter().map(detail_json).collect::<Vec<_>>().join("、"),
        V::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{}：{}", detail_key(k), detail_json(v)))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

fn detail_key(key: &str) -> &str {
    DETAIL_KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, l)| l)
}

/// The details of an audit entry (JSON) as a person reads them: `键：值；…` with Chinese keys
/// and the stored codes of states, fields, roles and scales in words; an `[old, new]` pair as
/// `old → new`. Text that is not JSON is returned as it is.
pub fn detail_text(detail: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(detail) else {
        return detail.to_owned();
    };
    match &v {
        serde_json::Value::Object(o) => o
            .iter()
            .map(|(k, v)| {
                let value = match v.as_array() {
                    // A change: [before, after].
                    Some(pair) if pair.len() == 2 && !pair.iter().any(|x| x.is_array() || x.is_object()) => {
                        format!("{} → {}", detail_json(&pair[0]), detail_json(&pair[1]))
                    }
                    _ => detail_json(v),
                };
                format!("{}：{value}", detail_key(k))
            })
            .collect::<Vec<_>>()
            .join("；"),
        other => detail_json(other),
    }
}

/// The Chinese name of an object type.
pub fn object_label(object_type: &str) -> &str {
    match object_type {
        "user" => "账号",
        "enterprise" => "企业",
        "cluster" => "集聚区",
        "api_token" => "API 令牌",
        "audit_log" => "审计日志",
        "database" => "数据库",
        "figure" => "数据",
        "evaluation_run" => "评价批次",
        "objection" => "异议",
        "self_check" => "自核",
        "import_batch" => "导入批次",
        "department" => "部门",
        "year" => "年度",
        "round" => "采集轮次",
        "method" => "评价方法",
        "policy" => "政策措施",
        "message" => "消息",
        "region" => "行政区划",
        "land" => "土地与项目",
        "land_parcel" => "宗地",
        "land_lease" => "土地租赁",
        "land_contract" => "供地合同",
        "land_case" => "土地案件",
        "disposal_plan" => "低效用地处置方案",
        other => other,
    }
}

/// Outcomes and their Chinese names.
pub const OUTCOMES: [(&str, &str); 3] = [("ok", "成功"), ("denied", "拒绝"), ("failed", "失败")];

impl App {
    /// A page of audit entries, newest first (auditor only).
    pub async fn search_audit(
        &self,
        actor: &Actor,
        filter: &Filter,
        page: i64,
        per_page: i64,
    ) -> Result<(Vec<Entry>, i64), AppError> {
        if !actor.reads_audit() {
            return Err(self
                .deny(
                    actor,
                    "audit.search",
                    ("audit_log", ""),
                    "仅审计员可以查看审计日志",
                )
                .await);
        }
        let per_page = per_page.clamp(10, 500);
        let mut c = self.store.read().await?;
        let page = page.clamp(1, 1_000_000);
        let (mut entries, total) = audit::search(&mut c, filter, per_page, (page - 1) * per_page).await?;
        for e in &mut entries {
            e.detail = mask_confidential(&e.detail);
        }
        Ok((entries, total))
    }

    /// Recomputes the chain with the key and checks it against the anchors (auditor); the
    /// check itself is recorded.
    pub async fn verify_audit(&self, actor: &Actor) -> Result<Verification, AppError> {
        if !actor.reads_audit() {
            return Err(self
                .deny(
                    actor,
                    "audit.verify",
                    ("audit_log", ""),
                    "仅审计员可以校验审计日志",
                )
                .await);
        }
        let result = self.check_audit().await?;
        let mut tx = self.store.begin().await?;
        let detail = match &result {
            Verification::Intact { entries, unkeyed } => {
                json!({"intact": true, "entries": entries, "unkeyed": unkeyed})
            }
            Verification::Broken { id, why } => json!({"intact": false, "first_broken": id, "why": why}),
        };
        write(
            &mut tx,
            Who::Actor(actor),
            "audit.verify",
            ("audit_log", ""),
            detail,
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(result)
    }

    /// The chain, then the anchors: a chain that checks out but no longer holds an anchored
    /// entry was cut back or rewritten by someone with the database but not the key.
    async fn check_audit(&self) -> Result<Verification, AppError> {
        let key = self.store.audit_key();
        let mut c = self.store.read().await?;
        let result = audit::verify(&mut c, key).await?;
        let Verification::Intact { .. } = result else {
            return Ok(result);
        };
        let anchors = self.read_anchors()?;
        Ok(match audit::verify_anchors(&mut c, key, &anchors).await? {
            Ok(_) => result,
            Err(why) => Verification::Broken { id: 0, why },
        })
    }

    /// The anchors written so far (none when no anchor file is configured or written yet).
    pub fn read_anchors(&self) -> Result<Vec<audit::Anchor>, AppError> {
        let Some(path) = &self.anchors else {
            return Ok(Vec::new());
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(AppError::Internal(format!(
                    "无法读取审计锚点文件 {}：{e}",
                    path.display()
                )));
            }
        };
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| {
                serde_json::from_str(l).map_err(|e| {
                    AppError::Internal(format!(
                        "审计锚点文件 {} 第 {} 行格式有误：{e}",
                        path.display(),
                        n + 1
                    ))
                })
            })
            .collect()
    }

    /// Appends an anchor of the current head to the anchor file (and the server log), unless
    /// the head has not moved since the last anchor. Returns the anchor written.
    pub async fn anchor_audit(&self) -> Result<Option<audit::Anchor>, AppError> {
        let Some(path) = self.anchors.clone() else {
            return Ok(None);
        };
        // Anonymous downloads of hours that are over go into the trail before it is anchored.
        let now = mujun_store::now_ms();
        self.audit_public_downloads(now - now.rem_euclid(3_600_000))
            .await?;
        let (id, hash) = {
            let mut c = self.store.read().await?;
            audit::head(&mut c).await?
        };
        if self.read_anchors()?.last().is_some_and(|a| a.id == id) {
            return Ok(None);
        }
        let anchor = audit::Anchor::new(self.store.audit_key(), id, &hash);
        let line = serde_json::to_string(&anchor).map_err(|e| AppError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            use std::io::Write;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)?;
            writeln!(f, "{line}")?;
            f.sync_all()
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("无法写入审计锚点：{e}")))?;
        tracing::info!(id = anchor.id, hash = %anchor.hash, seal = %anchor.seal, "audit anchor");
        Ok(Some(anchor))
    }

    /// Every entry matching the filter, newest first, as xlsx (auditor only; itself audited),
    /// read by key in chunks and written row by row.
    pub async fn export_audit(
        &self,
        actor: &Actor,
        filter: &Filter,
    ) -> Result<crate::download::Download, AppError> {
        if !actor.reads_audit() {
            return Err(self
                .deny(
                    actor,
                    "audit.export",
                    ("audit_log", ""),
                    "仅审计员可以导出审计日志",
                )
                .await);
        }
        use mujun_batch::TableCell::{Integer, Text};
        let sink = crate::download::TableSink::start(
            mujun_batch::TableFormat::Xlsx,
            "审计日志",
            &[
                "序号",
                "时间",
                "用户名",
                "角色",
                "操作",
                "对象",
                "结果",
                "地址",
                "详情",
            ],
        );
        let mut c = self.store.read().await?;
        let mut before = None;
        loop {
            let rows = audit::search_chunk(&mut c, filter, before, crate::download::CHUNK).await?;
            sink.send(
                rows.iter()
                    .map(|e| {
                        vec![
                            Integer(Some(e.id)),
                            Text(crate::clock::beijing_seconds(e.at)),
                            Text(e.username.clone()),
                            Text(
                                crate::Role::parse(&e.role)
                                    .map_or_else(|| e.role.clone(), |r| r.label().to_owned()),
                            ),
                            Text(action_label(&e.action).map_or_else(|| e.action.clone(), str::to_owned)),
                            Text(match (e.object_type.as_str(), e.object_id.as_str()) {
                                ("", "") => String::new(),
                                (t, "") => object_label(t).to_owned(),
                                (t, id) => format!("{} {id}", object_label(t)),
                            }),
                            Text(
                                OUTCOMES
                                    .iter()
                                    .find(|(o, _)| *o == e.outcome)
                                    .map_or(e.outcome.as_str(), |(_, l)| l)
                                    .to_owned(),
                            ),
                            Text(e.ip.clone()),
                            Text(if e.detail == "{}" {
                                String::new()
                            } else {
                                detail_text(&mask_confidential(&e.detail))
                            }),
                        ]
                    })
                    .collect(),
            )
            .await?;
            if rows.len() < crate::download::CHUNK as usize {
                break;
            }
            before = rows.last().map(|e| e.id);
        }
        drop(c);
        let file = sink.finish().await?;
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "audit.export",
            ("audit_log", ""),
            json!({"rows": file.rows, "username": filter.username, "action": filter.action, "outcome": filter.outcome,
                   "object_id": filter.object_id, "from": filter.from, "until": filter.until}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(crate::download::Download {
            file_name: "审计日志.xlsx".to_owned(),
            content_type: crate::download::XLSX,
            content: crate::download::Content::File(file),
        })
    }

    /// Checks the chain and the anchors from the command line (`mujun audit verify`), without
    /// writing to the database.
    pub async fn verify_audit_cli(&self) -> Result<Verification, AppError> {
        self.check_audit().await
    }
}

#[cfg(test)]
mod tests {
    use super::mask_confidential;

    #[test]
    fn figures_are_masked_at_any_depth_and_the_rest_is_kept() {
        let d = r#"{"item":"tax","value":123.4,"overwritten":[{"credit_code":"X","old":1,"new":2}],"n":3}"#;
        let m: serde_json::Value = serde_json::from_str(&mask_confidential(d)).unwrap();
        assert_eq!(m["value"], "***");
        assert_eq!(m["overwritten"][0]["old"], "***");
        assert_eq!(m["overwritten"][0]["new"], "***");
        assert_eq!(m["overwritten"][0]["credit_code"], "X");
        assert_eq!(m["item"], "tax");
        assert_eq!(m["n"], 3);
        // A value that was absent stays absent (null says "no value", not a secret).
        assert_eq!(mask_confidential(r#"{"value":null}"#), r#"{"value":null}"#);
    }
}

#[cfg(test)]
mod detail_tests {
    use super::detail_text;

    #[test]
    fn details_read_as_words() {
        assert_eq!(
            detail_text(
                r#"{"from":"draft","to":"notice","region":null,"item":"tax_paid","method":"preset:henan-2019"}"#
            ),
            "原状态：草稿；数据项：实缴税收；评价方法：内置方法《河南省产业集聚区企业分类综合评价办法（2019）》；县区：—；新状态：公示中"
        );
        assert_eq!(detail_text(r#"{"name":["甲","乙"]}"#), "名称：甲 → 乙");
        assert_eq!(detail_text("not json"), "not json");
    }
}
