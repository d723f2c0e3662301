//! Numbers as people type them in office files.

use crate::normalize_text;

/// Numbers beyond this are typing or unit mistakes (10^12 万元 is far beyond any enterprise).
pub const MAX_ABS: f64 = 1e12;

/// Parses a decimal number written with `.` as the decimal point. Thousands separators are
/// accepted only in proper groups of three (`1,234.5`), as Excel writes them.
pub fn parse_number(text: &str) -> Result<Option<f64>, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let owned;
    let mut t = if t.is_ascii() {
        t
    } else {
        owned = normalize_text(t).into_owned();
        owned.as_str()
    };
    let without_commas;
    if t.contains(',') {
        let (int, frac) = t.split_once('.').map_or((t, None), |(a, b)| (a, Some(b)));
        let digits = int.trim_start_matches(['-', '+']);
        let groups: Vec<&str> = digits.split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return Err("不是有效的数字（小数点请用“.”，千位分隔符只能三位一组）");
        }
        without_commas = match frac {
            Some(f) => format!("{}.{f}", int.replace(',', "")),
            None => int.replace(',', ""),
        };
        t = &without_commas;
    }
    match fast_float2::parse::<f64, _>(t) {
        Ok(v)
            if v.is_finite()
                && !t
                    .bytes()
                    .any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E') =>
        {
            if v.abs() > MAX_ABS {
                Err("数值过大，请检查单位（金额单位为万元）")
            } else {
                Ok(Some(v))
            }
        }
        _ => Err("不是有效的数字"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number(" 12.5 "), Ok(Some(12.5)));
        assert_eq!(parse_number("-3"), Ok(Some(-3.0)));
        assert_eq!(parse_number("1,234.5"), Ok(Some(1234.5)));
        assert_eq!(parse_number("1,234,567"), Ok(Some(1_234_567.0)));
        assert_eq!(parse_number("１２．５"), Ok(Some(12.5)));
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("1e3"), Ok(Some(1000.0)));
        for bad in [
            "abc", "12,5", "1,23.4", "inf", "NaN", "12.5万", "1.2.3", "--1", "1e999",
        ] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
        assert!(parse_number("1e13").is_err(), "too large");
    }

    proptest! {
        #[test]
        fn numbers_round_trip(v in -1e11f64..1e11) {
            prop_assert_eq!(parse_number(ryu::Buffer::new().format(v)), Ok(Some(v)));
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = parse_number(&s);
        }
    }
}
