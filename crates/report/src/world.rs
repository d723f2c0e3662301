//! A minimal typst `World`: one in-memory template, one in-memory `/data.json`, system fonts.
//! No file system, no packages, no network.

use std::sync::LazyLock;

use serde::Serialize;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::ecow::EcoVec;
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::ReportError;
use crate::fonts::{Fonts, fonts};

/// The standard library is the same for every document; building it is not free.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a constant absolute path is a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// The virtual path under which the templates find their data.
static DATA_ID: LazyLock<FileId> = LazyLock::new(|| file_id("/data.json"));
static MAIN_ID: LazyLock<FileId> = LazyLock::new(|| file_id("/main.typ"));

/// What the templates read from `/data.json`: the font is chosen here, the document is user data.
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    font: &'a str,
    doc: &'a T,
}

struct ReportWorld {
    main: Source,
    data: Bytes,
    fonts: &'static Fonts,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA_ID {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_owned()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    // Documents carry their own generation time in the footer; typst's `datetime.today()` is
    // unused, and keeping it unavailable keeps the output reproducible.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

/// Compiles `template` with `doc` as `/data.json` and exports the PDF.
pub(crate) fn render<T: Serialize>(template: &str, doc: &T) -> Result<Vec<u8>, ReportError> {
    let document = compile(template, doc);
    let pdf = document.and_then(|document| {
        typst_pdf::pdf(&document, &PdfOptions::default())
            .map_err(|errors| ReportError::Export(describe(&errors)))
    });
    // comemo memoizes globally; without eviction a long-running server would keep every
    // document's intermediate results forever.
    typst::comemo::evict(10);
    pdf
}

/// Lays out `template` with `doc` as `/data.json`.
fn compile<T: Serialize>(template: &str, doc: &T) -> Result<PagedDocument, ReportError> {
    let fonts = fonts();
    let font = fonts.cjk_family().ok_or(ReportError::NoCjkFont)?;
    let data = serde_json::to_vec(&Envelope { font, doc })
        .map_err(|e| ReportError::Compile(format!("数据序列化失败：{e}")))?;
    let world = ReportWorld {
        main: Source::new(*MAIN_ID, template.to_owned()),
        data: Bytes::new(data),
        fonts,
    };

    let warned = typst::compile::<PagedDocument>(&world);
    // Templates are ours and the data is only ever shown as text, so any warning (e.g. an unknown
    // font family) is a defect that would silently degrade the document: refuse instead.
    match warned.output {
        Ok(document) if warned.warnings.is_empty() => Ok(document),
        Ok(_) => Err(ReportError::Compile(describe(&warned.warnings))),
        Err(errors) => Err(ReportError::Compile(describe(&errors))),
    }
}

fn describe(diags: &EcoVec<SourceDiagnostic>) -> String {
    diags
        .iter()
        .map(|d| {
            let hints: String = d.hints.iter().map(|h| format!("（提示：{}）", h.v)).collect();
            format!("{}{hints}", d.message)
        })
        .collect::<Vec<_>>()
        .join("；")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use typst::layout::{Frame, FrameItem};

    use super::*;
    use crate::{
        IndicatorLine, NOTICE_TEMPLATE, RUN_SUMMARY_TEMPLATE, RunSummary, SCORE_CARD_TEMPLATE, ScoreCard,
        SummaryRow,
    };

    /// The CJK family, or `None` when the machine has none and `MUJUN_SKIP_PDF_TESTS=1` says
    /// that is acceptable; otherwise the test fails, so a missing font is never a silent pass.
    fn font_or_skip() -> Option<String> {
        match crate::cjk_font() {
            Ok(family) => Some(family),
            Err(e) if std::env::var("MUJUN_SKIP_PDF_TESTS").as_deref() == Ok("1") => {
                eprintln!("SKIPPED PDF test (MUJUN_SKIP_PDF_TESTS=1): {e}");
                None
            }
            Err(e) => panic!(
                "{e}\n(set MUJUN_SKIP_PDF_TESTS=1 to skip the PDF tests on a machine without a Chinese font)"
            ),
        }
    }

    /// Every text run laid out: (font family, text, any glyph missing from its font).
    fn runs(frame: &Frame, out: &mut Vec<(String, String, bool)>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => runs(&group.frame, out),
                FrameItem::Text(text) => out.push((
                    text.font.font().info().family.clone(),
                    text.text.to_string(),
                    text.glyphs.iter().any(|g| g.id == 0),
                )),
                _ => {}
            }
        }
    }

    fn all_runs(document: &PagedDocument) -> Vec<(String, String, bool)> {
        let mut out = Vec::new();
        for page in document.pages() {
            runs(&page.frame, &mut out);
        }
        out
    }

    const TRICKY: &str =
        r#"#set page(width: 1cm) *粗体* $x^2$ [x] "引号" \ 反斜杠 <lbl> @ref // 注释 /* 块 */ `代码`"#;

    #[test]
    fn user_text_is_shown_literally_in_the_cjk_font() {
        let Some(family) = font_or_skip() else { return };
        let card = ScoreCard {
            title: "企业评分卡".into(),
            enterprise_name: TRICKY.into(),
            final_class: "B".into(),
            indicators: vec![IndicatorLine {
                label: "亩均税收 #let x = 1".into(),
                ..Default::default()
            }],
            explanation: vec![TRICKY.into()],
            what_if: "第一行\n第二行".into(),
            ..Default::default()
        };
        let document = compile(SCORE_CARD_TEMPLATE, &card).unwrap();
        assert_eq!(
            document.pages().len(),
            1,
            "the injected `#set page` must not have run"
        );
        let runs = all_runs(&document);
        let text: String = runs
            .iter()
            .map(|(_, t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join("");
        // Line breaking splits runs at spaces; compare without them.
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert!(
            squeeze(&text).contains(&squeeze(TRICKY)),
            "tricky text not shown literally:\n{text}"
        );
        assert!(squeeze(&text).contains("亩均税收#letx=1"), "{text}");
        for (font, run, missing) in &runs {
            assert!(!missing, "glyph missing (tofu) in {run:?} set in {font}");
            if run.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
                assert_eq!(font, &family, "Chinese text {run:?} not set in the CJK font");
            }
        }
    }

    #[test]
    fn summary_rows_with_missing_counts_still_lay_out() {
        if font_or_skip().is_none() {
            return;
        }
        let summary = RunSummary {
            classes: ["A", "B", "C"].map(String::from).to_vec(),
            pools: vec![SummaryRow {
                label: "短行".into(),
                counts: vec!["1".into()],
                ..Default::default()
            }],
            ..Default::default()
        };
        let document = compile(RUN_SUMMARY_TEMPLATE, &summary).unwrap();
        assert!(all_runs(&document).iter().any(|(_, t, _)| t == "短行"));
    }

    fn texts(document: &PagedDocument) -> String {
        all_runs(document)
            .iter()
            .map(|(_, t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join("")
    }

    #[test]
    fn the_summary_names_its_issuer_and_draws_its_charts() {
        if font_or_skip().is_none() {
            return;
        }
        let bar = |label: &str, value: f64, text: &str| crate::Bar {
            label: label.into(),
            value,
            text: text.into(),
            color: "#2e7d32".into(),
        };
        let summary = RunSummary {
            issuer: "驻马店市发展和改革委员会".into(),
            issued: "2026年12月3日".into(),
            totals: vec![("亩均税收".into(), "18.42 万元/亩".into())],
            class_chart: vec![bar("A 类 优先发展", 12.0, "12 家"), bar("不参评", 0.0, "0 家")],
            county_chart: vec![bar("驿城区", -1.0, "-1.00")],
            ..Default::default()
        };
        let document = compile(RUN_SUMMARY_TEMPLATE, &summary).unwrap();
        let text = texts(&document);
        for want in [
            "驻马店市发展和改革委员会",
            "2026年12月3日",
            "合计",
            "18.42",
            "A类优先发展",
            "12家",
            "驿城区",
        ] {
            assert!(text.replace(' ', "").contains(want), "{want} missing in {text}");
        }
    }

    #[test]
    fn the_notice_shows_names_literally_and_numbers_the_list() {
        if font_or_skip().is_none() {
            return;
        }
        let notice = crate::Notice {
            title: "公示".into(),
            paragraphs: vec!["现予公示。".into()],
            issuer: "某市发展和改革委员会".into(),
            issued: "2026年12月3日".into(),
            list_title: "附件".into(),
            list: vec![crate::NoticeLine {
                name: TRICKY.into(),
                class: "C 类 倒逼转型".into(),
                ..Default::default()
            }],
            footer: String::new(),
        };
        let document = compile(NOTICE_TEMPLATE, &notice).unwrap();
        assert_eq!(document.pages().len(), 2, "text, then the list");
        let text = texts(&document);
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert!(squeeze(&text).contains(&squeeze(TRICKY)), "{text}");
        assert!(text.contains("某市发展和改革委员会") && text.contains("序号"));
    }

    #[test]
    fn empty_documents_compile() {
        if font_or_skip().is_none() {
            return;
        }
        compile(SCORE_CARD_TEMPLATE, &ScoreCard::default()).unwrap();
        compile(RUN_SUMMARY_TEMPLATE, &RunSummary::default()).unwrap();
        compile(NOTICE_TEMPLATE, &crate::Notice::default()).unwrap();
    }
}
