//! Issue 10 regression tests on both backends: separation of duties (三员分立), login
//! throttling without an outsider-controlled lock, password rules, the second factor, session
//! lifetime and the auditor's masked view of figures.
#![allow(clippy::unwrap_used)]

use mujun_app::accounts::AccountForm;
use mujun_app::demo::DEMO_PASSWORD;
use mujun_app::{Actor, App, AppError, HashCost, Role, Security, totp};
use mujun_store::{audit, testing};

fn security() -> Security {
    Security {
        hash_cost: HashCost::TEST,
        ..Security::default()
    }
}

/// Each backend with the demo seeded; the latest demo year.
async fn each(f: impl AsyncFn(App, &'static str, i64)) {
    for t in testing::all().await {
        let app = App::new(t.store.clone(), security());
        let seed = app.seed_demo(80, 5).await.unwrap().unwrap();
        let year = i64::from(*seed.years.iter().max().unwrap());
        f(app, t.name, year).await;
        t.cleanup().await;
    }
}

async fn login(app: &App, user: &str) -> Actor {
    app.login(user, DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor
}

async fn user_id(app: &App, username: &str) -> i64 {
    let admin = login(app, "admin").await;
    app.list_accounts(&admin)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == username)
        .unwrap()
        .id
}

async fn last_audit(app: &App) -> audit::Entry {
    let mut c = app.store().read().await.unwrap();
    audit::search(&mut c, &audit::Filter::default(), 1, 0)
        .await
        .unwrap()
        .0
        .remove(0)
}

/// Runs one statement on the store (to age a session or a password).
async fn sql(app: &App, statement: &str) {
    let mut tx = app.store().begin().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn invalid(r: Result<impl std::fmt::Debug, AppError>, field: &str, what: &str) {
    match r {
        Err(AppError::Invalid(errors)) => {
            assert!(errors.iter().any(|e| e.field == field), "{what}: {errors:?}")
        }
        other => panic!("{what}: expected a refusal of {field}, got {other:?}"),
    }
}

#[tokio::test]
async fn the_system_administrator_never_obtains_business_access() {
    each(async |app, name, _| {
        let admin = login(&app, "admin").await;
        let sec = login(&app, "secadmin").await;
        let city_form = AccountForm {
            username: "city3".into(),
            display_name: "新的市级管理员".into(),
            role: Role::CityAdmin.id().into(),
            active: true,
            ..Default::default()
        };
        // No privileged account made directly, no token for anyone, no reset of the auditor.
        invalid(
            app.create_account(&admin, &city_form, "Initial-Pass1").await,
            "role",
            name,
        );
        assert!(matches!(
            app.issue_own_token(&admin, "mine", 30).await,
            Err(AppError::Forbidden(_))
        ));
        let e = last_audit(&app).await;
        assert_eq!(
            (e.action.as_str(), e.outcome.as_str()),
            ("token.create", "denied")
        );
        let auditor = user_id(&app, "auditor").await;
        invalid(
            app.reset_password(&admin, auditor, "Fresh-Passw0rd!").await,
            "password",
            name,
        );
        // Nor by turning an ordinary account into a privileged one.
        let county = user_id(&app, "yicheng").await;
        let mut promoted = AccountForm {
            username: "yicheng".into(),
            display_name: "驿城区 工作人员".into(),
            role: Role::CityAdmin.id().into(),
            active: true,
            ..Default::default()
        };
        invalid(app.update_account(&admin, county, &promoted).await, "role", name);
        promoted.role = Role::Auditor.id().into();
        invalid(app.update_account(&admin, county, &promoted).await, "role", name);

        // Asked for: the account exists but nobody can sign in as it.
        let (id, half_a) = app.request_privileged_account(&admin, &city_form).await.unwrap();
        assert!(matches!(
            app.login("city3", "Initial-Pass1", "10.1.0.1", None).await,
            Err(AppError::BadCredentials)
        ));
        // Only the security administrator decides; the system administrator cannot even look.
        assert!(matches!(
            app.account_requests(&admin).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.list_accounts(&sec).await,
            Err(AppError::Forbidden(_))
        ));
        let request = app.account_requests(&sec).await.unwrap();
        assert_eq!(request.len(), 1, "{name}");
        assert!(request[0].pending);
        assert!(matches!(
            app.decide_account_request(&admin, request[0].id, true, "").await,
            Err(AppError::Forbidden(_))
        ));
        invalid(
            app.decide_account_request(&sec, request[0].id, false, " ").await,
            "reason",
            name,
        );
        let half_b = app
            .decide_account_request(&sec, request[0].id, true, "")
            .await
            .unwrap()
            .unwrap();
        assert_ne!(half_a, half_b);
        // Either half alone, or the halves swapped, opens nothing.
        for code in [half_a.clone(), half_b.clone(), format!("{half_b}{half_a}")] {
            invalid(
                app.activate_account("city3", &code, "Fresh-Passw0rd!", "10.1.0.2")
                    .await,
                "code",
                &format!("{name}: {code}"),
            );
        }
        app.activate_account(
            "city3",
            &format!("{half_a} {half_b}"),
            "Fresh-Passw0rd!",
            "10.1.0.2",
        )
        .await
        .unwrap();
        let city3 = app
            .login("city3", "Fresh-Passw0rd!", "10.1.0.3", None)
            .await
            .unwrap();
        assert_eq!(city3.actor.user_id, id);
        assert_eq!(city3.actor.role, Role::CityAdmin);
        assert!(
            city3.actor.must_enrol_totp,
            "{name}: a privileged role enrols its second factor first"
        );

        // A reset of the auditor: the current password works until the approval, then never.
        let half = app.request_privileged_reset(&admin, auditor).await.unwrap();
        login(&app, "auditor").await;
        let reset = app.account_requests(&sec).await.unwrap();
        let pending = reset.iter().find(|r| r.pending).unwrap();
        assert_eq!(pending.kind, "重置特权账号");
        let second = app
            .decide_account_request(&sec, pending.id, true, "")
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(
            app.login("auditor", DEMO_PASSWORD, "10.1.0.4", None).await,
            Err(AppError::BadCredentials)
        ));
        app.activate_account(
            "auditor",
            &format!("{half}{second}"),
            "Audit-Passw0rd!",
            "10.1.0.4",
        )
        .await
        .unwrap();
        app.login("auditor", "Audit-Passw0rd!", "10.1.0.4", None)
            .await
            .unwrap();
        // Nobody asks for their own reset.
        let me = user_id(&app, "admin").await;
        invalid(app.request_privileged_reset(&admin, me).await, "user", name);
    })
    .await;
}

#[tokio::test]
async fn the_auditor_sees_operations_not_figures() {
    each(async |app, name, year| {
        let qiye = login(&app, "qiye").await;
        let lines = app.self_check(&qiye, year).await.unwrap();
        let with_value = lines
            .iter()
            .find(|l| l.item.id == "tax_paid" && l.figure.as_ref().and_then(|f| f.value).is_some())
            .expect("the demo enterprise has a tax figure");
        let value = with_value.figure.as_ref().and_then(|f| f.value).unwrap();
        app.check_figure(&qiye, year, "tax_paid", false, "")
            .await
            .unwrap();
        // The stored entry holds the value (the chain covers it) …
        let raw = last_audit(&app).await;
        assert!(raw.detail.contains(&format!("{value}")), "{name}: {}", raw.detail);
        // … the auditor's page and workbook do not.
        let auditor = login(&app, "auditor").await;
        let filter = audit::Filter {
            action: Some("self_check.confirm".into()),
            ..Default::default()
        };
        let (entries, _) = app.search_audit(&auditor, &filter, 1, 50).await.unwrap();
        let shown = &entries[0].detail;
        assert!(shown.contains("\"value\":\"***\""), "{name}: {shown}");
        assert!(!shown.contains(&format!("{value}")), "{name}: {shown}");
        assert!(shown.contains("tax_paid"), "the operation stays visible: {shown}");
    })
    .await;
}

#[tokio::test]
async fn failed_logins_slow_the_address_not_the_owner() {
    each(async |app, name, _| {
        for i in 0..5 {
            assert!(
                matches!(
                    app.login("city", "Wrong-Passw0rd", "10.0.0.1", None).await,
                    Err(AppError::BadCredentials)
                ),
                "{name} {i}"
            );
        }
        // From the guessing address even the right password waits …
        assert!(matches!(
            app.login("city", DEMO_PASSWORD, "10.0.0.1", None).await,
            Err(AppError::BadCredentials)
        ));
        let e = last_audit(&app).await;
        assert!(e.detail.contains("throttled"), "{name}: {}", e.detail);
        // … while the owner elsewhere signs in at once: nobody else can lock an account.
        app.login("city", DEMO_PASSWORD, "10.0.0.9", None).await.unwrap();

        // One address failing on many names is blocked for every name.
        for n in 0..10 {
            let _ = app
                .login(&format!("guess{n}"), "Wrong-Passw0rd", "10.0.0.3", None)
                .await;
        }
        assert!(matches!(
            app.login("tax", DEMO_PASSWORD, "10.0.0.3", None).await,
            Err(AppError::BadCredentials)
        ));
        assert!(last_audit(&app).await.detail.contains("address_blocked"));
        app.login("tax", DEMO_PASSWORD, "10.0.0.4", None).await.unwrap();

        // Unknown, disabled and wrong: one answer, each audited with its real reason.
        let admin = login(&app, "admin").await;
        let stats = user_id(&app, "stats").await;
        let mut u = app.get_account(&admin, stats).await.unwrap();
        u.active = 0;
        let form = AccountForm {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.clone(),
            department_id: u.department_id,
            active: false,
            ..Default::default()
        };
        app.update_account(&admin, stats, &form).await.unwrap();
        let mut messages = Vec::new();
        for (who, password, reason) in [
            ("nobody", "Wrong-Passw0rd", "unknown_user"),
            ("stats", DEMO_PASSWORD, "disabled"),
            ("power", "Wrong-Passw0rd", "bad_password"),
            ("a\0b", "Wrong-Passw0rd", "unknown_user"),
        ] {
            let e = app.login(who, password, "10.0.0.5", None).await.unwrap_err();
            assert!(matches!(e, AppError::BadCredentials), "{name}: {who}");
            messages.push(e.to_string());
            let entry = last_audit(&app).await;
            assert_eq!(entry.action, "login_failed", "{name}: {who}");
            assert!(entry.detail.contains(reason), "{name}: {who}: {}", entry.detail);
        }
        messages.dedup();
        assert_eq!(messages.len(), 1, "the same message for every failure");
    })
    .await;
}

#[tokio::test]
async fn weak_reused_and_expired_passwords() {
    each(async |app, name, _| {
        let city = app
            .login("power", DEMO_PASSWORD, "127.0.0.1", None)
            .await
            .unwrap();
        for weak in [
            "Password123",
            "Qwerty@12345",
            "Aaaaaaaaa1",
            "Zxcvbnm,./12",
            "Abcdefg12345",
        ] {
            invalid(
                app.change_password(&city.actor, DEMO_PASSWORD, weak).await,
                "password",
                &format!("{name}: {weak}"),
            );
        }
        // Five changes; the first of them may not come back, a sixth new one may.
        let mut current = DEMO_PASSWORD.to_owned();
        let mut actor = city.actor;
        for n in 1..=5 {
            let next = format!("Rotate-{n}-Tiger!");
            actor = app.change_password(&actor, &current, &next).await.unwrap().actor;
            current = next;
        }
        invalid(
            app.change_password(&actor, &current, "Rotate-2-Tiger!").await,
            "password",
            &format!("{name}: reuse"),
        );
        actor = app
            .change_password(&actor, &current, "Brand-New-Otter7")
            .await
            .unwrap()
            .actor;
        assert!(!actor.must_change_password);
        // Ninety-one days later the password must change.
        sql(
            &app,
            &format!(
                "UPDATE users SET password_changed_at = password_changed_at - {} WHERE username = 'power'",
                91i64 * 86_400_000
            ),
        )
        .await;
        let old = app
            .login("power", "Brand-New-Otter7", "127.0.0.1", None)
            .await
            .unwrap();
        assert!(old.actor.must_change_password, "{name}: expired");

        // A session ends after twelve hours whatever its activity.
        let fresh = app.login("tax", DEMO_PASSWORD, "127.0.0.1", None).await.unwrap();
        assert!(app.session(&fresh.token, "127.0.0.1").await.is_ok());
        sql(
            &app,
            &format!(
                "UPDATE sessions SET created_at = created_at - {}",
                13i64 * 3_600_000
            ),
        )
        .await;
        assert!(matches!(
            app.session(&fresh.token, "127.0.0.1").await,
            Err(AppError::Unauthenticated)
        ));
    })
    .await;
}

fn code_now(secret: &str, offset: i64) -> String {
    let secret = totp::base32_decode(secret).unwrap();
    totp::code_at(&secret, mujun_store::now_ms() / 30_000 + offset)
}

#[tokio::test]
async fn a_second_factor_guards_privileged_logins() {
    each(async |app, name, _| {
        let city = login(&app, "city").await;
        assert!(city.must_enrol_totp, "{name}");
        assert!(
            !login(&app, "tax").await.must_enrol_totp,
            "optional for departments"
        );
        assert!(matches!(
            app.issue_own_token(&city, "mine", 30).await,
            Err(AppError::SecondFactorEnrolment)
        ));
        let e = app.start_totp(&city).await.unwrap();
        assert!(e.qr_svg.starts_with("<svg") && e.uri.starts_with("otpauth://totp/"));
        invalid(app.confirm_totp(&city, "000000").await, "code", name);
        let codes = app.confirm_totp(&city, &code_now(&e.secret, 0)).await.unwrap();
        assert_eq!(codes.len(), 10);
        assert_eq!(app.totp_status(&city).await.unwrap(), (true, 10));

        let ticket = |r: Result<_, AppError>| match r {
            Err(AppError::SecondFactorRequired { ticket }) => ticket,
            other => panic!("{name}: expected the second step, got {other:?}"),
        };
        let t = ticket(app.login("city", DEMO_PASSWORD, "10.2.0.1", None).await);
        invalid(
            app.login_second_factor(&t, "123456", "10.2.0.1", None).await,
            "code",
            name,
        );
        // The code of the next step (the enrolment used this one) opens a session once.
        let next = code_now(&e.secret, 1);
        let done = app
            .login_second_factor(&t, &next, "10.2.0.1", None)
            .await
            .unwrap();
        assert!(!done.actor.must_enrol_totp);
        app.issue_own_token(&done.actor, "对接", 30).await.unwrap();
        // The ticket is spent, and the same code is not accepted twice.
        assert!(
            app.login_second_factor(&t, &next, "10.2.0.1", None)
                .await
                .is_err()
        );
        let t2 = ticket(app.login("city", DEMO_PASSWORD, "10.2.0.1", None).await);
        invalid(
            app.login_second_factor(&t2, &next, "10.2.0.1", None).await,
            "code",
            &format!("{name}: replay"),
        );
        // A recovery code works once.
        app.login_second_factor(&t2, &codes[0], "10.2.0.1", None)
            .await
            .unwrap();
        let t3 = ticket(app.login("city", DEMO_PASSWORD, "10.2.0.1", None).await);
        invalid(
            app.login_second_factor(&t3, &codes[0], "10.2.0.1", None).await,
            "code",
            &format!("{name}: recovery replay"),
        );
        // Five wrong codes end the ticket.
        for _ in 0..4 {
            let _ = app.login_second_factor(&t3, "111111", "10.2.0.1", None).await;
        }
        assert!(matches!(
            app.login_second_factor(&t3, &codes[1], "10.2.0.1", None).await,
            Err(AppError::Unauthenticated)
        ));
        assert_eq!(app.totp_status(&city).await.unwrap(), (true, 9));
    })
    .await;
}
