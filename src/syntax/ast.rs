//! The abstract syntax of knowledge bases and queries.
//!
//! Every node that a diagnostic may point at carries a [`Span`]: a byte range in one
//! source text of a [`SourceMap`](crate::syntax::SourceMap).

use std::fmt;

/// A byte range `start..end` in the source text numbered `file` of a
/// [`SourceMap`](crate::syntax::SourceMap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// Index of the source text in its [`SourceMap`](crate::syntax::SourceMap).
    pub file: usize,
    /// First byte (inclusive).
    pub start: usize,
    /// Last byte (exclusive).
    pub end: usize,
}

/// A ground value: a symbol (`peer_cache`), a string (`"cmg-prod"`) or a 64-bit signed integer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Const {
    /// A lowercase identifier.
    Sym(String),
    /// A double-quoted Unicode string (escapes already resolved).
    Str(String),
    /// A 64-bit signed integer.
    Int(i64),
}

impl fmt::Display for Const {
    /// As written in the language: strings quoted with `\"`, `\\`, `\n`, `\t`, `\r` escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Const::Sym(s) => write!(f, "{s}"),
            Const::Str(s) => {
                write!(f, "\"")?;
                for c in s.chars() {
                    match c {
                        '"' => write!(f, "\\\"")?,
                        '\\' => write!(f, "\\\\")?,
                        '\n' => write!(f, "\\n")?,
                        '\t' => write!(f, "\\t")?,
                        '\r' => write!(f, "\\r")?,
                        c => write!(f, "{c}")?,
                    }
                }
                write!(f, "\"")
            }
            Const::Int(i) => write!(f, "{i}"),
        }
    }
}

impl Const {
    /// Reads a constant back from its [`Display`](fmt::Display) text: `"…"` is a string
    /// (escapes resolved), anything else a symbol. Integers travel as JSON numbers.
    pub fn from_literal(text: &str) -> Const {
        match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(body) if text.len() >= 2 => Const::Str(unescape(body)),
            _ => Const::Sym(text.to_string()),
        }
    }
}

/// The text of a string literal's body with its escapes (`\"`, `\\`, `\n`, `\t`, `\r`)
/// resolved; any other escaped character stands for itself.
pub fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// JSON: integers as numbers, symbols and strings as their literal text (`peer_cache`,
/// `"cmg-prod"` with its quotes), so a trace reads back exactly.
impl serde::Serialize for Const {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Const::Int(i) => s.serialize_i64(*i),
            other => s.serialize_str(&other.to_string()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Const {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Text(String),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Int(i) => Const::Int(i),
            Raw::Text(t) => Const::from_literal(&t),
        })
    }
}

/// An argument of an atom: a variable, the wildcard `_`, or a constant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    /// A named variable (`X`, `_Name`).
    Var(String),
    /// The anonymous variable `_`: any value, never shared.
    Wildcard,
    /// A constant.
    Const(Const),
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Var(v) => write!(f, "{v}"),
            Term::Wildcard => write!(f, "_"),
            Term::Const(c) => write!(f, "{c}"),
        }
    }
}

/// An atom `pred(t1, …, tn)`; `pred` alone is the nullary atom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Atom {
    /// Predicate name.
    pub pred: String,
    /// Arguments, in order.
    pub args: Vec<Term>,
    /// Where the atom was written.
    pub span: Span,
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.pred)?;
        if !self.args.is_empty() {
            write!(f, "(")?;
            for (i, a) in self.args.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{a}")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

/// Integer arithmetic operators of comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`, truncating toward zero.
    Div,
    /// `mod`: the remainder, with the sign of the dividend.
    Rem,
}

/// An arithmetic expression over terms.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A single term.
    Term(Term),
    /// `lhs op rhs`.
    Binary(Box<Expr>, ArithOp, Box<Expr>),
}

impl Expr {
    /// Calls `f` on every variable name in the expression, left to right.
    pub fn each_var<'a>(&'a self, f: &mut impl FnMut(&'a str)) {
        match self {
            Expr::Term(Term::Var(v)) => f(v),
            Expr::Term(_) => {}
            Expr::Binary(l, _, r) => {
                l.each_var(f);
                r.each_var(f);
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Term(t) => write!(f, "{t}"),
            Expr::Binary(l, op, r) => {
                let sym = match op {
                    ArithOp::Add => "+",
                    ArithOp::Sub => "-",
                    ArithOp::Mul => "*",
                    ArithOp::Div => "/",
                    ArithOp::Rem => "mod",
                };
                let wrap = |e: &Expr| matches!(e, Expr::Binary(..));
                if wrap(l) {
                    write!(f, "({l})")?;
                } else {
                    write!(f, "{l}")?;
                }
                write!(f, " {sym} ")?;
                if wrap(r) {
                    write!(f, "({r})")
                } else {
                    write!(f, "{r}")
                }
            }
        }
    }
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`: binds an unbound variable side, tests equality otherwise.
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A body literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Literal {
    /// A positive atom (a predicate or a built-in).
    Pos(Atom),
    /// A negated atom `!a`: holds when no matching tuple exists (or the built-in fails).
    Neg(Atom),
    /// A comparison `lhs op rhs`.
    Cmp {
        /// Left side.
        lhs: Expr,
        /// Operator.
        op: CmpOp,
        /// Right side.
        rhs: Expr,
        /// Where it was written.
        span: Span,
    },
}

impl Literal {
    /// Where the literal was written.
    pub fn span(&self) -> Span {
        match self {
            Literal::Pos(a) | Literal::Neg(a) => a.span,
            Literal::Cmp { span, .. } => *span,
        }
    }

    /// Calls `f` on every named variable of the literal.
    pub fn each_var<'a>(&'a self, f: &mut impl FnMut(&'a str)) {
        match self {
            Literal::Pos(a) | Literal::Neg(a) => {
                for t in &a.args {
                    if let Term::Var(v) = t {
                        f(v)
                    }
                }
            }
            Literal::Cmp { lhs, rhs, .. } => {
                lhs.each_var(f);
                rhs.each_var(f);
            }
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Pos(a) => write!(f, "{a}"),
            Literal::Neg(a) => write!(f, "!{a}"),
            Literal::Cmp { lhs, op, rhs, .. } => write!(f, "{lhs} {} {rhs}", op.as_str()),
        }
    }
}

/// A citation of a source: `@cite(source, "section", "quote", line)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Citation {
    /// The declared source's name.
    pub source: String,
    /// The section of the source (e.g. "Feature table, row 'Peer cache'").
    pub section: String,
    /// The quoted sentence.
    pub quote: String,
    /// The line of the source text the quote stands on, when given.
    pub line: Option<i64>,
    /// Where the annotation was written.
    pub span: Span,
}

/// Whether an annotation cites the source or attaches one of its notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnnotationKind {
    /// `@cite(…)`
    Cite,
    /// `@note(…)`
    Note,
}

/// A clause: a fact (empty body) or a rule, with its annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The head atom.
    pub head: Atom,
    /// The body literals, as written.
    pub body: Vec<Literal>,
    /// `@cite` annotations.
    pub cites: Vec<Citation>,
    /// `@note` annotations (same shape as citations; the section is the note's title).
    pub notes: Vec<Citation>,
    /// The whole clause, annotations excluded.
    pub span: Span,
}

impl Clause {
    /// True for a clause without a body.
    pub fn is_fact(&self) -> bool {
        self.body.is_empty()
    }
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.head)?;
        if !self.body.is_empty() {
            write!(f, " :- ")?;
            for (i, l) in self.body.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{l}")?;
            }
        }
        write!(f, ".")
    }
}

/// `source name "title" url "…".`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDecl {
    /// The name citations use.
    pub name: String,
    /// The document's title.
    pub title: String,
    /// Where the document is published, when given.
    pub url: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// `decl pred(col, …) "doc".`: column names and documentation of a predicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredDecl {
    /// Predicate name.
    pub name: String,
    /// Column names; their count is the predicate's arity.
    pub columns: Vec<String>,
    /// What the predicate means.
    pub doc: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// `input p from "file".` or `output p to "file".`: a predicate's tuples read from or
/// written to a TSV or CSV file (the extension decides), relative to the declaring file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoDecl {
    /// Predicate.
    pub pred: String,
    /// The path as written.
    pub path: String,
    /// Where it was declared.
    pub span: Span,
}

/// The statements of one or more `.kb` texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Program {
    /// Clauses in source order.
    pub clauses: Vec<Clause>,
    /// Declared sources.
    pub sources: Vec<SourceDecl>,
    /// Predicate declarations.
    pub decls: Vec<PredDecl>,
    /// `input` declarations.
    pub inputs: Vec<IoDecl>,
    /// `output` declarations.
    pub outputs: Vec<IoDecl>,
}

impl Program {
    /// Appends the statements of `other`.
    pub fn extend(&mut self, other: Program) {
        self.clauses.extend(other.clauses);
        self.sources.extend(other.sources);
        self.decls.extend(other.decls);
        self.inputs.extend(other.inputs);
        self.outputs.extend(other.outputs);
    }
}

/// A query, as typed in the REPL, given on the command line, or read from a query file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// `?- l1, …, ln`: all bindings of the body's variables.
    Conjunctive {
        /// The body.
        body: Vec<Literal>,
        /// Where it was written.
        span: Span,
    },
    /// `p? a1 … ak`: asks `p(a1, …, ak, V…)`; the free trailing columns are the answer.
    Question {
        /// The predicate asked.
        pred: String,
        /// The given arguments (constants or `_`).
        args: Vec<Term>,
        /// Where it was written.
        span: Span,
    },
    /// `why ATOM`: the proof tree of a tuple.
    Why(Atom),
    /// `why not ATOM`: why a tuple is not derived.
    WhyNot(Atom),
    /// `why #K`: expands handle `K` of an explanation cut by a depth limit.
    Handle {
        /// The handle's number.
        number: usize,
        /// Where it was written.
        span: Span,
    },
}

impl Query {
    /// Where the query was written.
    pub fn span(&self) -> Span {
        match self {
            Query::Conjunctive { span, .. }
            | Query::Question { span, .. }
            | Query::Handle { span, .. } => *span,
            Query::Why(a) | Query::WhyNot(a) => a.span,
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Conjunctive { body, .. } => {
                write!(f, "?- ")?;
                for (i, l) in body.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{l}")?;
                }
                Ok(())
            }
            Query::Question { pred, args, .. } => {
                write!(f, "{pred}?")?;
                for a in args {
                    write!(f, " {a}")?;
                }
                Ok(())
            }
            Query::Why(a) => write!(f, "why {a}"),
            Query::WhyNot(a) => write!(f, "why not {a}"),
            Query::Handle { number, .. } => write!(f, "why #{number}"),
        }
    }
}

/// An expectation of a query file, checked against the answer of the query before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// `expect VALUE.`: the verdict (a question's answer value, `unknown`, or for other
    /// queries `yes` / `no`).
    Verdict(Const),
    /// `expect rows N.`: the number of answer rows.
    Rows(i64),
    /// `expect rows (…), (…).`: exactly these rows, in any order.
    ExactRows(Vec<Vec<Const>>),
    /// `expect row (c1, …).`: the answer contains this row.
    Row(Vec<Const>),
    /// `expect uses P.` / `expect uses "file:line".`: some proof uses a clause of predicate
    /// `P`, or the clause written at that place (the file's path may be given by its end).
    Uses(String),
    /// `expect cites S [LINE].`: some proof cites source `S` (at that line).
    Cites(String, Option<i64>),
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::Verdict(c) => write!(f, "expect {c}"),
            Expectation::Rows(n) => write!(f, "expect rows {n}"),
            Expectation::ExactRows(rows) => {
                let rows: Vec<String> = rows.iter().map(|r| row_text(r)).collect();
                write!(f, "expect rows {}", rows.join(", "))
            }
            Expectation::Row(r) => write!(f, "expect row {}", row_text(r)),
            Expectation::Uses(u) if u.contains(':') => write!(f, "expect uses {u:?}"),
            Expectation::Uses(u) => write!(f, "expect uses {u}"),
            Expectation::Cites(s, None) => write!(f, "expect cites {s}"),
            Expectation::Cites(s, Some(l)) => write!(f, "expect cites {s} {l}"),
        }
    }
}

/// `(c1, …, cn)`, as rows are written in expectations and reports.
pub fn row_text(r: &[Const]) -> String {
    let v: Vec<String> = r.iter().map(Const::to_string).collect();
    format!("({})", v.join(", "))
}

/// A query of a query file with the expectations that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptItem {
    /// The query.
    pub query: Query,
    /// Its expectations, with where each was written.
    pub expectations: Vec<(Expectation, Span)>,
}

/// A parsed query file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// `kb "PATH".`: the knowledge base the file asks, relative to the file, with where it
    /// was written.
    pub kb: Option<(String, Span)>,
    /// The queries, in order.
    pub items: Vec<ScriptItem>,
}
