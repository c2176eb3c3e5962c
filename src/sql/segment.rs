//! One rule segment as a `SELECT`: its start (a scan of an atom's new tuples, a keyed join,
//! an antijoin, one empty row), then its comparisons, built-ins, assignments and aggregates,
//! each a layer wrapping the one before, so a value computed once is a column the next
//! layers read (never a repeated expression).
//!
//! Rows carry the columns `u` (always 0: a row of no slots is still a row), `s0…` (the
//! binding row's slots, encoded as [`super::values`] says) and `x0…` (integers computed
//! on the way).

use super::Dialect;
use super::values::{int_literal, literal};
use crate::ir::{AggOp, Builtin, CmpOp, Const, Interner};
use crate::plan::{CExpr, Transform};
use crate::source::{Code, Diagnostic, Span};

/// A `SELECT` built layer by layer.
pub(super) struct Layers<'a> {
    /// The current query: every later layer selects from it.
    pub sql: String,
    depth: usize,
    temps: usize,
    /// Slots so far.
    pub width: usize,
    dialect: Dialect,
    interner: &'a Interner,
    /// Table of each aggregate's relation.
    pub table_of: &'a dyn Fn(&crate::ir::Pred) -> super::script::Table,
}

impl<'a> Layers<'a> {
    /// Layers over `start`, a query giving `u` and the slots `s0…s{width-1}`.
    pub fn new(
        start: String,
        width: usize,
        dialect: Dialect,
        interner: &'a Interner,
        table_of: &'a dyn Fn(&crate::ir::Pred) -> super::script::Table,
    ) -> Self {
        Layers {
            sql: start,
            depth: 0,
            temps: 0,
            width,
            dialect,
            interner,
            table_of,
        }
    }

    fn alias(&mut self) -> String {
        self.depth += 1;
        format!("q{}", self.depth)
    }

    /// The current query as a subquery of the next layer. PostgreSQL would pull each
    /// layer up into the next, copying a computed column's expression into every
    /// expression that reads it (exponential in the depth): `OFFSET 0` keeps it a layer.
    fn inner(&self) -> String {
        match self.dialect {
            Dialect::Sqlite => indent(&self.sql),
            Dialect::Postgres => format!("{}\n  OFFSET 0", indent(&self.sql)),
        }
    }

    /// Keeps the rows where `cond` holds.
    pub fn filter(&mut self, cond: &str) {
        let inner = self.inner();
        let q = self.alias();
        self.sql = format!("SELECT * FROM (\n{inner}\n) {q} WHERE {cond}");
    }

    /// Adds the column `name` holding `expr`.
    fn add(&mut self, name: &str, expr: &str) {
        let inner = self.inner();
        let q = self.alias();
        self.sql = format!("SELECT {q}.*, {expr} AS {name} FROM (\n{inner}\n) {q}");
    }

    /// Adds a slot holding `expr` (encoded text); rows where it is `NULL` are dropped.
    fn add_slot(&mut self, expr: &str) {
        let name = format!("s{}", self.width);
        self.width += 1;
        self.add(&name, expr);
        self.filter(&format!("{name} IS NOT NULL"));
    }

    /// An integer temporary holding `expr`; its name.
    fn temp(&mut self, expr: &str) -> String {
        let name = format!("x{}", self.temps);
        self.temps += 1;
        self.add(&name, expr);
        name
    }

    /// The encoded value of `e`.
    fn value(&mut self, e: &CExpr) -> String {
        match e {
            CExpr::Slot(i) => format!("s{i}"),
            CExpr::Const(id) => literal(self.interner.value(*id)),
            CExpr::Binary(..) => {
                let x = self.int(e);
                self.dialect.from_int(&x)
            }
        }
    }

    /// The integer value of `e`, `NULL` when it has none.
    fn int(&mut self, e: &CExpr) -> String {
        match e {
            CExpr::Slot(i) => self.dialect.to_int(&format!("s{i}")),
            CExpr::Const(id) => match self.interner.value(*id) {
                Const::Int(n) => int_literal(*n),
                _ => format!("CAST(NULL AS {})", self.dialect.bigint()),
            },
            CExpr::Binary(l, op, r) => {
                let (a, b) = (self.int(l), self.int(r));
                let (a, b) = (self.temp(&a), self.temp(&b));
                self.temp(&self.dialect.arith(*op, &a, &b))
            }
        }
    }

    /// Applies one transform of a segment.
    ///
    /// Errors: a built-in or aggregate the dialect lacks ([`Code::SqlUnsupported`]).
    pub fn transform(&mut self, t: &Transform, span: Span) -> Result<(), Diagnostic> {
        match t {
            Transform::Cmp(a, op, b) => {
                let (a, b) = (self.value(a), self.value(b));
                let cond = match op {
                    CmpOp::Eq => format!("{a} = {b}"),
                    CmpOp::Ne => format!("{a} <> {b}"),
                    CmpOp::Lt => self.dialect.order(&a, "<", &b),
                    CmpOp::Le => self.dialect.order(&a, "<=", &b),
                    CmpOp::Gt => self.dialect.order(&a, ">", &b),
                    CmpOp::Ge => self.dialect.order(&a, ">=", &b),
                };
                self.filter(&self.dialect.holds(&cond));
            }
            Transform::Assign(e) => {
                let v = self.value(e);
                self.add_slot(&v);
            }
            Transform::Compute { builtin, inputs } => {
                let args: Vec<String> = inputs.iter().map(|e| self.value(e)).collect();
                let v = self.compute(*builtin, &args, span)?;
                self.add_slot(&v);
            }
            Transform::Builtin {
                builtin,
                args,
                negated,
                ..
            } => {
                let args: Vec<String> = args.iter().map(|e| self.value(e)).collect();
                let test = self.test(*builtin, &args, span)?;
                let holds = self.dialect.holds(&test);
                self.filter(&if *negated {
                    format!("NOT {holds}")
                } else {
                    holds
                });
            }
            Transform::Aggregate {
                op,
                pred,
                value,
                group,
            } => {
                let group: Vec<String> = group.iter().map(|e| self.value(e)).collect();
                let v = self.aggregate(*op, pred, *value, &group, span)?;
                self.add_slot(&v);
            }
        }
        Ok(())
    }

    /// The encoded value of a function built-in on encoded `args` (its inputs).
    fn compute(&self, b: Builtin, args: &[String], span: Span) -> Result<String, Diagnostic> {
        let d = self.dialect;
        Ok(match b {
            Builtin::Length => d.from_int(&format!("length({})", d.to_text(&args[0]))),
            Builtin::Concat => format!(
                "('t:' || {} || {})",
                d.plain_text(&args[0]),
                d.plain_text(&args[1])
            ),
            Builtin::ToString => format!("('t:' || {})", d.plain_text(&args[0])),
            Builtin::Substr => {
                let (s, start, len) = (d.to_text(&args[0]), d.to_int(&args[1]), d.to_int(&args[2]));
                // PostgreSQL's substr takes 32-bit positions; the guard keeps them in range,
                // and LEAST keeps a constant folded before the guard from overflowing.
                let take = match d {
                    Dialect::Sqlite => format!("substr({s}, {start} + 1, {len})"),
                    Dialect::Postgres => format!(
                        "substr({s}, CAST(LEAST({start}, 2147483646) + 1 AS INTEGER), \
                         CAST(LEAST({len}, 2147483647) AS INTEGER))"
                    ),
                };
                format!(
                    "(CASE WHEN {start} >= 0 AND {len} >= 0 AND {start} <= length({s}) \
                     AND {len} <= length({s}) - {start} THEN 't:' || {take} END)"
                )
            }
            // On SQLite, the function supportkb defines on its connection: the engine's own.
            Builtin::ToInt | Builtin::Lower | Builtin::Upper | Builtin::Split
                if d == Dialect::Sqlite =>
            {
                format!("skb_compute('{}', {})", b.name(), args.join(", "))
            }
            Builtin::ToInt => {
                let x = &args[0];
                // The digits only where the whole text is an optional `-` and digits, so a
                // constant folded before the range guard never fails to convert.
                let num = format!("CAST(substring(substr({x}, 3) from '^-?[0-9]+$') AS NUMERIC)");
                let int = format!(
                    "(CASE WHEN {num} BETWEEN (-9223372036854775807 - 1) AND 9223372036854775807 \
                     THEN CAST(LEAST(GREATEST({num}, -9223372036854775807 - 1), 9223372036854775807) AS BIGINT) END)"
                );
                format!(
                    "(CASE substr({x}, 1, 2) WHEN 'i:' THEN {x} WHEN 's:' THEN {f} WHEN 't:' THEN {f} END)",
                    f = d.from_int(&int)
                )
            }
            Builtin::Split => {
                let (s, sep, n) = (d.to_text(&args[0]), d.to_text(&args[1]), d.to_int(&args[2]));
                // The pieces are one more than the separators (counted left to right, not
                // overlapping, as Rust's split cuts).
                let seps = format!(
                    "((length({s}) - length(replace({s}, {sep}, ''))) / NULLIF(length({sep}), 0))"
                );
                format!(
                    "(CASE WHEN length({sep}) > 0 AND {n} >= 0 AND {n} <= {seps} \
                     THEN 't:' || split_part({s}, {sep}, CAST(LEAST({n}, 2147483646) + 1 AS INTEGER)) END)"
                )
            }
            Builtin::Lower | Builtin::Upper => format!(
                "('t:' || {})",
                super::case::map_case(&d.to_text(&args[0]), b == Builtin::Upper)
            ),
            Builtin::Matches | Builtin::Contains | Builtin::Prefix | Builtin::Suffix => {
                return Err(unsupported(d, b.name(), "a value", span));
            }
        })
    }

    /// Whether a built-in holds on encoded `args` (`NULL` counts as false).
    fn test(&self, b: Builtin, args: &[String], span: Span) -> Result<String, Diagnostic> {
        let d = self.dialect;
        if let Some(out) = b.output() {
            let v = self.compute(b, &args[..out], span)?;
            return Ok(format!("{v} = {}", args[out]));
        }
        let (s, t) = (d.to_text(&args[0]), d.to_text(&args[1]));
        Ok(match (b, d) {
            (Builtin::Matches, Dialect::Sqlite) => format!("{s} REGEXP {t}"),
            (Builtin::Matches, Dialect::Postgres) => format!("{s} ~ {}", anchored(&t)),
            (Builtin::Contains, Dialect::Sqlite) => format!("instr({s}, {t}) > 0"),
            (Builtin::Contains, Dialect::Postgres) => format!("strpos({s}, {t}) > 0"),
            (Builtin::Prefix, _) => format!("substr({s}, 1, length({t})) = {t}"),
            (Builtin::Suffix, Dialect::Sqlite) => format!(
                "(length({t}) = 0 OR (length({s}) >= length({t}) AND substr({s}, -length({t})) = {t}))"
            ),
            (Builtin::Suffix, Dialect::Postgres) => format!("right({s}, length({t})) = {t}"),
            _ => return Err(unsupported(d, b.name(), "a test", span)),
        })
    }

    /// The encoded value of an aggregate over the rows of `pred` whose first columns are
    /// `group`: `NULL` for `min`/`max` of no rows or of values of several kinds, and for a
    /// `sum` of a non-integer or past 64 bits.
    fn aggregate(
        &self,
        op: AggOp,
        pred: &crate::ir::Pred,
        value: Option<usize>,
        group: &[String],
        span: Span,
    ) -> Result<String, Diagnostic> {
        let d = self.dialect;
        let table = (self.table_of)(pred);
        let mut wh: Vec<String> = group
            .iter()
            .enumerate()
            .map(|(i, g)| table.kind(i).eq(d, &format!("a.c{i}"), g))
            .collect();
        if wh.is_empty() {
            wh.push("1 = 1".into());
        }
        let v = table.read(d, "a", value.unwrap_or(0));
        let body = match op {
            AggOp::Count => d.from_int("count(*)"),
            AggOp::Min | AggOp::Max => {
                let f = if op == AggOp::Min { "min" } else { "max" };
                let collate = match d {
                    Dialect::Sqlite => "",
                    Dialect::Postgres => " COLLATE \"C\"",
                };
                format!(
                    "CASE WHEN count(DISTINCT substr({v}, 1, 2)) = 1 THEN {f}({v}{collate}) END"
                )
            }
            AggOp::Sum => match d {
                // SQLite's sum() stops the statement with an error on overflow.
                Dialect::Sqlite => {
                    return Err(unsupported(
                        d,
                        "sum",
                        "an integer sum that fails without an error on overflow",
                        span,
                    ));
                }
                Dialect::Postgres => {
                    let total = format!("sum(CAST({} AS NUMERIC))", d.to_int(&v));
                    let int = format!(
                        "CASE WHEN count(*) = 0 THEN 0 WHEN bool_and(substr({v}, 1, 3) IN ('i:p', 'i:n')) \
                         AND {total} BETWEEN (-9223372036854775807 - 1) AND 9223372036854775807 \
                         THEN CAST({total} AS BIGINT) END"
                    );
                    d.from_int(&format!("({int})"))
                }
            },
        };
        Ok(format!(
            "(SELECT {body} FROM {} a WHERE {})",
            table.name,
            wh.join(" AND ")
        ))
    }
}

/// A PostgreSQL pattern matching the whole text as the Rust pattern `t` (an expression)
/// matches it: anchored at both ends. PostgreSQL takes flags only at the start of a
/// pattern, so a leading `(?i)`, `(?s)` or `(?is)` moves before the anchor; without `s`
/// each `.` is rewritten not to match a line break ([`super::dots`]), as in Rust.
fn anchored(t: &str) -> String {
    let flags = "'^\\(\\?[is]+\\)'";
    let dots = super::dots::DOT_FUNCTION;
    let rest = format!("substring({t} from '^\\(\\?[is]+\\)(.*)$')");
    format!(
        "(CASE WHEN {t} ~ {flags} THEN (CASE WHEN strpos(substring({t} from {flags}), 'i') > 0 \
         THEN '(?i)' ELSE '' END) || '^(?:' || (CASE WHEN strpos(substring({t} from {flags}), 's') > 0 \
         THEN {rest} ELSE {dots}({rest}) END) || ')$' \
         ELSE '^(?:' || {dots}({t}) || ')$' END)"
    )
}

fn unsupported(d: Dialect, name: &str, what: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::SqlUnsupported,
        format!(
            "`{name}` cannot be evaluated on {}: the dialect lacks {what}",
            d.name()
        ),
        span,
    )
    .with_label(format!("uses `{name}`"))
}

/// `sql` with every line indented by two spaces.
pub(super) fn indent(sql: &str) -> String {
    sql.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
