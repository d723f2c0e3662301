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

    /// Marks one of the caller's messages read; another user's message is not found.
    pub async fn mark_message_read(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        let ok = messages::mark_read(&mut tx, id, actor.user_id, actor.enterprise_id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        if ok {
            Ok(())
        } else {
            // Already read, or not the caller's: both look the same from outside.
            let mine = self.messages(actor).await?.iter().any(|m| m.id == id);
            if mine {
                Ok(())
            } else {
                Err(AppError::NotFound("消息"))
            }
        }
    }
}
