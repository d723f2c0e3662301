//! Login, sessions, logout, password change and API tokens.

use mujun_store::{StoreError, api_tokens, now_ms, security, sessions, users};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, password, random_token, token_hash};

/// What a successful login hands to the web layer.
#[derive(Clone, Debug)]
pub struct LoggedIn {
    /// The new session token (the cookie value).
    pub token: String,
    /// The session's form token.
    pub csrf: String,
    /// The caller.
    pub actor: Actor,
}

/// A live session.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    /// The caller.
    pub actor: Actor,
    /// The session's form token.
    pub csrf: String,
}

/// A hash of a random password at the configured cost, checked when the username is unknown so
/// that the answer takes as long as for a known one.
static DUMMY_HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// Touch a session at most this often (ms), to spare the database a write per request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// Failed logins of one account name before each further attempt must wait, and the first wait.
const DELAY_AFTER: i64 = 3;

/// Failures of one account name from all addresses in the window after which every attempt
/// waits [`DISTRIBUTED_DELAY_MS`] after the last failure.
const DISTRIBUTED_AFTER: i64 = 50;
const DISTRIBUTED_DELAY_MS: i64 = 2_000;

/// How long an account name must wait after `failures` failures in the window: nothing for the
/// first three, then 1 s, 2 s, 4 s … at most a minute. A growing delay, never a lock that an
/// outsider typing wrong passwords could hold the account in.
fn account_delay_ms(failures: i64) -> i64 {
    if failures < DELAY_AFTER {
        0
    } else {
        (1_000i64 << (failures - DELAY_AFTER).min(16)).min(60_000)
    }
}

/// Why a login failed, for the audit trail only: the caller always reads the same message.
fn failure_reason(
    user: Option<&users::User>,
    blocked: bool,
    throttled: bool,
    password_ok: bool,
) -> &'static str {
    match (user, blocked, throttled) {
        (_, true, _) => "address_blocked",
        (_, _, true) => "throttled",
        (None, _, _) => "unknown_user",
        (Some(u), _, _) if u.active == 0 => "disabled",
        (Some(u), _, _) if u.activation_hash.is_some() => "not_activated",
        _ if !password_ok => "bad_password",
        _ => "other",
    }
}

impl App {
    /// Checks a username and password. Every failure — unknown name, wrong password, disabled
    /// or not yet activated account, an account name still waiting after recent failures, an
    /// address blocked after many failures — gives the same answer in comparable time (one
    /// password hash is always checked), and is audited with its real reason. An account with
    /// a second factor gets [`AppError::SecondFactorRequired`] and a ticket for
    /// [`App::login_second_factor`]; otherwise a new session (a session the browser already had
    /// is ended: the id is renewed at login).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ip: &str,
        previous_token: Option<&str>,
    ) -> Result<LoggedIn, AppError> {
        // A name no account can have (a NUL byte, which PostgreSQL cannot even compare, or an
        // absurd length) is looked up as itself with the NUL shown as U+FFFD: still one
        // uniform, audited failure.
        let cleaned: String = username
            .trim()
            .replace('\0', "\u{fffd}")
            .chars()
            .take(100)
            .collect();
        let username = cleaned.as_str();
        let now = now_ms();
        let s = &self.security;
        let window = now - s.lockout_minutes * 60_000;
        let (user, from_address, (here, last_here), (everywhere, last)) = {
            let mut c = self.store.read().await?;
            (
                users::get_by_username(&mut c, username).await?,
                security::failures_from(&mut c, ip, window).await?,
                security::failures_of_from(&mut c, username, ip, window).await?,
                security::failures_of(&mut c, username, window).await?,
            )
        };
        let blocked = from_address >= s.max_failures;
        // The growing delay counts the failures from this address only: someone typing wrong
        // passwords elsewhere cannot keep the owner out. Many failures from many addresses
        // (a distributed guess) slow every attempt down to one per few seconds.
        let throttled = last_here.is_some_and(|at| now - at < account_delay_ms(here))
            || (everywhere >= DISTRIBUTED_AFTER && last.is_some_and(|at| now - at < DISTRIBUTED_DELAY_MS));
        let of_account = everywhere;
        // The same work whatever happens: one hash check.
        let password_ok = match &user {
            Some(u) if !blocked && !throttled => password::verify(password, &u.password_hash).await,
            _ => {
                let cost = s.hash_cost;
                let dummy = DUMMY_HASH
                    .get_or_try_init(|| async move { password::hash(&random_token(), cost).await })
                    .await?;
                let _ = password::verify(password, dummy).await;
                false
            }
        };
        let usable = user
            .as_ref()
            .is_some_and(|u| u.active == 1 && u.activation_hash.is_none());
        let reason = failure_reason(user.as_ref(), blocked, throttled, password_ok);
        let object = user
            .as_ref()
            .map_or_else(|| username.to_owned(), |u| u.id.to_string());
        let Some(user) = user.filter(|_| password_ok && usable && !blocked && !throttled) else {
            let mut tx = self.store.begin().await?;
            security::record_failure(&mut tx, ip, username).await?;
            write(
                &mut tx,
                Who::Anonymous { username, ip },
                "login_failed",
                ("user", &object),
                json!({"reason": reason, "account_failures": of_account + 1, "address_failures": from_address + 1}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(AppError::BadCredentials);
        };
        if user.totp_enabled == 1 {
            let ticket = random_token();
            let mut tx = self.store.begin().await?;
            security::insert_ticket(&mut tx, &token_hash(&ticket), user.id, ip).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(AppError::SecondFactorRequired { ticket });
        }
        self.open_session(&user, ip, previous_token, "password").await
    }

    /// The second step of a login with a second factor: the ticket of the first step and a
    /// current code (or an unused recovery code). Five wrong codes, or five minutes, end the
    /// ticket; every attempt is audited.
    pub async fn login_second_factor(
        &self,
        ticket: &str,
        code: &str,
        ip: &str,
        previous_token: Option<&str>,
    ) -> Result<LoggedIn, AppError> {
        let hash = token_hash(ticket);
        let now = now_ms();
        let found = {
            let mut c = self.store.read().await?;
            security::ticket(&mut c, &hash).await?
        };
        let Some(t) = found.filter(|t| now - t.created_at < 5 * 60_000 && t.attempts < 5) else {
            let mut tx = self.store.begin().await?;
            security::delete_ticket(&mut tx, &hash).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(AppError::Unauthenticated);
        };
        let user = {
            let mut c = self.store.read().await?;
            users::get(&mut c, t.user_id)
                .await?
                .ok_or(AppError::Unauthenticated)?
        };
        if !self.check_second_factor(&user, code).await? {
            let mut tx = self.store.begin().await?;
            security::ticket_failed(&mut tx, &hash).await?;
            write(
                &mut tx,
                Who::Anonymous {
                    username: &user.username,
                    ip,
                },
                "login_failed",
                ("user", &user.id.to_string()),
                json!({"reason": "bad_second_factor", "attempt": t.attempts + 1}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(AppError::invalid(
                "code",
                "验证码不正确或已使用，请输入验证器中当前显示的 6 位数字，或一个未用过的恢复码",
            ));
        }
        let mut tx = self.store.begin().await?;
        security::delete_ticket(&mut tx, &hash).await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.open_session(&user, ip, previous_token, "password+totp")
            .await
    }

    /// A new session for a verified account (its failures forgotten), audited as a login.
    async fn open_session(
        &self,
        user: &users::User,
        ip: &str,
        previous_token: Option<&str>,
        method: &str,
    ) -> Result<LoggedIn, AppError> {
        let now = now_ms();
        let mut actor = Actor::from_user(user, ip).ok_or(AppError::Unauthenticated)?;
        self.session_flags(user, &mut actor);
        let (token, csrf) = (random_token(), random_token());
        let mut tx = self.store.begin().await?;
        if let Some(old) = previous_token {
            sessions::delete(&mut tx, &token_hash(old)).await?;
        }
        users::clear_failures(&mut tx, user.id).await?;
        security::clear_failures_of(&mut tx, &user.username).await?;
        sessions::insert(
            &mut tx,
            &sessions::Session {
                token_hash: token_hash(&token),
                user_id: user.id,
                csrf_token: csrf.clone(),
                created_at: now,
                last_seen_at: now,
                ip: ip.to_owned(),
            },
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(&actor),
            "login",
            ("user", &user.id.to_string()),
            json!({"method": method}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(LoggedIn { token, csrf, actor })
    }

    /// What a person must do first: change an expired (or first) password, enrol the second
    /// factor its role requires.
    fn session_flags(&self, user: &users::User, actor: &mut Actor) {
        let s = &self.security;
        if s.password_max_age_days > 0
            && now_ms() - user.password_changed_at > s.password_max_age_days * 86_400_000
        {
            actor.must_change_password = true;
        }
        actor.must_enrol_totp =
            s.require_totp && crate::totp::required_for(actor.role) && user.totp_enabled == 0;
    }

    /// The caller of a session token; ends the session when idle too long.
    pub async fn session(&self, token: &str, ip: &str) -> Result<SessionInfo, AppError> {
        let now = now_ms();
        let hash = token_hash(token);
        let mut c = self.store.read().await?;
        let Some(s) = sessions::get(&mut c, &hash).await? else {
            return Err(AppError::Unauthenticated);
        };
        let idle_ms = self.security.idle_timeout_minutes * 60_000;
        let lifetime_ms = self.security.session_max_hours * 3_600_000;
        if now - s.last_seen_at > idle_ms || now - s.created_at > lifetime_ms {
            drop(c);
            let mut tx = self.store.begin().await?;
            sessions::delete(&mut tx, &hash).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(AppError::Unauthenticated);
        }
        let Some(user) = users::get(&mut c, s.user_id).await? else {
            return Err(AppError::Unauthenticated);
        };
        drop(c);
        if user.active == 0 {
            return Err(AppError::Unauthenticated);
        }
        let mut actor = Actor::from_user(&user, ip).ok_or(AppError::Unauthenticated)?;
        self.session_flags(&user, &mut actor);
        if now - s.last_seen_at > TOUCH_EVERY_MS {
            let mut tx = self.store.begin().await?;
            sessions::touch(&mut tx, &hash, now).await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        Ok(SessionInfo {
            actor,
            csrf: s.csrf_token,
        })
    }

    /// Ends a session.
    pub async fn logout(&self, actor: &Actor, token: &str) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        sessions::delete(&mut tx, &token_hash(token)).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "logout",
            ("user", &actor.user_id.to_string()),
            json!({}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Changes the caller's own password. Every session of the account ends and a new one is
    /// returned.
    pub async fn change_password(&self, actor: &Actor, old: &str, new: &str) -> Result<LoggedIn, AppError> {
        let user = {
            let mut c = self.store.read().await?;
            users::get(&mut c, actor.user_id)
                .await?
                .ok_or(AppError::Unauthenticated)?
        };
        if !password::verify(old, &user.password_hash).await {
            return Err(AppError::invalid("old_password", "原密码不正确"));
        }
        if old == new {
            return Err(AppError::invalid("password", "新密码不能与原密码相同"));
        }
        password::check_policy(new, &user.username)?;
        self.refuse_reused(&user, new).await?;
        let hash = password::hash(new, self.security.hash_cost).await?;
        let (token, csrf) = (random_token(), random_token());
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        users::set_password(&mut tx, user.id, &hash, false).await?;
        security::remember_password(&mut tx, user.id, &hash).await?;
        sessions::delete_for_user(&mut tx, user.id).await?;
        sessions::insert(
            &mut tx,
            &sessions::Session {
                token_hash: token_hash(&token),
                user_id: user.id,
                csrf_token: csrf.clone(),
                created_at: now,
                last_seen_at: now,
                ip: actor.ip.clone(),
            },
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "password_change",
            ("user", &user.id.to_string()),
            json!({}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let mut actor = actor.clone();
        actor.must_change_password = false;
        Ok(LoggedIn { token, csrf, actor })
    }

    /// Refuses a password the account used among its last five (the current one included).
    pub(crate) async fn refuse_reused(&self, user: &users::User, new: &str) -> Result<(), AppError> {
        let recent = {
            let mut c = self.store.read().await?;
            security::recent_passwords(&mut c, user.id, 5).await?
        };
        for hash in std::iter::once(&user.password_hash).chain(&recent) {
            if password::verify(new, hash).await {
                return Err(AppError::invalid("password", "不能与最近 5 次使用过的密码相同"));
            }
        }
        Ok(())
    }

    /// The caller of an API token (`Authorization: Bearer …`).
    pub async fn api_caller(&self, token: &str, ip: &str) -> Result<Actor, AppError> {
        // Marks the token as used: a write, so it goes through the writer.
        let mut tx = self.store.begin().await?;
        let found = api_tokens::find_usable(&mut tx, &token_hash(token), now_ms()).await?;
        let Some(t) = found else {
            return Err(AppError::Unauthenticated);
        };
        let user = users::get(&mut tx, t.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        tx.commit().await.map_err(StoreError::from)?;
        if user.active == 0 {
            return Err(AppError::Unauthenticated);
        }
        let mut actor = Actor::from_user(&user, ip).ok_or(AppError::Unauthenticated)?;
        // A token left from before 三员分立 (an administrator's) no longer works.
        if !actor.holds_tokens() {
            return Err(AppError::Unauthenticated);
        }
        // Systems do not change passwords: the flag only concerns people at a browser.
        actor.must_change_password = false;
        Ok(actor)
    }
}

impl App {
    /// The actor of an account for a command-line operation (whoever runs the command has the
    /// database already; entries it writes carry the address `cli`).
    pub async fn cli_actor(&self, username: &str) -> Result<Actor, AppError> {
        let mut c = self.store.read().await?;
        let user = users::get_by_username(&mut c, username)
            .await?
            .ok_or(AppError::NotFound("用户"))?;
        if user.active == 0 {
            return Err(AppError::Disabled);
        }
        let mut actor = Actor::from_user(&user, "cli").ok_or(AppError::Disabled)?;
        actor.must_change_password = false;
        Ok(actor)
    }
}
