//! Diagnostics as data: a [`Code`] from one registry, a message, a place, and the label and
//! help a reader needs. Every stage returns its problems as [`Diagnostic`]s; they are rendered
//! once, as text ([`SourceMap::render`](super::SourceMap::render)) or JSON.

use super::Span;
use std::fmt;

/// How bad a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; does not stop anything.
    Warning,
    /// The input is rejected.
    Error,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $label:literal;)*) => {
        /// Every kind of problem the tool reports, with its stable name (shown as
        /// `error[NAME]` and in JSON as `code`) and the default text under the caret.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable name, e.g. `unknown-predicate`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The text under the caret when the diagnostic gives none.
            pub fn default_label(self) -> &'static str {
                match self { $(Code::$variant => $label,)* }
            }
        }
    };
}

codes! {
    /// The text does not follow the grammar.
    Syntax = "syntax", "here";
    /// Parentheses or operators nested too deep to parse safely.
    Nesting = "nesting", "too deep";
    /// An integer literal outside 64 bits.
    IntegerOverflow = "integer-overflow", "out of range";
    /// An atom with the wrong number of arguments.
    Arity = "arity", "wrong number of arguments";
    /// A built-in predicate declared, defined or read from a file.
    BuiltinRedefined = "builtin-redefined", "built-in";
    /// `why` asked of a built-in.
    BuiltinWhy = "builtin-why", "built-in";
    /// A predicate declared twice.
    DuplicateDecl = "duplicate-decl", "declared again here";
    /// A source declared twice.
    DuplicateSource = "duplicate-source", "declared again here";
    /// A goal-directed argument left free by a query.
    InputNeeded = "input-needed", "left free here";
    /// A predicate read from a file without a `decl`.
    InputUndeclared = "input-undeclared", "needs a decl";
    /// A fact with a variable.
    NonGroundFact = "non-ground-fact", "variable in a fact";
    /// A rule the evaluator cannot run after rewriting (an internal inconsistency).
    NotEvaluable = "not-evaluable", "unbound";
    /// A regular expression that does not compile.
    Regex = "regex", "this pattern";
    /// A predicate nothing defines.
    UnknownPredicate = "unknown-predicate", "no fact, rule or decl defines it";
    /// A citation of an undeclared source.
    UnknownSource = "unknown-source", "cited here";
    /// A variable that no positive literal binds.
    UnsafeVariable = "unsafe-variable", "unbound here";
    /// Negation through recursion.
    Unstratifiable = "unstratifiable", "negated here";
    /// `_` inside an arithmetic expression or comparison.
    WildcardInExpression = "wildcard-in-expression", "`_` here";
    /// A variable used once in a clause.
    SingletonVariable = "singleton-variable", "used once";
    /// Overflow or division by zero made a literal fail.
    Arithmetic = "arithmetic", "here";
    /// `why #K` of a handle that does not exist.
    NoHandle = "no-handle", "unknown handle";
    /// A file that cannot be read or written.
    Io = "io", "here";
    /// A fact file (TSV/CSV) with a bad row.
    Input = "input", "read here";
    /// A resource limit stopped the work.
    Limit = "limit", "here";
    /// The user cancelled the work.
    Cancelled = "cancelled", "here";
    /// A trace that cannot be read.
    Trace = "trace", "here";
    /// A value of the wrong type at a typed column, or a join or comparison across types.
    Type = "type", "wrong type";
    /// A `key(…)` naming a column the `decl` does not have.
    UnknownColumn = "unknown-column", "not a column";
    /// Two tuples for one value of a declared key.
    KeyViolation = "key-violation", "declared here";
    /// A fact with no citation in a knowledge base that declares sources.
    UncitedFact = "uncited-fact", "no @cite";
    /// A citation or note quoting nothing.
    EmptyQuote = "empty-quote", "empty";
    /// A citation's line is not a line of the pinned text.
    CitationLine = "citation-line", "no such line";
    /// A quote that is not in the pinned text.
    QuoteNotFound = "quote-not-found", "not in the source";
    /// A quote that is in the pinned text, at another line than the one cited.
    QuoteElsewhere = "quote-elsewhere", "at another line";
    /// A pinned text that cannot be read.
    SourceText = "source-text", "pinned here";
    /// An `include` that cannot be read, repeats a file, or closes a cycle.
    Include = "include", "included here";
    /// An aggregate written so it cannot mean what it says (its result in its own body, a
    /// value variable it does not bind, a body that needs inputs).
    Aggregate = "aggregate", "this aggregate";
    /// A pinned text whose SHA-256 is not the one the knowledge base pins.
    SourceChanged = "source-changed", "pinned here";
    /// A pinned text without a SHA-256: a change to it would go unnoticed.
    SourceUnpinned = "source-unpinned", "no hash here";
    /// An `unencoded` mark on a line that is not one of the text's, or starts no statement.
    MarkLine = "mark-line", "no statement here";
    /// An `unencoded` mark on a statement a clause cites (or with nothing left to mark).
    MarkCited = "mark-cited", "cited elsewhere";
    /// An `unencoded` mark on a statement another mark already covers.
    MarkTwice = "mark-twice", "marked already";
    /// An `unencoded` mark with an empty reason.
    MarkReason = "mark-reason", "no reason";
    /// An `unencoded` mark of a source that pins no text.
    MarkText = "mark-text", "no pinned text";
    /// An expectation of a query file that no answer could meet (an unknown source or
    /// predicate, a row of the wrong width, a negative count): a mistake in the test.
    Expectation = "expectation", "this expectation";
    /// A rule the chosen SQL dialect cannot evaluate with the engine's meaning (a built-in
    /// or aggregate it lacks).
    SqlUnsupported = "sql-unsupported", "not in this SQL dialect";
    /// A database that cannot be opened, or a statement it refused.
    Database = "database", "here";
    /// A database that cannot start a transaction (another process holds it locked past
    /// the wait): the user's to retry, not a fault of the statements.
    DatabaseUnavailable = "database-unavailable", "here";
    /// A `:` command of the session that does not exist or was given a wrong argument.
    Command = "command", "this command";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// By name, as [`Code::as_str`] writes it.
impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown code `{name}`")))
    }
}

/// One problem found in a source text (or in no single place).
///
/// JSON leaves the span out (a message's location is written beside it); a binary form
/// (the cache of a loaded knowledge base) keeps it, so what is read back is what was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub code: Code,
    /// One sentence saying what is wrong.
    pub message: String,
    /// Where; `None` for problems of no single place.
    pub span: Option<Span>,
    /// The text under the caret (the code's default label when `None`).
    pub label: Option<String>,
    /// What to do about it (e.g. "did you mean `status`?").
    pub help: Option<String>,
}

/// [`Diagnostic`]'s fields, for (de)serialising; `span` is skipped in human-readable forms.
#[derive(serde::Serialize, serde::Deserialize)]
struct DiagnosticRepr {
    severity: Severity,
    code: Code,
    message: String,
    span: Option<Span>,
    label: Option<String>,
    help: Option<String>,
}

#[derive(serde::Serialize)]
struct DiagnosticJson<'a> {
    severity: Severity,
    code: Code,
    message: &'a str,
    label: &'a Option<String>,
    help: &'a Option<String>,
}

impl serde::Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return DiagnosticJson {
                severity: self.severity,
                code: self.code,
                message: &self.message,
                label: &self.label,
                help: &self.help,
            }
            .serialize(s);
        }
        DiagnosticRepr {
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
            span: self.span,
            label: self.label.clone(),
            help: self.help.clone(),
        }
        .serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = DiagnosticRepr::deserialize(d)?;
        Ok(Diagnostic {
            severity: r.severity,
            code: r.code,
            message: r.message,
            span: r.span,
            label: r.label,
            help: r.help,
        })
    }
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(code: Code, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: Some(span),
            label: None,
            help: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(code: Code, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span)
        }
    }

    /// An error of no single place (a missing file, a limit).
    pub fn unplaced(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            span: None,
            ..Diagnostic::error(code, message, Span::default())
        }
    }

    /// Sets the text under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the help line when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The label shown under the caret.
    pub fn label_text(&self) -> &str {
        self.label
            .as_deref()
            .unwrap_or_else(|| self.code.default_label())
    }
}

/// `n` and the noun, plural unless `n` is 1: `plural(2, "row")` is `2 rows`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// As [`plural`], for a noun whose plural is not its singular and `s`:
/// `plural_as(2, "stratum", "strata")` is `2 strata`.
pub fn plural_as(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn irregular_plurals() {
        assert_eq!(plural_as(1, "query", "queries"), "1 query");
        assert_eq!(plural_as(3, "stratum", "strata"), "3 strata");
    }

    #[test]
    fn codes_have_distinct_stable_names() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
        assert_eq!(Code::UnknownPredicate.to_string(), "unknown-predicate");
        assert_eq!(plural(1, "row"), "1 row");
        assert_eq!(plural(0, "row"), "0 rows");
    }
}
