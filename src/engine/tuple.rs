//! Packed rows: a tuple of interned ids stored as one or two integers, so that sorting,
//! merging and comparing rows compares integers. Column 0 sits in the highest bits, so the
//! integer order is the lexicographic order of the columns. A relation's rows all have the
//! same width, so unused low columns (zero) never make two rows of it equal.
//!
//! Measured before this packing: rows as `Vec<u32>` ran transitive closure several times
//! slower than typed `(u32, u32)` tuples; the time went to row comparisons in datafrog's
//! sorts and merges (see the engine benchmark in `benches/`).

use crate::ir::Id;
use std::cmp::Ordering;
use std::fmt::Debug;

/// A row representation the evaluator is generic over.
pub trait Tuple: Ord + Clone + Debug + Send + Sync + 'static {
    /// Most columns it holds.
    const CAPACITY: usize;
    /// Packs the values (at most [`Tuple::CAPACITY`]).
    fn pack(values: impl Iterator<Item = Id>) -> Self;
    /// Appends the first `width` columns to `out`.
    fn unpack_into(&self, width: usize, out: &mut Vec<Id>);
    /// Column `i` (below [`Tuple::CAPACITY`]; zero past the packed ones).
    fn col(&self, i: usize) -> Id;
    /// The first `width` columns, the rest zero: what [`Tuple::pack`] makes of those columns
    /// alone. A keyed row is its key's columns followed by its value's, so this is its key.
    fn prefix(&self, width: usize) -> Self;
    /// Compares the first `width` columns only (a keyed row's key).
    fn cmp_prefix(&self, other: &Self, width: usize) -> Ordering {
        self.prefix(width).cmp(&other.prefix(width))
    }
    /// Appends columns `from..to` to `out`.
    fn unpack_range(&self, from: usize, to: usize, out: &mut Vec<Id>) {
        out.extend((from..to).map(|i| self.col(i)));
    }
}

/// The bits of the first `width` of `capacity` 32-bit columns of an integer of
/// `32 * capacity` bits.
fn high_mask(width: usize, capacity: usize) -> u128 {
    match width {
        0 => 0,
        w if w >= capacity => u128::MAX,
        w => !(u128::MAX >> (32 * w)) >> (32 * (4 - capacity)),
    }
}

impl Tuple for u64 {
    const CAPACITY: usize = 2;
    fn pack(values: impl Iterator<Item = Id>) -> Self {
        let mut x = 0u64;
        for (i, v) in values.enumerate() {
            x |= u64::from(v) << (32 * (1 - i));
        }
        x
    }
    fn unpack_into(&self, width: usize, out: &mut Vec<Id>) {
        for i in 0..width {
            out.push((self >> (32 * (1 - i))) as Id);
        }
    }
    fn col(&self, i: usize) -> Id {
        (self >> (32 * (1 - i))) as Id
    }
    fn prefix(&self, width: usize) -> Self {
        self & high_mask(width, 2) as u64
    }
    fn cmp_prefix(&self, other: &Self, width: usize) -> Ordering {
        let m = high_mask(width, 2) as u64;
        (self & m).cmp(&(other & m))
    }
}

impl Tuple for u128 {
    const CAPACITY: usize = 4;
    fn pack(values: impl Iterator<Item = Id>) -> Self {
        let mut x = 0u128;
        for (i, v) in values.enumerate() {
            x |= u128::from(v) << (32 * (3 - i));
        }
        x
    }
    fn unpack_into(&self, width: usize, out: &mut Vec<Id>) {
        for i in 0..width {
            out.push((self >> (32 * (3 - i))) as Id);
        }
    }
    fn col(&self, i: usize) -> Id {
        (self >> (32 * (3 - i))) as Id
    }
    fn prefix(&self, width: usize) -> Self {
        self & high_mask(width, 4)
    }
    fn cmp_prefix(&self, other: &Self, width: usize) -> Ordering {
        let m = high_mask(width, 4);
        (self & m).cmp(&(other & m))
    }
}

/// Eight columns in two `u128`s (columns 0–3, then 4–7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Wide8(u128, u128);

impl Tuple for Wide8 {
    const CAPACITY: usize = 8;
    fn pack(values: impl Iterator<Item = Id>) -> Self {
        let mut w = Wide8(0, 0);
        for (i, v) in values.enumerate() {
            if i < 4 {
                w.0 |= u128::from(v) << (32 * (3 - i));
            } else {
                w.1 |= u128::from(v) << (32 * (7 - i));
            }
        }
        w
    }
    fn unpack_into(&self, width: usize, out: &mut Vec<Id>) {
        out.extend((0..width).map(|i| self.col(i)));
    }
    fn col(&self, i: usize) -> Id {
        if i < 4 {
            (self.0 >> (32 * (3 - i))) as Id
        } else {
            (self.1 >> (32 * (7 - i))) as Id
        }
    }
    fn prefix(&self, width: usize) -> Self {
        if width <= 4 {
            Wide8(self.0 & high_mask(width, 4), 0)
        } else {
            Wide8(self.0, self.1 & high_mask(width - 4, 4))
        }
    }
}

impl Tuple for Vec<Id> {
    const CAPACITY: usize = usize::MAX;
    fn pack(values: impl Iterator<Item = Id>) -> Self {
        values.collect()
    }
    fn unpack_into(&self, width: usize, out: &mut Vec<Id>) {
        out.extend_from_slice(&self[..width]);
    }
    fn col(&self, i: usize) -> Id {
        self.get(i).copied().unwrap_or(0)
    }
    fn prefix(&self, width: usize) -> Self {
        self[..width.min(self.len())].to_vec()
    }
    fn cmp_prefix(&self, other: &Self, width: usize) -> Ordering {
        self[..width.min(self.len())].cmp(&other[..width.min(other.len())])
    }
    fn unpack_range(&self, from: usize, to: usize, out: &mut Vec<Id>) {
        out.extend_from_slice(&self[from..to]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip<T: Tuple>(vals: &[Id]) {
        let t = T::pack(vals.iter().copied());
        let mut out = Vec::new();
        t.unpack_into(vals.len(), &mut out);
        assert_eq!(out, vals);
    }

    fn order<T: Tuple>(a: &[Id], b: &[Id]) {
        assert_eq!(
            T::pack(a.iter().copied()).cmp(&T::pack(b.iter().copied())),
            a.cmp(b),
            "{a:?} vs {b:?}"
        );
    }

    #[test]
    fn packing_keeps_values_and_order() {
        let big = Id::MAX;
        roundtrip::<u64>(&[big, 7]);
        roundtrip::<u128>(&[1, big, 0, 9]);
        roundtrip::<Wide8>(&[1, 2, 3, 4, big, 6, 7, 8]);
        roundtrip::<Vec<Id>>(&[1, 2, 3, 4, 5, 6, 7, 8, 9]);
        for (a, b) in [
            (vec![1, 9], vec![2, 0]),
            (vec![big, 0], vec![3, big]),
            (vec![5, 5], vec![5, 5]),
        ] {
            order::<u64>(&a, &b);
            order::<u128>(&a, &b);
            order::<Wide8>(&a, &b);
        }
        order::<Wide8>(&[1, 2, 3, 4, 5, 6, 7, 8], &[1, 2, 3, 4, 5, 6, 8, 0]);
        assert_eq!(u64::pack(std::iter::empty()), 0);
    }

    /// A keyed row (key columns, then value columns) against its key packed alone.
    fn keyed<T: Tuple>(key: &[Id], value: &[Id], other_value: &[Id]) {
        let row = T::pack(key.iter().chain(value).copied());
        let other = T::pack(key.iter().chain(other_value).copied());
        let w = key.len();
        assert_eq!(
            row.prefix(w),
            T::pack(key.iter().copied()),
            "{key:?} {value:?}"
        );
        assert_eq!(row.cmp_prefix(&other, w), Ordering::Equal);
        let mut out = Vec::new();
        row.unpack_range(w, w + value.len(), &mut out);
        assert_eq!(out, value);
        assert_eq!(
            (0..w + value.len()).map(|i| row.col(i)).collect::<Vec<_>>(),
            key.iter().chain(value).copied().collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_keyed_row_splits_into_its_key_and_value() {
        let big = Id::MAX;
        for (k, v, o) in [
            (&[][..], &[big, 3][..], &[1, 2][..]),
            (&[big][..], &[big][..], &[0][..]),
            (&[4, big][..], &[][..], &[][..]),
        ] {
            keyed::<u64>(k, v, o);
            keyed::<u128>(k, v, o);
            keyed::<Wide8>(k, v, o);
            keyed::<Vec<Id>>(k, v, o);
        }
        keyed::<u128>(&[1, big, 7], &[big], &[2]);
        keyed::<Wide8>(&[1, 2, 3, 4, big], &[6, 7, big], &[0, 0, 0]);
        keyed::<Wide8>(&[1, 2], &[3, big, 5, 6, 7, 8], &[0; 6]);
        let (a, b) = (u64::pack([1, 9].into_iter()), u64::pack([2, 0].into_iter()));
        assert_eq!(a.cmp_prefix(&b, 1), Ordering::Less);
        assert_eq!(a.cmp_prefix(&b, 0), Ordering::Equal);
    }
}
