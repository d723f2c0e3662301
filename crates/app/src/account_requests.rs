//! 三员分立 (issue 10): no single person obtains a privileged account. The system administrator
//! asks for a privileged account (system or security administrator, auditor, city
//! administrator, approving leader) or for the reset of one; the security administrator
//! approves or rejects. The account's activation code is split: the first half is shown once to
//! the system administrator when asking, the second half once to the security administrator
//! when approving; the person activates the account with both halves and sets the password.
//! Neither administrator alone can sign in as the account.

use mujun_store::{StoreError, security, sessions, users};
use serde_json::json;

use crate::accounts::AccountForm;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role, token_hash};

/// What stands where a password will be: no password verifies it.
pub(crate) const PENDING_PASSWORD: &str = "!awaiting-activation";

/// Days the halves of a split activation code stay valid after approval.
pub const SPLIT_CODE_DAYS: i64 = 7;

/// A request as the security administrator's page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestView {
    /// Id.
    pub id: i64,
    /// `新建特权账号` or `重置特权账号`.
    pub kind: &'static str,
    /// The account's login name.
    pub username: String,
    /// Its display name.
    pub display_name: String,
    /// Its role (Chinese).
    pub role: &'static str,
    /// Who asked, and when.
    pub requested: String,
    /// `待审批`, `已批准` or `已驳回`.
    pub status: &'static str,
    /// Still to decide.
    pub pending: bool,
    /// Who decided, when, why.
    pub decided: String,
}

/// Half of a split activation code: 8 characters without look-alikes, about 40 bits.
fn half_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    let raw: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &raw[..4], &raw[4..])
}

/// A code as typed: dashes and spaces dropped, upper case.
pub(crate) fn normal_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl App {
    async fn require(&self, actor: &Actor, allowed: bool, action: &str, why: &str) -> Result<(), AppError> {
        if allowed {
            Ok(())
        } else {
            Err(self.deny(actor, action, ("account_request", ""), why).await)
        }
    }

    /// Asks for a privileged account (system administrator): the account is created inactive;
    /// returns its id and the first half of its activation code (shown once).
    pub async fn request_privileged_account(
        &self,
        actor: &Actor,
        form: &AccountForm,
    ) -> Result<(i64, String), AppError> {
        self.require(
            actor,
            actor.manages_accounts(),
            "user.request",
            "仅系统管理员可以申请特权账号",
        )
        .await?;
        let role = Role::parse(&form.role)
            .filter(|r| Actor::privileged(*r))
            .ok_or_else(|| AppError::invalid("role", "只有特权角色需要申请；其他角色请直接新建账号"))?;
        let fields = self
            .account_fields(
                &AccountForm {
                    active: false,
                    ..form.clone()
                },
                None,
            )
            .await?;
        let half = half_code();
        let mut tx = self.store.begin().await?;
        let id = users::insert(&mut tx, &fields, PENDING_PASSWORD, false).await?;
        let request = security::insert_request(
            &mut tx,
            "create",
            id,
            role.id(),
            actor.user_id,
            &token_hash(&normal_code(&half)),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "user.request",
            ("user", &id.to_string()),
            json!({"request": request, "kind": "create", "username": fields.username, "role": role.id()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok((id, half))
    }

    /// Asks for the reset of a privileged account's password (system administrator); returns
    /// the first half of the new activation code (shown once). The current password keeps
    /// working until the security administrator approves.
    pub async fn request_privileged_reset(&self, actor: &Actor, user_id: i64) -> Result<String, AppError> {
        self.require(
            actor,
            actor.manages_accounts(),
            "user.request",
            "仅系统管理员可以申请重置特权账号",
        )
        .await?;
        let user = self.get_account(actor, user_id).await?;
        let role = Role::parse(&user.role)
            .filter(|r| Actor::privileged(*r))
            .ok_or_else(|| AppError::invalid("role", "该账号不是特权账号，可直接重置密码"))?;
        if user_id == actor.user_id {
            return Err(AppError::invalid("user", "不能为自己的账号申请重置"));
        }
        let half = half_code();
        let mut tx = self.store.begin().await?;
        let request = security::insert_request(
            &mut tx,
            "reset",
            user_id,
            role.id(),
            actor.user_id,
            &token_hash(&normal_code(&half)),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "user.request",
            ("user", &user_id.to_string()),
            json!({"request": request, "kind": "reset", "username": user.username, "role": role.id()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(half)
    }

    /// The requests (security administrator), pending first.
    pub async fn account_requests(&self, actor: &Actor) -> Result<Vec<RequestView>, AppError> {
        self.require(
            actor,
            actor.approves_accounts(),
            "user.requests",
            "仅安全管理员可以审批特权账号申请",
        )
        .await?;
        let mut c = self.store.read().await?;
        let all = users::list(&mut c).await?;
        let name = |id: Option<i64>| {
            id.and_then(|id| all.iter().find(|u| u.id == id))
                .map_or_else(String::new, |u| u.display_name.clone())
        };
        Ok(security::requests(&mut c)
            .await?
            .into_iter()
            .map(|r| {
                let account = all.iter().find(|u| u.id == r.user_id);
                RequestView {
                    id: r.id,
                    kind: if r.kind == "create" {
                        "新建特权账号"
                    } else {
                        "重置特权账号"
                    },
                    username: account.map_or_else(String::new, |u| u.username.clone()),
                    display_name: account.map_or_else(String::new, |u| u.display_name.clone()),
                    role: Role::parse(&r.role).map_or("未知角色", Role::label),
                    requested: format!(
                        "{} · {}",
                        name(Some(r.requested_by)),
                        crate::clock::beijing(r.requested_at)
                    ),
                    status: match r.status.as_str() {
                        "pending" => "待审批",
                        "approved" => "已批准",
                        _ => "已驳回",
                    },
                    pending: r.status == "pending",
                    decided: match r.decided_at {
                        Some(at) => format!(
                            "{} · {}{}",
                            name(r.decided_by),
                            crate::clock::beijing(at),
                            if r.reason.is_empty() {
                                String::new()
                            } else {
                                format!(" · {}", r.reason)
                            }
                        ),
                        None => String::new(),
                    },
                }
            })
            .collect())
    }

    /// Decides a request (security administrator). Approval returns the second half of the
    /// activation code (shown once); the account then waits for its owner to activate it with
    /// both halves within [`SPLIT_CODE_DAYS`] days. A rejection needs a reason.
    pub async fn decide_account_request(
        &self,
        actor: &Actor,
        id: i64,
        approve: bool,
        reason: &str,
    ) -> Result<Option<String>, AppError> {
        self.require(
            actor,
            actor.approves_accounts(),
            "user.approve",
            "仅安全管理员可以审批特权账号申请",
        )
        .await?;
        let reason = reason.trim();
        if !approve && reason.is_empty() {
            return Err(AppError::invalid("reason", "驳回申请须说明理由"));
        }
        let request = {
            let mut c = self.store.read().await?;
            security::request(&mut c, id)
                .await?
                .ok_or(AppError::NotFound("账号申请"))?
        };
        if request.requested_by == actor.user_id {
            return Err(AppError::invalid("request", "不能审批自己提交的申请"));
        }
        let mut tx = self.store.begin().await?;
        security::decide(
            &mut tx,
            id,
            if approve { "approved" } else { "rejected" },
            actor.user_id,
            reason,
        )
        .await?;
        let half = if approve {
            let half = half_code();
            let expires = mujun_store::now_ms() + SPLIT_CODE_DAYS * 86_400_000;
            users::set_password(&mut tx, request.user_id, PENDING_PASSWORD, false).await?;
            users::set_activation(&mut tx, request.user_id, Some(&request.code_hash), Some(expires)).await?;
            users::set_activation_b(&mut tx, request.user_id, Some(&token_hash(&normal_code(&half)))).await?;
            users::set_active(&mut tx, request.user_id, true).await?;
            // A reset also retires the second factor: the owner enrols again.
            users::set_totp(&mut tx, request.user_id, None, false).await?;
            users::set_totp_pending(&mut tx, request.user_id, None).await?;
            sessions::delete_for_user(&mut tx, request.user_id).await?;
            Some(half)
        } else {
            None
        };
        write(
            &mut tx,
            Who::Actor(actor),
            if approve { "user.approve" } else { "user.reject" },
            ("user", &request.user_id.to_string()),
            json!({"request": id, "kind": request.kind, "role": request.role, "reason": reason}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(half)
    }
}
