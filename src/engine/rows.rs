//! Facts as read from files: the tuples of one predicate in one flat buffer of ids, `arity`
//! ids a tuple, so that reading millions of rows makes no allocation per row and the
//! model's copy is built straight from the buffer; and the ids of a column's fields
//! remembered by their text ([`FieldIds`]), so a value repeated down a column (a site
//! code, `true`) is made into a constant and interned once, not once a row.

use crate::ir::{Const, Id, Interner};
use foldhash::fast::RandomState;
use std::collections::HashMap;

/// The ids of the fields of one column of one file, by text.
///
/// Only the first [`FieldIds::REMEMBERED`] distinct texts are remembered: a column of
/// unique names gains nothing and would keep a second copy of every name.
#[derive(Debug, Default)]
pub struct FieldIds {
    seen: HashMap<Box<str>, Id, RandomState>,
}

impl FieldIds {
    /// Most distinct texts remembered.
    pub const REMEMBERED: usize = 1 << 16;

    /// The id of the field `field`: remembered, or `value(field)` interned. The value must
    /// depend on the text only (the same column of the same file).
    ///
    /// Errors: what `value` says of a field it cannot read.
    pub fn id(
        &mut self,
        field: &str,
        interner: &mut Interner,
        value: impl FnOnce(&str) -> Result<Const, String>,
    ) -> Result<Id, String> {
        if let Some(&id) = self.seen.get(field) {
            return Ok(id);
        }
        let id = interner.intern_owned(value(field)?);
        if self.seen.len() < Self::REMEMBERED {
            self.seen.insert(field.into(), id);
        }
        Ok(id)
    }
}

/// Tuples of `arity` interned ids, in the order they were read, duplicates kept: tuple `i`
/// is `ids[i * arity .. (i + 1) * arity]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactTable {
    arity: usize,
    len: usize,
    ids: Vec<Id>,
}

impl FactTable {
    /// An empty table of `arity` columns.
    pub fn new(arity: usize) -> Self {
        FactTable {
            arity,
            ..FactTable::default()
        }
    }

    /// A table of the rows `rows`, all of `arity` columns.
    pub fn from_rows<R: AsRef<[Id]>>(arity: usize, rows: impl IntoIterator<Item = R>) -> Self {
        let mut t = FactTable::new(arity);
        for r in rows {
            t.push(r.as_ref());
        }
        t
    }

    /// Makes room for `n` more tuples.
    pub fn reserve(&mut self, n: usize) {
        self.ids.reserve(n.saturating_mul(self.arity));
    }

    /// Columns per tuple.
    pub fn arity(&self) -> usize {
        self.arity
    }

    /// Number of tuples.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no tuple.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends a tuple. An empty table takes the width of its first tuple; a tuple of
    /// another width than the table's is a bug of the caller (debug builds panic).
    pub fn push(&mut self, row: &[Id]) {
        if self.len == 0 {
            self.arity = row.len();
        }
        debug_assert_eq!(row.len(), self.arity, "a tuple of another width");
        self.ids.extend_from_slice(row);
        self.len += 1;
    }

    /// Appends the tuples of `other`.
    pub fn append(&mut self, other: FactTable) {
        if self.len == 0 {
            *self = other;
            return;
        }
        debug_assert!(other.is_empty() || other.arity == self.arity);
        self.ids.extend_from_slice(&other.ids);
        self.len += other.len;
    }

    /// Tuple `i`. Panics if `i >= len`.
    pub fn row(&self, i: usize) -> &[Id] {
        assert!(i < self.len, "tuple {i} of {}", self.len);
        &self.ids[i * self.arity..(i + 1) * self.arity]
    }

    /// The tuples, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[Id]> + '_ {
        (0..self.len).map(|i| &self.ids[i * self.arity..(i + 1) * self.arity])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_field_has_the_id_its_value_has() {
        let mut interner = Interner::default();
        let mut ids = FieldIds::default();
        let sym = |f: &str| Ok(Const::Sym(f.to_string()));
        let hq = ids.id("hq", &mut interner, sym).unwrap();
        assert_eq!(interner.get(&Const::Sym("hq".into())), Some(hq));
        let again = ids
            .id("hq", &mut interner, |_| Err("read twice".into()))
            .unwrap();
        assert_eq!(again, hq, "a text seen before is not read again");
        let err = ids.id("x", &mut interner, |f| Err(format!("bad {f}")));
        assert_eq!(err, Err("bad x".to_string()));
        for n in 0..FieldIds::REMEMBERED + 10 {
            ids.id(&format!("s{n}"), &mut interner, sym).unwrap();
        }
        assert_eq!(ids.seen.len(), FieldIds::REMEMBERED, "a bounded memory");
        let last = format!("s{}", FieldIds::REMEMBERED + 5);
        let id = ids.id(&last, &mut interner, sym).unwrap();
        assert_eq!(interner.value(id), &Const::Sym(last));
    }

    #[test]
    fn tuples_come_back_in_order_at_any_width() {
        let mut t = FactTable::from_rows(2, [[1, 2], [3, 4]]);
        t.append(FactTable::from_rows(2, [[5, 6]]));
        assert_eq!((t.len(), t.arity()), (3, 2));
        assert_eq!(
            t.iter().collect::<Vec<_>>(),
            vec![&[1, 2][..], &[3, 4], &[5, 6]]
        );
        assert_eq!(t.row(2), &[5, 6]);
        // Tuples of no columns are counted, not lost.
        let mut z = FactTable::new(0);
        z.push(&[]);
        z.push(&[]);
        assert_eq!((z.len(), z.iter().count()), (2, 2));
        // An empty table takes the width of what is added.
        let mut r = FactTable::new(2);
        r.reserve(10);
        assert!(r.ids.capacity() >= 20 && r.is_empty());
        let mut e = FactTable::default();
        e.append(FactTable::from_rows(3, [[7, 8, 9]]));
        assert_eq!(e.row(0), &[7, 8, 9]);
        let mut p = FactTable::default();
        p.push(&[1]);
        assert_eq!(p.arity(), 1);
    }
}
