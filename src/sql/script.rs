//! From a planned program to a [`Script`]: the tables (one per predicate, one per shared
//! keyed index and per rule segment of each stratum), and for every stratum the statements
//! of one round of its semi-naive loop.
//!
//! The statements mirror the in-memory evaluator's dataflow one to one (`engine::eval`'s
//! operators): a scan reads an atom's new tuples, a keyed join reads the new rows of one
//! side against all rows of the other (both ways), an antijoin reads new rows against a
//! complete lower stratum, and each writes to the `_next` table of its target. A round
//! then moves each `_next` table's rows into the full table (with the next round as their
//! height) and into `_delta`. So a tuple first appears in the same round as in memory, and
//! its height is the same.

use super::Dialect;
use super::kinds::{ColumnTypes, Kind, kinds};
use super::segment::{Layers, indent};
use super::values::literal;
use crate::check::stratify;
use crate::ir::{Interner, Pred, Rule};
use crate::plan::{AtomShape, HeadArg, Pat, RulePlan, Start, plan_rules};
use crate::source::Diagnostic;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A relation kept in the database: a predicate's tuples, or rows of an intermediate
/// result. Every one has three tables: `NAME` (all rows, each with its height and the rule
/// that first derived it), `NAME_delta` (the rows new in the last round) and `NAME_next`
/// (the rows the current round derives).
#[derive(Debug, Clone)]
pub struct Table {
    /// The name of the full table.
    pub name: String,
    /// Number of value columns (`c0…`); a table of none has the one column `u`.
    pub width: usize,
    /// The predicate whose tuples it holds (`None` for an index or a segment's rows).
    pub pred: Option<Pred>,
    /// Whether a round's rows already in the table are dropped from its delta. The
    /// in-memory evaluator skips that check for intermediate rows that cannot repeat
    /// unless their inputs did (datafrog's indistinct variables); the rows that do repeat
    /// then count as new once more, and so here, so a stratum ends in the same round.
    pub distinct: bool,
    /// How each value column stores its values (tagged text but for a predicate's typed
    /// columns).
    pub kinds: Vec<Kind>,
}

impl Table {
    /// The value columns, as named in SQL.
    pub fn columns(&self) -> Vec<String> {
        columns(self.width)
    }

    /// How value column `i` stores its values.
    pub fn kind(&self, i: usize) -> Kind {
        self.kinds.get(i).copied().unwrap_or(Kind::Encoded)
    }

    /// The tagged text of value column `i` of the row `alias`.
    pub fn read(&self, d: Dialect, alias: &str, i: usize) -> String {
        self.kind(i).read(d, &format!("{alias}.c{i}"))
    }
}

fn columns(width: usize) -> Vec<String> {
    if width == 0 {
        vec!["u".into()]
    } else {
        (0..width).map(|i| format!("c{i}")).collect()
    }
}

/// One statement of a round: it derives rows into its target's `_next` table.
#[derive(Debug, Clone)]
pub struct Op {
    /// What it does, for a reader.
    pub comment: String,
    /// The statement.
    pub sql: String,
    /// Index of the table it writes (in [`Script::tables`]).
    pub target: usize,
    /// It reads a lower stratum's tuples as new (or the one empty row): only in the
    /// stratum's first round.
    pub first_round_only: bool,
}

/// The statements of one stratum.
#[derive(Debug, Clone)]
pub struct StratumSql {
    /// The predicates it defines.
    pub preds: Vec<Pred>,
    /// Tables written in its rounds (its predicates, its indexes and segments).
    pub vars: Vec<usize>,
    /// Tables of lower strata it reads as new in its first round.
    pub seeds: Vec<usize>,
    /// Whether a rule of it starts from the one empty row.
    pub unit: bool,
    /// The statements of one round, in order.
    pub ops: Vec<Op>,
}

/// A program compiled to SQL for one dialect.
#[derive(Debug, Clone)]
pub struct Script {
    /// The dialect.
    pub dialect: Dialect,
    /// Every table.
    pub tables: Vec<Table>,
    /// The table of each predicate.
    pub pred_tables: BTreeMap<Pred, usize>,
    /// The strata, lowest first.
    pub strata: Vec<StratumSql>,
}

/// Compiles `rules` (facts are loaded separately, see [`super::run`]) for `dialect`.
/// `arity` gives the width of predicates only files fill, `types` the declared column
/// types (see [`super::kinds`]).
///
/// Errors: a program that cannot be stratified or planned (as in memory), a rule using a
/// built-in or aggregate the dialect lacks (`sql-unsupported`, at the rule).
pub fn compile(
    rules: &[Rule],
    arity: &HashMap<Pred, usize>,
    types: &ColumnTypes,
    interner: &mut Interner,
    dialect: Dialect,
) -> Result<Script, Vec<Diagnostic>> {
    let strata = stratify(rules)?;
    let plans = plan_rules(rules, interner)?;
    let mut widths: BTreeMap<Pred, usize> = arity.iter().map(|(p, n)| (p.clone(), *n)).collect();
    for r in rules {
        widths.insert(r.head.pred.clone(), r.head.args.len());
        for a in r.body.iter().filter_map(|l| l.atom()) {
            widths.entry(a.pred.clone()).or_insert(a.args.len());
        }
        for g in r.body.iter().filter_map(|l| match l {
            crate::ir::Literal::Aggregate(g) => Some(g),
            _ => None,
        }) {
            widths.entry(g.aux.pred.clone()).or_insert(g.aux.args.len());
        }
    }
    let mut kinds = kinds(rules, &widths, types);
    let mut c = Compiler {
        dialect,
        interner,
        tables: Vec::new(),
        pred_tables: BTreeMap::new(),
        errors: Vec::new(),
    };
    for (i, (p, w)) in widths.iter().enumerate() {
        let name = format!("skb_p{i}_{}", sanitize(&p.to_string()));
        c.pred_tables.insert(p.clone(), c.tables.len());
        c.tables.push(Table {
            name,
            width: *w,
            pred: Some(p.clone()),
            distinct: true,
            kinds: kinds.remove(p).unwrap_or_default(),
        });
    }
    let mut out = Vec::new();
    for (si, s) in strata.iter().enumerate() {
        out.push(c.stratum(si, &s.preds, &plans, rules));
    }
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    Ok(Script {
        dialect,
        tables: c.tables,
        pred_tables: c.pred_tables,
        strata: out,
    })
}

/// Lowercase letters, digits and `_` of a predicate's name, at most 40.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect()
}

struct Compiler<'a> {
    dialect: Dialect,
    interner: &'a Interner,
    tables: Vec<Table>,
    pred_tables: BTreeMap<Pred, usize>,
    errors: Vec<Diagnostic>,
}

/// The stratum being compiled: what it defines and the tables its rounds write.
struct Stratum<'p> {
    preds: BTreeSet<&'p Pred>,
    vars: Vec<usize>,
    seeds: BTreeSet<usize>,
    indexes: HashMap<AtomShape, usize>,
    ops: Vec<Op>,
    unit: bool,
}

impl<'a> Compiler<'a> {
    fn stratum(
        &mut self,
        si: usize,
        preds: &[Pred],
        plans: &[RulePlan],
        rules: &[Rule],
    ) -> StratumSql {
        let mut st = Stratum {
            preds: preds.iter().collect(),
            vars: preds.iter().map(|p| self.pred_tables[p]).collect(),
            seeds: BTreeSet::new(),
            indexes: HashMap::new(),
            ops: Vec::new(),
            unit: false,
        };
        let own: BTreeSet<&Pred> = preds.iter().collect();
        for plan in plans.iter().filter(|p| own.contains(&p.head_pred)) {
            if let Err(d) = self.rule(si, plan, &rules[plan.rule], &mut st) {
                self.errors.push(d);
            }
        }
        StratumSql {
            preds: preds.to_vec(),
            vars: st.vars,
            seeds: st.seeds.into_iter().collect(),
            unit: st.unit,
            ops: st.ops,
        }
    }

    /// The table `recent` rows of `pred` are read from: its `_delta` in its own stratum,
    /// else (a lower stratum, complete) the full table, in the first round only.
    fn recent(&self, pred: &Pred, st: &mut Stratum<'_>) -> (String, bool) {
        let t = self.pred_tables[pred];
        if st.preds.contains(pred) {
            (format!("{}_delta", self.tables[t].name), false)
        } else {
            st.seeds.insert(t);
            (self.tables[t].name.clone(), true)
        }
    }

    fn new_table(
        &mut self,
        name: String,
        width: usize,
        distinct: bool,
        st: &mut Stratum<'_>,
    ) -> usize {
        self.tables.push(Table {
            name,
            width,
            pred: None,
            distinct,
            kinds: Vec::new(),
        });
        st.vars.push(self.tables.len() - 1);
        self.tables.len() - 1
    }

    fn rule(
        &mut self,
        si: usize,
        plan: &RulePlan,
        rule: &Rule,
        st: &mut Stratum<'_>,
    ) -> Result<(), Diagnostic> {
        let names: HashMap<Pred, Table> = self
            .pred_tables
            .iter()
            .map(|(p, &t)| (p.clone(), self.tables[t].clone()))
            .collect();
        let table_of = move |p: &Pred| names[p].clone();
        let dialect = self.dialect;
        let interner = self.interner;
        let mut prev: Option<usize> = None;
        let n = plan.segments.len();
        for (k, seg) in plan.segments.iter().enumerate() {
            let mut first_round_only = false;
            let start = match &seg.start {
                Start::Scan(shape) => {
                    let (src, first) = self.recent(&shape.pred, st);
                    first_round_only = first;
                    let t = &self.tables[self.pred_tables[&shape.pred]];
                    scan_with(shape, &src, t, dialect, self.interner)
                }
                Start::Unit => {
                    st.unit = true;
                    first_round_only = true;
                    "SELECT 0 AS u".to_string()
                }
                Start::Join(shape) => {
                    let ix = self.index(si, shape, st);
                    let left = prev.take().expect("a join follows a segment");
                    self.join(left, ix, seg.width, shape)
                }
                Start::Anti(shape) => {
                    let left = prev.take().expect("an antijoin follows a segment");
                    let rel = table_of(&shape.pred);
                    anti(
                        &self.tables[left].name,
                        self.tables[left].width,
                        &rel,
                        shape,
                        dialect,
                        interner,
                    )
                }
            };
            let mut layers = Layers::new(start, seg.width, self.dialect, interner, &table_of);
            for t in &seg.transforms {
                layers.transform(t, rule.span)?;
            }
            let (target, values, rule_no, what) = match &seg.next {
                Some(b) if k + 1 < n => {
                    let width = b.key.len() + b.rest.len();
                    let t = self.new_table(
                        format!("skb_r{}_s{k}", plan.rule),
                        width,
                        !keeps_all(seg, b),
                        st,
                    );
                    let vals = b
                        .key
                        .iter()
                        .chain(&b.rest)
                        .map(|s| format!("r.s{s}"))
                        .collect();
                    prev = Some(t);
                    (t, vals, None, format!("segment {k}"))
                }
                _ => {
                    let t = self.pred_tables[&plan.head_pred];
                    let vals = plan
                        .head
                        .iter()
                        .map(|h| match h {
                            HeadArg::Slot(s) => format!("r.s{s}"),
                            HeadArg::Const(c) => literal(self.interner.value(*c)),
                        })
                        .collect();
                    (t, vals, Some(plan.rule), "the head".to_string())
                }
            };
            let sql = self.insert(target, values, rule_no, &layers.sql, "r");
            st.ops.push(Op {
                comment: format!("rule {}, {what}: {}", plan.rule, rule_text(rule)),
                sql,
                target,
                first_round_only,
            });
        }
        Ok(())
    }

    /// The shared keyed index of an atom shape in this stratum, with its feeding statement.
    fn index(&mut self, si: usize, shape: &AtomShape, st: &mut Stratum<'_>) -> usize {
        if let Some(&t) = st.indexes.get(shape) {
            return t;
        }
        let (src, first) = self.recent(&shape.pred, st);
        let pt = self.tables[self.pred_tables[&shape.pred]].clone();
        let mut keys = Vec::new();
        let mut news = Vec::new();
        for (i, p) in shape.pats.iter().enumerate() {
            match p {
                Pat::Key => keys.push(pt.read(self.dialect, "a", i)),
                Pat::New => news.push(pt.read(self.dialect, "a", i)),
                _ => {}
            }
        }
        let width = keys.len() + news.len();
        let name = format!(
            "skb_s{si}_ix{}_{}",
            st.indexes.len(),
            sanitize(&shape.pred.to_string())
        );
        let distinct = shape.pats.iter().any(|p| matches!(p, Pat::Any));
        let t = self.new_table(name, width, distinct, st);
        st.indexes.insert(shape.clone(), t);
        let select = format!(
            "SELECT 0 AS u{} FROM {src} a WHERE {}",
            keys.iter()
                .chain(&news)
                .enumerate()
                .map(|(j, c)| format!(", {c} AS s{j}"))
                .collect::<String>(),
            shape_conds(shape, &pt, self.dialect, self.interner).join(" AND ")
        );
        let values = (0..width).map(|j| format!("r.s{j}")).collect();
        let sql = self.insert(t, values, None, &select, "r");
        st.ops.push(Op {
            comment: format!("index of {} by its bound columns", shape.pred),
            sql,
            target: t,
            first_round_only: first,
        });
        t
    }

    /// New rows of `left` joined with all of `ix`, and all of `left` with new rows of `ix`.
    fn join(&self, left: usize, ix: usize, width: usize, shape: &AtomShape) -> String {
        let (l, i) = (&self.tables[left], &self.tables[ix]);
        let key = shape.key_width();
        let lw = l.width;
        let mut sel = String::from("SELECT 0 AS u");
        for j in 0..lw {
            sel.push_str(&format!(", l.c{j} AS s{j}"));
        }
        for j in 0..shape.new_width() {
            sel.push_str(&format!(", i.c{} AS s{}", key + j, lw + j));
        }
        debug_assert_eq!(lw + shape.new_width(), width);
        let on: Vec<String> = (0..key).map(|j| format!("l.c{j} = i.c{j}")).collect();
        let on = if on.is_empty() {
            "1 = 1".to_string()
        } else {
            on.join(" AND ")
        };
        format!(
            "{sel} FROM {ln}_delta l JOIN {iname} i ON {on}\nUNION\n{sel} FROM {ln} l JOIN {iname}_delta i ON {on}",
            ln = l.name,
            iname = i.name
        )
    }

    /// `INSERT` of the rows of `select` (columns `values` over alias `alias`) into the
    /// `_next` table of `target`, skipping rows it already holds.
    fn insert(
        &self,
        target: usize,
        values: Vec<String>,
        rule: Option<usize>,
        select: &str,
        alias: &str,
    ) -> String {
        let t = &self.tables[target];
        let cols = t.columns();
        let values: Vec<String> = if t.width == 0 {
            vec!["0".to_string()]
        } else {
            values
                .iter()
                .enumerate()
                .map(|(i, v)| t.kind(i).write(self.dialect, v))
                .collect()
        };
        let absent: Vec<String> = cols
            .iter()
            .zip(&values)
            .map(|(c, v)| format!("t.{c} = {v}"))
            .collect();
        let (mut cols, mut values) = (cols.join(", "), values.join(", "));
        if t.pred.is_some() {
            cols.push_str(", rule");
            values.push_str(&format!(
                ", {}",
                rule.map_or("NULL".into(), |r| r.to_string())
            ));
        }
        let (verb, tail) = match self.dialect {
            Dialect::Sqlite => ("INSERT OR IGNORE INTO", ""),
            Dialect::Postgres => ("INSERT INTO", "\nON CONFLICT DO NOTHING"),
        };
        format!(
            "{verb} {name}_next ({cols})\nSELECT DISTINCT {values} FROM (\n{}\n) {alias}{}{tail}",
            indent(select),
            if t.distinct {
                format!(
                    "\nWHERE NOT EXISTS (SELECT 1 FROM {} t WHERE {})",
                    t.name,
                    absent.join(" AND ")
                )
            } else {
                String::new()
            },
            name = t.name
        )
    }
}

/// Whether a segment's rows keep every column it made (as the in-memory evaluator judges
/// it: such rows are not checked against the rows of earlier rounds).
fn keeps_all(seg: &crate::plan::Segment, b: &crate::plan::Boundary) -> bool {
    let assigned = seg.transforms.iter().filter(|t| t.appends()).count();
    b.key.len() + b.rest.len() >= seg.width + assigned
}

/// The conditions an atom's constants and repeated variables put on its tuples (`a`, a row
/// of the predicate's table `t`).
fn shape_conds(shape: &AtomShape, t: &Table, d: Dialect, interner: &Interner) -> Vec<String> {
    let mut conds = Vec::new();
    for (i, p) in shape.pats.iter().enumerate() {
        match p {
            Pat::Const(c) => conds.push(format!(
                "a.c{i} = {}",
                t.kind(i).literal(interner.value(*c))
            )),
            Pat::Same(j) => conds.push(format!("{} = {}", t.read(d, "a", i), t.read(d, "a", *j))),
            _ => {}
        }
    }
    if conds.is_empty() {
        conds.push("1 = 1".to_string());
    }
    conds
}

/// The new columns of an atom's tuples (rows of `t`), as slots.
fn scan(shape: &AtomShape, t: &Table, d: Dialect) -> String {
    let mut sel = String::from("SELECT 0 AS u");
    let mut k = 0;
    for (i, p) in shape.pats.iter().enumerate() {
        if matches!(p, Pat::New) {
            sel.push_str(&format!(", {} AS s{k}", t.read(d, "a", i)));
            k += 1;
        }
    }
    sel
}

/// The new tuples of an atom (`src`, rows of the predicate's table `t`), as slots.
fn scan_with(shape: &AtomShape, src: &str, t: &Table, d: Dialect, interner: &Interner) -> String {
    format!(
        "{} FROM {src} a WHERE {}",
        scan(shape, t, d),
        shape_conds(shape, t, d, interner).join(" AND ")
    )
}

/// New rows of `left` with no tuple of the (complete) relation `rel` matching their key.
fn anti(
    left: &str,
    width: usize,
    rel: &Table,
    shape: &AtomShape,
    d: Dialect,
    interner: &Interner,
) -> String {
    let mut sel = String::from("SELECT 0 AS u");
    for j in 0..width {
        sel.push_str(&format!(", l.c{j} AS s{j}"));
    }
    let mut conds = shape_conds(shape, rel, d, interner);
    let mut k = 0;
    for (i, p) in shape.pats.iter().enumerate() {
        if matches!(p, Pat::Key) {
            conds.push(rel.kind(i).eq(d, &format!("a.c{i}"), &format!("l.c{k}")));
            k += 1;
        }
    }
    format!(
        "{sel} FROM {left}_delta l WHERE NOT EXISTS (SELECT 1 FROM {} a WHERE {})",
        rel.name,
        conds.join(" AND ")
    )
}

/// The rule on one line, for a comment (no line breaks, no `*/`).
fn rule_text(rule: &Rule) -> String {
    let body: Vec<String> = rule.body.iter().map(|l| l.to_string()).collect();
    format!("{} :- {}.", rule.head, body.join(", "))
        .replace('\n', " ")
        .replace("*/", "* /")
}
