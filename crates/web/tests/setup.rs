//! The city administrator's setup page (issue 11): the registry and the classes of earlier
//! years uploaded from the city's own files; a refused file lists every problem with its row.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;

fn code(n: u32) -> String {
    mujun_domain::CreditCode::with_check_char(&format!("91411700MA{n:07}"))
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_city_uploads_its_registry_and_classes() {
    each(async |s| {
        let city = s.login("city").await;
        let page = s.get("/setup", Some(&city)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.name);
        assert!(page.body.contains("导入企业名录") && page.body.contains("导入历年评价类别"));
        let bad = format!(
            "单位名称,社会信用代码,所在县区,园区,国民经济行业代码\n甲公司,{},驿城区,,3511\n乙公司,{},火星区,,3511\n",
            code(1),
            code(2)
        );
        let p = s
            .post_multipart("/setup/registry", Some(&city), &[("year", "2024")], Some(("名录.csv", bad.as_bytes())))
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(p.body.contains("data-testid=\"problems\"") && p.body.contains("火星区"), "{}", s.name);
        assert!(p.body.contains("<td class=\"num\">3</td>"), "the row is named");
        // The file itself with its problems marked, for its sender only (and audited).
        let at = p.body.find("href=\"/setup/files/").expect("the marked file's link") + 6;
        let link: String = p.body[at..].chars().take_while(|c| *c != '"').collect();
        let file = s.get(&link, Some(&city)).await;
        assert_eq!(file.status, StatusCode::OK, "{}", s.name);
        assert!(
            file.headers
                .get(axum::http::header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("spreadsheetml"),
            "{}",
            s.name
        );
        for other in ["admin", "leader", "tax", "yicheng", "zhuangbei", "qiye", "auditor", "secadmin"] {
            let b = s.login(other).await;
            let page = s.get(&link, Some(&b)).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{}: {other}", s.name);
        }
        let good = format!(
            "单位名称,社会信用代码,所在县区,园区,国民经济行业代码\n甲公司,{},驿城区,驿城新园区,3511\n",
            code(1)
        );
        let p = s
            .post_multipart(
                "/setup/registry",
                Some(&city),
                &[("year", "2024"), ("create_clusters", "1")],
                Some(("名录.csv", good.as_bytes())),
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", s.name, p.body);
        assert!(p.body.contains("新增 1 家") && p.body.contains("驿城新园区"), "{}", s.name);
        let id = {
            let mut c = s.app.store().read().await.unwrap();
            mujun_store::enterprises::get_by_code(&mut c, &code(1)).await.unwrap().unwrap().id
        };
        let detail = s.get(&format!("/enterprises/{id}"), Some(&city)).await;
        assert!(
            detail.body.contains("data-testid=\"registry-history\"") && detail.body.contains("名录导入"),
            "{}: the enterprise shows where its entry came from",
            s.name
        );
        let classes = format!("年度,统一社会信用代码,评价类别,发布文件\n2021,{},C,驻政办〔2022〕5号\n", code(1));
        let p = s
            .post_multipart("/setup/classes", Some(&city), &[], Some(("历年.csv", classes.as_bytes())))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", s.name, p.body);
        assert!(p.body.contains("年度 2021"), "{}", s.name);
        let classes_page = s.get(&format!("/enterprises/{id}/classes"), Some(&city)).await;
        assert!(
            classes_page.body.contains("历史导入（驻政办〔2022〕5号）") && classes_page.body.contains("文件指纹"),
            "{}: {}",
            s.name,
            classes_page.body
        );
        // Nobody else.
        let tax = s.login("tax").await;
        assert_eq!(s.get("/setup", Some(&tax)).await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn a_new_city_is_set_up_from_the_first_run_page() {
    for store in mujun_store::testing::all().await {
        let s = empty_server(store).await;
        // Accounts of a fresh installation: the two administrators at the console, the city
        // administrator asked for and approved.
        let app = &s.app;
        mujun_app::testing::city_admin(app, "nycity", "Wancheng-Road-2024")
            .await
            .unwrap();
        let city = s.try_login("nycity", "Wancheng-Road-2024").await.unwrap();
        let page = s.get("/setup", Some(&city)).await;
        assert!(
            page.body.contains("action=\"/setup/city\""),
            "{}: the first-run form",
            s.name
        );
        let p = s
            .post(
                "/setup/city",
                Some(&city),
                &[("code", "411800"), ("agency", "南阳市发展和改革委员会")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(p.body.contains("不是地级市"));
        let p = s
            .post(
                "/setup/city",
                Some(&city),
                &[("code", "411300"), ("agency", "南阳市发展和改革委员会")],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", s.name, p.body);
        assert!(p.body.contains("已设置城市：河南省南阳市") && p.body.contains("邓州市（411381）"));
        assert!(!p.body.contains("action=\"/setup/city\""), "only once");
        assert_eq!(app.city().await.unwrap().unwrap().name, "南阳市");
        // The system administrator cannot set up a city.
        let (sys, password) = mujun_app::testing::SYS_ADMIN;
        let admin = s.try_login(sys, password).await.unwrap();
        let p = s
            .post(
                "/setup/city",
                Some(&admin),
                &[("code", "411700"), ("agency", "x")],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", s.name);
        s.cleanup().await;
    }
}

/// The hidden id of the file kept for the mapping step.
fn kept_file_id(body: &str) -> String {
    let at = body.find("name=\"file_id\" value=\"").expect("the mapping form") + 22;
    body[at..].chars().take_while(char::is_ascii_digit).collect()
}

#[tokio::test]
async fn the_city_maps_the_columns_of_its_own_workbook() {
    each(async |s| {
        let city = s.login("city").await;
        // The city's own layout: nothing but the county is named as we name it.
        let registry = format!(
            "序号,企业代码,企业全称,所在县区,行业,备注\n1,{},映射甲公司,驿城区,3511,\n2,{},映射乙公司,西平县,1310,新建\n",
            code(11),
            code(12)
        );
        let p = s
            .post_multipart("/setup/registry", Some(&city), &[("year", "2024")], Some(("名录.csv", registry.as_bytes())))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", s.name, p.body);
        assert!(p.body.contains("data-testid=\"mapping\""), "{}: the mapping step", s.name);
        assert!(p.body.contains("未识别") && p.body.contains("映射甲公司、映射乙公司"), "{}: samples", s.name);
        assert!(p.body.contains("请核对"), "{}: guesses are marked", s.name);
        let file_id = kept_file_id(&p.body);
        // Two columns for one field: asked again, nothing stored.
        let twice = [
            ("file_id", file_id.as_str()),
            ("year", "2024"),
            ("c0", ""),
            ("c1", "统一社会信用代码"),
            ("c2", "统一社会信用代码"),
            ("c3", "县区"),
            ("c4", "行业代码"),
            ("c5", ""),
        ];
        let p = s.post("/setup/mapping", Some(&city), &twice).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", s.name, p.body);
        assert!(p.body.contains("都对应到") && p.body.contains("data-testid=\"mapping\""), "{}", s.name);
        let right = [
            ("file_id", file_id.as_str()),
            ("year", "2024"),
            ("c0", ""),
            ("c1", "统一社会信用代码"),
            ("c2", "企业名称"),
            ("c3", "县区"),
            ("c4", "行业代码"),
            ("c5", ""),
        ];
        let p = s.post("/setup/mapping", Some(&city), &right).await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", s.name, p.body);
        assert!(p.body.contains("新增 2 家"), "{}: {}", s.name, p.body);
        // Next year's file of the same layout is read without asking.
        let renamed = registry.replace("映射乙公司", "映射乙集团");
        let p = s
            .post_multipart("/setup/registry", Some(&city), &[("year", "2025")], Some(("名录2025.csv", renamed.as_bytes())))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", s.name, p.body);
        assert!(p.body.contains("变更 1 家"), "{}: the remembered mapping: {}", s.name, p.body);

        // Figures of an earlier year in 元 and 平方米.
        let figures = format!(
            "纳税人识别号,营业收入（元）,用地（平方米）\n{},12345600,2000\n{},500000,1000\n",
            code(11),
            code(12)
        );
        let p = s
            .post_multipart("/setup/figures", Some(&city), &[("year", "2022")], Some(("2022年数据.csv", figures.as_bytes())))
            .await;
        assert!(p.body.contains("data-testid=\"mapping\""), "{}: {}", s.name, p.body);
        let file_id = kept_file_id(&p.body);
        let p = s
            .post(
                "/setup/mapping",
                Some(&city),
                &[
                    ("file_id", file_id.as_str()),
                    ("year", "2022"),
                    ("c0", "统一社会信用代码"),
                    ("c1", "主营业务收入|元"),
                    ("c2", "用地面积|平方米"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", s.name, p.body);
        assert!(p.body.contains("2 家企业，4 个数值"), "{}: {}", s.name, p.body);
        let id = {
            let mut c = s.app.store().read().await.unwrap();
            mujun_store::enterprises::get_by_code(&mut c, &code(11)).await.unwrap().unwrap().id
        };
        let mut c = s.app.store().read().await.unwrap();
        let current = mujun_store::figures::current(&mut c, id, 2022).await.unwrap();
        drop(c);
        let value = |f: &str| current.iter().find(|x| x.field == f).unwrap().value.unwrap();
        assert_eq!(value("main_revenue"), 1234.56, "{}: 元 → 万元", s.name);
        assert_eq!(value("land_area_mu"), 3.0, "{}: 2000 m² = 3 亩", s.name);
        assert!(current.iter().all(|f| f.source == "history"));
        let h = s
            .get(&format!("/enterprises/{id}/history?year=2022&field=main_revenue"), Some(&city))
            .await;
        assert!(
            h.body.contains("历史数据导入") && h.body.contains("2022年数据.csv") && h.body.contains("指纹"),
            "{}: {}",
            s.name,
            h.body
        );
        // Nobody else maps or imports.
        let tax = s.login("tax").await;
        let p = s
            .post_multipart("/setup/figures", Some(&tax), &[("year", "2022")], Some(("x.csv", figures.as_bytes())))
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn scripts_set_a_mapping_and_import_through_the_api() {
    use axum::body::Body;
    use axum::http::{Request, header};
    each(async |s| {
        let city = s.app.login("city", PASSWORD, "ip", None).await.unwrap().actor;
        let token = s.app.issue_own_token(&city, "setup", 30).await.unwrap();
        let classes = format!("评价年份,代码,结果,文件\n2021,{},C类,驻政办〔2022〕5号\n", code(13));
        let registry = format!("统一社会信用代码,企业名称,县区,行业代码\n{},接口公司,驿城区,3511\n", code(13));
        let post = |path: String, body: Vec<u8>, bearer: String| {
            Request::post(path)
                .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(Body::from(body))
                .unwrap()
        };
        let p = s
            .send(post(
                "/api/v1/setup/registry/import?file_name=%E5%90%8D%E5%BD%95.csv&year=2024".into(),
                registry.clone().into_bytes(),
                token.clone(),
            ))
            .await;
        assert_eq!(p.status, StatusCode::CREATED, "{}: {}", s.name, p.body);
        let p = s
            .send(post(
                "/api/v1/setup/classes/columns?file_name=c.csv".into(),
                classes.clone().into_bytes(),
                token.clone(),
            ))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", s.name, p.body);
        let v: serde_json::Value = serde_json::from_str(&p.body).unwrap();
        // Guessed (from the words and the values), never taken without being confirmed.
        assert!(v["missing"].as_array().unwrap().is_empty(), "{}: {}", s.name, p.body);
        assert_eq!(v["columns"][1]["target"], "统一社会信用代码", "{}: {}", s.name, p.body);
        assert_eq!(v["columns"][1]["recognised"], false);
        let print = v["fingerprint"].as_str().unwrap().to_owned();
        // Importing before the mapping is known: every missing column named, nothing stored.
        let p = s
            .send(post(
                "/api/v1/setup/classes/import?file_name=c.csv".into(),
                classes.clone().into_bytes(),
                token.clone(),
            ))
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", s.name, p.body);
        assert!(p.body.contains("缺少必需的列"), "{}: {}", s.name, p.body);
        let mapping = serde_json::json!({"columns": {"评价年份": "年度", "代码": "统一社会信用代码", "结果": "评价类别", "文件": "发布文件"}});
        let put = Request::put(format!("/api/v1/setup/classes/mappings/{print}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(mapping.to_string()))
            .unwrap();
        let p = s.send(put).await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", s.name, p.body);
        let p = s
            .send(post(
                "/api/v1/setup/classes/import?file_name=c.csv".into(),
                classes.clone().into_bytes(),
                token.clone(),
            ))
            .await;
        assert_eq!(p.status, StatusCode::CREATED, "{}: {}", s.name, p.body);
        assert!(p.body.contains("\"years\":[2021]"), "{}: {}", s.name, p.body);
        // A wrong target is refused; another role is refused and audited.
        let wrong = Request::put(format!("/api/v1/setup/classes/mappings/{print}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"columns":{"代码":"火星编号"}}"#))
            .unwrap();
        assert_eq!(s.send(wrong).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        let tax = s.app.login("tax", PASSWORD, "ip", None).await.unwrap().actor;
        let tax_token = s.app.issue_own_token(&tax, "setup", 30).await.unwrap();
        let p = s
            .send(post(
                "/api/v1/setup/classes/import?file_name=c.csv".into(),
                classes.into_bytes(),
                tax_token,
            ))
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {}", s.name, p.body);
    })
    .await;
}
