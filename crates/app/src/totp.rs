//! The second factor (issue 10): time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second
//! steps, 6 digits), which any authenticator app computes from the secret shown once as a QR
//! code (drawn as SVG here), and ten single-use recovery codes. Required for the privileged
//! roles (configurable), optional for everyone else.

use hmac::{Hmac, KeyInit, Mac};
use mujun_store::{StoreError, security, users};
use serde_json::json;
use sha1::Sha1;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role, token_hash};

/// Seconds per step.
const STEP: i64 = 30;
/// Steps before and after now that are accepted (clock drift of a phone).
const DRIFT: i64 = 1;

/// RFC 4648 base32 without padding (what authenticator apps read).
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32 (upper or lower case, spaces ignored).
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u32 - 'A' as u32,
            c @ '2'..='7' => c as u32 - '2' as u32 + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The code of a secret at a time step (RFC 4226's dynamic truncation, 6 digits).
pub fn code_at(secret: &[u8], step: i64) -> String {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[digest.len() - 1] & 0x0f) as usize;
    let value = (u32::from(digest[offset] & 0x7f) << 24)
        | (u32::from(digest[offset + 1]) << 16)
        | (u32::from(digest[offset + 2]) << 8)
        | u32::from(digest[offset + 3]);
    format!("{:06}", value % 1_000_000)
}

/// The step of a code valid at `now_ms` within the allowed drift, if any.
pub fn verify(secret: &[u8], code: &str, now_ms: i64) -> Option<i64> {
    let code: String = code.chars().filter(char::is_ascii_digit).collect();
    if code.len() != 6 {
        return None;
    }
    let now = now_ms.div_euclid(1000).div_euclid(STEP);
    (now - DRIFT..=now + DRIFT).find(|s| crate::same_token(&code_at(secret, *s), &code))
}

/// Whether a role must use the second factor.
pub fn required_for(role: Role) -> bool {
    matches!(
        role,
        Role::SysAdmin | Role::SecurityAdmin | Role::Auditor | Role::CityAdmin
    )
}

/// An enrolment in progress: what the page shows once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    /// The secret in base32 (to type in by hand).
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub uri: String,
    /// The QR code as an SVG image.
    pub qr_svg: String,
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A QR code of `text` as an SVG image (dark modules on white, a quiet zone around).
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| AppError::Internal(format!("二维码生成失败：{e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Inline in a page: without the XML declaration.
    Ok(svg.find("<svg").map_or(svg.clone(), |at| svg[at..].to_owned()))
}

impl App {
    /// Starts (or restarts) the caller's enrolment: a new secret, shown once as a QR code; the
    /// second factor is required only after [`App::confirm_totp`] proves the app has it.
    pub async fn start_totp(&self, actor: &Actor) -> Result<Enrolment, AppError> {
        let mut secret = [0u8; 20];
        getrandom::fill(&mut secret).expect("the operating system's random source is available");
        let encoded = base32(&secret);
        let user = self.own_account(actor).await?;
        let mut tx = self.store.begin().await?;
        // An enrolled account keeps its factor until the new one is confirmed.
        users::set_totp_pending(&mut tx, user.id, Some(&encoded)).await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.enrolment(actor, encoded)
    }

    /// The enrolment in progress, if any (shown again after a mistyped code).
    pub async fn pending_totp(&self, actor: &Actor) -> Result<Option<Enrolment>, AppError> {
        let user = self.own_account(actor).await?;
        user.totp_pending.map(|s| self.enrolment(actor, s)).transpose()
    }

    fn enrolment(&self, actor: &Actor, encoded: String) -> Result<Enrolment, AppError> {
        let issuer = format!("亩均论英雄 {}", self.site.agency);
        let uri = format!(
            "otpauth://totp/{}:{}?secret={encoded}&issuer={}&algorithm=SHA1&digits=6&period=30",
            percent(&issuer),
            percent(&actor.username),
            percent(&issuer)
        );
        Ok(Enrolment {
            qr_svg: qr_svg(&uri)?,
            secret: encoded,
            uri,
        })
    }

    /// Confirms the enrolment with a code from the app: from now on every login of the account
    /// asks for one. Returns the ten recovery codes, shown once (only their hashes are kept).
    pub async fn confirm_totp(&self, actor: &Actor, code: &str) -> Result<Vec<String>, AppError> {
        let user = self.own_account(actor).await?;
        let secret = user
            .totp_pending
            .as_deref()
            .and_then(base32_decode)
            .ok_or_else(|| AppError::invalid("code", "请先生成二维码并用验证器扫描"))?;
        let Some(step) = verify(&secret, code, mujun_store::now_ms()) else {
            return Err(AppError::invalid(
                "code",
                "验证码不正确：请输入验证器中当前显示的 6 位数字（并核对手机时间）",
            ));
        };
        let codes: Vec<String> = (0..10)
            .map(|_| {
                let t = crate::random_token();
                format!("{}-{}", &t[..5], &t[5..10])
            })
            .collect();
        let hashes: Vec<String> = codes.iter().map(|c| token_hash(c)).collect();
        let mut tx = self.store.begin().await?;
        users::set_totp(&mut tx, user.id, user.totp_pending.as_deref(), true).await?;
        users::set_totp_pending(&mut tx, user.id, None).await?;
        users::use_totp_step(&mut tx, user.id, step).await?;
        security::set_recovery_codes(&mut tx, user.id, &hashes).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "user.totp_enrol",
            ("user", &user.id.to_string()),
            json!({}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(codes)
    }

    /// Checks a second factor of an account — a current code, or an unused recovery code
    /// (spent). A code is accepted once.
    pub(crate) async fn check_second_factor(&self, user: &users::User, code: &str) -> Result<bool, AppError> {
        let Some(secret) = user.totp_secret.as_deref().and_then(base32_decode) else {
            return Ok(false);
        };
        let mut tx = self.store.begin().await?;
        let ok = if let Some(step) = verify(&secret, code, mujun_store::now_ms()) {
            users::use_totp_step(&mut tx, user.id, step).await?
        } else {
            let typed = code.trim().to_ascii_lowercase();
            security::use_recovery_code(&mut tx, user.id, &token_hash(&typed)).await?
        };
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ok)
    }

    /// The caller's own account.
    pub(crate) async fn own_account(&self, actor: &Actor) -> Result<users::User, AppError> {
        let mut c = self.store.read().await?;
        users::get(&mut c, actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)
    }

    /// Whether the caller's account uses the second factor, and its unused recovery codes.
    pub async fn totp_status(&self, actor: &Actor) -> Result<(bool, i64), AppError> {
        let user = self.own_account(actor).await?;
        let mut c = self.store.read().await?;
        Ok((
            user.totp_enabled == 1,
            security::unused_recovery_codes(&mut c, user.id).await?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1, the 20-byte ASCII secret "12345678901234567890";
        // the RFC lists 8 digits: its last 6 are the 6-digit codes.
        let secret = b"12345678901234567890";
        for (t, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(code_at(secret, t / 30), eight[2..], "t = {t}");
        }
    }

    #[test]
    fn codes_are_accepted_within_one_step_of_drift() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_111_000;
        let code = code_at(secret, now / 1000 / 30);
        assert_eq!(verify(secret, &code, now), Some(now / 1000 / 30));
        assert!(verify(secret, &code, now + 30_000).is_some());
        assert!(verify(secret, &code, now + 95_000).is_none());
        assert!(verify(secret, "12345", now).is_none());
    }

    #[test]
    fn base32_round_trips() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("mzxw6ytboi").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(base32_decode("1"), None);
    }
}
