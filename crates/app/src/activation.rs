//! Enterprise accounts at the scale of a city: the system administrator creates them in bulk
//! from the registry (every enterprise of a scope without an account, or an uploaded list of
//! credit codes), each with a one-time activation code delivered as a printable letter; the
//! enterprise sets its own password when it activates the account. Only the SHA-256 of a code
//! is stored; a code is shown once, in the letters of the request that made it.

use mujun_domain::CreditCode;
use mujun_store::{Scope, StoreError, enterprises, users};
use serde_json::json;

use crate::audit::{Who, write};
use crate::download::{Content, Download, XLSX};
use crate::{Actor, App, AppError, Role, password, token_hash};

/// Days an activation code stays valid.
pub const ACTIVATION_DAYS: i64 = 30;

use crate::account_requests::{PENDING_PASSWORD, normal_code};

/// Which enterprises get an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkScope {
    /// Every enterprise (not closed) without an account.
    All,
    /// Those of a county.
    Region(String),
    /// Those of a cluster.
    Cluster(i64),
    /// The listed credit codes (one per line of an uploaded list).
    Codes(Vec<String>),
}

/// A new account with its one-time code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activation {
    /// Login name (the credit code).
    pub username: String,
    /// Enterprise name.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// The one-time code (shown once).
    pub code: String,
    /// Last valid day, Beijing time.
    pub expires: String,
}

/// What a bulk creation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkOutcome {
    /// The accounts created.
    pub created: Vec<Activation>,
    /// Enterprises of the scope that had an account already.
    pub skipped: usize,
}

/// A one-time code: 12 characters without look-alikes (no 0/O, 1/I/L), about 60 bits.
fn new_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    let raw: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..])
}

impl App {
    /// Creates enterprise accounts in bulk (system administrator): one per enterprise of the
    /// scope that has none, login name = credit code, with a one-time activation code valid
    /// for [`ACTIVATION_DAYS`] days. A list with an unknown or invalid credit code creates
    /// nothing and names every bad line.
    pub async fn create_enterprise_accounts(
        &self,
        actor: &Actor,
        scope: &BulkScope,
    ) -> Result<BulkOutcome, AppError> {
        if !actor.manages_accounts() {
            return Err(self
                .deny(
                    actor,
                    "user.bulk_enterprises",
                    ("user", ""),
                    "仅系统管理员可以批量创建企业账号",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        let (candidates, skipped) = match scope {
            BulkScope::Codes(lines) => {
                let mut errors = Vec::new();
                let mut ids = Vec::new();
                for (i, line) in lines.iter().enumerate() {
                    let text = line.trim();
                    if text.is_empty() {
                        continue;
                    }
                    match CreditCode::parse_lenient(text) {
                        Ok((code, _)) => match enterprises::get_by_code(&mut c, code.as_str()).await? {
                            Some(e) if e.status != "closed" => ids.push(e.id),
                            Some(_) => errors.push(format!("第 {} 行“{text}”：该企业已关闭", i + 1)),
                            None => errors.push(format!(
                                "第 {} 行“{text}”：企业名录中没有该统一社会信用代码",
                                i + 1
                            )),
                        },
                        Err(e) => errors.push(format!("第 {} 行“{text}”：{e}", i + 1)),
                    }
                }
                if !errors.is_empty() {
                    return Err(AppError::invalid(
                        "codes",
                        format!(
                            "名单有 {} 处错误，未创建任何账号：{}",
                            errors.len(),
                            errors.join("；")
                        ),
                    ));
                }
                if ids.is_empty() {
                    return Err(AppError::invalid(
                        "codes",
                        "名单为空：请每行填写一个统一社会信用代码",
                    ));
                }
                ids.sort_unstable();
                ids.dedup();
                let chosen: Vec<_> = users::enterprises_without_account(&mut c, &Scope::All)
                    .await?
                    .into_iter()
                    .filter(|(id, _, _)| ids.binary_search(id).is_ok())
                    .collect();
                let skipped = ids.len() - chosen.len();
                (chosen, skipped)
            }
            other => {
                let s = match other {
                    BulkScope::Region(r) => Scope::Region(r.clone()),
                    BulkScope::Cluster(id) => Scope::Cluster(*id),
                    _ => Scope::All,
                };
                let chosen = users::enterprises_without_account(&mut c, &s).await?;
                let skipped = users::enterprises_with_account(&mut c, &s).await? as usize;
                (chosen, skipped)
            }
        };
        drop(c);
        let expires_ms = mujun_store::now_ms() + ACTIVATION_DAYS * 86_400_000;
        let expires = crate::clock::beijing(expires_ms)
            .chars()
            .take(10)
            .collect::<String>();
        let mut created = Vec::with_capacity(candidates.len());
        let mut tx = self.store.begin().await?;
        for (id, credit_code, name) in candidates {
            let code = new_code();
            let display: String = name.chars().take(50).collect();
            let user = users::insert(
                &mut tx,
                &users::UserFields {
                    username: credit_code.clone(),
                    display_name: display,
                    role: Role::Enterprise.id().to_owned(),
                    department_id: None,
                    region_code: None,
                    cluster_id: None,
                    enterprise_id: Some(id),
                    active: true,
                },
                PENDING_PASSWORD,
                false,
            )
            .await?;
            users::set_activation(
                &mut tx,
                user,
                Some(&token_hash(&normal_code(&code))),
                Some(expires_ms),
            )
            .await?;
            created.push(Activation {
                username: credit_code.clone(),
                name,
                credit_code,
                code,
                expires: expires.clone(),
            });
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "user.bulk_enterprises",
            ("user", ""),
            json!({"scope": format!("{scope:?}").chars().take(200).collect::<String>(), "created": created.len(),
                   "skipped": skipped, "expires": expires}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(BulkOutcome { created, skipped })
    }

    /// A new one-time code for an enterprise account (a lost letter, or a forgotten password):
    /// the account's password stops working until it is activated again. System administrator.
    pub async fn reissue_activation(&self, actor: &Actor, user_id: i64) -> Result<Activation, AppError> {
        let user = self.get_account(actor, user_id).await?;
        if Role::parse(&user.role) != Some(Role::Enterprise) {
            return Err(AppError::invalid("role", "只有企业账号使用激活码"));
        }
        let mut c = self.store.read().await?;
        let e = match user.enterprise_id {
            Some(id) => enterprises::get(&mut c, id, &Scope::All).await?,
            None => None,
        }
        .ok_or(AppError::NotFound("企业"))?;
        drop(c);
        let code = new_code();
        let expires_ms = mujun_store::now_ms() + ACTIVATION_DAYS * 86_400_000;
        let mut tx = self.store.begin().await?;
        users::set_password(&mut tx, user_id, PENDING_PASSWORD, false).await?;
        users::set_activation(
            &mut tx,
            user_id,
            Some(&token_hash(&normal_code(&code))),
            Some(expires_ms),
        )
        .await?;
        mujun_store::sessions::delete_for_user(&mut tx, user_id).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "user.reissue_activation",
            ("user", &user_id.to_string()),
            json!({"username": user.username}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Activation {
            username: user.username,
            name: e.name,
            credit_code: e.credit_code,
            code,
            expires: crate::clock::beijing(expires_ms).chars().take(10).collect(),
        })
    }

    /// The activation letters of new accounts: a PDF with one page per enterprise, or an xlsx
    /// list. Their download is audited (they hold the one-time codes).
    pub async fn activation_letters(
        &self,
        actor: &Actor,
        created: &[Activation],
        pdf: bool,
    ) -> Result<Download, AppError> {
        if !actor.manages_accounts() {
            return Err(self
                .deny(
                    actor,
                    "user.activation_letters",
                    ("user", ""),
                    "仅系统管理员可以导出激活通知书",
                )
                .await);
        }
        let download = if pdf {
            let doc = mujun_report::ActivationLetters {
                title: "企业账号激活通知书".to_owned(),
                intro: format!(
                    "为做好“亩均论英雄”企业综合评价工作，{}已为贵企业开通“{}”账号。\
                     贵企业可通过该账号核对本企业的评价数据、查看评价结果、在公示期内提出异议、办理相关事项。",
                    self.site.agency, self.site.title
                ),
                steps: vec![
                    "一、请在激活码有效期内登录系统，点击登录页的“首次使用，激活账号”，输入登录名和激活码，并设置本企业的登录密码（不少于 10 位，含大小写字母、数字中的至少三类）。".to_owned(),
                    "二、激活码只能使用一次，请妥善保管本通知书，不要转交他人。激活码遗失或过期的，请联系系统管理员重新发放。".to_owned(),
                    "三、账号密码仅供本企业使用；企业数据属于涉密信息，请勿泄露。".to_owned(),
                ],
                site: if self.site.url.is_empty() {
                    "（请向系统管理员索取系统网址）".to_owned()
                } else {
                    self.site.url.clone()
                },
                agency: self.site.agency.clone(),
                issued: crate::clock::today(),
                letters: created
                    .iter()
                    .map(|a| mujun_report::Letter {
                        name: a.name.clone(),
                        credit_code: a.credit_code.clone(),
                        username: a.username.clone(),
                        code: a.code.clone(),
                        expires: a.expires.clone(),
                    })
                    .collect(),
                footer: format!("{} · 激活通知书 · 共 {} 家企业", self.site.agency, created.len()),
            };
            let bytes = tokio::task::spawn_blocking(move || mujun_report::activation_letters_pdf(&doc))
                .await
                .map_err(|e| AppError::Internal(format!("生成激活通知书异常终止：{e}")))?
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Download::bytes(
                format!("企业账号激活通知书-{}家.pdf", created.len()),
                "application/pdf",
                bytes,
            )
        } else {
            use mujun_batch::TableCell::Text;
            let sink = crate::download::TableSink::start(
                mujun_batch::TableFormat::Xlsx,
                "激活码",
                &["企业名称", "统一社会信用代码", "登录名", "激活码", "有效期至"],
            );
            for chunk in created.chunks(crate::download::CHUNK as usize) {
                sink.send(
                    chunk
                        .iter()
                        .map(|a| {
                            vec![
                                Text(a.name.clone()),
                                Text(a.credit_code.clone()),
                                Text(a.username.clone()),
                                Text(a.code.clone()),
                                Text(a.expires.clone()),
                            ]
                        })
                        .collect(),
                )
                .await?;
            }
            Download {
                file_name: format!("企业账号激活码-{}家.xlsx", created.len()),
                content_type: XLSX,
                content: Content::File(sink.finish().await?),
            }
        };
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "user.activation_letters",
            ("user", ""),
            json!({"accounts": created.len(), "format": if pdf { "pdf" } else { "xlsx" }}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(download)
    }

    /// Activates an account with its one-time code and sets its first password (no login
    /// needed). Every failure gives the same answer and counts as a failed login of the account.
    pub async fn activate_account(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
        ip: &str,
    ) -> Result<(), AppError> {
        const REFUSED: &str = "登录名或激活码不正确，或激活码已过期；如有疑问请联系系统管理员";
        let username = username.trim();
        let user = {
            let mut c = self.store.read().await?;
            users::get_by_username(&mut c, username).await?
        };
        let now = mujun_store::now_ms();
        let fail = async |reason: &str, user_id: Option<i64>| -> AppError {
            let result = async {
                let mut tx = self.store.begin().await?;
                if let Some(id) = user_id {
                    let s = &self.security;
                    users::record_failure(&mut tx, id, s.max_failures, now + s.lockout_minutes * 60_000)
                        .await?;
                }
                write(
                    &mut tx,
                    Who::Anonymous { username, ip },
                    "user.activate",
                    ("user", &user_id.map(|i| i.to_string()).unwrap_or_default()),
                    json!({"reason": reason}),
                    "failed",
                )
                .await?;
                tx.commit().await.map_err(StoreError::from)?;
                Ok::<_, AppError>(())
            }
            .await;
            if let Err(e) = result {
                tracing::error!("could not record a failed activation: {e}");
            }
            AppError::invalid("code", REFUSED)
        };
        let Some(user) = user else {
            return Err(fail("unknown_user", None).await);
        };
        let (Some(hash), Some(expires)) = (&user.activation_hash, user.activation_expires_at) else {
            return Err(fail("not_pending", Some(user.id)).await);
        };
        if user.active == 0 || user.locked_until.is_some_and(|u| u > now) {
            return Err(fail("disabled_or_locked", Some(user.id)).await);
        }
        if expires < now {
            return Err(fail("expired", Some(user.id)).await);
        }
        // A privileged account's code is split: its first half from the system administrator,
        // its second from the security administrator.
        let typed = normal_code(code);
        let matches = match &user.activation_hash_b {
            Some(second) => {
                typed.len() == 16
                    && crate::same_token(&token_hash(&typed[..8]), hash)
                    && crate::same_token(&token_hash(&typed[8..]), second)
            }
            None => crate::same_token(&token_hash(&typed), hash),
        };
        if !matches {
            return Err(fail("bad_code", Some(user.id)).await);
        }
        password::check_policy(new_password, &user.username)?;
        self.refuse_reused(&user, new_password).await?;
        let hash = password::hash(new_password, self.security.hash_cost).await?;
        let mut tx = self.store.begin().await?;
        users::activate(&mut tx, user.id, &hash).await?;
        mujun_store::security::remember_password(&mut tx, user.id, &hash).await?;
        write(
            &mut tx,
            Who::Anonymous { username, ip },
            "user.activate",
            ("user", &user.id.to_string()),
            json!({}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_well_and_compare_as_typed() {
        let c = new_code();
        assert_eq!(c.len(), 14);
        assert!(!c.contains(['0', 'O', '1', 'I', 'L']), "{c}");
        assert_eq!(
            normal_code(&c.to_lowercase().replace('-', " ")),
            c.replace('-', "")
        );
        assert_ne!(new_code(), c);
    }
}
