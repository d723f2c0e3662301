//! The built-in method files, compiled into the program unchanged (spec §9).

use super::Method;
use crate::EngineError;

/// `(id, file text)` of every preset; the first is the default for Zhumadian.
pub const PRESETS: [(&str, &str); 4] = [
    ("henan-2019", include_str!("../../presets/henan-2019.toml")),
    (
        "henan-2017-trial",
        include_str!("../../presets/henan-2017-trial.toml"),
    ),
    (
        "zhejiang-quantile",
        include_str!("../../presets/zhejiang-quantile.toml"),
    ),
    ("huangyan-2022", include_str!("../../presets/huangyan-2022.toml")),
];

/// The id of the default preset.
pub const DEFAULT_PRESET: &str = "henan-2019";

/// The text of a preset.
pub fn source(id: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(p, _)| *p == id).map(|(_, s)| *s)
}

/// Parses a preset.
pub fn load(id: &str) -> Result<Method, EngineError> {
    let text = source(id).ok_or_else(|| EngineError::UnknownPreset {
        id: id.to_owned(),
        available: PRESETS.iter().map(|(p, _)| *p).collect::<Vec<_>>().join("、"),
    })?;
    Method::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_its_id_matches() {
        for (id, _) in PRESETS {
            let m = load(id).expect(id);
            assert_eq!(m.id, id);
            assert_eq!(m.hash.len(), 64);
        }
    }

    #[test]
    fn presets_are_the_shared_files_unchanged() {
        // The shared spec folder sits beside the project on development machines; a clean
        // checkout elsewhere has only the copies, which this test then cannot compare.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/presets");
        if !dir.is_dir() {
            eprintln!("skipped: {} not found", dir.display());
            return;
        }
        for (id, text) in PRESETS {
            let shared = std::fs::read_to_string(dir.join(format!("{id}.toml"))).expect("shared preset");
            assert_eq!(shared, text, "{id} differs from the shared spec");
        }
    }

    #[test]
    fn unknown_preset_names_the_available_ones() {
        let err = load("nope").expect_err("unknown");
        assert!(err.to_string().contains("henan-2019"), "{err}");
    }
}
