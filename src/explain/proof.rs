//! Proof trees as data: what a proof shows and what a trace stores. An inner node is a rule
//! instance (the rule as written, its place, the substitution); a leaf is a fact with its
//! citations, a built-in that holds, or an absent atom (negation).

use crate::source::Location;
use crate::syntax::{Citation, Const, SourceDecl};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A ground atom for display and JSON: `pred(c1, …, cn)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroundAtom {
    /// Predicate name.
    pub pred: String,
    /// Arguments.
    pub args: Vec<Const>,
}

impl fmt::Display for GroundAtom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.pred)?;
        if !self.args.is_empty() {
            let a: Vec<String> = self.args.iter().map(Const::to_string).collect();
            write!(f, "({})", a.join(", "))?;
        }
        Ok(())
    }
}

impl GroundAtom {
    /// Whether `c` is a fact with this atom as its head.
    pub fn is_head_of(&self, c: &crate::syntax::Clause) -> bool {
        c.is_fact()
            && c.head.pred == self.pred
            && c.head.args.len() == self.args.len()
            && c.head
                .args
                .iter()
                .zip(&self.args)
                .all(|(t, v)| matches!(t, crate::syntax::Term::Const(c) if c == v))
    }
}

/// A citation or note as shown to a reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Source name.
    pub source: String,
    /// The source's title, from its `source` declaration.
    pub title: String,
    /// Where the source is published.
    pub url: Option<String>,
    /// Section of the source (or the note's title).
    pub section: String,
    /// The quoted text.
    pub quote: String,
    /// Line of the source text, when given.
    pub line: Option<i64>,
    /// Whether the quote was found at that line of the source's pinned text.
    #[serde(default)]
    pub verified: bool,
}

impl Quote {
    /// A citation or note as shown, with its source's title and address from `sources`;
    /// `verified` when its quote was found in the source's pinned text at its line.
    pub fn from_citation(c: &Citation, sources: &[SourceDecl], verified: bool) -> Self {
        let decl = sources.iter().find(|s| s.name == c.source);
        Quote {
            source: c.source.clone(),
            title: decl.map(|d| d.title.clone()).unwrap_or_default(),
            url: decl.and_then(|d| d.url.clone()),
            section: c.section.clone(),
            quote: c.quote.clone(),
            line: c.line,
            verified,
        }
    }
}

/// The values of a rule's variables in one instance, in the order the rule names them.
/// JSON: an object from variable name to value, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Substitution(pub Vec<(String, Const)>);

impl Substitution {
    /// The value of `var`.
    pub fn get(&self, var: &str) -> Option<&Const> {
        self.0.iter().find(|(v, _)| v == var).map(|(_, c)| c)
    }

    /// True when it binds nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `X = a, Y = 1`.
    pub fn text(&self) -> String {
        self.0
            .iter()
            .map(|(v, c)| format!("{v} = {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Serialize for Substitution {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Substitution {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::deserialize(d)?;
        map.into_iter()
            .map(|(k, v)| {
                Const::deserialize(v)
                    .map(|c| (k, c))
                    .map_err(serde::de::Error::custom)
            })
            .collect::<Result<_, _>>()
            .map(Substitution)
    }
}

/// Why a node of a proof tree holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Justification {
    /// A fact of the knowledge base (or a row of a fact file).
    Fact {
        /// Where the fact is written.
        location: Location,
        /// Its citations.
        cites: Vec<Quote>,
        /// Its notes.
        notes: Vec<Quote>,
    },
    /// An instance of a rule.
    Rule {
        /// The rule as written.
        rule: String,
        /// Where it is written.
        location: Location,
        /// The substitution of the rule's variables.
        substitution: Substitution,
        /// The rule's citations.
        cites: Vec<Quote>,
        /// The rule's notes.
        notes: Vec<Quote>,
    },
    /// A built-in or comparison that holds, shown with its values.
    Builtin,
    /// An aggregate and the value it takes over its group; the premises are the group's
    /// members, one per distinct binding of the body's own variables (all of them: the
    /// checker recomputes the value and counts the group in the model).
    Aggregate {
        /// The function.
        op: crate::syntax::AggOp,
        /// Its value.
        value: Const,
    },
    /// One member of an aggregate's group: the binding of the aggregate's variables (group
    /// and body); the premises are the body's literals under it, in written order.
    Member {
        /// The binding.
        substitution: Substitution,
    },
    /// A negated atom: no matching tuple exists.
    Absent,
}

/// A proof tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// What is proved: a ground atom, or for built-ins and negations the instantiated literal.
    pub conclusion: String,
    /// The atom, for atoms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atom: Option<GroundAtom>,
    /// Round of first derivation (0 for facts); absent for built-ins and negations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Why it holds.
    pub by: Justification,
    /// Proofs of the premises, in the order the rule writes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub premises: Vec<Proof>,
    /// Set when the premises were cut by a depth limit: `why #K` shows them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<usize>,
}

impl Proof {
    /// A fact leaf.
    pub fn leaf(
        atom: GroundAtom,
        location: Location,
        cites: Vec<Quote>,
        notes: Vec<Quote>,
    ) -> Self {
        Proof {
            conclusion: atom.to_string(),
            atom: Some(atom),
            height: Some(0),
            by: Justification::Fact {
                location,
                cites,
                notes,
            },
            premises: Vec::new(),
            handle: None,
        }
    }

    /// Every quote (citations and notes) in the tree, depth first, without repeats.
    pub fn quotes(&self) -> Vec<&Quote> {
        let mut out: Vec<&Quote> = Vec::new();
        self.walk(&mut |p| {
            if let Justification::Fact { cites, notes, .. }
            | Justification::Rule { cites, notes, .. } = &p.by
            {
                for q in cites.iter().chain(notes) {
                    if !out.contains(&q) {
                        out.push(q);
                    }
                }
            }
        });
        out
    }

    /// Calls `f` on every node, depth first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Proof)) {
        f(self);
        for p in &self.premises {
            p.walk(f);
        }
    }

    /// Number of nodes.
    pub fn size(&self) -> usize {
        1 + self.premises.iter().map(Proof::size).sum::<usize>()
    }

    /// Levels below the root (0 for a leaf).
    pub fn depth(&self) -> usize {
        self.premises
            .iter()
            .map(|p| 1 + p.depth())
            .max()
            .unwrap_or(0)
    }

    /// The rule text and place of a rule node, the place of a fact.
    pub fn location(&self) -> Option<&Location> {
        match &self.by {
            Justification::Fact { location, .. } | Justification::Rule { location, .. } => {
                Some(location)
            }
            _ => None,
        }
    }
}
