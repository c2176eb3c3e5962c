//! Facts as read from files: the tuples of one predicate in one flat buffer of ids, `arity`
//! ids a tuple, so that reading millions of rows makes no allocation per row and the
//! model's copy is built straight from the buffer.

use crate::ir::Id;

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
        let mut e = FactTable::default();
        e.append(FactTable::from_rows(3, [[7, 8, 9]]));
        assert_eq!(e.row(0), &[7, 8, 9]);
        let mut p = FactTable::default();
        p.push(&[1]);
        assert_eq!(p.arity(), 1);
    }
}
