//! The abstract syntax of knowledge bases, as written.
//!
//! Every node that a diagnostic may point at carries a [`Span`]: a byte range in one
//! source text of a [`SourceMap`](crate::source::SourceMap). The checker (`check`) resolves it
//! into the typed program of `ir`.

use super::Const;
pub use crate::source::Span;
use std::fmt;

/// An argument of an atom: a variable, the wildcard `_`, or a constant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Atom {
    /// Predicate name.
    pub pred: String,
    /// Arguments, in order.
    pub args: Vec<Term>,
    /// Where the atom was written.
    pub span: Span,
    /// Where each argument was written (empty for atoms made by the tool).
    pub arg_spans: Vec<Span>,
}

impl Atom {
    /// Where argument `i` was written (the atom's span when unknown).
    pub fn arg_span(&self, i: usize) -> Span {
        self.arg_spans.get(i).copied().unwrap_or(self.span)
    }
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
    /// An aggregate `N = count : { … }`.
    Aggregate(Box<super::Aggregate>),
}

impl Literal {
    /// Where the literal was written.
    pub fn span(&self) -> Span {
        match self {
            Literal::Pos(a) | Literal::Neg(a) => a.span,
            Literal::Cmp { span, .. } => *span,
            Literal::Aggregate(g) => g.span,
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
            Literal::Aggregate(g) => {
                f(&g.result);
                g.each_inner_var(f);
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
            Literal::Aggregate(g) => write!(f, "{g}"),
        }
    }
}

/// A citation of a source: `@cite(source, "section", "quote", line)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

/// A clause: a fact (empty body) or a rule, with its annotations.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// `source name "title" url "…" text "FILE" sha256 "HEX".`
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceDecl {
    /// The name citations use.
    pub name: String,
    /// The document's title.
    pub title: String,
    /// Where the document is published, when given.
    pub url: Option<String>,
    /// The source's text as the knowledge base cites it, when pinned.
    pub text: Option<PinnedText>,
    /// Where it was declared.
    pub span: Span,
}

/// `text "FILE" sha256 "HEX"` of a source: the file holding the text citations quote
/// (relative to the declaring file; `.md` is Markdown, anything else plain text) and the
/// SHA-256 it must have.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PinnedText {
    /// The path as written.
    pub path: String,
    /// The expected SHA-256, lowercase hex, when given.
    pub sha256: Option<String>,
    /// Where it was written.
    pub span: Span,
}

/// The type of a declared column.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ColType {
    /// A symbol (`peer_cache`).
    Symbol,
    /// A string.
    String,
    /// A 64-bit integer.
    Integer,
    /// A version (`v"10.0.19045"`).
    Version,
    /// A boolean: the symbol `true` or `false`, nothing else (a file's or table's cell
    /// other than these is an error). It joins and compares as a symbol.
    Boolean,
}

impl ColType {
    /// The type called `name`, if any.
    pub fn from_name(name: &str) -> Option<ColType> {
        Some(match name {
            "symbol" => ColType::Symbol,
            "string" => ColType::String,
            "integer" => ColType::Integer,
            "version" => ColType::Version,
            "boolean" => ColType::Boolean,
            _ => return None,
        })
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            ColType::Symbol => "symbol",
            ColType::String => "string",
            ColType::Integer => "integer",
            ColType::Version => "version",
            ColType::Boolean => "boolean",
        }
    }

    /// Its name with its article: `an integer`, `a version`.
    pub fn with_article(self) -> &'static str {
        match self {
            ColType::Symbol => "a symbol",
            ColType::String => "a string",
            ColType::Integer => "an integer",
            ColType::Version => "a version",
            ColType::Boolean => "a boolean",
        }
    }

    /// The type a variable of this column joins and compares as: a boolean is a symbol.
    pub fn joins_as(self) -> ColType {
        match self {
            ColType::Boolean => ColType::Symbol,
            t => t,
        }
    }

    /// The type of a value (a symbol for `true` and `false`: the type of no value is
    /// boolean alone).
    pub fn of(c: &Const) -> ColType {
        match c {
            Const::Sym(_) => ColType::Symbol,
            Const::Str(_) => ColType::String,
            Const::Int(_) => ColType::Integer,
            Const::Version(_) => ColType::Version,
        }
    }

    /// Whether `c` is of this type.
    pub fn holds(self, c: &Const) -> bool {
        matches!(
            (self, c),
            (ColType::Symbol, Const::Sym(_))
                | (ColType::String, Const::Str(_))
                | (ColType::Integer, Const::Int(_))
                | (ColType::Version, Const::Version(_))
        ) || (self == ColType::Boolean && matches!(c, Const::Sym(s) if s == "true" || s == "false"))
    }
}

/// `decl pred(col, …) key(col, …) "doc".`: column names (each with an optional type `col:
/// integer`), keys and documentation of a predicate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PredDecl {
    /// Predicate name.
    pub name: String,
    /// Column names; their count is the predicate's arity.
    pub columns: Vec<String>,
    /// Column types, one per column (`None`: untyped).
    pub types: Vec<Option<ColType>>,
    /// Keys: each a set of column names that determine the other columns.
    pub keys: Vec<KeyDecl>,
    /// What the predicate means.
    pub doc: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// `key(col, …)` of a `decl`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyDecl {
    /// The columns, by name.
    pub columns: Vec<String>,
    /// Where it was written.
    pub span: Span,
}

/// `input p from "file".` or `output p to "file".`: a predicate's tuples read from or
/// written to a TSV or CSV file (the extension decides), relative to the declaring file.
///
/// `input p(a, b) from "file.csv".` reads a file whose first row is a header: the tuple's
/// arguments are the cells of the columns named `a` and `b`, found by name; a row with an
/// empty named cell gives no tuple. `from inventory "file"` reads the file in the inventory
/// folder given at load time (none given: no tuple). `from table "schema.view"` reads the
/// rows of a table or view of the database the knowledge base is evaluated on, each column
/// by name (the header's names, else the `decl`'s column names).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IoDecl {
    /// Predicate.
    pub pred: String,
    /// The path as written.
    pub path: String,
    /// The header columns read, in argument order (`None`: every field, by position).
    pub header: Option<Vec<String>>,
    /// Whether the path is relative to the inventory folder.
    pub inventory: bool,
    /// Whether the "path" names a table or view of the database (`from table`).
    pub table: bool,
    /// Where it was declared.
    pub span: Span,
}

/// `include "FILE".`: another knowledge-base file, relative to the including one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IncludeDecl {
    /// The path as written.
    pub path: String,
    /// Where it was written.
    pub span: Span,
}

/// The statements of one or more `.kb` texts.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Program {
    /// `include` declarations.
    pub includes: Vec<IncludeDecl>,
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
    /// `unencoded` declarations: statements of pinned texts deliberately not encoded.
    pub unencoded: Vec<super::UnencodedDecl>,
}

impl Program {
    /// Appends the statements of `other`.
    pub fn extend(&mut self, other: Program) {
        self.includes.extend(other.includes);
        self.clauses.extend(other.clauses);
        self.sources.extend(other.sources);
        self.decls.extend(other.decls);
        self.inputs.extend(other.inputs);
        self.outputs.extend(other.outputs);
        self.unencoded.extend(other.unencoded);
    }
}
