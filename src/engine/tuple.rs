//! Packed rows: a tuple of interned ids stored as one or two integers, so that sorting,
//! merging and comparing rows compares integers. Column 0 sits in the highest bits, so the
//! integer order is the lexicographic order of the columns. A relation's rows all have the
//! same width, so unused low columns (zero) never make two rows of it equal.
//!
//! Measured before this packing: rows as `Vec<u32>` ran transitive closure several times
//! slower than typed `(u32, u32)` tuples; the time went to row comparisons in datafrog's
//! sorts and merges (see the engine benchmark in `benches/`).

use crate::ir::Id;
use std::fmt::Debug;

/// A row representation the evaluator is generic over.
pub trait Tuple: Ord + Clone + Debug + Send + Sync + 'static {
    /// Most columns it holds.
    const CAPACITY: usize;
    /// Packs the values (at most [`Tuple::CAPACITY`]).
    fn pack(values: impl Iterator<Item = Id>) -> Self;
    /// Appends the first `width` columns to `out`.
    fn unpack_into(&self, width: usize, out: &mut Vec<Id>);
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
        for i in 0..width {
            out.push(if i < 4 {
                (self.0 >> (32 * (3 - i))) as Id
            } else {
                (self.1 >> (32 * (7 - i))) as Id
            });
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
}
