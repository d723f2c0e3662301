//! The JSON API under `/api/v1`, for systems (bearer tokens) and scripts in a signed-in browser
//! (session cookie plus `X-CSRF-Token` on changes).
//!
//! [`routes`] is the table of contents. Each resource has its module with thin handlers (take the
//! caller, call one use case of `mujun-app`, return JSON) and its response types; the use cases
//! check permissions and audit refusals. [`openapi::document`] describes every endpoint; the
//! endpoint table below feeds both the router and the document, and the tests check that the
//! paths and methods written on the handlers agree with it.

pub mod admission;
pub mod clusters;
pub mod clusters_plan;
pub mod collection;
pub mod common;
pub mod enterprises;
pub mod land;
pub mod me;
pub mod messages;
pub mod objections;
pub mod openapi;
pub mod reference;
pub mod runs;
pub mod service;
pub mod setup;
pub mod simulate;
pub mod tasks;
pub mod transformation;
pub mod warnings;

use axum::Router;
use mujun_app::AppError;

use crate::error::ApiError;
use crate::state::AppState;

/// The prefix under which the site nests [`routes`].
pub const PREFIX: &str = "/api/v1";

/// Declares the endpoint table once: the router, the list of endpoints, and the operations of
/// the OpenAPI document all come from it.
macro_rules! endpoints {
    ($($method:ident $path:literal => $module:ident :: $handler:ident),* $(,)?) => {
        /// Every endpoint as `(method, path below /api/v1)`, in the order of the table.
        pub const ENDPOINTS: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        /// Routes of the API (the site nests them at [`PREFIX`]); other paths below it answer
        /// with a JSON 404.
        pub fn routes() -> Router<AppState> {
            Router::new()
                $(.route($path, axum::routing::$method($module::$handler)))*
                .fallback(|| async { ApiError(AppError::NotFound("接口")) })
        }

        /// The operations of the table (paths below [`PREFIX`]); [`openapi::document`] adds the
        /// prefix, the info and the security schemes.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($module::$handler),*))]
        pub struct Operations;
    };
}

endpoints! {
    get "/me" => me::get_me,
    get "/messages" => messages::list_messages,
    post "/messages/{id}/read" => messages::read_message,
    get "/enterprises" => enterprises::list_enterprises,
    post "/enterprises" => enterprises::create_enterprise,
    get "/enterprises/{id}" => enterprises::get_enterprise,
    put "/enterprises/{id}" => enterprises::update_enterprise,
    get "/enterprises/{id}/figures/{field}/history" => enterprises::figure_history,
    get "/warnings" => warnings::list_warnings,
    get "/clusters" => clusters::list_clusters,
    get "/clusters/{id}" => clusters::get_cluster,
    get "/clusters/{id}/negative-list" => admission::get_negative_list,
    get "/cluster-indicators" => clusters_plan::get_cluster_indicators,
    post "/cluster-data" => clusters_plan::supply_cluster_data,
    get "/cluster-assessments" => clusters_plan::list_cluster_assessments,
    post "/cluster-assessments" => clusters_plan::run_cluster_assessment,
    get "/cluster-assessments/{id}" => clusters_plan::get_cluster_assessment,
    post "/cluster-assessments/{id}/decision" => clusters_plan::decide_cluster_assessment,
    get "/plan-targets" => clusters_plan::list_plan_targets,
    put "/clusters/{id}/negative-list" => admission::save_negative_list,
    get "/admission-reviews" => admission::list_admission_reviews,
    post "/admission-reviews" => admission::review_project,
    get "/land/projects" => land::list_projects,
    post "/land/contracts" => land::register_contracts,
    get "/land/projects/{id}" => land::get_project,
    post "/land/projects/{id}/progress" => land::report_progress,
    post "/land/projects/{id}/cases" => land::open_case,
    get "/land/idle-candidates" => land::idle_candidates,
    get "/land/cases" => land::list_cases,
    get "/land/cases/{id}" => land::get_case,
    post "/land/cases/{id}/steps" => land::advance_case,
    get "/land/low-efficiency" => land::low_efficiency,
    post "/land/disposal-plans" => land::add_plan,
    post "/land/disposal-plans/{id}/progress" => land::report_disposal,
    get "/land/standard-land" => land::standard_land,
    get "/service/problems" => service::list_problems,
    post "/service/problems" => service::file_problem,
    get "/service/problems/{id}" => service::get_problem,
    post "/service/problems/{id}/steps" => service::problem_step,
    get "/service/statistics" => service::problem_statistics,
    get "/tasks" => tasks::list_tasks,
    get "/tasks/{id}" => tasks::get_task,
    post "/tasks/{id}/reports" => tasks::report_task,
    get "/transformation-plans" => transformation::list_transformation_plans,
    post "/transformation-plans" => transformation::add_transformation_plan,
    get "/transformation-plans/{id}" => transformation::get_transformation_plan,
    post "/transformation-plans/{id}/progress" => transformation::report_transformation,
    get "/reference" => reference::get_reference,
    get "/collection/catalogue" => collection::get_catalogue,
    get "/collection/{department}/{year}/template" => collection::get_template,
    post "/collection/{department}/{year}/values" => collection::push_values,
    get "/collection/rounds/{id}" => collection::get_round,
    get "/runs" => runs::list_runs,
    get "/runs/{id}" => runs::get_run,
    get "/runs/{id}/results" => runs::list_results,
    get "/runs/{id}/results/{enterprise_id}" => runs::get_score_card,
    post "/runs/{id}/reopen-year" => runs::reopen_year,
    post "/runs/{id}/simulate" => simulate::simulate_run,
    get "/runs/{id}/scenarios" => simulate::list_scenarios,
    post "/runs/{id}/scenarios" => simulate::save_scenario,
    get "/runs/{id}/scenarios/compare" => simulate::compare_scenarios,
    delete "/runs/{id}/scenarios/{scenario_id}" => simulate::remove_scenario,
    get "/runs/{id}/sensitivity" => simulate::run_sensitivity,
    get "/objections" => objections::list_objections,
    post "/setup/{kind}/import" => setup::import_city_file,
    post "/setup/{kind}/columns" => setup::detect_city_file_columns,
    put "/setup/{kind}/mappings/{fingerprint}" => setup::set_city_file_mapping,
    get "/openapi.json" => openapi::get_openapi,
}
