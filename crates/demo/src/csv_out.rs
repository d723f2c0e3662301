//! CSV output: UTF-8 without BOM, `\n` line ends, the [`COLUMNS`] header, fixed decimals.

use std::borrow::Borrow;
use std::io::Write;

use mujun_domain::{Date, Field};

use crate::{COLUMNS, DemoError, DemoRow, decimals};

/// Writes the rows as CSV: a header row of [`COLUMNS`], then one row per enterprise (`scale` as
/// `above`/`below`, dates `YYYY-MM-DD`, numbers with `.` and [`decimals`] places, an empty
/// cell for a missing value, bonus/veto ids joined with `;`).
pub fn write_csv<W: Write>(rows: &[DemoRow], out: W) -> Result<(), DemoError> {
    write_csv_iter(rows, out).map(|_| ())
}

/// [`write_csv`] for any sequence of rows, owned or borrowed (e.g. [`crate::generate_iter`],
/// which never holds the whole data set in memory). Returns the number of rows written.
pub fn write_csv_iter<I, W>(rows: I, out: W) -> Result<usize, DemoError>
where
    I: IntoIterator,
    I::Item: Borrow<DemoRow>,
    W: Write,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16)
        .from_writer(out);
    w.write_record(COLUMNS)?;
    let mut buf = Vec::with_capacity(64);
    let mut count = 0;
    for row in rows {
        write_row(&mut w, row.borrow(), &mut buf)?;
        count += 1;
    }
    w.flush()?;
    Ok(count)
}

fn write_row<W: Write>(w: &mut csv::Writer<W>, row: &DemoRow, buf: &mut Vec<u8>) -> Result<(), DemoError> {
    w.write_field(row.credit_code.as_str())?;
    w.write_field(&row.name)?;
    buf.clear();
    push_uint(buf, u64::from(row.region.value()), 6);
    w.write_field(&buf[..])?;
    w.write_field(row.cluster.as_deref().unwrap_or(""))?;
    buf.clear();
    push_uint(buf, u64::from(row.industry.value()), 4);
    w.write_field(&buf[..])?;
    w.write_field(row.scale.id())?;
    buf.clear();
    if let Some(d) = row.production_start {
        push_date(buf, d);
    }
    w.write_field(&buf[..])?;
    for field in Field::ALL {
        buf.clear();
        if let Some(v) = row.figures[field.index()] {
            push_fixed(buf, v, decimals(field));
        }
        w.write_field(&buf[..])?;
    }
    write_joined(w, &row.bonus, buf)?;
    write_joined(w, &row.veto, buf)?;
    w.write_record(None::<&[u8]>)?;
    Ok(())
}

fn write_joined<W: Write>(w: &mut csv::Writer<W>, ids: &[&str], buf: &mut Vec<u8>) -> Result<(), DemoError> {
    buf.clear();
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            buf.push(b';');
        }
        buf.extend_from_slice(id.as_bytes());
    }
    w.write_field(&buf[..])?;
    Ok(())
}

/// Appends `value` in decimal, zero-padded to at least `width` digits.
pub(crate) fn push_uint(buf: &mut Vec<u8>, mut value: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    while digits.len() - i < width {
        i -= 1;
        digits[i] = b'0';
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Appends `value` with exactly `decimals` places (the value is rounded half away from zero).
pub(crate) fn push_fixed(buf: &mut Vec<u8>, value: f64, decimals: usize) {
    let scale = 10u64.pow(decimals as u32);
    let scaled = (value * scale as f64).round();
    if scaled < 0.0 {
        buf.push(b'-');
    }
    let units = scaled.abs() as u64;
    push_uint(buf, units / scale, 1);
    if decimals > 0 {
        buf.push(b'.');
        push_uint(buf, units % scale, decimals);
    }
}

/// Appends `YYYY-MM-DD`.
pub(crate) fn push_date(buf: &mut Vec<u8>, d: Date) {
    push_uint(buf, u64::from(d.year()), 4);
    buf.push(b'-');
    push_uint(buf, u64::from(d.month()), 2);
    buf.push(b'-');
    push_uint(buf, u64::from(d.day()), 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(v: f64, d: usize) -> String {
        let mut b = Vec::new();
        push_fixed(&mut b, v, d);
        String::from_utf8(b).expect("ascii")
    }

    #[test]
    fn fixed_decimals() {
        assert_eq!(fixed(0.0, 2), "0.00");
        assert_eq!(fixed(1234.5, 2), "1234.50");
        assert_eq!(fixed(-0.05, 2), "-0.05");
        assert_eq!(fixed(-12.345_000_1, 2), "-12.35");
        assert_eq!(fixed(7.0, 0), "7");
        assert_eq!(fixed(1_500_000.0, 2), "1500000.00");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(0.1 + 0.2, 2), "0.30");
    }

    #[test]
    fn fixed_text_reads_back_as_the_rounded_value() {
        let mut src = crate::rng::Src::new(11, 0);
        for _ in 0..100_000 {
            let v = crate::model::r2(src.log_normal(100.0, 3.0) * if src.chance(0.5) { -1.0 } else { 1.0 });
            let text = fixed(v, 2);
            assert_eq!(text.parse::<f64>().expect("number"), v, "{text}");
        }
    }

    #[test]
    fn padded_integers_and_dates() {
        let mut b = Vec::new();
        push_uint(&mut b, 311, 4);
        b.push(b' ');
        push_date(&mut b, Date::new(2009, 3, 7).expect("date"));
        assert_eq!(b, b"0311 2009-03-07");
    }
}
