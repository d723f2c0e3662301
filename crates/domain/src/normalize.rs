//! Text normalisation for identifiers typed by people in Chinese office software.

/// Trims the text and maps full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space
/// (U+3000) to their half-width equivalents. Returns borrowed text when nothing changes, which is
/// the common case on machine-written files.
pub fn normalize_text(text: &str) -> std::borrow::Cow<'_, str> {
    let is_wide = |c: char| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}';
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    if !trimmed.chars().any(is_wide) {
        return std::borrow::Cow::Borrowed(trimmed);
    }
    let mapped: String = trimmed
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            // Full-width forms are exactly 0xFEE0 above their ASCII counterparts.
            c if is_wide(c) => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    std::borrow::Cow::Owned(mapped.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_full_width_and_trims() {
        assert_eq!(normalize_text("  ９１４１ｘ－１　"), "9141x-1");
        assert_eq!(normalize_text("\u{FEFF}abc\t"), "abc");
    }

    #[test]
    fn borrows_when_unchanged() {
        assert!(matches!(normalize_text("abc"), std::borrow::Cow::Borrowed("abc")));
    }
}
