//! Every repository function, on SQLite and on PostgreSQL (when a server answers).
#![allow(clippy::unwrap_used)]

use mujun_store::testing::{self, TestStore};
use mujun_store::{
    Scope, Store, api_tokens, audit, clusters, departments, enterprises, figures, industries, regions,
    sessions, users,
};

async fn each(f: impl AsyncFn(&Store, &'static str)) {
    for t in testing::all().await {
        let TestStore { name, .. } = t;
        f(&t.store, name).await;
        t.cleanup().await;
    }
}

fn cluster(name: &str, region: &str) -> clusters::ClusterFields {
    clusters::ClusterFields {
        name: name.into(),
        region_code: region.into(),
        star_level: Some(3),
        leading_industries: "装备制造".into(),
        planned_area_mu: Some(12_000.0),
        status: "active".into(),
        merged_into: None,
    }
}

fn enterprise(
    code: &str,
    name: &str,
    region: &str,
    cluster_id: Option<i64>,
    industry: &str,
) -> enterprises::EnterpriseFields {
    enterprises::EnterpriseFields {
        credit_code: code.into(),
        name: name.into(),
        region_code: region.into(),
        cluster_id,
        industry_code: industry.into(),
        production_start: Some("2010-05-01".into()),
        status: "operating".into(),
        contact_name: "张三".into(),
        contact_phone: "0396-1234567".into(),
        address: "驻马店市驿城区".into(),
        checksum_override: false,
    }
}

#[tokio::test]
async fn reference_data() {
    each(async |s, name| {
        let mut c = s.begin().await.unwrap();
        let tax = departments::insert(&mut c, "tax", "税务局", 1).await.unwrap();
        departments::insert(&mut c, "stats", "统计局", 2).await.unwrap();
        c.commit().await.unwrap();
        // A failed statement ends a PostgreSQL transaction: duplicates are tried on their own.
        let mut c = s.begin().await.unwrap();
        assert!(
            matches!(
                departments::insert(&mut c, "tax", "重复", 3).await,
                Err(mujun_store::StoreError::Duplicate(_))
            ),
            "{name}"
        );
        c.rollback().await.unwrap();
        let mut c = s.begin().await.unwrap();
        industries::upsert(&mut c, 13, "农副食品加工业").await.unwrap();
        industries::upsert(&mut c, 13, "农副食品加工业（改）")
            .await
            .unwrap();
        let old = regions::insert(&mut c, "411771", "经济开发区", Some("411700"), 2000)
            .await
            .unwrap();
        regions::insert(&mut c, "411702", "驿城区", Some("411700"), 2000)
            .await
            .unwrap();
        regions::retire(&mut c, old, 2015).await.unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        let deps = departments::list(&mut r).await.unwrap();
        assert_eq!(
            deps.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
            ["税务局", "统计局"],
            "{name}"
        );
        assert_eq!(departments::get(&mut r, tax).await.unwrap().unwrap().code, "tax");
        assert_eq!(
            industries::list(&mut r).await.unwrap()[0].name,
            "农副食品加工业（改）"
        );
        assert_eq!(regions::valid_in(&mut r, 2010).await.unwrap().len(), 2, "{name}");
        assert_eq!(regions::valid_in(&mut r, 2020).await.unwrap().len(), 1, "{name}");
        assert_eq!(regions::list_all(&mut r).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn clusters_keep_their_history() {
    each(async |s, name| {
        let mut c = s.begin().await.unwrap();
        let id = clusters::insert(&mut c, &cluster("驻马店装备产业集聚区", "411702"), None)
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut c = s.begin().await.unwrap();
        let mut f = cluster("驻马店装备制造产业集聚区", "411702");
        f.star_level = Some(4);
        f.status = "demoted".into();
        clusters::update(&mut c, id, 1, &f, Some(7)).await.unwrap();
        c.commit().await.unwrap();
        let mut c = s.begin().await.unwrap();
        assert!(
            matches!(
                clusters::update(&mut c, id, 1, &f, None).await,
                Err(mujun_store::StoreError::Conflict(_))
            ),
            "stale version"
        );
        c.rollback().await.unwrap();
        let mut r = s.read().await.unwrap();
        let got = clusters::get(&mut r, id).await.unwrap().unwrap();
        assert_eq!(
            (got.name.as_str(), got.star_level, got.version),
            ("驻马店装备制造产业集聚区", Some(4), 2),
            "{name}"
        );
        let kinds: Vec<String> = clusters::events(&mut r, id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        for k in ["created", "renamed", "star_changed", "demoted"] {
            assert!(kinds.contains(&k.to_owned()), "{name}: {kinds:?}");
        }
        assert!(
            clusters::get_by_name(&mut r, "驻马店装备制造产业集聚区")
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(clusters::list(&mut r, Some("411702")).await.unwrap().len(), 1);
        assert_eq!(clusters::list(&mut r, Some("411721")).await.unwrap().len(), 0);
        assert_eq!(clusters::list(&mut r, None).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn enterprise_list_filters_scope_sort_and_pages() {
    each(async |s, name| {
        let mut c = s.begin().await.unwrap();
        let a = clusters::insert(&mut c, &cluster("甲集聚区", "411702"), None)
            .await
            .unwrap();
        let b = clusters::insert(&mut c, &cluster("乙集聚区", "411721"), None)
            .await
            .unwrap();
        let mut ids = Vec::new();
        for i in 0..30 {
            let (region, cl) = if i % 3 == 0 {
                ("411721", Some(b))
            } else {
                ("411702", Some(a))
            };
            let industry = if i % 2 == 0 { "3412" } else { "1311" };
            let id = enterprises::insert(
                &mut c,
                &enterprise(
                    &format!("91411700{i:010}"),
                    &format!("企业{i:02}机械"),
                    region,
                    cl,
                    industry,
                ),
            )
            .await
            .unwrap();
            enterprises::set_scale(&mut c, id, 2024, if i < 20 { "above" } else { "below" })
                .await
                .unwrap();
            enterprises::set_class(&mut c, id, 2024, if i < 5 { "A" } else { "B" }, "seed")
                .await
                .unwrap();
            ids.push(id);
        }
        c.commit().await.unwrap();
        let mut c = s.begin().await.unwrap();
        assert!(matches!(
            enterprises::insert(
                &mut c,
                &enterprise("914117000000000000", "重复", "411702", None, "3412")
            )
            .await,
            Err(mujun_store::StoreError::Duplicate(_))
        ));
        c.rollback().await.unwrap();
        let mut r = s.read().await.unwrap();
        let base = enterprises::ListFilter {
            year: 2024,
            ..Default::default()
        };
        let list = |scope: Scope, f: enterprises::ListFilter| {
            let s = s.clone();
            async move {
                let mut r = s.read().await.unwrap();
                enterprises::list(&mut r, &scope, &f, enterprises::SortBy::CreditCode, false, 10, 0)
                    .await
                    .unwrap()
            }
        };
        let (rows, total) = list(Scope::All, base.clone()).await;
        assert_eq!((rows.len(), total), (10, 30), "{name}");
        assert_eq!(rows[0].cluster_name.as_deref(), Some("乙集聚区"));
        assert_eq!(
            list(Scope::Region("411721".into()), base.clone()).await.1,
            10,
            "{name}: county scope"
        );
        assert_eq!(
            list(Scope::Cluster(a), base.clone()).await.1,
            20,
            "{name}: cluster scope"
        );
        assert_eq!(
            list(Scope::Enterprise(ids[4]), base.clone()).await.1,
            1,
            "{name}: enterprise scope"
        );
        assert_eq!(list(Scope::Nothing, base.clone()).await.1, 0, "{name}: nothing");
        let f = enterprises::ListFilter {
            search: Some("企业0".into()),
            ..base.clone()
        };
        assert_eq!(list(Scope::All, f).await.1, 10, "{name}: name search");
        let f = enterprises::ListFilter {
            search: Some("91411700000000001".into()),
            ..base.clone()
        };
        assert_eq!(list(Scope::All, f).await.1, 10, "{name}: code prefix");
        let f = enterprises::ListFilter {
            industry: Some("34".into()),
            scale: Some("above".into()),
            ..base.clone()
        };
        assert_eq!(list(Scope::All, f).await.1, 10, "{name}: industry + scale");
        let f = enterprises::ListFilter {
            class: Some("A".into()),
            cluster_id: Some(a),
            ..base.clone()
        };
        assert_eq!(list(Scope::All, f).await.1, 3, "{name}: class + cluster");
        let f = enterprises::ListFilter {
            region_code: Some("411702".into()),
            ..base.clone()
        };
        assert_eq!(
            list(Scope::Cluster(b), f).await.1,
            0,
            "{name}: filter cannot widen the scope"
        );
        let (desc, _) = enterprises::list(&mut r, &Scope::All, &base, enterprises::SortBy::Name, true, 5, 5)
            .await
            .unwrap();
        assert_eq!(
            desc[0].name, "企业24机械",
            "{name}: sort by name desc, second page"
        );
        assert_eq!(
            enterprises::list_page(&mut r, &Scope::All, &base, enterprises::SortBy::Name, true, 5, 5)
                .await
                .unwrap(),
            desc,
            "{name}: the page without its count"
        );
        assert!(base.selects_all());
        assert!(
            !enterprises::ListFilter {
                cluster_id: Some(a),
                ..base.clone()
            }
            .selects_all()
        );
        let one = enterprises::get(&mut r, ids[0], &Scope::All)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(one.contact_name, "张三");
        assert!(
            enterprises::get(&mut r, ids[0], &Scope::Cluster(a))
                .await
                .unwrap()
                .is_none(),
            "{name}: out of scope"
        );
        assert!(
            enterprises::get_by_code(&mut r, "914117000000000001")
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(enterprises::count(&mut r).await.unwrap(), 30);
        assert_eq!(enterprises::years(&mut r).await.unwrap(), vec![2024]);
        assert_eq!(
            enterprises::scales(&mut r, ids[0]).await.unwrap(),
            vec![(2024, "above".to_owned())]
        );
        assert_eq!(enterprises::classes(&mut r, ids[0]).await.unwrap()[0].1, "A");
        drop(r);

        let mut c = s.begin().await.unwrap();
        let mut f = enterprise(
            "914117000000000000",
            "企业00机械（更名）",
            "411721",
            Some(b),
            "3412",
        );
        f.status = "stopped".into();
        enterprises::update(&mut c, ids[0], 1, &f).await.unwrap();
        assert!(matches!(
            enterprises::update(&mut c, ids[0], 1, &f).await,
            Err(mujun_store::StoreError::Conflict(_))
        ));
        enterprises::set_items(
            &mut c,
            ids[0],
            2024,
            "bonus",
            &["high_tech".into(), "listed".into()],
        )
        .await
        .unwrap();
        enterprises::set_items(&mut c, ids[0], 2024, "bonus", &["listed".into()])
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        assert_eq!(
            enterprises::get(&mut r, ids[0], &Scope::All)
                .await
                .unwrap()
                .unwrap()
                .status,
            "stopped"
        );
        assert_eq!(
            enterprises::items(&mut r, ids[0], 2024).await.unwrap(),
            vec![("bonus".to_owned(), "listed".to_owned())]
        );
        drop(r);

        // Name searches go through the index of name windows: a rename is found by its new
        // name and no longer by the old one; a one-character search, an ASCII fragment and a
        // fragment spanning the whole name still work.
        let search = |q: &str| enterprises::ListFilter {
            search: Some(q.into()),
            ..base.clone()
        };
        assert_eq!(list(Scope::All, search("更名")).await.1, 1, "{name}: new name");
        let mut c = s.begin().await.unwrap();
        let mut g = f.clone();
        g.name = "驿城ABC纺织厂".into();
        enterprises::update(&mut c, ids[0], 2, &g).await.unwrap();
        c.commit().await.unwrap();
        assert_eq!(
            list(Scope::All, search("更名")).await.1,
            0,
            "{name}: old name gone"
        );
        assert_eq!(list(Scope::All, search("企业00")).await.1, 0, "{name}");
        assert_eq!(list(Scope::All, search("企业01机械")).await.1, 1, "{name}");
        assert_eq!(list(Scope::All, search("纺织")).await.1, 1, "{name}");
        assert_eq!(list(Scope::All, search("驿城ABC纺织厂")).await.1, 1, "{name}");
        assert_eq!(list(Scope::All, search("厂")).await.1, 1, "{name}: one character");
        assert_eq!(list(Scope::All, search("机械")).await.1, 29, "{name}");
        assert_eq!(
            list(Scope::All, search("ABC")).await.1,
            1,
            "{name}: ASCII fragment"
        );
        assert_eq!(
            list(Scope::Region("411702".into()), search("机械")).await.1,
            list(
                Scope::Region("411702".into()),
                enterprises::ListFilter {
                    region_code: Some("411702".into()),
                    ..base.clone()
                }
            )
            .await
            .1,
            "{name}: search within a scope"
        );
    })
    .await;
}

#[tokio::test]
async fn figures_keep_history() {
    each(async |s, name| {
        let mut c = s.begin().await.unwrap();
        let e = enterprises::insert(
            &mut c,
            &enterprise("914117000000000016", "甲", "411702", None, "3412"),
        )
        .await
        .unwrap();
        let tax = departments::insert(&mut c, "tax", "税务局", 1).await.unwrap();
        let new = |field: &str, value: Option<f64>, source: &str| figures::NewFigure {
            enterprise_id: e,
            year: 2024,
            field: field.into(),
            value,
            department_id: Some(tax),
            source: source.into(),
            batch_id: None,
            user_id: None,
        };
        let many: Vec<_> = (0..1200)
            .map(|i| figures::NewFigure {
                year: 3000 + i,
                ..new("tax_paid", Some(i as f64), "seed")
            })
            .collect();
        figures::insert_fresh(&mut c, s.backend(), &many).await.unwrap();
        figures::record(
            &mut c,
            s.backend(),
            &[
                new("tax_paid", Some(1500.0), "import"),
                new("land_area_mu", Some(100.0), "import"),
            ],
        )
        .await
        .unwrap();
        c.commit().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let mut c = s.begin().await.unwrap();
        figures::record(&mut c, s.backend(), &[new("tax_paid", Some(1600.0), "manual")])
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        let cur = figures::current(&mut r, e, 2024).await.unwrap();
        assert_eq!(cur.len(), 2, "{name}");
        assert_eq!(
            cur.iter().find(|f| f.field == "tax_paid").unwrap().value,
            Some(1600.0)
        );
        let hist = figures::history(&mut r, e, 2024, "tax_paid").await.unwrap();
        assert_eq!(hist.len(), 2, "{name}");
        assert_eq!(
            (hist[0].value, hist[0].superseded_at.is_none()),
            (Some(1600.0), true)
        );
        assert_eq!(
            (
                hist[1].value,
                hist[1].source.as_str(),
                hist[1].superseded_at.is_some()
            ),
            (Some(1500.0), "import", true)
        );
        assert_eq!(figures::current_for_year(&mut r, 2024).await.unwrap().len(), 2);
        assert_eq!(
            figures::current_for_year(&mut r, 3500).await.unwrap()[0].value,
            Some(500.0),
            "{name}: bulk insert"
        );
        drop(r);

        // The year as a table: current values only (the superseded 1,500 is larger than the
        // current 1,400 and must not show), a value recorded as missing is None, fields in the
        // asked order, enterprises in id order, other fields and years left out.
        let mut c = s.begin().await.unwrap();
        let f = enterprises::insert(
            &mut c,
            &enterprise("914117000000000024", "乙", "411702", None, "3412"),
        )
        .await
        .unwrap();
        let for_f = |field: &str, value: Option<f64>| figures::NewFigure {
            enterprise_id: f,
            ..new(field, value, "import")
        };
        figures::record(
            &mut c,
            s.backend(),
            &[
                for_f("tax_paid", Some(1500.0)),
                for_f("employees", None),
                for_f("water_m3", Some(7.0)),
            ],
        )
        .await
        .unwrap();
        figures::record(&mut c, s.backend(), &[for_f("tax_paid", Some(1400.0))])
            .await
            .unwrap();
        c.commit().await.unwrap();
        let table = figures::year_table(
            s.read_typed().await.unwrap().conn(),
            2024,
            &["land_area_mu", "employees", "tax_paid"],
        )
        .await
        .unwrap();
        assert_eq!(
            table,
            vec![
                (e, vec![Some(100.0), None, Some(1600.0)]),
                (f, vec![None, None, Some(1400.0)]),
            ],
            "{name}: year table"
        );
        assert!(
            figures::year_table(s.read_typed().await.unwrap().conn(), 2025, &["tax_paid"])
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            figures::year_table(s.read_typed().await.unwrap().conn(), 2024, &[])
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

fn user(name: &str, role: &str) -> users::UserFields {
    users::UserFields {
        username: name.into(),
        display_name: format!("{name} 显示名"),
        role: role.into(),
        department_id: None,
        region_code: None,
        cluster_id: None,
        enterprise_id: None,
        active: true,
    }
}

#[tokio::test]
async fn users_sessions_tokens() {
    each(async |s, name| {
        let mut c = s.begin().await.unwrap();
        let id = users::insert(&mut c, &user("admin", "sys_admin"), "hash1", true)
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut c = s.begin().await.unwrap();
        assert!(matches!(
            users::insert(&mut c, &user("admin", "auditor"), "h", true).await,
            Err(mujun_store::StoreError::Duplicate(_))
        ));
        c.rollback().await.unwrap();
        let mut c = s.begin().await.unwrap();
        assert_eq!(users::record_failure(&mut c, id, 3, 999).await.unwrap(), 1);
        assert_eq!(users::record_failure(&mut c, id, 3, 999).await.unwrap(), 2);
        assert_eq!(users::record_failure(&mut c, id, 3, 999).await.unwrap(), 3);
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        let u = users::get(&mut r, id).await.unwrap().unwrap();
        assert_eq!(
            (u.failed_attempts, u.locked_until, u.must_change_password),
            (3, Some(999), 1),
            "{name}"
        );
        drop(r);
        let mut c = s.begin().await.unwrap();
        users::clear_failures(&mut c, id).await.unwrap();
        users::set_password(&mut c, id, "hash2", false).await.unwrap();
        let mut f = user("admin2", "auditor");
        f.active = false;
        users::update(&mut c, id, &f).await.unwrap();
        let sess = sessions::Session {
            token_hash: "abc".into(),
            user_id: id,
            csrf_token: "csrf".into(),
            created_at: 1,
            last_seen_at: 1,
            ip: "127.0.0.1".into(),
        };
        sessions::insert(&mut c, &sess).await.unwrap();
        sessions::insert(
            &mut c,
            &sessions::Session {
                token_hash: "def".into(),
                last_seen_at: 100,
                ..sess.clone()
            },
        )
        .await
        .unwrap();
        sessions::touch(&mut c, "abc", 50).await.unwrap();
        assert_eq!(sessions::delete_idle(&mut c, 60).await.unwrap(), 1);
        let tok = api_tokens::insert(&mut c, id, "统计局系统", "tokhash", Some(10_000_000_000_000))
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        let u = users::get_by_username(&mut r, "admin2").await.unwrap().unwrap();
        assert_eq!(
            (
                u.password_hash.as_str(),
                u.active,
                u.role.as_str(),
                u.failed_attempts
            ),
            ("hash2", 0, "auditor", 0),
            "{name}"
        );
        assert_eq!(users::list(&mut r).await.unwrap().len(), 1);
        assert_eq!(users::count(&mut r).await.unwrap(), 1);
        assert!(
            sessions::get(&mut r, "abc").await.unwrap().is_none(),
            "{name}: idle session removed"
        );
        assert_eq!(
            sessions::get(&mut r, "def").await.unwrap().unwrap().csrf_token,
            "csrf"
        );
        assert_eq!(
            api_tokens::find_usable(&mut r, "tokhash", 1)
                .await
                .unwrap()
                .unwrap()
                .id,
            tok
        );
        assert!(
            api_tokens::find_usable(&mut r, "tokhash", 10_000_000_000_001)
                .await
                .unwrap()
                .is_none(),
            "expired"
        );
        drop(r);
        let mut c = s.begin().await.unwrap();
        api_tokens::revoke(&mut c, tok).await.unwrap();
        sessions::delete(&mut c, "def").await.unwrap();
        assert_eq!(sessions::delete_for_user(&mut c, id).await.unwrap(), 0);
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        assert!(
            api_tokens::find_usable(&mut r, "tokhash", 1)
                .await
                .unwrap()
                .is_none(),
            "revoked"
        );
        assert_eq!(api_tokens::list_for_user(&mut r, id).await.unwrap().len(), 1);
    })
    .await;
}

fn entry(action: &str, who: &str) -> audit::NewEntry {
    audit::NewEntry {
        user_id: Some(1),
        username: who.into(),
        role: "city_admin".into(),
        action: action.into(),
        object_type: "enterprise".into(),
        object_id: "914117000000000016".into(),
        detail: "{\"field\":\"name\"}".into(),
        ip: "127.0.0.1".into(),
        outcome: "ok".into(),
    }
}

#[tokio::test]
async fn audit_chain_append_search_verify_and_tamper() {
    each(async |s, name| {
        for i in 0..12 {
            let mut c = s.begin().await.unwrap();
            audit::append(
                &mut c,
                &entry(
                    if i % 2 == 0 { "login" } else { "enterprise.update" },
                    if i < 6 { "alice" } else { "bob" },
                ),
            )
            .await
            .unwrap();
            c.commit().await.unwrap();
        }
        // A rolled-back change leaves no entry and no gap.
        let mut c = s.begin().await.unwrap();
        audit::append(&mut c, &entry("export", "alice")).await.unwrap();
        c.rollback().await.unwrap();
        let mut r = s.read().await.unwrap();
        assert_eq!(
            audit::verify(&mut r, &audit::AuditKey::unkeyed()).await.unwrap(),
            audit::Verification::Intact {
                entries: 12,
                unkeyed: 12
            },
            "{name}"
        );
        let f = audit::Filter {
            username: Some("alice".into()),
            action: Some("login".into()),
            ..Default::default()
        };
        let (rows, total) = audit::search(&mut r, &f, 10, 0).await.unwrap();
        assert_eq!((rows.len(), total), (3, 3), "{name}");
        assert!(rows[0].id > rows[1].id, "newest first");
        assert_eq!(audit::count(&mut r).await.unwrap(), 12);
        // `_` in an action is literal, not a wildcard.
        let f = audit::Filter {
            action: Some("enterprise.u".into()),
            ..Default::default()
        };
        assert_eq!(audit::search(&mut r, &f, 50, 0).await.unwrap().1, 6, "{name}");
        let f = audit::Filter {
            action: Some("login_".into()),
            ..Default::default()
        };
        assert_eq!(
            audit::search(&mut r, &f, 50, 0).await.unwrap().1,
            0,
            "{name}: `_` matches only itself"
        );
        // The database refuses edits.
        let refused = sqlx::query("UPDATE audit_log SET username = 'mallory' WHERE id = 3")
            .execute(&mut *r)
            .await;
        assert!(refused.is_err(), "{name}: update must be refused");
        assert!(
            sqlx::query("DELETE FROM audit_log WHERE id = 12")
                .execute(&mut *r)
                .await
                .is_err(),
            "{name}: delete refused"
        );
        // Someone with the database owner's rights removes the guard and edits a row: detected.
        match s.backend() {
            mujun_store::Backend::Sqlite => {
                sqlx::query("DROP TRIGGER audit_log_no_update")
                    .execute(&mut *r)
                    .await
                    .unwrap();
            }
            mujun_store::Backend::Postgres => {
                sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
                    .execute(&mut *r)
                    .await
                    .unwrap();
            }
        }
        sqlx::query("UPDATE audit_log SET username = 'mallory' WHERE id = 5")
            .execute(&mut *r)
            .await
            .unwrap();
        match audit::verify(&mut r, &audit::AuditKey::unkeyed()).await.unwrap() {
            audit::Verification::Broken { id, .. } => assert_eq!(id, 5, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn concurrent_appends_do_not_fork_the_chain() {
    each(async |s, name| {
        let mut tasks = Vec::new();
        for t in 0..8 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..10 {
                    let mut c = s.begin().await.unwrap();
                    audit::append(&mut c, &entry(&format!("task{t}.{i}"), "x"))
                        .await
                        .unwrap();
                    c.commit().await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let mut r = s.read().await.unwrap();
        assert_eq!(
            audit::verify(&mut r, &audit::AuditKey::unkeyed()).await.unwrap(),
            audit::Verification::Intact {
                entries: 80,
                unkeyed: 80
            },
            "{name}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_null_decimal_then_a_value_through_the_same_statement() {
    // sqlx 0.9's Any driver sends a NULL f64 to PostgreSQL as float4; a statement first prepared
    // with it then refused every real value. Optional decimals go as text (`opt_f64`).
    each(async |s, name| {
        let mut c = s.begin().await.unwrap();
        let mut none = cluster("甲", "411702");
        none.planned_area_mu = None;
        for i in 0..3 {
            clusters::insert(
                &mut c,
                &clusters::ClusterFields {
                    name: format!("空{i}"),
                    ..none.clone()
                },
                None,
            )
            .await
            .unwrap();
        }
        let id = clusters::insert(&mut c, &cluster("乙", "411702"), None)
            .await
            .unwrap();
        c.commit().await.unwrap();
        let mut r = s.read().await.unwrap();
        assert_eq!(
            clusters::get(&mut r, id).await.unwrap().unwrap().planned_area_mu,
            Some(12_000.0),
            "{name}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_large_load_into_an_empty_table_keeps_every_value_and_rebuilds_its_indexes() {
    // 50,000 rows into an empty table: the indexes are dropped and built again after the load
    // (`bulk::insert`); on PostgreSQL each column travels as one array literal.
    each(async |s, name| {
        let index_sql = if name == "sqlite" {
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'enterprises' ORDER BY name"
        } else {
            "SELECT indexname::text FROM pg_indexes WHERE tablename = 'enterprises' ORDER BY 1"
        };
        let indexes = async || -> Vec<String> {
            let mut r = s.read().await.unwrap();
            sqlx::query_as::<_, (String,)>(index_sql)
                .fetch_all(&mut *r)
                .await
                .unwrap()
                .into_iter()
                .map(|(n,)| n)
                .collect()
        };
        let before = indexes().await;
        assert!(before.len() >= 3, "{name}: {before:?}");
        // Texts an array literal or a JSON text would have to escape.
        let tricky = [
            "引号\"反斜杠\\逗号,括号{}",
            "NULL",
            "换行\n制表\t",
            "单引号'；分号",
            "",
        ];
        let rows: Vec<enterprises::EnterpriseFields> = (0..50_000)
            .map(|i| {
                let mut e = enterprise(
                    &format!("91411700MA{i:08}"),
                    &format!("驻马店第{i}机械有限公司"),
                    "411702",
                    None,
                    "3311",
                );
                if let Some(t) = tricky.get(i) {
                    e.name = format!("特殊{t}");
                    e.address = (*t).to_owned();
                    e.production_start = None;
                }
                e
            })
            .collect();
        let mut tx = s.begin().await.unwrap();
        let ids = mujun_store::registry::insert_many(&mut tx, s.backend(), &rows)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(ids.len(), 50_000, "{name}");
        assert_eq!(indexes().await, before, "{name}: the same indexes after the load");
        let mut r = s.read().await.unwrap();
        for (i, t) in tricky.iter().enumerate() {
            let id = ids[&format!("91411700MA{i:08}")];
            let e = enterprises::get(&mut r, id, &Scope::All).await.unwrap().unwrap();
            assert_eq!(e.name, format!("特殊{t}"), "{name}");
            assert_eq!(e.address, *t, "{name}");
            assert_eq!(e.production_start, None, "{name}");
        }
        let last = enterprises::get(&mut r, ids["91411700MA00049999"], &Scope::All)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(last.name, "驻马店第49999机械有限公司", "{name}");
        assert_eq!(last.production_start.as_deref(), Some("2010-05-01"), "{name}");
        // The name windows were loaded too: a search finds the names by a fragment.
        let filter = enterprises::ListFilter {
            search: Some("特殊".into()),
            year: 2024,
            ..Default::default()
        };
        let (found, total) = enterprises::list(
            &mut r,
            &Scope::All,
            &filter,
            enterprises::SortBy::CreditCode,
            false,
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(total, 5, "{name}");
        assert_eq!(found[0].credit_code, "91411700MA00000000", "{name}");
    })
    .await;
}
