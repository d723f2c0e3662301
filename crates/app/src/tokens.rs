//! API tokens, each issued by its own account (issue 10): a token acts as the account that made
//! it, so nobody — not the system administrator — issues one for another account. At most a
//! year; shown once (only its hash is kept); listed with its expiry; revoked or rotated (a new
//! token replaces the old in one step). The administrators of 三员分立 and the approving leader
//! have no API work and get none; a role that must use a second factor needs it enrolled first.

use mujun_store::{StoreError, api_tokens, now_ms};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, random_token, token_hash};

/// The longest a token may live.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// A token as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenView {
    /// Id.
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// Created, Beijing time.
    pub created: String,
    /// Expires, Beijing time.
    pub expires: String,
    /// Last used, if ever.
    pub last_used: String,
    /// `有效`, `已过期`, `已撤销` or `已轮换`.
    pub state: &'static str,
    /// Still usable.
    pub usable: bool,
}

impl App {
    async fn may_hold_tokens(&self, actor: &Actor, action: &str) -> Result<(), AppError> {
        if !actor.holds_tokens() {
            return Err(self
                .deny(actor, action, ("api_token", ""), "该角色不使用接口令牌")
                .await);
        }
        if actor.must_enrol_totp {
            return Err(AppError::SecondFactorEnrolment);
        }
        Ok(())
    }

    /// Issues a token for the caller's own account, valid `days` (1–365): shown once.
    pub async fn issue_own_token(&self, actor: &Actor, name: &str, days: i64) -> Result<String, AppError> {
        self.may_hold_tokens(actor, "token.create").await?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return Err(AppError::invalid("name", "请填写令牌用途（不超过 50 字）"));
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(AppError::invalid(
                "days",
                format!("有效期应为 1–{MAX_TOKEN_DAYS} 天"),
            ));
        }
        let token = random_token();
        let expires = Some(now_ms() + days * 86_400_000);
        let mut tx = self.store.begin().await?;
        let id = api_tokens::insert(&mut tx, actor.user_id, name, &token_hash(&token), expires).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "token.create",
            ("api_token", &id.to_string()),
            json!({"name": name, "days": days}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(token)
    }

    /// The caller's tokens, newest first.
    pub async fn own_tokens(&self, actor: &Actor) -> Result<Vec<TokenView>, AppError> {
        self.may_hold_tokens(actor, "token.list").await?;
        let now = now_ms();
        let mut c = self.store.read().await?;
        let mut list = api_tokens::list_for_user(&mut c, actor.user_id).await?;
        list.reverse();
        Ok(list
            .into_iter()
            .map(|t| {
                let (state, usable) = match (t.revoked_at, t.replaced_by, t.expires_at) {
                    (Some(_), Some(_), _) => ("已轮换", false),
                    (Some(_), None, _) => ("已撤销", false),
                    (None, _, Some(e)) if e <= now => ("已过期", false),
                    _ => ("有效", true),
                };
                TokenView {
                    id: t.id,
                    name: t.name,
                    created: crate::clock::beijing(t.created_at),
                    expires: t.expires_at.map_or_else(|| "—".to_owned(), crate::clock::beijing),
                    last_used: t
                        .last_used_at
                        .map_or_else(|| "从未使用".to_owned(), crate::clock::beijing),
                    state,
                    usable,
                }
            })
            .collect())
    }

    async fn own_token(
        &self,
        actor: &Actor,
        id: i64,
        action: &str,
    ) -> Result<api_tokens::ApiToken, AppError> {
        let mut c = self.store.read().await?;
        let all = api_tokens::list_for_user(&mut c, actor.user_id).await?;
        drop(c);
        match all.into_iter().find(|t| t.id == id) {
            Some(t) => Ok(t),
            None => Err(self
                .deny(actor, action, ("api_token", &id.to_string()), "不是本账号的令牌")
                .await),
        }
    }

    /// Revokes one of the caller's tokens.
    pub async fn revoke_own_token(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        self.own_token(actor, id, "token.revoke").await?;
        let mut tx = self.store.begin().await?;
        api_tokens::revoke(&mut tx, id).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "token.revoke",
            ("api_token", &id.to_string()),
            json!({}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Replaces one of the caller's usable tokens by a new one with the same use, valid `days`:
    /// the old one stops working at once. Returns the new token (shown once).
    pub async fn rotate_own_token(&self, actor: &Actor, id: i64, days: i64) -> Result<String, AppError> {
        self.may_hold_tokens(actor, "token.rotate").await?;
        let old = self.own_token(actor, id, "token.rotate").await?;
        if old.revoked_at.is_some() {
            return Err(AppError::invalid("token", "该令牌已撤销，不能轮换"));
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(AppError::invalid(
                "days",
                format!("有效期应为 1–{MAX_TOKEN_DAYS} 天"),
            ));
        }
        let token = random_token();
        let mut tx = self.store.begin().await?;
        let new = api_tokens::insert(
            &mut tx,
            actor.user_id,
            &old.name,
            &token_hash(&token),
            Some(now_ms() + days * 86_400_000),
        )
        .await?;
        api_tokens::replace(&mut tx, id, new).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "token.rotate",
            ("api_token", &id.to_string()),
            json!({"replaced_by": new, "days": days}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(token)
    }
}
