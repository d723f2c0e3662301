//! 综合评价: the evaluation runs the caller may see, a run's overview (pools, class counts,
//! class changes of a re-run), its ranking within the caller's scope, and an enterprise's score
//! card (indicators, the engine's explanation, what would move it up). Every read is scoped by
//! the use cases; refusals are audited.

use axum::Json;
use axum::extract::{Path, State};
use mujun_app::evaluation::RunState;
use mujun_app::evaluation::results::{indicator_label, indicator_unit};
use mujun_app::evaluation::runs::RunView;
use mujun_app::evaluation::snapshot::figure;
use mujun_domain::Field;
use mujun_store::runs::{RankingRow, ResultFilter, ResultSort};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common::{
    ApiQuery, AuthErrors, Labeled, NotFoundError, QueryError, QueryParser, class_label, industry_name,
    path_id, region_name, text, time,
};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 评价批次
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Run {
    /// 批次 id
    pub id: i64,
    /// 数据年度
    pub year: i64,
    /// 标题
    pub title: String,
    /// 状态：`running` 评价中、`failed` 失败、`draft` 草稿、`notice` 公示中、`review` 复核中、
    /// `approved` 已审定、`published` 已发布、`superseded` 已被重算替代、`reopened` 已重新开放
    pub state: Labeled,
    /// 评价进度（0–100）
    pub progress: i64,
    /// 进度或结果说明
    pub message: String,
    /// 评价方法引用：`preset:<id>` 或 `file:<id>`
    pub method_ref: String,
    /// 方法文件中的 id
    pub method_id: String,
    /// 方法文件的 SHA-256
    pub method_hash: String,
    /// 评价数据快照的哈希（评价完成后）
    pub input_hash: String,
    /// 发布内容的 SHA-256（发布后）
    pub content_hash: String,
    /// 参评企业数（含不参评 X）
    pub enterprises: i64,
    /// 重算的原批次 id
    pub previous_run_id: Option<i64>,
    /// 公示开始日期 `YYYY-MM-DD`
    pub notice_start: Option<String>,
    /// 公示结束日期 `YYYY-MM-DD`
    pub notice_end: Option<String>,
    /// 公示类型：`full` 完整公示、`supplementary` 补充公示（仅类别变化的企业）
    pub notice_kind: Labeled,
    /// 提前结束公示的理由（未提前结束为空）
    pub notice_end_reason: String,
    /// 重新开放年度的时间（仅已重新开放的批次）
    pub reopened_at: Option<String>,
    /// 重新开放年度的理由
    pub reopen_reason: String,
    /// 发起人
    pub created_by: String,
    /// 发起时间（北京时间，RFC 3339）
    pub created_at: String,
    /// 计算完成时间
    pub finished_at: Option<String>,
    /// 发布时间
    pub published_at: Option<String>,
}

impl From<RunView> for Run {
    fn from(v: RunView) -> Run {
        let r = v.run;
        Run {
            state: Labeled::new(v.state.id(), v.state.label()),
            id: r.id,
            year: r.year,
            title: r.title,
            progress: r.progress,
            message: r.message,
            method_ref: r.method_ref,
            method_id: r.method_id,
            method_hash: r.method_hash,
            input_hash: r.input_hash,
            content_hash: r.content_hash,
            enterprises: r.enterprises,
            previous_run_id: r.previous_run_id,
            notice_start: r.notice_start,
            notice_end: r.notice_end,
            notice_kind: if r.notice_kind == "supplementary" {
                Labeled::new("supplementary", "补充公示")
            } else {
                Labeled::new("full", "完整公示")
            },
            notice_end_reason: r.notice_end_reason,
            reopened_at: r.reopened_at.map(time),
            reopen_reason: r.reopen_reason,
            created_by: v.created_by,
            created_at: time(r.created_at),
            finished_at: r.finished_at.map(time),
            published_at: r.published_at.map(time),
        }
    }
}

/// 调用者可见的评价批次
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RunList {
    /// 批次（新的在前）
    pub items: Vec<Run>,
}

/// 评价批次列表
///
/// 市级评价管理员可见全部批次；其他业务角色只见已进入公示及之后的批次。系统管理员和审计员无权查看（403）。
#[utoipa::path(
    get,
    path = "/runs",
    tag = "综合评价",
    operation_id = "list_runs",
    responses(
        (status = 200, description = "评价批次", body = RunList),
        AuthErrors,
    )
)]
pub async fn list_runs(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<RunList>, ApiError> {
    let items = state
        .app
        .list_runs(&actor)
        .await?
        .into_iter()
        .map(Run::from)
        .collect();
    Ok(Json(RunList { items }))
}

/// 某类别的企业数
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ClassCount {
    /// 类别：A … D，X 为不参评
    pub class: String,
    /// 类别名称
    pub label: String,
    /// 企业数
    pub count: i64,
}

fn counts(list: &[(String, i64)]) -> Vec<ClassCount> {
    list.iter()
        .map(|(c, n)| ClassCount {
            label: class_label(c),
            class: c.clone(),
            count: *n,
        })
        .collect()
}

/// 排名池的一项基准值
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Benchmark {
    /// 指标 id
    pub indicator: String,
    /// 指标名称
    pub label: String,
    /// 单位
    pub unit: String,
    /// 基准值（无企业有值时为 `null`）
    pub value: Option<f64>,
}

/// 一个排名池
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PoolSummary {
    /// 评价组 id
    pub group_id: String,
    /// 排名池：集聚区名称、县区代码，或 `all`（全市）
    pub label: String,
    /// 分池方式：`cluster`、`region` 或 `all`
    pub key: String,
    /// 参与排名的企业数 N
    pub size: i64,
    /// 因否决项不参与排名的企业数
    pub vetoed: i64,
    /// 各类别企业数（最终类别，按本组类别顺序）
    pub counts: Vec<ClassCount>,
    /// 各指标的基准值
    pub benchmarks: Vec<Benchmark>,
}

/// 相对原批次的类别变化
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ClassChange {
    /// 企业 id
    pub enterprise_id: i64,
    /// 统一社会信用代码
    pub credit_code: String,
    /// 企业名称
    pub name: String,
    /// 原类别（原批次无该企业为 `—`）
    pub from: String,
    /// 现类别
    pub to: String,
}

/// 评价批次概况
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RunOverview {
    /// 批次
    pub run: Run,
    /// 调用者范围内各类别企业数（X 为不参评；评价中或失败的批次为空）
    pub totals: Vec<ClassCount>,
    /// 排名池
    pub pools: Vec<PoolSummary>,
    /// 重算批次相对原批次的类别变化（仅市级评价管理员）
    pub changes: Vec<ClassChange>,
}

/// 评价批次概况
///
/// 批次的状态、方法与哈希、公示期，调用者范围内的类别汇总，各排名池的基准值和类别分布，以及重算批次的类别变化。
/// 部门数据员、系统管理员和审计员无权查看结果（403）。
#[utoipa::path(
    get,
    path = "/runs/{id}",
    tag = "综合评价",
    operation_id = "get_run",
    params(("id" = i64, Path, description = "批次 id")),
    responses(
        (status = 200, description = "批次概况", body = RunOverview),
        AuthErrors,
        NotFoundError,
    )
)]
pub async fn get_run(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<RunOverview>, ApiError> {
    let id = path_id(&id, "评价批次")?;
    let view = state.app.get_run(&actor, id).await?;
    let evaluated = !matches!(view.state, RunState::Running | RunState::Failed);
    let mut out = RunOverview {
        run: Run::from(view),
        totals: Vec::new(),
        pools: Vec::new(),
        changes: Vec::new(),
    };
    if evaluated {
        let o = state.app.run_overview(&actor, id).await?;
        out.totals = counts(&o.totals);
        out.pools = o
            .pools
            .into_iter()
            .map(|p| PoolSummary {
                counts: counts(&p.counts),
                benchmarks: p
                    .detail
                    .indicators
                    .iter()
                    .zip(&p.detail.benchmarks)
                    .map(|(i, b)| Benchmark {
                        label: indicator_label(i).to_owned(),
                        unit: indicator_unit(i).to_owned(),
                        indicator: i.clone(),
                        value: *b,
                    })
                    .collect(),
                key: p.detail.key,
                group_id: p.group_id,
                label: p.label,
                size: p.size,
                vetoed: p.vetoed,
            })
            .collect();
        out.changes = o
            .changes
            .into_iter()
            .map(|(enterprise_id, credit_code, name, from, to)| ClassChange {
                enterprise_id,
                credit_code,
                name,
                from,
                to,
            })
            .collect();
    }
    Ok(Json(out))
}

/// 排名的排序方式
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultSortKey {
    /// 按评价组、排名池、名次（默认）
    Rank,
    /// 总分从高到低
    Total,
    /// 企业名称
    Name,
    /// 最终类别
    Class,
}

impl std::str::FromStr for ResultSortKey {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "rank" => ResultSortKey::Rank,
            "total" => ResultSortKey::Total,
            "name" => ResultSortKey::Name,
            "class" => ResultSortKey::Class,
            _ => return Err(()),
        })
    }
}

impl From<ResultSortKey> for ResultSort {
    fn from(k: ResultSortKey) -> ResultSort {
        match k {
            ResultSortKey::Rank => ResultSort::Rank,
            ResultSortKey::Total => ResultSort::Total,
            ResultSortKey::Name => ResultSort::Name,
            ResultSortKey::Class => ResultSort::Class,
        }
    }
}

/// 排名的查询参数（均可不填；空值视为未填）
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// 页码，从 1 起（默认 1）
    #[param(value_type = Option<i64>, minimum = 1)]
    pub page: Option<String>,
    /// 每页条数，1–1000（默认 50，超出范围按边界处理）
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub per_page: Option<String>,
    /// 最终类别（A、B、C、D；X 为不参评）
    #[param(example = "C")]
    pub class: Option<String>,
    /// 县区代码（6 位）
    #[param(pattern = "^[0-9]{6}$", example = "411702")]
    pub region: Option<String>,
    /// 集聚区 id
    #[param(value_type = Option<i64>, minimum = 1)]
    pub cluster: Option<String>,
    /// 行业代码前缀，如 `35` 或 `C3511`
    #[param(example = "35")]
    pub industry: Option<String>,
    /// 企业名称或统一社会信用代码的一部分
    #[param(example = "驻马店")]
    pub q: Option<String>,
    /// 排序，默认 `rank`
    #[param(value_type = Option<ResultSortKey>, inline)]
    pub sort: Option<String>,
}

struct Ranking {
    filter: ResultFilter,
    sort: ResultSort,
    page: i64,
    per_page: i64,
}

impl ResultsQuery {
    fn parse(&self) -> Result<Ranking, ApiError> {
        let mut p = QueryParser::default();
        let page = p.parse::<i64>("page", self.page.as_deref(), "页码应为正整数");
        if page.is_some_and(|n| !(1..=1_000_000).contains(&n)) {
            p.fail("page", "页码应为 1–1000000 的整数");
        }
        let per_page = p.parse::<i64>("per_page", self.per_page.as_deref(), "每页条数应为整数");
        let class = text(self.class.as_deref()).map(|c| c.to_uppercase());
        if let Some(c) = &class
            && !["A", "B", "C", "D", "X"].contains(&c.as_str())
        {
            p.fail("class", format!("类别应为 A、B、C、D 或 X（收到“{c}”）"));
        }
        let region = text(self.region.as_deref());
        if let Some(r) = &region
            && mujun_domain::RegionCode::parse(r).is_err()
        {
            p.fail("region", format!("县区代码应为 6 位数字（收到“{r}”）"));
        }
        let cluster = p.parse::<i64>("cluster", self.cluster.as_deref(), "集聚区应为 id（整数）");
        let industry = text(self.industry.as_deref());
        if let Some(i) = &industry {
            let digits = i.strip_prefix(['C', 'c']).unwrap_or(i);
            if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                p.fail("industry", format!("行业应为 1–4 位行业代码前缀（收到“{i}”）"));
            }
        }
        let sort: Option<ResultSortKey> = p.parse(
            "sort",
            self.sort.as_deref(),
            "排序应为 rank、total、name 或 class",
        );
        p.finish(Ranking {
            filter: ResultFilter {
                region_code: region,
                cluster_id: cluster,
                industry,
                class,
                search: text(self.q.as_deref()),
                ..ResultFilter::default()
            },
            sort: sort.map_or(ResultSort::Rank, ResultSort::from),
            page: page.unwrap_or(1),
            per_page: per_page.unwrap_or(50).clamp(1, 1000),
        })
    }
}

/// 排名中的一家企业
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RankingItem {
    /// 企业 id
    pub enterprise_id: i64,
    /// 统一社会信用代码
    pub credit_code: String,
    /// 企业名称
    pub name: String,
    /// 县区代码
    pub region_code: String,
    /// 县区名称
    pub region_name: Option<String>,
    /// 集聚区名称
    pub cluster: Option<String>,
    /// 行业代码
    pub industry_code: String,
    /// 规模：`above` 或 `below`
    pub scale: String,
    /// 评价组（不参评为空）
    pub group_id: String,
    /// 排名池（不参评为空）
    pub pool: String,
    /// 不参评原因代码（参评为空）
    pub excluded_reason: String,
    /// 池内名次（否决或不参评为 `null`）
    pub rank: Option<i64>,
    /// 参与排名的企业数 N
    pub pool_size: Option<i64>,
    /// 总分
    pub total: Option<f64>,
    /// 计算类别
    pub computed_class: String,
    /// 最终类别（含人工调档）
    pub final_class: String,
    /// 定档依据（引擎的原文，如 `quota A`、`veto:…`、`manual:…`）
    pub class_reason: String,
    /// 用地面积（亩）
    pub land_area_mu: Option<f64>,
    /// 实缴税收（万元）
    pub tax_paid: Option<f64>,
}

impl From<RankingRow> for RankingItem {
    fn from(r: RankingRow) -> RankingItem {
        RankingItem {
            region_name: region_name(&r.region_code),
            enterprise_id: r.enterprise_id,
            credit_code: r.credit_code,
            name: r.name,
            region_code: r.region_code,
            cluster: r.cluster,
            industry_code: r.industry_code,
            scale: r.scale,
            group_id: r.group_id,
            pool: r.pool,
            excluded_reason: r.excluded_reason,
            rank: r.rank,
            pool_size: r.pool_size,
            total: r.total,
            computed_class: r.computed_class,
            final_class: r.final_class,
            class_reason: r.class_reason,
            land_area_mu: r.land_area_mu,
            tax_paid: r.tax_paid,
        }
    }
}

/// 一页排名
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RankingPage {
    /// 本页企业
    pub items: Vec<RankingItem>,
    /// 符合条件的企业总数
    pub total: i64,
    /// 页码
    pub page: i64,
    /// 每页条数
    pub per_page: i64,
}

/// 评价结果排名
///
/// 调用者范围内的排名（县区人员只见本县区，集聚区人员只见本集聚区，企业用户只见本企业），可按类别、县区、
/// 集聚区、行业和名称筛选，分页在数据库中完成。部门数据员、系统管理员和审计员无权查看（403）。
#[utoipa::path(
    get,
    path = "/runs/{id}/results",
    tag = "综合评价",
    operation_id = "list_run_results",
    params(("id" = i64, Path, description = "批次 id"), ResultsQuery),
    responses(
        (status = 200, description = "一页排名", body = RankingPage),
        AuthErrors,
        NotFoundError,
        QueryError,
    )
)]
pub async fn list_results(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ResultsQuery>,
) -> Result<Json<RankingPage>, ApiError> {
    let id = path_id(&id, "评价批次")?;
    let r = q.parse()?;
    let (rows, total) = state
        .app
        .run_ranking(&actor, id, &r.filter, r.sort, r.page, r.per_page)
        .await?;
    Ok(Json(RankingPage {
        items: rows.into_iter().map(RankingItem::from).collect(),
        total,
        page: r.page,
        per_page: r.per_page,
    }))
}

/// 评分卡中的一项指标
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct IndicatorScore {
    /// 指标 id
    pub id: String,
    /// 指标名称
    pub label: String,
    /// 单位
    pub unit: String,
    /// 指标值（缺失或分母为 0 时为 `null`）
    pub value: Option<f64>,
    /// 未定义的原因：`missing` 缺失、`zero_denominator` 分母为 0；有值时为 `null`
    pub undefined: Option<String>,
    /// 排名池的基准值
    pub benchmark: Option<f64>,
    /// 指标值 / 基准值（封顶、保底之后）
    pub ratio: Option<f64>,
    /// 权重
    pub weight: f64,
    /// 得分
    pub score: f64,
    /// 计分依据代码（按基准值折算时为空）
    pub basis: String,
    /// 计分依据
    pub basis_label: String,
}

/// 评价所用的一项数据
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EvaluatedFigure {
    /// 数据项 id，如 `tax_paid`
    pub field: String,
    /// 名称
    pub label: String,
    /// 单位
    pub unit: String,
    /// 评价快照中的数值
    pub value: Option<f64>,
}

/// 人工调档
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Adjustment {
    /// 调整后的类别
    pub class: String,
    /// 理由
    pub reason: String,
}

/// 企业评分卡
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ScoreCard {
    /// 批次 id
    pub run_id: i64,
    /// 数据年度
    pub year: i64,
    /// 批次状态
    pub state: Labeled,
    /// 企业 id
    pub enterprise_id: i64,
    /// 统一社会信用代码
    pub credit_code: String,
    /// 企业名称
    pub name: String,
    /// 县区代码
    pub region_code: String,
    /// 县区名称
    pub region_name: Option<String>,
    /// 集聚区名称
    pub cluster: Option<String>,
    /// 行业代码
    pub industry_code: String,
    /// 行业大类名称
    pub industry_name: Option<String>,
    /// 规模：`above` 或 `below`
    pub scale: String,
    /// 评价组（不参评为空）
    pub group_id: String,
    /// 排名池（不参评为空）
    pub pool: String,
    /// 池内名次
    pub rank: Option<i64>,
    /// 参与排名的企业数 N
    pub pool_size: Option<i64>,
    /// 基础分
    pub base: Option<f64>,
    /// 加分
    pub bonus: Option<f64>,
    /// 总分 = 基础分 + 加分
    pub total: Option<f64>,
    /// 计算类别
    pub computed_class: String,
    /// 最终类别
    pub final_class: String,
    /// 最终类别名称
    pub final_class_label: String,
    /// 定档依据（引擎的原文）
    pub class_reason: String,
    /// 不参评原因代码（参评为空）
    pub excluded_reason: String,
    /// 本评价组的类别（由高到低）
    pub classes: Vec<String>,
    /// 人工调档
    pub adjustment: Option<Adjustment>,
    /// 各项指标
    pub indicators: Vec<IndicatorScore>,
    /// 评价所用数据
    pub figures: Vec<EvaluatedFigure>,
    /// 用地面积的推算过程（有土地与租赁记录时）
    pub land_derivation: String,
    /// 评价引擎的说明，每行一条
    pub explanation: Vec<String>,
    /// 如何升档（评价引擎对本排名池重新计算得出）
    pub what_if: String,
    /// 税收以外的升档途径：退让低效用地、增加研发经费、降低能耗、减少排放，各为评价引擎对本排名池重新计算得出的最小变化量
    pub levers: Vec<Lever>,
    /// 按快照重新计算与存储结果一致
    pub reproduced: bool,
}

/// 一种升档途径
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Lever {
    /// 途径，如“退让低效用地”
    pub lever: String,
    /// 所改变的数据项
    pub field: Labeled,
    /// 可升至的类别（不能升档时为空）
    pub class: Option<String>,
    /// 最小变化量（数据项的单位，精确到 0.01；再少 0.01 不能升档）
    pub change: Option<f64>,
    /// 变化后的数值
    pub value: Option<f64>,
    /// 届时总分
    pub total: Option<f64>,
    /// 说明
    pub text: String,
}

/// 企业评分卡
///
/// 企业在批次中的评分卡：各项指标的值、基准值、比值、权重、得分和计分依据，基础分、加分、总分、名次与类别，
/// 评价引擎的说明和升档所需条件。企业用户只能查看本企业（其他企业 403 并记入审计日志），且只能在公示开始后查看。
#[utoipa::path(
    get,
    path = "/runs/{id}/results/{enterprise_id}",
    tag = "综合评价",
    operation_id = "get_score_card",
    params(
        ("id" = i64, Path, description = "批次 id"),
        ("enterprise_id" = i64, Path, description = "企业 id"),
    ),
    responses(
        (status = 200, description = "评分卡", body = ScoreCard),
        AuthErrors,
        NotFoundError,
    )
)]
pub async fn get_score_card(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path((id, enterprise_id)): Path<(String, String)>,
) -> Result<Json<ScoreCard>, ApiError> {
    let id = path_id(&id, "评价批次")?;
    let enterprise_id = path_id(&enterprise_id, "企业")?;
    let v = state.app.score_card(&actor, id, enterprise_id).await?;
    let what_if = v.what_if_text();
    let levers = v
        .levers
        .iter()
        .map(|l| {
            let (class, change, value, total) = match &l.answer {
                mujun_engine::levers::LeverAnswer::Reach {
                    class,
                    change,
                    value,
                    total,
                } => (Some(class.clone()), Some(*change), Some(*value), Some(*total)),
                _ => (None, None, None, None),
            };
            Lever {
                lever: l.lever.to_owned(),
                field: Labeled::new(l.field.id(), l.field.label()),
                class,
                change,
                value,
                total,
                text: l.text(),
            }
        })
        .collect();
    let r = v.result;
    let i = v.input;
    Ok(Json(ScoreCard {
        run_id: v.run.id,
        year: v.run.year,
        state: Labeled::new(v.state.id(), v.state.label()),
        enterprise_id,
        region_name: region_name(&i.region_code),
        industry_name: industry_name(&i.industry_code),
        figures: Field::ALL
            .iter()
            .map(|f| EvaluatedFigure {
                field: f.id().to_owned(),
                label: f.label().to_owned(),
                unit: f.unit().to_owned(),
                value: figure(&i, *f),
            })
            .collect(),
        credit_code: i.credit_code,
        name: i.name,
        region_code: i.region_code,
        cluster: i.cluster,
        industry_code: i.industry_code,
        scale: i.scale,
        land_derivation: i.land_derivation,
        group_id: r.group_id,
        pool: r.pool,
        rank: r.rank,
        pool_size: r.pool_size,
        base: r.base,
        bonus: r.bonus,
        total: r.total,
        computed_class: r.computed_class,
        final_class_label: class_label(&r.final_class),
        final_class: r.final_class,
        class_reason: r.class_reason,
        excluded_reason: r.excluded_reason,
        classes: v.classes,
        adjustment: v.adjustment.map(|(class, reason)| Adjustment { class, reason }),
        indicators: v
            .detail
            .indicators
            .iter()
            .map(|d| IndicatorScore {
                label: indicator_label(&d.id).to_owned(),
                unit: indicator_unit(&d.id).to_owned(),
                value: d.value,
                undefined: match d.undefined.as_str() {
                    "" => None,
                    "z" => Some("zero_denominator".to_owned()),
                    _ => Some("missing".to_owned()),
                },
                benchmark: d.benchmark,
                ratio: d.ratio,
                weight: d.weight,
                score: d.score,
                basis: d.basis.clone(),
                basis_label: d.basis_label().to_owned(),
                id: d.id.clone(),
            })
            .collect(),
        explanation: v.explanation,
        what_if,
        levers,
        reproduced: v.reproduced,
    }))
}

/// 重新开放年度的理由
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReopenYear {
    /// 理由（必填，记入审计日志并在公示页面显示）
    pub reason: String,
}

/// 重新开放年度
///
/// 仅市级评价管理员，仅对已发布的批次：该年度数据解除锁定，可重新导入和更正；已发布的类别在新结果发布前继续有效；
/// 新的评价批次必须重新公示后才能发布。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(
    post,
    path = "/runs/{id}/reopen-year",
    tag = "综合评价",
    operation_id = "reopen_year",
    params(("id" = i64, Path, description = "已发布批次的 id")),
    request_body = ReopenYear,
    responses(
        (status = 200, description = "已重新开放", body = Run),
        AuthErrors,
        NotFoundError,
        super::common::StepErrors,
    )
)]
pub async fn reopen_year(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    super::common::ApiJson(body): super::common::ApiJson<ReopenYear>,
) -> Result<Json<Run>, ApiError> {
    let id = path_id(&id, "评价批次")?;
    state.app.reopen_year(&actor, id, &body.reason).await?;
    Ok(Json(Run::from(state.app.get_run(&actor, id).await?)))
}
