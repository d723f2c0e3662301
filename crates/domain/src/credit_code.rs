//! 统一社会信用代码 (GB 32100-2015).

use crate::{DomainError, normalize_text};

/// The 31 characters a credit code may hold, in check-value order (no I, O, S, V, Z).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^(i-1) mod 31).
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A unified social credit code: 18 characters of the GB 32100 alphabet.
///
/// Ordering is the plain string order of the code, which the evaluation uses to break ties.
/// A value of this type is always well formed; whether its check character matched is decided at
/// parse time ([`CreditCode::parse`] refuses a mismatch with [`DomainError::CreditCodeChecksum`],
/// which carries the code so that a caller can accept it explicitly).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CreditCode([u8; 18]);

/// Value of each byte in the alphabet, 255 for bytes outside it (built at compile time; parsing
/// a million codes is on the hot path of a province-wide batch run).
const VALUES: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

#[inline]
fn char_value(c: u8) -> Option<u32> {
    match VALUES[c as usize] {
        255 => None,
        v => Some(u32::from(v)),
    }
}

impl CreditCode {
    /// Parses a code: trims, maps full-width characters to half-width, upper-cases, and checks
    /// the length, the alphabet and the check character.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        // Fast path: 18 upper-case alphabet bytes, as machine-written files have them.
        let raw = text.as_bytes();
        if raw.len() == 18 && raw.iter().all(|&b| VALUES[b as usize] != 255) {
            let mut bytes = [0u8; 18];
            bytes.copy_from_slice(raw);
            return Self::checked(bytes);
        }
        let norm = normalize_text(text);
        if norm.is_empty() {
            return Err(DomainError::CreditCodeEmpty);
        }
        let len = norm.chars().count();
        if len != 18 {
            return Err(DomainError::CreditCodeLength { len });
        }
        let mut bytes = [0u8; 18];
        for (i, ch) in norm.chars().enumerate() {
            let up = ch.to_ascii_uppercase();
            if !up.is_ascii() || char_value(up as u8).is_none() {
                return Err(DomainError::CreditCodeCharacter { position: i + 1, ch });
            }
            bytes[i] = up as u8;
        }
        Self::checked(bytes)
    }

    /// Compares the check character of 18 alphabet bytes.
    fn checked(bytes: [u8; 18]) -> Result<Self, DomainError> {
        let code = CreditCode(bytes);
        let expected = Self::check_char(&bytes[..17]);
        if expected != bytes[17] {
            return Err(DomainError::CreditCodeChecksum {
                code,
                expected: expected as char,
                found: bytes[17] as char,
            });
        }
        Ok(code)
    }

    /// Parses a code and accepts a wrong check character, telling the caller whether it was
    /// wrong. Use only where the caller records the override (an explicit allow list, an audited
    /// confirmation).
    pub fn parse_lenient(text: &str) -> Result<(Self, bool), DomainError> {
        match Self::parse(text) {
            Ok(code) => Ok((code, true)),
            Err(DomainError::CreditCodeChecksum { code, .. }) => Ok((code, false)),
            Err(e) => Err(e),
        }
    }

    /// Builds a valid code from its first 17 characters by appending the check character.
    pub fn with_check_char(first17: &str) -> Result<Self, DomainError> {
        let norm = normalize_text(first17);
        let len = norm.chars().count();
        if len != 17 {
            return Err(DomainError::CreditCodeLength { len: len + 1 });
        }
        let mut bytes = [0u8; 18];
        for (i, ch) in norm.chars().enumerate() {
            let up = ch.to_ascii_uppercase();
            if !up.is_ascii() || char_value(up as u8).is_none() {
                return Err(DomainError::CreditCodeCharacter { position: i + 1, ch });
            }
            bytes[i] = up as u8;
        }
        bytes[17] = Self::check_char(&bytes[..17]);
        Ok(CreditCode(bytes))
    }

    /// The check character for 17 characters of the alphabet.
    fn check_char(first17: &[u8]) -> u8 {
        let sum: u32 = first17
            .iter()
            .zip(WEIGHTS)
            .map(|(&c, w)| char_value(c).expect("caller passes alphabet characters only") * w)
            .sum();
        ALPHABET[((31 - sum % 31) % 31) as usize]
    }

    /// The code as one integer whose order is the order of the codes (base 31 over the
    /// alphabet, which is in ASCII order). 31^18 < 2^90, so the top 38 bits are free: sorting
    /// `(key << 38) | index` sorts rows by code in one pass over plain integers.
    pub fn sort_key(&self) -> u128 {
        self.0
            .iter()
            .fold(0u128, |acc, &b| acc * 31 + u128::from(VALUES[b as usize]))
    }

    /// The code as ASCII bytes (no UTF-8 check: the fastest form for writers and hashes).
    pub fn as_bytes(&self) -> &[u8; 18] {
        &self.0
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a credit code holds ASCII characters only")
    }

    /// The 6-digit administrative region code embedded at positions 3–8 (it may be outdated).
    pub fn embedded_region(&self) -> &str {
        &self.as_str()[2..8]
    }
}

impl std::fmt::Display for CreditCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CreditCode({})", self.as_str())
    }
}

impl std::str::FromStr for CreditCode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_published_valid_codes() {
        for code in [
            "91110000600037341L",
            "91110108551385082Q",
            "91350100M000100Y43",
            "12440600MB2C07549J",
        ] {
            assert_eq!(CreditCode::parse(code).expect(code).as_str(), code);
        }
    }

    #[test]
    fn accepts_the_spec_example_codes() {
        for code in [
            "914117000000000016",
            "914117000000000029",
            "91411700000000003C",
            "91411700000000004F",
            "91411700000000005J",
            "91411700000000006M",
            "91411700000000007Q",
        ] {
            CreditCode::parse(code).expect(code);
        }
    }

    #[test]
    fn normalises_full_width_lower_case_and_spaces() {
        let code = CreditCode::parse(" ９１１１００００６０００３７３４１ｌ\u{3000}").expect("normalised");
        assert_eq!(code.as_str(), "91110000600037341L");
        assert_eq!(
            CreditCode::parse("91350100m000100y43").expect("lower").as_str(),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn rejects_wrong_length() {
        assert_eq!(
            CreditCode::parse("9111000060003734"),
            Err(DomainError::CreditCodeLength { len: 16 })
        );
        assert_eq!(CreditCode::parse(""), Err(DomainError::CreditCodeEmpty));
    }

    #[test]
    fn rejects_letters_outside_the_alphabet() {
        assert_eq!(
            CreditCode::parse("91110000600O37341L"),
            Err(DomainError::CreditCodeCharacter {
                position: 12,
                ch: 'O'
            })
        );
        assert!(matches!(
            CreditCode::parse("9111000060003734-L"),
            Err(DomainError::CreditCodeCharacter { position: 17, .. })
        ));
    }

    #[test]
    fn wrong_check_character_is_its_own_error_and_can_be_accepted() {
        let err = CreditCode::parse("91110000600037341M").expect_err("bad check");
        match err {
            DomainError::CreditCodeChecksum {
                code,
                expected,
                found,
            } => {
                assert_eq!(code.as_str(), "91110000600037341M");
                assert_eq!((expected, found), ('L', 'M'));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            CreditCode::parse_lenient("91110000600037341M").map(|(c, ok)| (c.to_string(), ok)),
            Ok(("91110000600037341M".to_owned(), false))
        );
    }

    proptest! {
        #[test]
        fn sort_key_orders_like_the_codes(a in "[0-9A-HJ-NPQRTUWXY]{17}", b in "[0-9A-HJ-NPQRTUWXY]{17}") {
            let a = CreditCode::with_check_char(&a).expect("valid");
            let b = CreditCode::with_check_char(&b).expect("valid");
            prop_assert_eq!(a.cmp(&b), a.sort_key().cmp(&b.sort_key()));
            prop_assert!(a.sort_key() < 1u128 << 90);
        }
    }

    #[test]
    fn ordering_is_string_order() {
        let a = CreditCode::parse("91110000600037341L").expect("a");
        let b = CreditCode::parse("91110108551385082Q").expect("b");
        assert!(a < b);
    }

    proptest! {
        #[test]
        fn built_codes_always_parse(first in "[0-9A-HJ-NPQRTUWXY]{17}") {
            let code = CreditCode::with_check_char(&first).expect("17 alphabet chars");
            prop_assert_eq!(CreditCode::parse(code.as_str()), Ok(code));
        }

        #[test]
        fn changing_one_character_breaks_the_check(first in "[0-9A-HJ-NPQRTUWXY]{17}", pos in 0usize..17, delta in 1u32..31) {
            // Every weight is invertible mod 31, so any single substitution changes the check.
            let code = CreditCode::with_check_char(&first).expect("valid");
            let mut bytes = code.as_str().as_bytes().to_vec();
            let v = char_value(bytes[pos]).expect("alphabet");
            bytes[pos] = ALPHABET[((v + delta) % 31) as usize];
            let text = String::from_utf8(bytes).expect("ascii");
            let is_checksum_error = matches!(CreditCode::parse(&text), Err(DomainError::CreditCodeChecksum { .. }));
            prop_assert!(is_checksum_error);
        }

        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = CreditCode::parse(&text);
        }
    }
}
