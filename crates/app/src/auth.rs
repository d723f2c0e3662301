//! Login, sessions, logout, password change and API tokens.

use mujun_store::{StoreError, api_tokens, now_ms, sessions, users};
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

impl App {
    /// Checks a username and password. On success a new session is created (a session the
    /// browser already had is ended: the id is renewed at login). Failures are counted and lock
    /// the account after [`crate::Security::max_failures`]. Every attempt is audited.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ip: &str,
        previous_token: Option<&str>,
    ) -> Result<LoggedIn, AppError> {
        let username = username.trim();
        let now = now_ms();
        let user = {
            let mut c = self.store.read().await?;
            users::get_by_username(&mut c, username).await?
        };
        let anonymous = Who::Anonymous { username, ip };
        let Some(user) = user else {
            let cost = self.security.hash_cost;
            let dummy = DUMMY_HASH
                .get_or_try_init(|| async move { password::hash(&random_token(), cost).await })
                .await?;
            let _ = password::verify(password, dummy).await;
            let mut tx = self.store.begin().await?;
            write(
                &mut tx,
                anonymous,
                "login_failed",
                ("user", username),
                json!({"reason": "unknown_user"}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(AppError::BadCredentials);
        };
        let object = ("user", user.id.to_string());
        let object = (object.0, object.1.as_str());
        if user.active == 0 {
            let mut tx = self.store.begin().await?;
            write(
                &mut tx,
                anonymous,
                "login_failed",
                object,
                json!({"reason": "disabled"}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(AppError::Disabled);
        }
        if let Some(until) = user.locked_until.filter(|u| *u > now) {
            let mut tx = self.store.begin().await?;
            write(
                &mut tx,
                anonymous,
                "login_failed",
                object,
                json!({"reason": "locked"}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(AppError::Locked {
                minutes: ((until - now) / 60_000).max(1),
            });
        }
        if !password::verify(password, &user.password_hash).await {
            let s = &self.security;
            let mut tx = self.store.begin().await?;
            let lock_until = now + s.lockout_minutes * 60_000;
            let failures = users::record_failure(&mut tx, user.id, s.max_failures, lock_until).await?;
            let locked = failures >= s.max_failures;
            write(
                &mut tx,
                anonymous,
                "login_failed",
                object,
                json!({"reason": "bad_password", "failures": failures, "locked": locked}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(if locked {
                AppError::Locked {
                    minutes: s.lockout_minutes,
                }
            } else {
                AppError::BadCredentials
            });
        }
        let actor = Actor::from_user(&user, ip).ok_or(AppError::Disabled)?;
        let (token, csrf) = (random_token(), random_token());
        let mut tx = self.store.begin().await?;
        if let Some(old) = previous_token {
            sessions::delete(&mut tx, &token_hash(old)).await?;
        }
        users::clear_failures(&mut tx, user.id).await?;
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
        write(&mut tx, Who::Actor(&actor), "login", object, json!({}), "ok").await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(LoggedIn { token, csrf, actor })
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
        if now - s.last_seen_at > idle_ms {
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
        let actor = Actor::from_user(&user, ip).ok_or(AppError::Unauthenticated)?;
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
        let hash = password::hash(new, self.security.hash_cost).await?;
        let (token, csrf) = (random_token(), random_token());
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        users::set_password(&mut tx, user.id, &hash, false).await?;
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
