//! Passwords: the policy (等保三级: at least 10 characters of 3 classes) and argon2id hashing,
//! run off the async threads.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::AppError;

/// argon2id cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashCost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Iterations.
    pub iterations: u32,
}

impl HashCost {
    /// OWASP's argon2id recommendation (19 MiB, 2 passes).
    pub const PRODUCTION: HashCost = HashCost {
        memory_kib: 19_456,
        iterations: 2,
    };
    /// Cheap hashing for tests only.
    pub const TEST: HashCost = HashCost {
        memory_kib: 256,
        iterations: 1,
    };
}

/// Checks the password policy; the message says what is missing.
pub fn check_policy(password: &str, username: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    let mut classes = 0;
    if password.chars().any(|c| c.is_ascii_lowercase()) {
        classes += 1;
    }
    if password.chars().any(|c| c.is_ascii_uppercase()) {
        classes += 1;
    }
    if password.chars().any(|c| c.is_ascii_digit()) {
        classes += 1;
    }
    if password.chars().any(|c| !c.is_ascii_alphanumeric()) {
        classes += 1;
    }
    let mut problems = Vec::new();
    if len < 10 {
        problems.push(format!("长度至少 10 位（现为 {len} 位）"));
    }
    if classes < 3 {
        problems.push("至少包含大写字母、小写字母、数字、符号中的三类".to_owned());
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        problems.push("不得包含用户名".to_owned());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid("password", problems.join("；")))
    }
}

fn hasher(cost: HashCost) -> Result<Argon2<'static>, AppError> {
    let params = Params::new(cost.memory_kib, cost.iterations, 1, None)
        .map_err(|e| AppError::Crypto(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password (PHC string), on a blocking thread.
pub async fn hash(password: &str, cost: HashCost) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        hasher(cost)?
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Crypto(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Crypto(e.to_string()))?
}

/// Verifies a password against a PHC string, on a blocking thread. The cost comes from the
/// stored string, so accounts hashed under another cost still verify.
pub async fn verify(password: &str, phc: &str) -> bool {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), phc.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(check_policy("Abcdefgh12", "admin").is_ok());
        assert!(check_policy("abcdefgh12", "admin").is_err(), "two classes only");
        assert!(check_policy("Abc12345!", "admin").is_err(), "nine characters");
        assert!(
            check_policy("xAdmin1234!", "admin").is_err(),
            "contains the username"
        );
        assert!(
            check_policy("驻马店Abc1234", "zmd").is_ok(),
            "Chinese counts as a symbol class"
        );
        let msg = check_policy("abc", "u").expect_err("weak").to_string();
        assert!(msg.contains("10 位") && msg.contains("三类"), "{msg}");
    }

    #[tokio::test]
    async fn hash_and_verify() {
        let h = hash("Abcdefgh12!", HashCost::TEST).await.expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Abcdefgh12!", &h).await);
        assert!(!verify("Abcdefgh12?", &h).await);
        assert!(!verify("Abcdefgh12!", "not a hash").await);
    }
}
