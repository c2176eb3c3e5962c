//! Fact files of integers, the bulk of large inputs: a field read as an integer in one pass
//! over its bytes, rows of integers interned in batches, and a file's line count to size its
//! table once.

use super::rows::FactTable;
use crate::ir::Interner;
use std::path::Path;

/// The integer a field is written as (digits, perhaps after a `-`, within 64 bits), read in
/// one pass over its bytes.
pub(super) fn int_field(field: &str) -> Option<i64> {
    let (negative, digits) = match field.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        // Negative numbers are built downwards, so that i64::MIN is read too.
        n = n.checked_mul(10)?;
        n = if negative {
            n.checked_sub(i64::from(d))?
        } else {
            n.checked_add(i64::from(d))?
        };
    }
    Some(n)
}

/// Rows of integers only (the bulk of large fact files), read but not yet interned: they
/// are interned as one batch ([`Interner::intern_ints`]), whose look-ups overlap, before any
/// other field is interned, so ids are still handed out in the order the fields were read.
#[derive(Default)]
pub(super) struct IntRows {
    pub(super) ints: Vec<i64>,
    ids: Vec<crate::ir::Id>,
}

impl IntRows {
    /// Fields waiting before a batch is interned.
    pub(super) const BATCH: usize = 4096;

    /// Takes the row `fields` if every field is an integer of a column that reads integers
    /// (`ints`); a row it does not take leaves it as it was.
    pub(super) fn take(&mut self, fields: &[&str], ints: &[bool]) -> bool {
        let start = self.ints.len();
        for (f, &reads) in fields.iter().zip(ints) {
            match reads.then(|| int_field(f)).flatten() {
                Some(n) => self.ints.push(n),
                None => {
                    self.ints.truncate(start);
                    return false;
                }
            }
        }
        true
    }

    /// Interns the rows taken and appends them to `rows` (of `arity` > 0 columns).
    pub(super) fn flush(&mut self, interner: &mut Interner, rows: &mut FactTable, arity: usize) {
        if self.ints.is_empty() {
            return;
        }
        self.ids.clear();
        interner.intern_ints(&self.ints, &mut self.ids);
        for row in self.ids.chunks(arity) {
            rows.push(row);
        }
        self.ints.clear();
    }
}

/// The number of line breaks in `path`, one more: at least its number of rows, so that the
/// table of a large file is allocated once rather than grown (each growth a copy, and the
/// memory of the smaller tables kept by the allocator a while). 0 if it cannot be read.
pub(super) fn lines_in(path: &Path) -> usize {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return 0;
    };
    let mut buf = vec![0u8; 1 << 16];
    let mut lines = 1;
    while let Ok(n) = file.read(&mut buf) {
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::facts::{Columns, field_value, read_rows};
    use crate::ir::Const;
    use crate::syntax::ColType;

    #[test]
    fn integer_fields_are_what_the_standard_parse_of_digits_gives() {
        let slow = |f: &str| {
            let digits = f.strip_prefix('-').unwrap_or(f);
            let is_int = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            is_int.then(|| f.parse::<i64>().ok()).flatten()
        };
        for f in [
            "0",
            "-0",
            "007",
            "-",
            "",
            "+5",
            "5+",
            "1-2",
            "--1",
            " 1",
            "1.0",
            "٣",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999x",
            "000000000000000000000000000042",
        ] {
            assert_eq!(int_field(f), slow(f), "{f:?}");
        }
        assert_eq!(int_field("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(int_field("9223372036854775807"), Some(i64::MAX));
    }

    #[test]
    fn numeric_fields_are_the_values_the_slow_path_gives() {
        // Integers take a path of their own into the interner; every field must still be
        // the constant `field_value` and the column's type say.
        let dir = tempfile::tempdir().unwrap();
        let tsv = dir.path().join("n.tsv");
        std::fs::write(
            &tsv,
            "42\t42\t-7\n+5\t007\t99999999999999999999\n-\t0\t-0\n",
        )
        .unwrap();
        let cols = Columns {
            names: vec!["a".into(), "s".into(), "n".into()],
            types: vec![None, Some(ColType::String), None],
        };
        let mut interner = Interner::default();
        let rows = read_rows(&tsv, &cols, &mut interner).unwrap();
        let fields = [
            ["42", "42", "-7"],
            ["+5", "007", "99999999999999999999"],
            ["-", "0", "-0"],
        ];
        for (row, fields) in rows.iter().zip(fields) {
            let want: Vec<Const> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| cols.value(i, f, false).unwrap())
                .collect();
            assert_eq!(interner.decode(row), want);
        }
        assert_eq!(interner.decode(rows.row(0))[1], Const::Str("42".into()));
        assert_eq!(interner.decode(rows.row(2))[2], Const::Int(0));
        assert_eq!(rows.row(2)[2], interner.get(&Const::Int(0)).unwrap());
    }

    #[test]
    fn ids_follow_the_order_fields_are_read_in() {
        // Rows of numbers are interned in batches; rows with other fields between them, and
        // a bad row, must still see every id handed out in the order of the file.
        let dir = tempfile::tempdir().unwrap();
        let tsv = dir.path().join("m.tsv");
        let mut text = String::new();
        let mut x: u64 = 11;
        for n in 0..3 * IntRows::BATCH {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let (a, b) = ((x >> 40) % 5000, (x >> 20) % 3000);
            match n % 997 {
                5 => text.push_str(&format!("s{a}\t{b}\n")),
                6 => text.push_str(&format!("{a}\t\"{b}\"\n")),
                _ => text.push_str(&format!("{a}\t{}\n", b as i64 - 1000)),
            }
        }
        std::fs::write(&tsv, &text).unwrap();
        let mut want = Interner::default();
        want.intern(&Const::Sym("first".into()));
        let mut interner = want.clone();
        let want_rows: Vec<Vec<crate::ir::Id>> = text
            .lines()
            .map(|l| {
                l.split('\t')
                    .map(|f| want.intern(&field_value(f)))
                    .collect()
            })
            .collect();
        let rows = read_rows(&tsv, &Columns::untyped(2), &mut interner).unwrap();
        let got: Vec<Vec<crate::ir::Id>> = rows.iter().map(<[_]>::to_vec).collect();
        assert_eq!(got, want_rows);
        assert_eq!(interner.values(), want.values());
        // A row of the wrong width stops the read; the rows before it are interned.
        std::fs::write(&tsv, format!("{text}1\t2\t3\n")).unwrap();
        let mut again = Interner::default();
        again.intern(&Const::Sym("first".into()));
        assert!(read_rows(&tsv, &Columns::untyped(2), &mut again).is_err());
        assert_eq!(again.values(), want.values());
    }
}
