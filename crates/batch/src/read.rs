//! Reading an enterprise file (CSV or XLSX) into an [`EvaluationInput`].
//!
//! CSV files are read whole, decoded (UTF-8 with or without BOM, else GB18030, which covers GBK),
//! split into parts at record boundaries and parsed on all cores. Nothing of a file is used when
//! any row is bad: every bad cell is reported.

use std::collections::HashSet;
use std::path::Path;

use mujun_domain::{CreditCode, Date, Year};
use mujun_engine::{EvaluationInput, ItemSet, Method};
use rayon::prelude::*;

use crate::columns::{Layout, parse_header, required_columns};
use crate::csv_split::Records;
use crate::rows::{Cell, Chunk, RowParser};
use crate::{BatchError, RowError};

/// What the reader needs besides the file.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The data year the rows belong to.
    pub year: Year,
    /// Credit codes whose wrong check character is accepted (early codes; explicit and recorded).
    pub allow_checksum_mismatch: HashSet<CreditCode>,
}

/// A file's rows, ready for the engine, with what the engine does not need.
#[derive(Clone, Debug)]
pub struct BatchInput {
    /// The rows.
    pub input: EvaluationInput,
    /// Enterprise names, one per row (may be empty).
    names: String,
    name_ends: Vec<u32>,
    /// Spreadsheet row number of each row (header = 1).
    pub source_rows: Vec<u32>,
    /// Codes accepted despite a wrong check character.
    pub checksum_overrides: Vec<CreditCode>,
}

impl BatchInput {
    /// Rows built elsewhere (e.g. an application's stored snapshot) with one name per row.
    pub fn from_parts(input: EvaluationInput, names: &[String]) -> BatchInput {
        let mut all = String::with_capacity(names.iter().map(String::len).sum());
        let mut name_ends = Vec::with_capacity(names.len());
        for n in names {
            all.push_str(n);
            name_ends.push(all.len() as u32);
        }
        let rows = input.enterprises.len() as u32;
        BatchInput {
            input,
            names: all,
            name_ends,
            source_rows: (2..rows + 2).collect(),
            checksum_overrides: Vec::new(),
        }
    }

    /// The name of row `i`.
    pub fn name(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.name_ends[i - 1] as usize };
        &self.names[start..self.name_ends[i] as usize]
    }
}

/// Reads a `.csv` or `.xlsx` file for a method (whose needs decide the required columns).
pub fn read_input(path: &Path, method: &Method, options: &ReadOptions) -> Result<BatchInput, BatchError> {
    match extension(path).as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| BatchError::io(path, e))?;
            read_csv_bytes(path, &bytes, method, options)
        }
        "xlsx" | "xlsm" => read_xlsx(path, method, options),
        _ => Err(BatchError::UnsupportedType {
            path: path.to_owned(),
        }),
    }
}

pub(crate) fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Decodes CSV bytes: UTF-8 (BOM optional), else GB18030 (a superset of GBK).
pub fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match simdutf8::basic::from_utf8(body) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(body);
            std::borrow::Cow::Owned(text.into_owned())
        }
    }
}

/// Splits `text` into about `parts` pieces that each end after a record's line break (outside
/// quotes), so that each piece parses on its own.
fn split_points(text: &[u8], parts: usize) -> Vec<usize> {
    let mut points = vec![0];
    let mut quotes_before = 0usize;
    let mut last = 0usize;
    for p in 1..parts {
        let target = text.len() * p / parts;
        if target <= last {
            continue;
        }
        quotes_before += memchr::memchr_iter(b'"', &text[last..target]).count();
        let mut pos = target;
        // Advance to a newline with an even number of quotes before it.
        loop {
            let Some(nl) = memchr::memchr(b'\n', &text[pos..]) else {
                pos = text.len();
                break;
            };
            quotes_before += memchr::memchr_iter(b'"', &text[pos..pos + nl]).count();
            pos += nl + 1;
            if quotes_before.is_multiple_of(2) {
                break;
            }
        }
        last = pos;
        if pos >= text.len() {
            break;
        }
        points.push(pos);
    }
    points.push(text.len());
    points.dedup();
    points
}

/// Reads CSV bytes (see [`read_input`]); `path` names the file in messages.
pub fn read_csv_bytes(
    path: &Path,
    bytes: &[u8],
    method: &Method,
    options: &ReadOptions,
) -> Result<BatchInput, BatchError> {
    let decoded = decode(bytes);
    let text_str: &str = &decoded;
    let text = text_str.as_bytes();
    let header_end = header_end(text);
    let mut header_reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&text[..header_end]);
    let mut record = csv::StringRecord::new();
    let has_header = header_reader
        .read_record(&mut record)
        .map_err(|e| BatchError::Format {
            path: path.to_owned(),
            message: format!("表头无法读取：{e}"),
        })?;
    if !has_header {
        return Err(BatchError::Format {
            path: path.to_owned(),
            message: "文件是空的，没有表头".into(),
        });
    }
    let headers: Vec<String> = record.iter().map(str::to_owned).collect();
    let layout = header_layout(path, &headers, method)?;
    let allow = &options.allow_checksum_mismatch;
    let parser = RowParser::new(&layout, allow).expect("the layout holds the required columns");

    let body = &text[header_end..];
    let parts = (rayon::current_num_threads() * 8).clamp(1, 1 + body.len() / (1 << 16));
    let points = split_points(body, parts);
    // The header ends after a newline, an ASCII byte, so this is a character boundary.
    let body_text = &text_str[header_end..];
    let chunks: Vec<Result<(Chunk, usize), String>> = points
        .par_windows(2)
        .map(|w| {
            let mut chunk = Chunk::default();
            let mut records = Records::new(&body_text[w[0]..w[1]]);
            let mut fields: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(layout.columns.len());
            let mut n = 0usize;
            loop {
                match records.next_into(&mut fields) {
                    Ok(false) => break,
                    Ok(true) => {}
                    Err(_) => return Err(format!("第 {} 条记录之后 CSV 格式错误：引号没有闭合", n)),
                }
                let cell = |i: usize| match fields.get(i) {
                    Some(s) if !s.trim().is_empty() => Cell::Text(s),
                    _ => Cell::Empty,
                };
                parser.parse(n, fields.len().max(layout.columns.len()), cell, &mut chunk);
                n += 1;
            }
            Ok((chunk, n))
        })
        .collect();
    let mut first_row = 2usize; // the header is row 1
    let mut parts_out = Vec::with_capacity(chunks.len());
    for c in chunks {
        let (mut chunk, n) = c.map_err(|message| BatchError::Format {
            path: path.to_owned(),
            message,
        })?;
        for r in &mut chunk.local_rows {
            *r += first_row as u32;
        }
        for e in &mut chunk.errors {
            e.row += first_row;
        }
        first_row += n;
        parts_out.push(chunk);
    }
    merge(path, options.year, parts_out)
}

/// Byte offset just after the header record.
fn header_end(text: &[u8]) -> usize {
    let mut quotes = 0usize;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'"' => quotes += 1,
            b'\n' if quotes.is_multiple_of(2) => return i + 1,
            _ => {}
        }
    }
    text.len()
}

fn header_layout(path: &Path, headers: &[String], method: &Method) -> Result<Layout, BatchError> {
    parse_header(headers, &required_columns(method)).map_err(|problems| BatchError::Header {
        path: path.to_owned(),
        problems,
    })
}

/// Joins parts: one cluster table and item table, names, row numbers; reports bad rows and
/// duplicate codes.
fn merge(path: &Path, year: Year, chunks: Vec<Chunk>) -> Result<BatchInput, BatchError> {
    let mut errors: Vec<RowError> = chunks.iter().flat_map(|c| c.errors.iter().cloned()).collect();
    let total: usize = chunks.iter().map(|c| c.rows.len()).sum();
    let mut input = EvaluationInput::new(year);
    input.enterprises.reserve_exact(total);
    let mut names = String::with_capacity(chunks.iter().map(|c| c.names.len()).sum());
    let mut name_ends = Vec::with_capacity(total);
    let mut source_rows = Vec::with_capacity(total);
    let mut checksum_overrides = Vec::new();
    for chunk in chunks {
        let cluster_map: Vec<u32> = chunk.clusters.iter().map(|c| input.intern_cluster(c)).collect();
        let mut item_map: Vec<Option<usize>> = Vec::with_capacity(chunk.items.len());
        for id in &chunk.items {
            let idx = input.intern_item(id);
            if idx.is_none() {
                errors.push(RowError {
                    row: 0,
                    column: String::new(),
                    value: id.clone(),
                    message: format!("文件中不同的加分/否决项目超过 {} 个", ItemSet::CAPACITY),
                });
            }
            item_map.push(idx);
        }
        let remap = |set: ItemSet| {
            let mut out = ItemSet::default();
            for i in set.iter() {
                if let Some(Some(g)) = item_map.get(i) {
                    out.insert(*g);
                }
            }
            out
        };
        let offset = names.len() as u32;
        names.push_str(&chunk.names);
        name_ends.extend(chunk.name_ends.iter().map(|e| e + offset));
        source_rows.extend_from_slice(&chunk.local_rows);
        checksum_overrides.extend_from_slice(&chunk.checksum_overrides);
        for mut e in chunk.rows {
            e.cluster = e.cluster.map(|c| cluster_map[c as usize]);
            e.bonus = remap(e.bonus);
            e.veto = remap(e.veto);
            input.enterprises.push(e);
        }
    }

    // Duplicate credit codes, each reported with the row of its first appearance.
    let mut by_code: Vec<(CreditCode, u32)> = input
        .enterprises
        .iter()
        .zip(&source_rows)
        .map(|(e, &r)| (e.credit_code, r))
        .collect();
    by_code.par_sort_unstable();
    for w in by_code.windows(2) {
        if w[0].0 == w[1].0 {
            errors.push(RowError {
                row: w[1].1 as usize,
                column: "credit_code".into(),
                value: w[1].0.to_string(),
                message: format!("统一社会信用代码与第 {} 行重复", w[0].1),
            });
        }
    }

    if !errors.is_empty() {
        errors.sort_by_key(|a| a.row);
        return Err(BatchError::Rows {
            path: path.to_owned(),
            errors,
        });
    }
    Ok(BatchInput {
        input,
        names,
        name_ends,
        source_rows,
        checksum_overrides,
    })
}

/// A cell value owned by the XLSX row buffer.
#[derive(Clone)]
enum Owned {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
}

fn to_cell(o: &Owned) -> Cell<'_> {
    match o {
        Owned::Empty => Cell::Empty,
        Owned::Text(t) if t.trim().is_empty() => Cell::Empty,
        Owned::Text(t) => Cell::Text(t),
        Owned::Number(n) => Cell::Number(*n),
        Owned::Date(d) => Cell::Date(*d),
    }
}

fn read_xlsx(path: &Path, method: &Method, options: &ReadOptions) -> Result<BatchInput, BatchError> {
    use calamine::{DataRef, Reader, Xlsx};
    let format_err = |message: String| BatchError::Format {
        path: path.to_owned(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| BatchError::io(path, e))?;
    let mut book: Xlsx<_> = Xlsx::new(std::io::BufReader::new(file))
        .map_err(|e| format_err(format!("不是有效的 xlsx 文件：{e}")))?;
    let sheets = book.sheet_names();
    let Some(sheet) = sheets
        .iter()
        .find(|s| s.as_str() == "企业数据")
        .or_else(|| sheets.first())
        .cloned()
    else {
        return Err(format_err("工作簿中没有工作表".into()));
    };
    let mut reader = book
        .worksheet_cells_reader(&sheet)
        .map_err(|e| format_err(format!("无法读取工作表“{sheet}”：{e}")))?;

    // Cells arrive row by row; gather one row, then parse it.
    let mut header_row: Option<u32> = None;
    let mut headers: Vec<String> = Vec::new();
    let mut layout: Option<Layout> = None;
    let mut current: Vec<Owned> = Vec::new();
    let mut current_row: Option<u32> = None;
    let mut chunk = Chunk::default();

    let allow = &options.allow_checksum_mismatch;

    let flush = |row: u32,
                 cells: &mut Vec<Owned>,
                 header_row: &mut Option<u32>,
                 headers: &mut Vec<String>,
                 layout: &mut Option<Layout>,
                 chunk: &mut Chunk|
     -> Result<(), BatchError> {
        if header_row.is_none() {
            if cells.iter().all(|c| matches!(c, Owned::Empty)) {
                cells.clear();
                return Ok(());
            }
            *headers = cells
                .iter()
                .map(|c| match c {
                    Owned::Text(t) => t.clone(),
                    Owned::Number(n) => n.to_string(),
                    Owned::Date(d) => d.to_string(),
                    Owned::Empty => String::new(),
                })
                .collect();
            *header_row = Some(row);
            *layout = Some(header_layout(path, headers, method)?);
        } else if let Some(l) = layout.as_ref() {
            let parser = RowParser::new(l, allow).expect("the layout holds the required columns");
            let width = cells.len().max(l.columns.len());
            parser.parse(
                row as usize + 1,
                width,
                |i| cells.get(i).map_or(Cell::Empty, to_cell),
                chunk,
            );
        }
        cells.clear();
        Ok(())
    };

    loop {
        let next = reader
            .next_cell()
            .map_err(|e| format_err(format!("读取单元格失败：{e}")))?;
        let Some(c) = next else { break };
        let (row, col) = c.get_position();
        if current_row != Some(row) {
            if let Some(r) = current_row {
                flush(
                    r,
                    &mut current,
                    &mut header_row,
                    &mut headers,
                    &mut layout,
                    &mut chunk,
                )?;
            }
            current_row = Some(row);
        }
        let value = match c.get_value() {
            DataRef::Empty => Owned::Empty,
            DataRef::String(s) => Owned::Text(s.clone()),
            DataRef::SharedString(s) => Owned::Text((*s).to_owned()),
            DataRef::Float(f) => Owned::Number(*f),
            DataRef::Int(i) => Owned::Number(*i as f64),
            DataRef::Bool(b) => Owned::Text(if *b { "TRUE".into() } else { "FALSE".into() }),
            DataRef::DateTime(dt) => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                Date::new(y, m, d).map_or_else(|| Owned::Text(dt.as_f64().to_string()), Owned::Date)
            }
            DataRef::DateTimeIso(s) => Owned::Text(s.get(..10).unwrap_or(s).to_owned()),
            DataRef::DurationIso(s) => Owned::Text(s.clone()),
            DataRef::Error(e) => Owned::Text(format!("#{e:?}")),
        };
        let col = col as usize;
        if current.len() <= col {
            current.resize(col + 1, Owned::Empty);
        }
        current[col] = value;
    }
    if let Some(r) = current_row {
        flush(
            r,
            &mut current,
            &mut header_row,
            &mut headers,
            &mut layout,
            &mut chunk,
        )?;
    }
    if header_row.is_none() {
        return Err(format_err(format!("工作表“{sheet}”是空的，没有表头")));
    }
    merge(path, options.year, vec![chunk])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_points_respect_quotes() {
        let text = b"a,\"x\ny\",1\nb,2\nc,\"p\nq\",3\nd,4\n";
        for parts in 1..8 {
            let points = split_points(text, parts);
            assert_eq!(points.first(), Some(&0));
            assert_eq!(points.last(), Some(&text.len()));
            for p in &points[1..points.len() - 1] {
                let before = &text[..*p];
                assert_eq!(before.last(), Some(&b'\n'));
                assert_eq!(
                    before.iter().filter(|&&b| b == b'"').count() % 2,
                    0,
                    "split inside quotes at {p}"
                );
            }
        }
    }

    #[test]
    fn decodes_bom_and_gbk() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc"), "abc");
        let (gbk, _, _) = encoding_rs::GBK.encode("企业名称");
        assert_eq!(decode(&gbk), "企业名称");
    }
}
