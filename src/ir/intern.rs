//! Interning: every constant the evaluator sees is mapped once to a dense `u32` id, so tuples
//! are rows of ids and equality is id equality.

use super::Const;
use std::collections::HashMap;

/// An interned constant.
pub type Id = u32;

/// A row of interned values: one tuple of a relation.
pub type Row = Vec<Id>;

/// A two-way map between constants and ids. Ids are handed out densely from 0 and never
/// change, so a model's rows stay valid while new constants are added.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    values: Vec<Const>,
    ids: HashMap<Const, Id>,
}

impl Interner {
    /// The id of `c`, adding it if new.
    ///
    /// Panics if more than `u32::MAX` distinct constants are interned.
    pub fn intern(&mut self, c: &Const) -> Id {
        if let Some(&id) = self.ids.get(c) {
            return id;
        }
        let id = Id::try_from(self.values.len()).expect("more than 2^32 distinct constants");
        self.values.push(c.clone());
        self.ids.insert(c.clone(), id);
        id
    }

    /// The id of `c`, if it was ever interned.
    pub fn get(&self, c: &Const) -> Option<Id> {
        self.ids.get(c).copied()
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
