//! PDF reports of mujun in Simplified Chinese, typeset with typst used as a library.
//!
//! - [`score_card_pdf`] — one enterprise's score card (企业评分卡)
//! - [`run_summary_pdf`] — a run's summary (评价结果汇总)
//! - [`activation_letters_pdf`] — activation letters of enterprise accounts (激活通知书)
//! - [`notice_pdf`] — the formal notice of a run's results with the list (评价结果公示)
//!
//! Everything happens in memory and offline: the templates are compiled into the binary
//! (`templates/*.typ`), the data reaches them as a virtual `/data.json` file (so every value is
//! shown as plain text, whatever characters it holds), and fonts come from the system. A font
//! covering Simplified Chinese must be installed (Debian: `fonts-noto-cjk` or
//! `fonts-wqy-microhei`); the environment variable `MUJUN_FONT_DIR` restricts the scan to one
//! directory. Without such a font, rendering fails with [`ReportError::NoCjkFont`].

mod fonts;
mod world;

use serde::Serialize;

/// Errors of PDF generation.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// No installed font covers Simplified Chinese.
    #[error(
        "未找到中文字体，无法生成 PDF。请安装中文字体后重试：Debian/Ubuntu 执行 apt-get install fonts-noto-cjk（或 fonts-wqy-microhei）；也可设置环境变量 MUJUN_FONT_DIR 指向字体目录。"
    )]
    NoCjkFont,
    /// typst could not typeset the document (message: typst's diagnostics).
    #[error("PDF 排版失败：{0}")]
    Compile(String),
    /// typst could not write the PDF (message: typst's diagnostics).
    #[error("PDF 导出失败：{0}")]
    Export(String),
}

/// The CJK font family that will be used, or [`ReportError::NoCjkFont`].
///
/// The first call scans the fonts (the system's, or only `MUJUN_FONT_DIR` when set); the result
/// is kept for the life of the process.
pub fn cjk_font() -> Result<String, ReportError> {
    fonts::fonts()
        .cjk_family()
        .map(str::to_owned)
        .ok_or(ReportError::NoCjkFont)
}

/// One enterprise's score card. All fields are preformatted text, shown as is.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ScoreCard {
    /// Document title, e.g. "2024 年度亩均效益综合评价 · 企业评分卡".
    pub title: String,
    /// The issuing unit, e.g. 驻马店市发展和改革委员会.
    pub issuer: String,
    /// Date of issue, e.g. "2026年12月3日".
    pub issued: String,
    /// Enterprise name.
    pub enterprise_name: String,
    /// Unified social credit code.
    pub credit_code: String,
    /// County.
    pub county: String,
    /// Industrial cluster; may be empty.
    pub cluster: String,
    /// Industry, e.g. "3412 金属工具制造".
    pub industry: String,
    /// Scale, "规上" / "规下".
    pub scale: String,
    /// The evaluation run, one line.
    pub run: String,
    /// Evaluation group, e.g. "规上企业组".
    pub group: String,
    /// Ranking pool, e.g. "驻马店装备产业集聚区（参与排名 152 家）".
    pub pool: String,
    /// Final class: "A" / "B" / "C" / "D" / "X".
    pub final_class: String,
    /// Class computed by the method (differs from `final_class` after an adjustment).
    pub computed_class: String,
    /// Why the enterprise has its class, one Chinese sentence.
    pub class_reason: String,
    /// Rank, e.g. "第 12 名 / 152" or "—".
    pub rank: String,
    /// Base score.
    pub base: String,
    /// Bonus score.
    pub bonus: String,
    /// Total score.
    pub total: String,
    /// The indicator table.
    pub indicators: Vec<IndicatorLine>,
    /// Explanation, one paragraph per line.
    pub explanation: Vec<String>,
    /// What would move the enterprise up; may be empty.
    pub what_if: String,
    /// How the land area was derived; may be empty.
    pub land_derivation: String,
    /// What lets anyone reproduce the result (hashes), one line each; may be empty.
    pub reproduce: Vec<String>,
    /// Footer line (issuer, generation time …).
    pub footer: String,
}

/// One row of the indicator table of a [`ScoreCard`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct IndicatorLine {
    /// Indicator name (指标).
    pub label: String,
    /// Unit (单位).
    pub unit: String,
    /// The enterprise's value (数值).
    pub value: String,
    /// Benchmark value (基准值).
    pub benchmark: String,
    /// Value / benchmark (比值).
    pub ratio: String,
    /// Weight (权重).
    pub weight: String,
    /// Score (得分).
    pub score: String,
    /// Scoring basis (计分依据).
    pub basis: String,
}

/// A run's summary.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunSummary {
    /// Document title, e.g. "2024 年度亩均效益综合评价结果汇总".
    pub title: String,
    /// The issuing unit.
    pub issuer: String,
    /// Date of issue, e.g. "2026年12月3日".
    pub issued: String,
    /// One line describing the run.
    pub run: String,
    /// The totals of the reader's scope as (label, value) pairs, e.g. ("亩均税收", "18.42 万元/亩").
    pub totals: Vec<(String, String)>,
    /// Bar chart of the enterprises per class (label "A 类 优先发展", value the count).
    pub class_chart: Vec<Bar>,
    /// Bar chart of 亩均税收 per county.
    pub county_chart: Vec<Bar>,
    /// Column headers of the class counts, e.g. `["A 类", "B 类", "C 类", "不参评"]`.
    pub classes: Vec<String>,
    /// One row per cluster / ranking pool.
    pub pools: Vec<SummaryRow>,
    /// One row per county.
    pub counties: Vec<SummaryRow>,
    /// Free lines (method, hashes, notice period …).
    pub notes: Vec<String>,
    /// Footer line.
    pub footer: String,
}

/// One bar of a chart: the bar's length is `value` against the chart's largest value.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Bar {
    /// What the bar stands for.
    pub label: String,
    /// Its size (non-negative; negative values are drawn as empty bars).
    pub value: f64,
    /// The value as written beside the bar, e.g. "1,234 家" or "18.42".
    pub text: String,
    /// Colour as `#rrggbb`.
    pub color: String,
}

/// A run's results announced to the public (公示): the notice text and the list.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Notice {
    /// Title, e.g. "关于 2024 年度工业企业亩均效益综合评价结果的公示".
    pub title: String,
    /// The notice's paragraphs.
    pub paragraphs: Vec<String>,
    /// The issuing unit (signs the notice).
    pub issuer: String,
    /// Date of issue, e.g. "2026年12月3日".
    pub issued: String,
    /// Heading of the list, e.g. "附件：2024 年度工业企业亩均效益综合评价结果名单".
    pub list_title: String,
    /// The list, in the order given.
    pub list: Vec<NoticeLine>,
    /// Footer line.
    pub footer: String,
}

/// An administrative document served on one party (通知书, 认定书, 决定书): a title, its number,
/// the addressee, the body, a table of facts, the issuer and the date.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Document {
    /// Title, e.g. "征缴土地闲置费决定书".
    pub title: String,
    /// 文号, e.g. "驻自然资闲征〔2026〕3号" (may be empty).
    pub doc_no: String,
    /// The party served, e.g. the holder's name.
    pub addressee: String,
    /// The body.
    pub paragraphs: Vec<String>,
    /// Facts as (label, value) rows: parcel, area, dates, amounts.
    pub facts: Vec<(String, String)>,
    /// The issuing unit.
    pub issuer: String,
    /// Date of issue, e.g. "2026年12月3日".
    pub issued: String,
    /// Footer line.
    pub footer: String,
}

/// One enterprise of a [`Notice`]'s list.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NoticeLine {
    /// 企业名称.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 县（市、区）.
    pub county: String,
    /// 产业集聚区; may be empty.
    pub cluster: String,
    /// 评价类别, e.g. "A 类 优先发展".
    pub class: String,
}

/// One row of a [`RunSummary`] table.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SummaryRow {
    /// Pool or county name.
    pub label: String,
    /// Counts per class, in the order of [`RunSummary::classes`] (missing cells are left blank).
    pub counts: Vec<String>,
    /// Number of enterprises.
    pub enterprises: String,
    /// Tax per mu (亩均税收), preformatted.
    pub tax_per_mu: String,
}

/// Activation letters of enterprise accounts created in bulk: one page per enterprise.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ActivationLetters {
    /// Title of every letter, e.g. "企业账号激活通知书".
    pub title: String,
    /// The paragraph under the greeting.
    pub intro: String,
    /// The steps to activate, one paragraph each.
    pub steps: Vec<String>,
    /// The system's address.
    pub site: String,
    /// The issuing unit.
    pub agency: String,
    /// Date of issue.
    pub issued: String,
    /// The letters.
    pub letters: Vec<Letter>,
    /// Footer line.
    pub footer: String,
}

/// One enterprise's activation letter.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Letter {
    /// Enterprise name.
    pub name: String,
    /// Unified social credit code.
    pub credit_code: String,
    /// Login name.
    pub username: String,
    /// One-time activation code.
    pub code: String,
    /// Last day the code is valid.
    pub expires: String,
}

const SCORE_CARD_TEMPLATE: &str = include_str!("../templates/score_card.typ");
const ACTIVATION_TEMPLATE: &str = include_str!("../templates/activation_letters.typ");
const RUN_SUMMARY_TEMPLATE: &str = include_str!("../templates/run_summary.typ");
const NOTICE_TEMPLATE: &str = include_str!("../templates/notice.typ");
const DOCUMENT_TEMPLATE: &str = include_str!("../templates/document.typ");

/// Renders one enterprise's score card as an A4 PDF.
pub fn score_card_pdf(card: &ScoreCard) -> Result<Vec<u8>, ReportError> {
    world::render(SCORE_CARD_TEMPLATE, card)
}

/// Renders activation letters as an A4 PDF, one page per enterprise.
pub fn activation_letters_pdf(letters: &ActivationLetters) -> Result<Vec<u8>, ReportError> {
    world::render(ACTIVATION_TEMPLATE, letters)
}

/// Renders a run's summary as an A4 PDF; long tables continue on further pages.
pub fn run_summary_pdf(summary: &RunSummary) -> Result<Vec<u8>, ReportError> {
    world::render(RUN_SUMMARY_TEMPLATE, summary)
}

/// Renders the notice of a run's results (公示) as an A4 PDF: the text, the signature, then the
/// list, whose header repeats on every page.
pub fn notice_pdf(notice: &Notice) -> Result<Vec<u8>, ReportError> {
    world::render(NOTICE_TEMPLATE, notice)
}

/// An administrative document as PDF.
pub fn document_pdf(doc: &Document) -> Result<Vec<u8>, ReportError> {
    world::render(DOCUMENT_TEMPLATE, doc)
}
