//! The land pages end to end on both backends: the land officer opens the demo enterprise's
//! idle-land case from the candidate list, takes it to the fee decision and downloads the
//! decision as PDF; the enterprise sees its case on its home page; the public list shows it.
//! Contracts imported from a workbook are all or nothing with file, row, column and value; the
//! template's own columns are recognised; the map draws the cluster's parcels.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;

fn today_plus(days: i64) -> String {
    let now = mujun_store::now_ms() / 1000 + 8 * 3600;
    mujun_domain::Date::from_days_since_epoch(now.div_euclid(86_400) + days)
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_land_officer_takes_an_idle_case_to_the_fee_decision() {
    each(async |s| {
        let land = s.login("land").await;
        let qiye = s.login("qiye").await;
        let actor = s
            .app
            .login("qiye", PASSWORD, "127.0.0.1", None)
            .await
            .unwrap()
            .actor;
        let project = s.app.projects(&actor).await.unwrap().remove(0);
        // The candidate list names the project with the finding.
        let page = s.get("/land/idle", Some(&land)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.name);
        assert!(page.body.contains(&project.project_name) && page.body.contains("满 1 年未动工开发"));
        // Open the case from the project page's form.
        let page = s
            .get(&format!("/land/projects/{}", project.id), Some(&land))
            .await;
        assert!(page.body.contains("data-testid=\"open-idle\""), "{}", s.name);
        let page = s
            .post(
                &format!("/land/projects/{}/cases", project.id),
                Some(&land),
                &[
                    ("kind", "idle"),
                    ("doc_no", "驻自然资闲调〔2026〕88号"),
                    ("served_on", &today_plus(0)),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}: {}", s.name, page.body);
        let case_path = page.location().split('?').next().unwrap().to_owned();
        let case: i64 = case_path.rsplit('/').next().unwrap().parse().unwrap();
        let version = |body: &str| {
            let at = body.find("name=\"version\" value=\"").unwrap() + "name=\"version\" value=\"".len();
            body[at..].split('"').next().unwrap().to_owned()
        };
        let page = s.get(&case_path, Some(&land)).await;
        assert!(page.body.contains("闲置土地调查通知书（PDF）"));
        // 认定 without evidence of a government cause is refused in the page, with the typed values kept.
        let v = version(&page.body);
        let page = s
            .post(
                &format!("{case_path}/steps"),
                Some(&land),
                &[
                    ("version", &v),
                    ("step", "identification"),
                    ("doc_no", "驻自然资闲认〔2026〕88号"),
                    ("cause", "petitions"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("应写明证据") && page.body.contains("驻自然资闲认〔2026〕88号"));
        for (step, doc, cause) in [
            ("identification", "驻自然资闲认〔2026〕88号", "enterprise"),
            ("notification", "驻自然资闲告〔2026〕88号", ""),
            ("fee_decision", "驻自然资闲征〔2026〕88号", ""),
        ] {
            let v = version(&s.get(&case_path, Some(&land)).await.body);
            let page = s
                .post(
                    &format!("{case_path}/steps"),
                    Some(&land),
                    &[("version", &v), ("step", step), ("doc_no", doc), ("cause", cause)],
                )
                .await;
            assert_eq!(
                page.status,
                StatusCode::SEE_OTHER,
                "{}: {step}: {}",
                s.name,
                page.body
            );
        }
        let page = s.get(&case_path, Some(&land)).await;
        assert!(page.body.contains("data-testid=\"fee\""), "{}", s.name);
        let d = s.app.land_case(&actor, case).await.unwrap();
        let fee_step = d.steps.iter().find(|x| x.step == "fee_decision").unwrap().id;
        let pdf = s
            .raw_get(&format!("{case_path}/steps/{fee_step}/document.pdf"), Some(&land))
            .await;
        pdf.assert_download("application/pdf", b"%PDF-", "fee decision");
        // The enterprise sees its case (and its deadline) but gets no form to act.
        let home = s.get("/", Some(&qiye)).await;
        assert!(
            home.body.contains("data-testid=\"land-todo\"") && home.body.contains("征缴闲置费决定"),
            "{}",
            s.name
        );
        let page = s.get(&case_path, Some(&qiye)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&d.case.fee) && !page.body.contains("办理下一步"));
        // The public list, without signing in.
        let public = s.get("/public/idle-land", None).await;
        assert!(public.body.contains(&project.certificate_no) && public.body.contains("企业自身原因"));
    })
    .await;
}

#[tokio::test]
async fn contracts_come_from_a_workbook_all_or_nothing() {
    each(async |s| {
        let land = s.login("land").await;
        let city = s.app.login("city", PASSWORD, "127.0.0.1", None).await.unwrap().actor;
        let before = s.app.projects(&city).await.unwrap().len();
        // The template's own columns are recognised; its example holder is not in the registry.
        let template = s.raw_get("/land/projects/template.xlsx", Some(&land)).await;
        template.assert_download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK",
            "template",
        );
        let page = s
            .post_multipart("/land/projects/import", Some(&land), &[], Some(("供地合同导入模板.xlsx", &template.bytes)))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(page.body.contains("文件“供地合同导入模板.xlsx”第 2 行"), "{}", page.body);
        // A CSV with a good row and a bad one: nothing stored, the bad value named.
        let code = s
            .app
            .list_enterprises(&city, &mujun_app::registry::enterprises::EnterpriseQuery { page: 1, per_page: 1, ..Default::default() })
            .await
            .unwrap()
            .rows
            .remove(0)
            .credit_code;
        let header = "宗地编号,宗地面积（亩）,受让人统一社会信用代码,合同编号,项目名称,出让（划拨）价款（万元）,签订日期,约定动工日期,约定竣工日期,约定达产日期,应动工开发建筑面积（平方米）,约定总投资（万元，不含地价）";
        let good = format!("CSV-1,40,{code},测试CSV-1,测试项目,1200,2025-01-01,2025-03-01,2026-09-01,2027-09-01,24000,10000");
        let bad = format!("CSV-2,40,{code},测试CSV-2,测试项目,1200,2025-01-01,2025-03-01,2024-09-01,2027-09-01,24000,10000");
        let csv = format!("{header}\n{good}\n{bad}\n");
        let page = s
            .post_multipart("/land/projects/import", Some(&land), &[], Some(("合同.csv", csv.as_bytes())))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.body.contains("文件“合同.csv”第 3 行：“约定竣工日期”列的值“2024-09-01”早于约定动工日期"),
            "{}",
            page.body
        );
        assert_eq!(s.app.projects(&city).await.unwrap().len(), before, "{}: nothing stored", s.name);
        let csv = format!("{header}\n{good}\n");
        let page = s
            .post_multipart("/land/projects/import", Some(&land), &[], Some(("合同.csv", csv.as_bytes())))
            .await;
        assert_eq!(page.location(), "/land/projects?msg=contracts_imported_1", "{}", page.body);
        assert_eq!(s.app.projects(&city).await.unwrap().len(), before + 1);
        // An unknown column is named, not ignored.
        let csv = format!("{header},备注栏\n{good},x\n");
        let page = s
            .post_multipart("/land/projects/import", Some(&land), &[], Some(("合同2.csv", csv.as_bytes())))
            .await;
        assert!(page.body.contains("无法识别的列：M列“备注栏”"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn the_map_draws_the_clusters_parcels_and_the_ledgers_export() {
    each(async |s| {
        let city = s.login("city").await;
        let zb = cluster_id(s, "驻马店装备产业集聚区").await;
        let page = s.get(&format!("/clusters/{zb}/map"), Some(&city)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.name);
        assert!(page.body.matches("<polygon").count() >= 2, "{}", s.name);
        assert!(page.body.contains("href=\"/enterprises/"));
        let page = s.get(&format!("/clusters/{zb}/map?by=tax"), Some(&city)).await;
        assert!(page.body.contains("亩均税收 ≥ 15 万元"));
        for (path, first) in [
            ("/land/low-efficiency.xlsx", "宗地编号"),
            ("/land/exit.xlsx", "土地使用权人"),
            ("/land/projects.xlsx", "合同编号"),
        ] {
            let raw = s.raw_get(path, Some(&city)).await;
            raw.assert_download(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                b"PK",
                path,
            );
            let cells = xlsx_cells(&raw.bytes);
            assert_eq!(cells[0][0], first, "{path}");
            assert!(cells.len() > 1, "{path}: rows");
        }
        // The pages state the thresholds in force, not fixed text.
        let low = s.get("/land/low-efficiency", Some(&city)).await;
        assert!(low.body.contains("前两年平均的 50%") && low.body.contains("超过 6 个月无新增投资"));
        let std = s.get("/land/standard", Some(&city)).await;
        assert!(std.body.contains("核验日起 12 个月"), "{}", s.name);
        // The API refuses a bad case kind in words.
        let page = s.get("/api/v1/land/cases?kind=bogus", Some(&city)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("案件种类“bogus”无效"));
    })
    .await;
}
