//! Reading and verifying the audit trail (auditor). Refusals and verifications are recorded
//! in the trail; plain searches are not (they would flood it with the auditor's own reading).

use mujun_store::StoreError;
use mujun_store::audit::{self, Entry, Filter, Verification};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

impl App {
    /// A page of audit entries, newest first (auditor only).
    pub async fn search_audit(
        &self,
        actor: &Actor,
        filter: &Filter,
        page: i64,
        per_page: i64,
    ) -> Result<(Vec<Entry>, i64), AppError> {
        if !actor.reads_audit() {
            return Err(self
                .deny(
                    actor,
                    "audit.search",
                    ("audit_log", ""),
                    "仅审计员可以查看审计日志",
                )
                .await);
        }
        let per_page = per_page.clamp(10, 500);
        let mut c = self.store.read().await?;
        Ok(audit::search(&mut c, filter, per_page, (page.max(1) - 1) * per_page).await?)
    }

    /// Recomputes the hash chain (auditor); the check itself is recorded.
    pub async fn verify_audit(&self, actor: &Actor) -> Result<Verification, AppError> {
        if !actor.reads_audit() {
            return Err(self
                .deny(
                    actor,
                    "audit.verify",
                    ("audit_log", ""),
                    "仅审计员可以校验审计日志",
                )
                .await);
        }
        let result = {
            let mut c = self.store.read().await?;
            audit::verify(&mut c).await?
        };
        let mut tx = self.store.begin().await?;
        let detail = match &result {
            Verification::Intact { entries } => json!({"intact": true, "entries": entries}),
            Verification::Broken { id, why } => json!({"intact": false, "first_broken": id, "why": why}),
        };
        write(
            &mut tx,
            Who::Actor(actor),
            "audit.verify",
            ("audit_log", ""),
            detail,
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(result)
    }

    /// Recomputes the hash chain from the command line (`mujun audit verify`), without writing.
    pub async fn verify_audit_cli(&self) -> Result<Verification, AppError> {
        let mut c = self.store.read().await?;
        Ok(audit::verify(&mut c).await?)
    }
}
