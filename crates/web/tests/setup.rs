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
