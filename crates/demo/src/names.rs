//! Company names and credit codes, unique within one generator.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use mujun_domain::{CreditCode, RegionCode};

use crate::rng::Src;

/// Characters of 字号 (trade names), the auspicious ones Chinese firms favour.
const TRADE_CHARS: &str = "华鑫盛泰恒瑞丰源达兴隆昌宏伟金天中新东方豫嘉祥福康安顺和利正德信诚永益海明光辉宇通远博润森林峰骏凯锦晟弘旭阳春绿众合力冠亿万佳美优星辰创智卓越荣腾飞龙凤云鹏泽宝丽汇鼎誉翔航联盈富广大长江山川蓝银铭豪俊雅志鸿运双友乐尚普惠立强健邦君皓泓鹤恩";

/// The GB 32100 alphabet (no I, O, S, V, Z).
const CODE_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Full and short place names used as name prefixes for a region.
fn place_names(region: u32) -> (&'static str, &'static str) {
    match region {
        411721 => ("西平县", "西平"),
        411722 => ("上蔡县", "上蔡"),
        411723 => ("平舆县", "平舆"),
        411724 => ("正阳县", "正阳"),
        411725 => ("确山县", "确山"),
        411726 => ("泌阳县", "泌阳"),
        411727 => ("汝南县", "汝南"),
        411728 => ("遂平县", "遂平"),
        411729 => ("新蔡县", "新蔡"),
        _ => ("驻马店市", "驻马店"),
    }
}

/// FNV-1a, a fixed hash so that retries (and thus the output) never depend on a random hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Hasher for keys that are already well-mixed 64-bit hashes (a final multiply spreads them).
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv1a(bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type HashSet64 = HashSet<u64, BuildHasherDefault<PreHashed>>;

/// Makes unique names and codes.
pub(crate) struct Namer {
    trade_chars: Vec<char>,
    /// FNV hashes of the names and codes given out; a hash collision only causes a retry (the
    /// hash is fixed, so retries are reproducible), never a duplicate.
    names: HashSet64,
    codes: HashSet64,
}

/// What a name is made of.
pub(crate) struct NameParts<'a> {
    pub region: RegionCode,
    pub words: &'a [&'static str],
    pub joint_stock: bool,
}

impl Namer {
    pub(crate) fn new(capacity: usize) -> Self {
        let mut trade_chars: Vec<char> = Vec::new();
        for c in TRADE_CHARS.chars() {
            if !trade_chars.contains(&c) {
                trade_chars.push(c);
            }
        }
        Namer {
            trade_chars,
            names: HashSet64::with_capacity_and_hasher(capacity, Default::default()),
            codes: HashSet64::with_capacity_and_hasher(capacity, Default::default()),
        }
    }

    /// A unique Chinese company name: place + 字号 + industry word + 有限公司/股份有限公司.
    pub(crate) fn name(&mut self, src: &mut Src, parts: &NameParts<'_>) -> String {
        let (full, short) = place_names(parts.region.value());
        let mut attempt = 0u32;
        loop {
            let r = src.unit();
            let prefix = match r {
                _ if r < 0.40 => full,
                _ if r < 0.55 => short,
                _ if r < 0.70 => "驻马店市",
                _ if r < 0.80 => "驻马店",
                _ if r < 0.95 => "河南",
                _ if r < 0.98 => "河南省",
                _ => "天中",
            };
            let mut name = String::with_capacity(48);
            name.push_str(prefix);
            // Two characters, three once names get crowded (a very large data set).
            let len = if attempt < 12 { 2 } else { 3 };
            let mut prev = None;
            for _ in 0..len {
                let mut c = *src.choose(&self.trade_chars);
                while Some(c) == prev {
                    c = *src.choose(&self.trade_chars);
                }
                name.push(c);
                prev = Some(c);
            }
            let word: &&str = src.choose(parts.words);
            name.push_str(word);
            name.push_str(if parts.joint_stock {
                "股份有限公司"
            } else {
                "有限公司"
            });
            if self.names.insert(fnv1a(name.as_bytes())) {
                return name;
            }
            attempt += 1;
        }
    }

    /// A unique, valid credit code of a 企业 (`91`), registered in `region` (or at city level);
    /// firms founded after the 2015 reform get the `MA…` form, older firms their old
    /// 组织机构代码 (8 digits + GB 11714 check character).
    pub(crate) fn credit_code(&mut self, src: &mut Src, region: RegionCode, new_style: bool) -> CreditCode {
        let city_level = src.chance(if region.value() == 411702 { 0.4 } else { 0.12 });
        let registration = if city_level { 411700 } else { region.value() };
        loop {
            let mut first = [0u8; 17];
            first[0] = b'9';
            first[1] = b'1';
            write_digits(&mut first[2..8], registration);
            let body = &mut first[8..17];
            if new_style {
                body[0] = b'M';
                body[1] = b'A';
                for b in &mut body[2..] {
                    *b = CODE_ALPHABET[src.below(31)];
                }
            } else {
                let mut sum = 0u32;
                const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
                for (b, w) in body[..8].iter_mut().zip(WEIGHTS) {
                    let d = src.below(10) as u8;
                    *b = b'0' + d;
                    sum += u32::from(d) * w;
                }
                body[8] = match 11 - sum % 11 {
                    10 => b'X',
                    11 => b'0',
                    c => b'0' + c as u8,
                };
            }
            let text = std::str::from_utf8(&first).expect("ASCII digits and letters");
            let code = CreditCode::with_check_char(text).expect("17 characters of the GB 32100 alphabet");
            if self.codes.insert(fnv1a(code.as_str().as_bytes())) {
                return code;
            }
        }
    }
}

fn write_digits(out: &mut [u8], mut value: u32) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trade_chars_are_chinese_and_many() {
        let namer = Namer::new(0);
        assert!(namer.trade_chars.len() >= 100, "{}", namer.trade_chars.len());
        assert!(namer.trade_chars.iter().all(|c| !c.is_ascii()));
    }

    #[test]
    fn codes_are_valid_and_unique() {
        let mut namer = Namer::new(10_000);
        let mut src = Src::new(5, 0);
        let region = RegionCode::parse("411728").expect("region");
        let mut seen = HashSet::new();
        for i in 0..10_000 {
            let code = namer.credit_code(&mut src, region, i % 2 == 0);
            assert_eq!(CreditCode::parse(code.as_str()), Ok(code));
            assert!(code.as_str().starts_with("91411728") || code.as_str().starts_with("91411700"));
            assert!(seen.insert(code));
            if i % 2 == 0 {
                assert_eq!(&code.as_str()[8..10], "MA");
            } else {
                assert!(code.as_str()[8..16].bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }

    #[test]
    fn names_are_unique_even_when_crowded() {
        let mut namer = Namer::new(0);
        let mut src = Src::new(9, 0);
        let region = RegionCode::parse("411725").expect("region");
        let parts = NameParts {
            region,
            words: &["提琴"],
            joint_stock: false,
        };
        let mut seen = HashSet::new();
        // Far more names than two-character trade names allow with one word and one suffix.
        for _ in 0..100_000 {
            let name = namer.name(&mut src, &parts);
            assert!(name.ends_with("提琴有限公司"), "{name}");
            assert!(seen.insert(name));
        }
    }
}
