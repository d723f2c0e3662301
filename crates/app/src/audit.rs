//! Writing audit entries from use cases.

use mujun_store::{Tx, audit};

use crate::{Actor, App, AppError};

/// Who did it, for an entry.
pub(crate) enum Who<'a> {
    /// An authenticated caller.
    Actor(&'a Actor),
    /// A login attempt before authentication.
    Anonymous {
        /// The name given.
        username: &'a str,
        /// The client address.
        ip: &'a str,
    },
    /// The command line (installation, maintenance).
    Cli,
    /// The server's own background work (a job given up after its server died).
    System,
}

/// Appends an entry inside the caller's transaction.
pub(crate) async fn write(
    conn: &mut Tx,
    who: Who<'_>,
    action: &str,
    object: (&str, &str),
    detail: serde_json::Value,
    outcome: &str,
) -> Result<(), AppError> {
    let (user_id, username, role, ip) = match who {
        Who::Actor(a) => (
            Some(a.user_id),
            a.username.clone(),
            a.role.id().to_owned(),
            a.ip.clone(),
        ),
        Who::Anonymous { username, ip } => (None, username.to_owned(), String::new(), ip.to_owned()),
        Who::Cli => (None, "cli".to_owned(), "cli".to_owned(), "local".to_owned()),
        Who::System => (None, "system".to_owned(), "system".to_owned(), "local".to_owned()),
    };
    audit::append(
        conn,
        &audit::NewEntry {
            user_id,
            username,
            role,
            action: action.to_owned(),
            object_type: object.0.to_owned(),
            object_id: object.1.to_owned(),
            detail: detail.to_string(),
            ip,
            outcome: outcome.to_owned(),
        },
    )
    .await?;
    Ok(())
}

impl App {
    /// Records a refusal in its own transaction and returns the error to give the caller.
    pub(crate) async fn deny(
        &self,
        actor: &Actor,
        action: &str,
        object: (&str, &str),
        why: &str,
    ) -> AppError {
        let result = async {
            let mut tx = self.store.begin().await?;
            write(
                &mut tx,
                Who::Actor(actor),
                action,
                object,
                serde_json::json!({ "reason": why }),
                "denied",
            )
            .await?;
            tx.commit().await.map_err(mujun_store::StoreError::from)?;
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(e) = result {
            tracing::error!("could not audit a refusal: {e}");
        }
        AppError::Forbidden(why.to_owned())
    }
}
