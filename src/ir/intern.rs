//! Interning: every constant the evaluator sees is mapped once to a dense `u32` id, so tuples
//! are rows of ids and equality is id equality.
//!
//! Integers, the values of large fact files, have a map of their own keyed by the `i64`
//! ([`Interner::intern_int`]: a field read as a number needs no [`Const`] to be looked up),
//! and both maps hash with foldhash rather than SipHash: the keys are the program's own
//! values, and interning millions of fields spent a quarter of the time hashing.
//!
//! Integers close to one another (node numbers, resource ids: the bulk of large fact files)
//! skip even that map: their ids sit in a table indexed by the integer's distance from the
//! lowest of them, widened while it spans at most a few integers per value, so a field's id is one array read
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
    /// Ids of the integers not in `dense`.
    ints: HashMap<i64, Id, RandomState>,
    /// Ids of the integers of a window of consecutive integers, by position.
    dense: Dense,
}

/// The ids of the integers `base .. base + slots.len()`, slot `i` holding the id of
/// `base + i` ([`NO_ID`]: not interned here).
#[derive(Debug, Clone, Default)]
struct Dense {
    base: i64,
    slots: Vec<Id>,
    /// Slots holding an id.
    filled: usize,
}

impl Dense {
    /// The slot of `i`, if the window holds it.
    fn slot(&self, i: i64) -> Option<usize> {
        let at = usize::try_from(i128::from(i) - i128::from(self.base)).ok()?;
        (at < self.slots.len()).then_some(at)
    }

    /// The slot's content for `i` ([`NO_ID`] also when the window does not hold it).
    fn peek(&self, i: i64) -> Id {
        self.slot(i).map_or(NO_ID, |at| self.slots[at])
    }

    /// The id of `i`, if it is interned here.
    fn get(&self, i: i64) -> Option<Id> {
        self.slot(i)
            .map(|at| self.slots[at])
            .filter(|&id| id != NO_ID)
    }

    /// The slot of `i`, widening the window to it when it then spans at most `bound`
    /// slots; `None` when it would not.
    fn slot_or_widen(&mut self, i: i64, bound: usize) -> Option<usize> {
        if let Some(at) = self.slot(i) {
            return Some(at);
        }
        let (lo, hi) = if self.slots.is_empty() {
            (i128::from(i), i128::from(i) + 1)
        } else {
            let end = i128::from(self.base) + self.slots.len() as i128;
            (
                i128::from(self.base).min(i.into()),
                end.max(i128::from(i) + 1),
            )
        };
        let span = usize::try_from(hi - lo).ok().filter(|&n| n <= bound)?;
        let len = span.next_power_of_two().min(bound);
        // Room on the side it grew towards: below when it grew down.
        let base = if i128::from(i) < i128::from(self.base) && !self.slots.is_empty() {
            hi - len as i128
        } else {
            lo
        };
        let base = i64::try_from(base).ok()?;
        if i128::from(base) + (len as i128) > i128::from(i64::MAX) + 1 {
            return None;
        }
        let mut slots = vec![NO_ID; len];
        for (n, &id) in self.slots.iter().enumerate() {
            slots[(i128::from(self.base) - i128::from(base)) as usize + n] = id;
        }
        *self = Dense {
            base,
            slots,
            filled: self.filled,
        };
        self.slot(i)
    }
}

/// A slot of the dense window holding no id.
const NO_ID: Id = Id::MAX;

/// The dense window always may span this many integers, and more while it spans at most
/// [`DENSE_PER_VALUE`] per interned value.
const DENSE_FREE: usize = 1 << 20;
const DENSE_PER_VALUE: usize = 4;

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

    /// The id of `c`, adding it if new, keeping `c` itself rather than a copy (a new string
    /// read from a file is copied once, into the map, not twice).
    ///
    /// Panics if more than `u32::MAX` distinct constants are interned.
    pub fn intern_owned(&mut self, c: Const) -> Id {
        if let Const::Int(i) = c {
            return self.intern_int(i);
        }
        if let Some(&id) = self.ids.get(&c) {
            return id;
        }
        let id = next_id(&self.values);
        self.ids.insert(c.clone(), id);
        self.values.push(c);
        id
    }

    /// The id of the integer `i` (the id `intern(&Const::Int(i))` gives), adding it if new.
    ///
    /// Panics if more than `u32::MAX` distinct constants are interned.
    pub fn intern_int(&mut self, i: i64) -> Id {
        if let Some(id) = self.dense.get(i) {
            return id;
        }
        let bound = DENSE_FREE.max(DENSE_PER_VALUE * (self.values.len() + 1));
        if let Some(at) = self.dense.slot_or_widen(i, bound) {
            // Kept in the map before the window reached it?
            if let Some(&id) = self.ints.get(&i) {
                return id;
            }
            let id = next_id(&self.values);
            if self.values.len() == self.values.capacity() {
                // Room at once for the integers the window can still take (at most 2^20 or
                // as many as there are values more): grown by doubling, a million values
                // were copied again and again, and the allocator kept every smaller copy.
                let free = self.dense.slots.len() - self.dense.filled;
                let more = free.min(DENSE_FREE.max(self.values.len()));
                self.values.reserve(more.max(1));
            }
            self.values.push(Const::Int(i));
            self.dense.slots[at] = id;
            self.dense.filled += 1;
            return id;
        }
        let values = &mut self.values;
        *self.ints.entry(i).or_insert_with(|| {
            let id = next_id(values);
            values.push(Const::Int(i));
            id
        })
    }

    /// Appends to `out` the id of each integer of `ints`, in order: the ids that calling
    /// [`Interner::intern_int`] on each in turn gives, new values added in the same order.
    ///
    /// The window's slots are looked up for the whole batch first: those loads depend on
    /// nothing, so the processor overlaps their cache misses (a window of 1M integers is
    /// larger than the cache, and looking a field up as it is read waited for each miss in
    /// turn); the integers not found are then interned one by one, in order.
    ///
    /// Panics if more than `u32::MAX` distinct constants are interned.
    pub fn intern_ints(&mut self, ints: &[i64], out: &mut Vec<Id>) {
        let start = out.len();
        out.extend(ints.iter().map(|&i| self.dense.peek(i)));
        for (k, &i) in ints.iter().enumerate() {
            if out[start + k] == NO_ID {
                out[start + k] = self.intern_int(i);
            }
        }
    }

    /// The id of `c`, if it was ever interned.
    pub fn get(&self, c: &Const) -> Option<Id> {
        match c {
            Const::Int(i) => self.dense.get(*i).or_else(|| self.ints.get(i).copied()),
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
        let s = Const::Str("owned".into());
        let owned = i.intern_owned(s.clone());
        assert_eq!((owned, i.intern(&s), i.value(owned)), (4, 4, &s));
        assert_eq!(i.intern_owned(Const::Int(7)), seven);
        assert_eq!(i.intern_owned(Const::Sym("a".into())), a);
    }

    #[test]
    fn a_batch_of_integers_gets_the_ids_one_by_one_gives() {
        // Repeats inside a batch, values already in the window, far values kept in the map,
        // and a window that widens in the middle of a batch.
        let mut x: u64 = 3;
        let mut ints = Vec::new();
        for n in 0..20_000i64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ints.push(match n % 7 {
                0 => (x >> 40) as i64 % 50,
                1 => i64::MAX - (x >> 60) as i64,
                2 => -((x >> 44) as i64),
                _ => (x >> 43) as i64,
            });
        }
        let mut one = Interner::default();
        one.intern(&Const::Sym("a".into()));
        let mut batched = one.clone();
        let want: Vec<Id> = ints.iter().map(|&i| one.intern_int(i)).collect();
        let mut got = Vec::new();
        for chunk in ints.chunks(333) {
            batched.intern_ints(chunk, &mut got);
        }
        assert_eq!(got, want);
        assert_eq!(batched.values(), one.values());
        for &i in &ints {
            assert_eq!(batched.get(&Const::Int(i)), one.get(&Const::Int(i)));
        }
    }

    #[test]
    fn an_integer_has_one_id_wherever_it_is_kept() {
        // Integers far from the dense window go to the map; once the window has widened
        // over them (downwards here), they keep their id, and none gets a second.
        let mut i = Interner::default();
        let first = i.intern_int(300_000);
        let far = i.intern_int(1 << 20);
        let neg = i.intern_int(-5);
        let big = i.intern_int(i64::MAX);
        let low = i.intern_int(i64::MIN);
        assert_eq!((i.intern_int(i64::MIN), i.intern_int(i64::MAX)), (low, big));
        let ids: Vec<Id> = (0..1 << 19).rev().map(|n| i.intern_int(n)).collect();
        assert_eq!(
            ids[(1 << 19) - 1 - 300_000],
            first,
            "the first one kept its id"
        );
        assert_eq!(
            i.intern_int(1 << 20),
            far,
            "kept in the map, then in the window"
        );
        assert_eq!(i.intern(&Const::Int(-5)), neg);
        assert_eq!(i.get(&Const::Int(i64::MAX)), Some(big));
        assert_eq!(i.get(&Const::Int(1 << 20)), Some(far));
        assert_eq!(i.get(&Const::Int((1 << 20) + 1)), None);
        let mut all = ids.clone();
        all.extend([far, neg, big, low]);
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), (1 << 19) + 4, "one id per integer");
        assert_eq!(i.values().len(), all.len());
        for (n, id) in (0..1 << 19).rev().zip(&ids) {
            assert_eq!(i.value(*id), &Const::Int(n));
            assert_eq!(i.get(&Const::Int(n)), Some(*id));
        }
    }
}
