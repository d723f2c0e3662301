//! A CSV record splitter over already-decoded text (RFC 4180: `,` separators, `"` quoting with
//! `""` escapes, `\n` or `\r\n` line ends). The text was validated as UTF-8 once for the whole
//! file; splitting at ASCII bytes keeps every field valid, so fields are `&str` slices without
//! re-validation, and only fields with escaped quotes are copied.

use std::borrow::Cow;

/// Splits records out of `text`, which must start at a record boundary.
pub(crate) struct Records<'a> {
    text: &'a str,
    pos: usize,
}

/// A malformed quoted field.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct QuoteError {
    /// Byte offset where the bad field starts.
    pub offset: usize,
}

impl<'a> Records<'a> {
    pub fn new(text: &'a str) -> Self {
        Records { text, pos: 0 }
    }

    /// Reads the next record into `fields` (cleared first). Returns `Ok(false)` at the end.
    pub fn next_into(&mut self, fields: &mut Vec<Cow<'a, str>>) -> Result<bool, QuoteError> {
        fields.clear();
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return Ok(false);
        }
        loop {
            let start = self.pos;
            if bytes.get(start) == Some(&b'"') {
                // Quoted field: runs to the next quote not followed by another quote.
                let mut i = start + 1;
                let mut escaped = false;
                let end = loop {
                    match memchr::memchr(b'"', &bytes[i..]) {
                        None => return Err(QuoteError { offset: start }),
                        Some(q) => {
                            let q = i + q;
                            if bytes.get(q + 1) == Some(&b'"') {
                                escaped = true;
                                i = q + 2;
                            } else {
                                break q;
                            }
                        }
                    }
                };
                let inner = &self.text[start + 1..end];
                fields.push(if escaped {
                    Cow::Owned(inner.replace("\"\"", "\""))
                } else {
                    Cow::Borrowed(inner)
                });
                self.pos = end + 1;
                // Tolerate text after the closing quote up to the separator, as Excel does.
                let rest = memchr::memchr3(b',', b'\n', b'\r', &bytes[self.pos..])
                    .map_or(bytes.len(), |p| self.pos + p);
                self.pos = rest;
            } else {
                let end = memchr::memchr2(b',', b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
                let mut field_end = end;
                if (end == bytes.len() || bytes[end] == b'\n')
                    && field_end > start
                    && bytes[field_end - 1] == b'\r'
                {
                    field_end -= 1;
                }
                fields.push(Cow::Borrowed(&self.text[start..field_end]));
                self.pos = end;
            }
            match bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    return Ok(true);
                }
                Some(b'\n') => {
                    self.pos += 1;
                    return Ok(true);
                }
                _ => {
                    self.pos = bytes.len();
                    return Ok(true);
                }
            }
            if self.pos >= bytes.len() {
                // A trailing separator: one more empty field.
                fields.push(Cow::Borrowed(""));
                return Ok(true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn all(text: &str) -> Vec<Vec<String>> {
        let mut r = Records::new(text);
        let mut f = Vec::new();
        let mut out = Vec::new();
        while r.next_into(&mut f).expect("valid") {
            out.push(f.iter().map(|c| c.to_string()).collect());
        }
        out
    }

    #[test]
    fn plain_quoted_escaped_and_line_ends() {
        assert_eq!(
            all("a,b,c\n1,,3\n"),
            vec![vec!["a", "b", "c"], vec!["1", "", "3"]]
        );
        assert_eq!(all("a,b\r\nc,d"), vec![vec!["a", "b"], vec!["c", "d"]]);
        assert_eq!(
            all("\"x,y\",\"he said \"\"hi\"\"\"\n"),
            vec![vec!["x,y", "he said \"hi\""]]
        );
        assert_eq!(
            all("\"multi\nline\",2\n3,4\n"),
            vec![vec!["multi\nline", "2"], vec!["3", "4"]]
        );
        assert_eq!(all("a,\n"), vec![vec!["a", ""]]);
        assert_eq!(all("a,"), vec![vec!["a", ""]]);
        assert_eq!(all("中文,企业\n"), vec![vec!["中文", "企业"]]);
        assert_eq!(all(""), Vec::<Vec<String>>::new());
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        let mut r = Records::new("\"abc,1\n");
        assert_eq!(r.next_into(&mut Vec::new()), Err(QuoteError { offset: 0 }));
    }

    proptest! {
        /// Agrees with the csv crate on any table of fields it writes.
        #[test]
        fn agrees_with_the_csv_crate(table in proptest::collection::vec(proptest::collection::vec("[a-z0-9 ,\"\n中]{0,6}", 1..5), 1..6)) {
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            for row in &table {
                w.write_record(row).expect("write");
            }
            let bytes = w.into_inner().expect("flush");
            let text = String::from_utf8(bytes).expect("utf8");
            let mut expected: Vec<Vec<String>> = Vec::new();
            let mut rd = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
            for rec in rd.records() {
                expected.push(rec.expect("csv").iter().map(str::to_owned).collect());
            }
            prop_assert_eq!(all(&text), expected);
        }

        #[test]
        fn never_panics(text in "\\PC{0,60}") {
            let mut r = Records::new(&text);
            let mut f = Vec::new();
            let mut guard = 0;
            while let Ok(true) = r.next_into(&mut f) {
                guard += 1;
                prop_assert!(guard < 1000);
            }
        }
    }
}
