//! Demo data of the enterprise service: a holiday schedule, and problems in every state —
//! waiting for the office, with a department (one past its deadline), answered and waiting for
//! the enterprise, closed with each rating, and one sent back — including the demo enterprise's
//! own. Dates are relative to the day of seeding.

use mujun_domain::Date;
use mujun_domain::workdays::WorkCalendar;
use mujun_store::service_problems::{self, NewEvent, NewProblem, ProblemState};
use mujun_store::{settings, users};

use super::{CATEGORIES, Difficulty, ServiceRules};
use crate::AppError;

/// The demo's holiday schedule: the State Council's 2026 arrangement as the demo assumes it
/// (a city types its own each year; the page says so).
pub const DEMO_CALENDAR: &str = "# 演示数据：2026 年节假日安排（正式使用前请按国务院办公厅通知核对）
2026-01-01 休 元旦
2026-01-02 休 元旦
2026-01-03 休 元旦
2026-01-04 班 元旦调休
2026-02-14 班 春节调休
2026-02-15 休 春节
2026-02-16 休 春节
2026-02-17 休 春节
2026-02-18 休 春节
2026-02-19 休 春节
2026-02-20 休 春节
2026-02-21 休 春节
2026-02-22 休 春节
2026-02-23 休 春节
2026-02-28 班 春节调休
2026-04-04 休 清明节
2026-04-05 休 清明节
2026-04-06 休 清明节
2026-05-01 休 劳动节
2026-05-02 休 劳动节
2026-05-03 休 劳动节
2026-05-04 休 劳动节
2026-05-05 休 劳动节
2026-05-09 班 劳动节调休
2026-06-19 休 端午节
2026-06-20 休 端午节
2026-06-21 休 端午节
2026-09-20 班 国庆节调休
2026-09-25 休 中秋节
2026-09-26 休 中秋节
2026-09-27 休 中秋节
2026-10-01 休 国庆节
2026-10-02 休 国庆节
2026-10-03 休 国庆节
2026-10-04 休 国庆节
2026-10-05 休 国庆节
2026-10-06 休 国庆节
2026-10-07 休 国庆节
2026-10-10 班 国庆节调休
";

/// What the problems are about, by category index.
const PROBLEMS: [(usize, &str, &str); 12] = [
    (
        0,
        "新建厂房用电报装进度慢",
        "二期厂房已竣工，10 kV 专线报装申请提交两个月仍未接电，影响设备调试。",
    ),
    (
        1,
        "技改项目贷款授信不足",
        "智能化改造项目需贷款 1,500 万元，合作银行授信额度仅 600 万元，请求协调续贷和担保。",
    ),
    (
        2,
        "环评审批材料反复退回",
        "扩建项目环评报告两次被退回补充材料，希望明确一次性告知清单。",
    ),
    (
        3,
        "上年度亩均 A 类奖补未兑现",
        "企业被评为 A 类，按政策应享受的奖补资金至今未拨付。",
    ),
    (
        4,
        "熟练技工招聘困难",
        "数控车床操作工缺口 40 人，请求对接职业院校订单式培养。",
    ),
    (
        5,
        "园区道路破损影响货车通行",
        "厂区门前道路路面破损，重载货车通行困难，雨天积水严重。",
    ),
    (
        6,
        "同月内多次重复检查",
        "本月已接受三个部门的现场检查，内容重复，影响正常生产。",
    ),
    (
        0,
        "天然气供应压力不足",
        "冬季用气高峰期管网压力不足，窑炉无法满负荷运行。",
    ),
    (
        3,
        "研发费用加计扣除政策咨询",
        "对研发费用归集口径有疑问，请求税务部门上门辅导。",
    ),
    (
        1,
        "应收账款融资渠道",
        "希望了解供应链金融和应收账款质押融资的渠道。",
    ),
    (
        5,
        "污水管网未接通",
        "新厂区污水管网尚未与园区主管网接通，只能临时外运处理。",
    ),
    (
        7,
        "企业名称变更后证照信息不一致",
        "名称变更后，部分许可证信息尚未同步更新。",
    ),
];

/// The departments the problems above go to (codes), in the same order.
const DEPARTMENTS: [&str; 12] = [
    "power",
    "finance",
    "ecology",
    "development",
    "industry",
    "natural_resources",
    "market",
    "power",
    "tax",
    "finance",
    "ecology",
    "market",
];

/// Seeds the calendar and about thirty problems for `enterprises` (`demo_enterprise` first).
pub(crate) async fn seed(
    conn: &mut sqlx::AnyConnection,
    enterprises: &[i64],
    demo_enterprise: Option<i64>,
    rules: &ServiceRules,
    today: Date,
) -> Result<(), AppError> {
    settings::set(conn, "work_calendar", DEMO_CALENDAR).await?;
    let calendar = WorkCalendar::parse(DEMO_CALENDAR).map_err(|e| AppError::Internal(e.to_string()))?;
    let depts: Vec<(String, i64)> = mujun_store::departments::list(conn)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let dept = |code: &str| depts.iter().find(|(c, _)| c == code).map(|(_, id)| *id);
    let user = |u: Option<users::User>| u.map(|u| u.id);
    let city = user(users::get_by_username(conn, "city").await?);
    let qiye = user(users::get_by_username(conn, "qiye").await?);
    let tax = user(users::get_by_username(conn, "tax").await?);
    let mut order: Vec<i64> = demo_enterprise.into_iter().collect();
    order.extend(
        enterprises
            .iter()
            .copied()
            .filter(|e| Some(*e) != demo_enterprise)
            // Spread over the clusters whatever the demo's size.
            .step_by((enterprises.len() / 30).max(1))
            .take(29),
    );
    let day = |n: i64| today.plus_days(-n).unwrap_or(today);
    for (i, enterprise) in order.into_iter().enumerate() {
        let (cat, title, text) = PROBLEMS[i % PROBLEMS.len()];
        let code = DEPARTMENTS[i % DEPARTMENTS.len()];
        // The demo enterprise's own is answered and waits for its rating; the others run
        // through every state.
        let stage = if i == 0 { 2 } else { i % 6 };
        let filed = day(60 - (i as i64 % 50));
        let author = if i == 0 { qiye } else { None };
        let id = service_problems::insert(
            conn,
            &NewProblem {
                enterprise_id: enterprise,
                category: CATEGORIES[cat],
                title,
                description: text,
                filed_on: &filed.to_string(),
            },
            None,
            author,
        )
        .await?;
        if stage == 0 {
            continue;
        }
        let difficulty = [Difficulty::Simple, Difficulty::Cross, Difficulty::Complex][i % 3];
        let assigned = filed.plus_days(1).unwrap_or(filed);
        let deadline = rules.limit(difficulty).deadline(assigned, &calendar);
        let mut state = ProblemState {
            status: "assigned",
            difficulty: Some(difficulty.id().to_owned()),
            department_id: dept(code),
            assigned_on: Some(assigned.to_string()),
            deadline: Some(deadline.to_string()),
            answered_on: None,
            closed_on: None,
            rating: None,
            reopened: 0,
        };
        let step = async |conn: &mut sqlx::AnyConnection,
                          version: i64,
                          state: &ProblemState,
                          kind: &'static str,
                          on: Date,
                          body: &str,
                          by: Option<i64>| {
            service_problems::advance(
                conn,
                id,
                version,
                state,
                &NewEvent {
                    kind,
                    on_date: &on.to_string(),
                    body,
                    department_id: state.department_id,
                    attachment: None,
                },
                by,
            )
            .await
        };
        step(
            conn,
            1,
            &state,
            "assigned",
            assigned,
            "请按期办结并答复企业",
            city,
        )
        .await?;
        if stage == 1 {
            continue;
        }
        // Answered within the limit (stage 5: a day late).
        let answered = if stage == 5 {
            deadline.plus_days(1).unwrap_or(deadline)
        } else {
            calendar.add_working_days(assigned, 3).min(deadline)
        };
        if answered > today {
            continue;
        }
        state.status = "answered";
        state.answered_on = Some(answered.to_string());
        let by = if code == "tax" { tax } else { None };
        step(
            conn,
            2,
            &state,
            "answered",
            answered,
            "已协调相关单位现场办理，问题已解决，详见答复意见。",
            by,
        )
        .await?;
        if stage == 2 {
            continue;
        }
        let rated = answered.plus_days(2).unwrap_or(answered).min(today);
        if stage == 3 {
            // Not satisfied: back to the department with a fresh limit.
            state.status = "assigned";
            state.rating = Some("unsatisfied".into());
            state.reopened = 1;
            state.assigned_on = Some(rated.to_string());
            state.deadline = Some(rules.limit(difficulty).deadline(rated, &calendar).to_string());
            step(
                conn,
                3,
                &state,
                "reopened",
                rated,
                "不满意：问题仅部分解决，请继续协调。",
                None,
            )
            .await?;
            continue;
        }
        state.status = "closed";
        state.rating = Some(if stage == 4 { "satisfied" } else { "basic" }.into());
        state.closed_on = Some(rated.to_string());
        let words = if stage == 4 { "满意" } else { "基本满意" };
        step(conn, 3, &state, "closed", rated, words, None).await?;
    }
    Ok(())
}
