//! Interning: every constant the evaluator sees is mapped once to a dense `u32` id, so tuples
//! are rows of ids and equality is id equality.
//!
//! Integers, the values of large fact files, have a map of their own keyed by the `i64`
//! ([`Interner::intern_int`]: a field read as a number needs no [`Const`] to be looked up),
//! and both maps hash with foldhash rather than SipHash: the keys are the program's own
//! values, and interning millions of fields spent a quarter of the time hashing.
//!
//! Small non-negative integers (node numbers, resource ids: the bulk of large fact files)
//! skip even that map: their ids sit in a table indexed by the integer itself, grown while
//! it stays within a few times the number of values, so a field's id is one array read
//! instead of a probe into a hash table far larger than the cache (on a file of 4M fields
//! and 1M distinct integers the probes were 40% of the whole process).

use super::Const;
use foldhash::fast::RandomState;
use std::collections::HashMap;

/// An interned constant.
pub type Id = u32;

/// A row of interned values: one tuple of a relation.
pub type Row = Vec<Id>;

/// A two-way map between constants and ids. Ids are handed out densely from 0 and never
/// change, so a model's rows stay valid while new constants are added.
///
/// Serialised as its values in id order; the maps are rebuilt when read back.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    values: Vec<Const>,
    /// Ids of the values that are not integers.
    ids: HashMap<Const, Id, RandomState>,
    /// Ids of the integers not in `small`.
    ints: HashMap<i64, Id, RandomState>,
    /// The id of each small integer `i` at index `i` ([`NO_ID`]: not interned, or in
    /// `ints`).
    small: Vec<Id>,
}

/// A slot of `small` holding no id.
const NO_ID: Id = Id::MAX;

/// The `small` table always may grow to this many slots, and beyond it while it stays
/// within [`SMALL_PER_VALUE`] slots per interned value.
const SMALL_FREE: usize = 1 << 16;
const SMALL_PER_VALUE: usize = 4;

impl serde::Serialize for Interner {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.values.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Interner {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let values = Vec::<Const>::deserialize(d)?;
        let mut out = Interner::default();
        for v in &values {
            out.intern(v);
        }
        if out.values.len() != values.len() {
            return Err(serde::de::Error::custom("a value interned twice"));
        }
        Ok(out)
    }
}

impl Interner {
    /// The id of `c`, adding it if new.
    ///
    /// Panics if more than `u32::MAX` distinct constants are interned.
    pub fn intern(&mut self, c: &Const) -> Id {
        if let Const::Int(i) = c {
            return self.intern_int(*i);
        }
        if let Some(&id) = self.ids.get(c) {
            return id;
        }
        let id = next_id(&self.values);
        self.values.push(c.clone());
        self.ids.insert(c.clone(), id);
        id
    }

    /// The id of the integer `i` (the id `intern(&Const::Int(i))` gives), adding it if new.
    ///
    /// Panics if more than `u32::MAX` distinct constants are interned.
    pub fn intern_int(&mut self, i: i64) -> Id {
        if let Ok(at) = usize::try_from(i) {
            if let Some(&id) = self.small.get(at)
                && id != NO_ID
            {
                return id;
            }
            if at < self.small.len() || self.grow_small(at) {
                if let Some(&id) = self.ints.get(&i) {
                    return id;
                }
                let id = next_id(&self.values);
                self.values.push(Const::Int(i));
                self.small[at] = id;
                return id;
            }
        }
        let values = &mut self.values;
        *self.ints.entry(i).or_insert_with(|| {
            let id = next_id(values);
            values.push(Const::Int(i));
            id
        })
    }

    /// Grows `small` to hold index `at` if that keeps it within its bound; whether it does.
    fn grow_small(&mut self, at: usize) -> bool {
        let bound = SMALL_FREE.max(SMALL_PER_VALUE * (self.values.len() + 1));
        if at >= bound {
            return false;
        }
        let len = (at + 1).next_power_of_two().min(bound);
        self.small.resize(len, NO_ID);
        true
    }

    /// The id of `c`, if it was ever interned.
    pub fn get(&self, c: &Const) -> Option<Id> {
        match c {
            Const::Int(i) => usize::try_from(*i)
                .ok()
                .and_then(|at| self.small.get(at).copied())
                .filter(|&id| id != NO_ID)
                .or_else(|| self.ints.get(i).copied()),
            _ => self.ids.get(c).copied(),
        }
    }

    /// The constant behind `id`. Panics on an id this interner did not hand out.
    pub fn value(&self, id: Id) -> &Const {
        &self.values[id as usize]
    }

    /// Every constant interned, in id order.
    pub fn values(&self) -> &[Const] {
        &self.values
    }

    /// The constants of a row.
    pub fn decode(&self, row: &[Id]) -> Vec<Const> {
        row.iter().map(|&i| self.value(i).clone()).collect()
    }
}

/// The id the next new value gets.
fn next_id(values: &[Const]) -> Id {
    Id::try_from(values.len()).expect("more than 2^32 distinct constants")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_other_values_share_one_dense_id_space() {
        let mut i = Interner::default();
        let a = i.intern(&Const::Sym("a".into()));
        let seven = i.intern_int(7);
        assert_eq!((a, seven), (0, 1));
        assert_eq!(i.intern(&Const::Int(7)), seven);
        assert_eq!(i.get(&Const::Int(7)), Some(seven));
        assert_eq!(
            i.intern(&Const::Str("7".into())),
            2,
            "the string 7 is another value"
        );
        assert_eq!(i.intern_int(-3), 3);
        assert_eq!(i.value(seven), &Const::Int(7));
        assert_eq!(i.get(&Const::Int(8)), None);
        assert_eq!(i.values().len(), 4);
    }

    #[test]
    fn an_integer_has_one_id_wherever_it_is_kept() {
        // Integers far beyond the small table go to the map; once the table has grown
        // over them, they must keep their id, and new ones must not get a second.
        let mut i = Interner::default();
        let far = i.intern_int(1 << 20);
        let neg = i.intern_int(-5);
        let big = i.intern_int(i64::MAX);
        let mut ids = vec![far, neg, big];
        for n in 0..(1 << 19) {
            ids.push(i.intern_int(n));
        }
        assert_eq!(
            i.intern_int(1 << 20),
            far,
            "kept in the map, then inside the table"
        );
        assert_eq!(i.intern(&Const::Int(-5)), neg);
        assert_eq!(i.get(&Const::Int(i64::MAX)), Some(big));
        assert_eq!(i.get(&Const::Int(1 << 20)), Some(far));
        assert_eq!(i.get(&Const::Int((1 << 20) + 1)), None);
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "one id per integer");
        assert_eq!(i.values().len(), ids.len());
        for (n, id) in (0..(1 << 19)).zip(&ids[3..]) {
            assert_eq!(i.value(*id), &Const::Int(n));
            assert_eq!(i.intern_int(n), *id);
        }
    }
}
