//! The one error type of this crate. Messages are Simplified Chinese: they reach officials.

use crate::CreditCode;

/// Why a piece of text is not a valid domain value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The credit code is empty after trimming.
    #[error("统一社会信用代码为空")]
    CreditCodeEmpty,
    /// The credit code does not have 18 characters.
    #[error("统一社会信用代码应为 18 位，实际为 {len} 位")]
    CreditCodeLength {
        /// Number of characters found.
        len: usize,
    },
    /// A character outside the GB 32100 alphabet.
    #[error("统一社会信用代码第 {position} 位字符“{ch}”不合法（不得含 I、O、S、V、Z 或其他符号）")]
    CreditCodeCharacter {
        /// 1-based position.
        position: usize,
        /// The offending character.
        ch: char,
    },
    /// Well formed, but the 18th character is not the GB 32100 check character. Some real early
    /// codes fail it, so a caller may accept `code` explicitly (and must record that it did).
    #[error("统一社会信用代码 {code} 校验位错误：应为 {expected}，实际为 {found}")]
    CreditCodeChecksum {
        /// The code as written (normalised).
        code: CreditCode,
        /// The check character the first 17 characters call for.
        expected: char,
        /// The check character written.
        found: char,
    },
    /// Not a GB/T 4754-2017 industry code.
    #[error("行业代码“{text}”不合法：{why}")]
    IndustryCode {
        /// The text given.
        text: String,
        /// Why it was refused.
        why: &'static str,
    },
    /// Not an industry range such as `13-43`.
    #[error("行业范围“{text}”不合法：{why}")]
    IndustryRange {
        /// The text given.
        text: String,
        /// Why it was refused.
        why: &'static str,
    },
    /// Not a GB/T 2260 region code.
    #[error("行政区划代码“{text}”不合法：应为 6 位数字，前两位为省级代码")]
    RegionCode {
        /// The text given.
        text: String,
    },
    /// Not a supported year.
    #[error("年份“{text}”不合法：应为 {min}–{max} 之间的四位年份")]
    Year {
        /// The text given.
        text: String,
        /// Smallest year accepted.
        min: u16,
        /// Largest year accepted.
        max: u16,
    },
    /// Not a calendar date in `YYYY-MM-DD`.
    #[error("日期“{text}”不合法：应为 YYYY-MM-DD 格式的有效日期")]
    Date {
        /// The text given.
        text: String,
    },
    /// Not one of the twelve indicator ids.
    #[error("未知的指标“{text}”")]
    Indicator {
        /// The text given.
        text: String,
    },
    /// Not one of the input field ids or their Chinese labels.
    #[error("未知的字段“{text}”")]
    Field {
        /// The text given.
        text: String,
    },
    /// Not `above`/`below`/规上/规下.
    #[error("规模“{text}”不合法：应为 above（规上）或 below（规下）")]
    Scale {
        /// The text given.
        text: String,
    },
    /// A line of a holiday calendar that cannot be read.
    #[error("节假日安排第 {line} 行“{text}”无效：{why}")]
    Calendar {
        /// 1-based line number.
        line: usize,
        /// The line as written.
        text: String,
        /// Why.
        why: &'static str,
    },
}
