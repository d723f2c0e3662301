//! Messages in each user's portal (站内消息): a re-run that moved an enterprise's class, a
//! supplementary notice, and later features' notices. Every signed-in user reads their own.

use mujun_store::messages::{self, Recipient};
use mujun_store::{AnyConnection, StoreError};

use crate::{Actor, App, AppError};

/// A message as pages show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageView {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// A page of the site it refers to, or empty.
    pub link: String,
    /// When, Beijing time `YYYY-MM-DD HH:MM`.
    pub at: String,
    /// Read already.
    pub read: bool,
}

/// Stores a message inside the caller's transaction.
pub(crate) async fn notify(
    conn: &mut AnyConnection,
    to: Recipient,
    title: &str,
    body: &str,
    link: &str,
) -> Result<(), AppError> {
    messages::insert(conn, to, title, body, link).await?;
    Ok(())
}

impl App {
    /// The caller's newest 200 messages (their own and their enterprise's).
    pub async fn messages(&self, actor: &Actor) -> Result<Vec<MessageView>, AppError> {
        let mut c = self.store.read().await?;
        Ok(
            messages::list_for(&mut c, actor.user_id, actor.enterprise_id, 200)
                .await?
                .into_iter()
                .map(|m| MessageView {
                    id: m.id,
                    title: m.title,
                    body: m.body,
                    link: m.link,
                    at: crate::clock::beijing(m.created_at),
                    read: m.read_at.is_some(),
                })
                .collect(),
        )
    }

    /// How many of the caller's messages are unread (for the page header).
    pub async fn unread_messages(&self, actor: &Actor) -> Result<i64, AppError> {
        let mut c = self.store.read().await?;
        Ok(messages::unread_count(&mut c, actor.user_id, actor.enterprise_id).await?)
    }

    /// Marks one of the caller's messages read; another account's message is refused (and the
    /// refusal audited, like any id changed in a URL).
    pub async fn mark_message_read(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let message = {
            let mut c = self.store.read().await?;
            messages::get(&mut c, id)
                .await?
                .ok_or(AppError::NotFound("消息"))?
        };
        let mine = message.user_id == Some(actor.user_id)
            || (message.enterprise_id.is_some() && message.enterprise_id == actor.enterprise_id);
        if !mine {
            return Err(self
                .deny(
                    actor,
                    "message.read",
                    ("message", &id.to_string()),
                    "不是本账号的消息",
                )
                .await);
        }
        let mut tx = self.store.begin().await?;
        messages::mark_read(&mut tx, id, actor.user_id, actor.enterprise_id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
