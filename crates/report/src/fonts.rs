//! Font discovery: one scan per process, then a CJK family is chosen for every document.

use std::path::PathBuf;
use std::sync::OnceLock;

use typst::text::{FontBook, FontInfo};
use typst::utils::LazyHash;
use typst_kit::fonts::FontStore;

/// Environment variable naming a font directory; when set, only that directory is scanned.
pub(crate) const FONT_DIR_ENV: &str = "MUJUN_FONT_DIR";

/// Families tried first, best first: a real Simplified Chinese design beats "anything that has 中".
const PREFERRED: &[&str] = &[
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Serif SC",
    "Source Han Sans CN",
    "Source Han Serif CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
];

/// U+4E2D '中': a font covering it is taken to cover common Simplified Chinese.
const PROBE: u32 = 0x4E2D;

/// All fonts found, plus the CJK family chosen among them (if any).
pub(crate) struct Fonts {
    store: FontStore,
    cjk_family: Option<String>,
}

impl Fonts {
    pub(crate) fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    pub(crate) fn font(&self, index: usize) -> Option<typst::text::Font> {
        self.store.font(index)
    }

    pub(crate) fn cjk_family(&self) -> Option<&str> {
        self.cjk_family.as_deref()
    }
}

/// The process-wide font set. Scanning costs tens of milliseconds and the system's fonts do not
/// change while a report is being made, so it is done once.
pub(crate) fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(scan)
}

fn scan() -> Fonts {
    let found: Vec<_> = match std::env::var_os(FONT_DIR_ENV).filter(|v| !v.is_empty()) {
        Some(dir) => typst_kit::fonts::scan(&PathBuf::from(dir)).collect(),
        None => typst_kit::fonts::system().collect(),
    };
    let cjk_family = choose_cjk_family(found.iter().map(|(_, info)| info));
    let mut store = FontStore::new();
    store.extend(found);
    Fonts { store, cjk_family }
}

/// Picks a preferred family if present, else the first family (by name, for determinism) whose
/// fonts cover '中'.
fn choose_cjk_family<'a>(infos: impl Iterator<Item = &'a FontInfo>) -> Option<String> {
    let mut covering: Vec<&str> = infos
        .filter(|info| info.coverage.contains(PROBE))
        .map(|info| info.family.as_str())
        .collect();
    covering.sort_unstable();
    covering.dedup();
    PREFERRED
        .iter()
        .find_map(|want| covering.iter().find(|have| have.eq_ignore_ascii_case(want)))
        .or_else(|| covering.first())
        .map(|family| (*family).to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use typst::text::{Coverage, FontFlags, FontVariant};

    fn info(family: &str, codepoints: &[u32]) -> FontInfo {
        FontInfo {
            family: family.to_owned(),
            variant: FontVariant::default(),
            flags: FontFlags::empty(),
            axes: Vec::new(),
            coverage: Coverage::from_vec(codepoints.to_vec()),
        }
    }

    #[test]
    fn prefers_known_families_over_any_covering_font() {
        let infos = [
            info("DejaVu Sans", &[0x41]),
            info("AAA Some Han Font", &[0x41, PROBE]),
            info("WenQuanYi Micro Hei", &[0x41, PROBE]),
            info("Noto Sans CJK SC", &[0x41, PROBE]),
        ];
        assert_eq!(choose_cjk_family(infos.iter()).unwrap(), "Noto Sans CJK SC");
        assert_eq!(
            choose_cjk_family(infos[..3].iter()).unwrap(),
            "WenQuanYi Micro Hei"
        );
        assert_eq!(choose_cjk_family(infos[..2].iter()).unwrap(), "AAA Some Han Font");
    }

    #[test]
    fn no_covering_font_means_none() {
        let infos = [info("DejaVu Sans", &[0x41]), info("Noto Sans CJK SC", &[0x41])];
        assert_eq!(choose_cjk_family(infos.iter()), None);
        assert_eq!(choose_cjk_family([].iter()), None);
    }
}
