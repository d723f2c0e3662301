//! 国民经济行业分类 (GB/T 4754-2017).

use crate::{DomainError, normalize_text};

/// 门类 letters with their first and last 大类 (two-digit division).
const SECTIONS: [(char, u8, u8); 20] = [
    ('A', 1, 5),
    ('B', 6, 12),
    ('C', 13, 43),
    ('D', 44, 46),
    ('E', 47, 50),
    ('F', 51, 52),
    ('G', 53, 60),
    ('H', 61, 62),
    ('I', 63, 65),
    ('J', 66, 69),
    ('K', 70, 70),
    ('L', 71, 72),
    ('M', 73, 75),
    ('N', 76, 79),
    ('O', 80, 82),
    ('P', 83, 83),
    ('Q', 84, 85),
    ('R', 86, 90),
    ('S', 91, 96),
    ('T', 97, 97),
];

/// The 31 manufacturing 大类 (门类 C, divisions 13–43) with their names.
pub const MANUFACTURING_DIVISIONS: [(u8, &str); 31] = [
    (13, "农副食品加工业"),
    (14, "食品制造业"),
    (15, "酒、饮料和精制茶制造业"),
    (16, "烟草制品业"),
    (17, "纺织业"),
    (18, "纺织服装、服饰业"),
    (19, "皮革、毛皮、羽毛及其制品和制鞋业"),
    (20, "木材加工和木、竹、藤、棕、草制品业"),
    (21, "家具制造业"),
    (22, "造纸和纸制品业"),
    (23, "印刷和记录媒介复制业"),
    (24, "文教、工美、体育和娱乐用品制造业"),
    (25, "石油、煤炭及其他燃料加工业"),
    (26, "化学原料和化学制品制造业"),
    (27, "医药制造业"),
    (28, "化学纤维制造业"),
    (29, "橡胶和塑料制品业"),
    (30, "非金属矿物制品业"),
    (31, "黑色金属冶炼和压延加工业"),
    (32, "有色金属冶炼和压延加工业"),
    (33, "金属制品业"),
    (34, "通用设备制造业"),
    (35, "专用设备制造业"),
    (36, "汽车制造业"),
    (37, "铁路、船舶、航空航天和其他运输设备制造业"),
    (38, "电气机械和器材制造业"),
    (39, "计算机、通信和其他电子设备制造业"),
    (40, "仪器仪表制造业"),
    (41, "其他制造业"),
    (42, "废弃资源综合利用业"),
    (43, "金属制品、机械和设备修理业"),
];

/// The name of a manufacturing 大类, or `None` outside 13–43.
pub fn manufacturing_division_name(division: u8) -> Option<&'static str> {
    MANUFACTURING_DIVISIONS
        .iter()
        .find(|(d, _)| *d == division)
        .map(|(_, name)| *name)
}

fn section_of(division: u8) -> Option<char> {
    SECTIONS
        .iter()
        .find(|(_, lo, hi)| (*lo..=*hi).contains(&division))
        .map(|(s, _, _)| *s)
}

/// A 4-digit GB/T 4754-2017 小类 code such as `3511`. Accepts `C3511` (门类 letter prefix,
/// which must agree with the division) and always prints the 4 digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndustryCode(u16);

impl IndustryCode {
    /// Parses `3511` or `C3511` (full-width and lower-case letters accepted).
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let norm = normalize_text(text);
        let err = |why| DomainError::IndustryCode {
            text: text.trim().to_owned(),
            why,
        };
        let (letter, digits) = match norm.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => (Some(c.to_ascii_uppercase()), &norm[1..]),
            _ => (None, &norm[..]),
        };
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("应为 4 位数字的行业小类代码，可带门类字母，如 3511 或 C3511"));
        }
        let value: u16 = digits.parse().map_err(|_| err("不是数字"))?;
        let division = (value / 100) as u8;
        let Some(section) = section_of(division) else {
            return Err(err("行业大类应在 01–97 之间"));
        };
        if let Some(l) = letter
            && l != section
        {
            return Err(err("门类字母与行业大类不符"));
        }
        Ok(IndustryCode(value))
    }

    /// The two-digit 大类 (division), e.g. 35 for 3511.
    pub fn division(self) -> u8 {
        (self.0 / 100) as u8
    }

    /// The 门类 letter, e.g. 'C' for 3511.
    pub fn section(self) -> char {
        section_of(self.division()).expect("parse admits only divisions that have a section")
    }

    /// True for manufacturing (门类 C, 大类 13–43).
    pub fn is_manufacturing(self) -> bool {
        (13..=43).contains(&self.division())
    }

    /// The code as a number (e.g. 3511).
    pub fn value(self) -> u16 {
        self.0
    }

    /// Builds a code from its number; `None` unless it is a 4-digit code of a known division.
    pub fn from_value(value: u16) -> Option<Self> {
        (value <= 9999 && section_of((value / 100) as u8).is_some()).then_some(IndustryCode(value))
    }
}

impl std::fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

impl std::fmt::Debug for IndustryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IndustryCode({}{:04})", self.section(), self.0)
    }
}

/// A range of industries as written in method files: `"13-43"` (大类), `"25"`, `"3511-3519"`
/// (小类, both ends the same width), or a 门类 letter `"D"`. A code is in the range when its first
/// digits (as many as the range's ends have) fall between the ends, inclusive.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct IndustryRange {
    digits: u8,
    from: u16,
    to: u16,
}

impl IndustryRange {
    /// Parses a range; see the type's documentation for the forms.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let norm = normalize_text(text);
        let err = |why| DomainError::IndustryRange {
            text: text.to_owned(),
            why,
        };
        if norm.len() == 1 && norm.as_bytes()[0].is_ascii_alphabetic() {
            let letter = norm.as_bytes()[0].to_ascii_uppercase() as char;
            let (_, lo, hi) = SECTIONS
                .iter()
                .find(|(s, _, _)| *s == letter)
                .ok_or_else(|| err("没有这个门类字母"))?;
            return Ok(IndustryRange {
                digits: 2,
                from: u16::from(*lo),
                to: u16::from(*hi),
            });
        }
        let (a, b) = norm.split_once('-').unwrap_or((&norm, &norm));
        let (a, b) = (a.trim(), b.trim());
        let ok = |s: &str| (2..=4).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit());
        if !ok(a) || !ok(b) {
            return Err(err(
                "应为 2–4 位数字的行业代码或范围，如 13-43、25、3511-3519，或门类字母",
            ));
        }
        if a.len() != b.len() {
            return Err(err("范围两端的位数必须相同"));
        }
        let from: u16 = a.parse().map_err(|_| err("不是数字"))?;
        let to: u16 = b.parse().map_err(|_| err("不是数字"))?;
        if from > to {
            return Err(err("范围起点大于终点"));
        }
        Ok(IndustryRange {
            digits: a.len() as u8,
            from,
            to,
        })
    }

    /// True when the code lies in the range.
    pub fn contains(&self, code: IndustryCode) -> bool {
        let prefix = code.value() / 10u16.pow(4 - u32::from(self.digits));
        (self.from..=self.to).contains(&prefix)
    }
}

impl std::fmt::Display for IndustryRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = self.digits as usize;
        if self.from == self.to {
            write!(f, "{:0w$}", self.from)
        } else {
            write!(f, "{:0w$}-{:0w$}", self.from, self.to)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_with_and_without_section_letter() {
        assert_eq!(IndustryCode::parse("3511").expect("plain").value(), 3511);
        assert_eq!(IndustryCode::parse("C3511").expect("letter").value(), 3511);
        assert_eq!(
            IndustryCode::parse("ｃ３５１１").expect("full width").to_string(),
            "3511"
        );
        assert_eq!(IndustryCode::parse("0111").expect("agri").section(), 'A');
    }

    #[test]
    fn rejects_bad_codes() {
        assert!(
            IndustryCode::parse("D3511").is_err(),
            "letter disagrees with division"
        );
        assert!(IndustryCode::parse("351").is_err());
        assert!(IndustryCode::parse("35111").is_err());
        assert!(IndustryCode::parse("9811").is_err(), "no division 98");
        assert!(IndustryCode::parse("0011").is_err(), "no division 00");
        assert!(IndustryCode::parse("35a1").is_err());
        assert!(IndustryCode::parse("").is_err());
    }

    #[test]
    fn manufacturing_is_13_to_43() {
        assert!(IndustryCode::parse("1311").expect("c").is_manufacturing());
        assert!(IndustryCode::parse("4320").expect("c").is_manufacturing());
        assert!(!IndustryCode::parse("4411").expect("d").is_manufacturing());
        assert!(!IndustryCode::parse("1200").expect("b").is_manufacturing());
    }

    #[test]
    fn the_table_has_31_divisions_in_order() {
        assert_eq!(MANUFACTURING_DIVISIONS.len(), 31);
        for (i, (d, name)) in MANUFACTURING_DIVISIONS.iter().enumerate() {
            assert_eq!(*d as usize, 13 + i);
            assert!(!name.is_empty());
        }
        assert_eq!(manufacturing_division_name(26), Some("化学原料和化学制品制造业"));
        assert_eq!(manufacturing_division_name(44), None);
    }

    #[test]
    fn ranges() {
        let r = IndustryRange::parse("13-43").expect("range");
        assert!(r.contains(IndustryCode::parse("1311").expect("c")));
        assert!(r.contains(IndustryCode::parse("4390").expect("c")));
        assert!(!r.contains(IndustryCode::parse("4411").expect("d")));
        let d = IndustryRange::parse("D").expect("letter");
        assert!(d.contains(IndustryCode::parse("4411").expect("d")));
        assert!(!d.contains(IndustryCode::parse("4320").expect("c")));
        let small = IndustryRange::parse("3511-3519").expect("fine");
        assert!(small.contains(IndustryCode::parse("3515").expect("c")));
        assert!(!small.contains(IndustryCode::parse("3521").expect("c")));
        assert_eq!(IndustryRange::parse("25").expect("one").to_string(), "25");
        assert_eq!(small.to_string(), "3511-3519");
        assert!(IndustryRange::parse("43-13").is_err());
        assert!(IndustryRange::parse("13-4300").is_err());
        assert!(IndustryRange::parse("x").is_err());
    }

    proptest! {
        #[test]
        fn display_round_trips(v in 100u16..9800) {
            if let Some(code) = IndustryCode::from_value(v) {
                prop_assert_eq!(IndustryCode::parse(&code.to_string()), Ok(code));
                let with_letter = format!("{}{}", code.section(), code);
                prop_assert_eq!(IndustryCode::parse(&with_letter), Ok(code));
            }
        }
    }
}
