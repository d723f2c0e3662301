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
    if let Some(why) = weak_pattern(password) {
        problems.push(why.to_owned());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid("password", problems.join("；")))
    }
}

/// Words too common to protect anything (see the file for how a password is compared).
const COMMON: &str = include_str!("common_passwords.txt");

/// Keyboard rows, columns and the alphabet: a run of five of their neighbours (either way) is a
/// pattern, not a password.
const RUNS: [&str; 7] = [
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
];

/// Why a password is a known weak pattern: a common word with digits and symbols around it
/// (`Password123`), a keyboard or alphabet run (`Qwerty@12345`, `Abcdefg#2024`), or one
/// character repeated (`Aaaaaaaaa1`).
pub fn weak_pattern(password: &str) -> Option<&'static str> {
    let lower = password.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    if chars.windows(4).any(|w| w.iter().all(|c| *c == w[0])) {
        return Some("不得包含连续 4 个以上相同的字符");
    }
    for run in RUNS {
        let back: String = run.chars().rev().collect();
        let found = chars.windows(5).any(|w| {
            let piece: String = w.iter().collect();
            run.contains(&piece) || back.contains(&piece)
        });
        if found {
            return Some("不得包含键盘或字母表上连续的 5 个以上字符（如 qwert、12345、abcde）");
        }
    }
    // A common word with little else: the letters of the password, and the letters once
    // digits and symbols at the end are dropped and common substitutions undone
    // (`P@ssw0rd2024!` → `password`). Passwords with Chinese characters carry enough besides.
    if password.chars().filter(|c| !c.is_ascii()).count() >= 2 {
        return None;
    }
    let letters: String = lower.chars().filter(char::is_ascii_alphabetic).collect();
    let core = lower.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
    let undone: String = core
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '0' => 'o',
            '1' | '!' => 'l',
            '3' => 'e',
            '$' | '5' => 's',
            '7' => 't',
            other => other,
        })
        .filter(char::is_ascii_alphabetic)
        .collect();
    let common = COMMON
        .lines()
        .map(str::trim)
        .filter(|l| l.len() >= 3 && !l.starts_with('#'));
    for w in common {
        for candidate in [&letters, &undone] {
            if let Some(at) = candidate.find(w)
                && candidate.len() - w.len() <= 2
                && at <= 2
            {
                return Some("过于常见，容易被猜中（如 Password123、Admin@2024）");
            }
        }
    }
    None
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
    fn weak_patterns_are_refused() {
        for weak in [
            "Password123",
            "Qwerty@12345",
            "Aaaaaaaaa1",
            "P@ssw0rd2024!",
            "Admin@2024x",
            "Abcdefg#2024",
            "Zxcvbn!9821",
            "1qaz2wsx#EDC",
            "Woaini@13149",
            "Zhumadian@2024",
        ] {
            assert!(weak_pattern(weak).is_some(), "{weak} should be refused");
            assert!(check_policy(weak, "somebody").is_err(), "{weak}");
        }
        for fine in [
            "Mujun@2024demo",
            "Qiye#2024start",
            "Hq7!taxDept-09",
            "驻马店Abc1357",
        ] {
            assert_eq!(weak_pattern(fine), None, "{fine}");
        }
    }

    #[test]
    fn policy() {
        assert!(check_policy("Zhlp#2021kx", "admin").is_ok());
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
