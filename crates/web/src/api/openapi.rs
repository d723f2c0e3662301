//! The OpenAPI document of the API, served without authentication (no Swagger UI: the document
//! is for clients and code generators).

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::common::ErrorBody;
use crate::auth::SESSION_COOKIE;

/// Adds the security schemes.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "API 令牌：由账号本人在“个人 → 接口令牌”页面签发（最长一年，可轮换、吊销），只显示一次；\
                         请求头写 `Authorization: Bearer <令牌>`。令牌以所属账号的角色和数据范围访问，过期、轮换或吊销后返回 401。\
                         系统管理员、安全管理员、审计员和审定领导不使用令牌。",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "浏览器会话：登录页面后由浏览器自动携带的会话 Cookie。修改类请求（POST、PUT、DELETE）须同时在 \
                 `X-CSRF-Token` 请求头中携带本会话的表单令牌，否则返回 403；须先修改密码的会话返回 403。",
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "mujun 亩均论英雄 API",
        version = env!("CARGO_PKG_VERSION"),
        description = "亩均论英雄企业综合评价系统的 JSON 接口。\n\n\
            - 所有接口（本文档除外）须登录：API 令牌（`bearer`）或浏览器会话（`cookie`）。\n\
            - 数据范围由账号角色决定：县区、集聚区、企业用户只能看到本范围的数据；系统管理员和审计员不能查看业务数据。\
            越权访问返回 403 并记入审计日志。\n\
            - 错误统一为 `{\"error\": 代码, \"message\": 中文说明, \"fields\": [...]}`：401 未登录，403 无权访问，\
            404 不存在，409 冲突（重复或版本过期），413 请求体过大，422 填写有误；含空字符（NUL）的请求返回 400。\n\
            - 时间为北京时间的 RFC 3339 字符串；金额单位为万元。"
    ),
    components(schemas(
        ErrorBody,
        super::collection::ImportProblems,
        super::collection::IssueBody,
        super::collection::OverwriteBody,
        super::common::FieldErrorBody
    )),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("cookie" = [])),
    tags(
        (name = "账号", description = "当前调用者"),
        (name = "企业", description = "企业名录与一企一档"),
        (name = "集聚区", description = "产业集聚区"),
        (name = "项目准入", description = "各集聚区的产业准入负面清单（分版本）与拟入驻项目的准入审查"),
        (name = "土地与项目", description = "宗地与供地合同、项目进展、闲置土地与项目退出案件、低效用地处置方案和标准地履约（按账号的数据范围）"),
        (name = "企业服务", description = "企业问题台账：反映问题、交办（按工作日计算期限）、答复、评价和销号，及按承办部门的办理情况"),
        (name = "重点任务", description = "行动方案附件的重点工作任务分工：任务表、各期进展报送和逾期情况"),
        (name = "集聚区考核", description = "集聚区指标（含计算过程）、部门报送的集聚区数据、年度考核评价（星级、排名、奖励与限制）和规划目标进度"),
        (name = "倒逼转型", description = "C 类企业的一企一策转型方案、进展和次年结果（按账号的数据范围）"),
        (name = "参考数据", description = "县区、行业、部门与代码表"),
        (name = "数据采集", description = "数据项目录、部门填报模板、数值报送（与网页导入相同的校验）与采集完成情况"),
        (name = "综合评价", description = "评价批次、结果排名、企业评分卡与异议（按账号的数据范围）"),
        (name = "城市设置", description = "本市的企业名录、历年评价类别与历年数据文件的导入，以及按表头记住的列对应"),
        (name = "文档", description = "本 OpenAPI 文档"),
    )
)]
struct Base;

/// The whole document: the operations of the endpoint table under [`super::PREFIX`], with the
/// info, the tags and the security schemes.
pub fn document() -> utoipa::openapi::OpenApi {
    Base::openapi().nest(super::PREFIX, super::Operations::openapi())
}

static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    document()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
});

/// OpenAPI 文档
///
/// 本接口的 OpenAPI 3.1 文档（JSON）。无需登录。
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "文档",
    operation_id = "get_openapi",
    security(()),
    responses((status = 200, description = "OpenAPI 文档", content_type = "application/json", body = Object))
)]
pub async fn get_openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}
