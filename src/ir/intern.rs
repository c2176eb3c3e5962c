//! Interning: every constant the evaluator sees is mapped once to a dense `u32` id, so tuples
//! are rows of ids and equality is id equality.
//!
//! Integers, the values of large fact files, have a map of their own keyed by the `i64`
//! ([`Interner::intern_int`]: a field read as a number needs no [`Const`] to be looked up),
//! and both maps hash with foldhash rather than SipHash: the keys are the program's own
//! values, and interning millions of fields spent a quarter of the time hashing.

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
    /// Ids of the integers.
    ints: HashMap<i64, Id, RandomState>,
}

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
        let values = &mut self.values;
        *self.ints.entry(i).or_insert_with(|| {
            let id = next_id(values);
            values.push(Const::Int(i));
            id
        })
    }

    /// The id of `c`, if it was ever interned.
    pub fn get(&self, c: &Const) -> Option<Id> {
        match c {
            Const::Int(i) => self.ints.get(i).copied(),
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
}
