//! The one error type of the engine. Messages are Simplified Chinese: they reach officials.

/// Why a method file, an input or an adjustment cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// The method file is not valid TOML or has a value of the wrong type or an unknown key.
    #[error("方法文件第 {line} 行第 {column} 列：{message}")]
    MethodSyntax {
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The method file is valid TOML but a value breaks a rule of the spec.
    #[error("方法文件第 {line} 行，键 {key}：{message}")]
    MethodRule {
        /// 1-based line.
        line: usize,
        /// The key, as a dotted path (e.g. `groups.above.indicators.tax_per_mu.weight`).
        key: String,
        /// What is wrong.
        message: String,
    },
    /// No built-in method has this id.
    #[error("没有名为“{id}”的内置评价方法（可用：{available}）")]
    UnknownPreset {
        /// The id asked for.
        id: String,
        /// The ids that exist, comma separated.
        available: String,
    },
    /// A manual adjustment cannot be applied.
    #[error("调档 {credit_code}：{message}")]
    Adjustment {
        /// The enterprise.
        credit_code: String,
        /// What is wrong.
        message: String,
    },
    /// The same enterprise appears twice in one evaluation.
    #[error("统一社会信用代码 {credit_code} 重复出现")]
    DuplicateEnterprise {
        /// The duplicated code.
        credit_code: String,
    },
    /// An input refers to a cluster index that the input's cluster table does not have.
    #[error("第 {index} 家企业引用了不存在的集聚区编号 {cluster}")]
    UnknownCluster {
        /// Position of the enterprise in the input.
        index: usize,
        /// The cluster index.
        cluster: u32,
    },
}
