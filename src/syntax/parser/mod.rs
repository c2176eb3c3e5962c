//! The pest parser (grammar in `grammar/kb.pest`) and the conversion of its parse tree
//! into the AST, keeping the span of every node.

mod body;
mod errors;
mod hints;
mod query;
mod unencoded;

use super::*;
use crate::source::{Code, Diagnostic};
use body::{atom, body, constant, term};
pub use errors::MAX_NESTING;
use errors::{check_nesting, syntax_error};
use pest::Parser as _;
use pest::iterators::Pair;
use query::{expectation, query};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/kb.pest"]
struct KbParser;

/// Runs the parser; a failure becomes a diagnostic at the token that failed.
fn parse(
    rule: Rule,
    text: &str,
    file: usize,
) -> Result<pest::iterators::Pairs<'_, Rule>, Diagnostic> {
    KbParser::parse(rule, text).map_err(|first| {
        // The parser records what it tried at its furthest position only when asked, and
        // recording slows every parse: ask once some text has failed, and parse it again.
        pest::set_error_detail(true);
        let detailed = KbParser::parse(rule, text).err().unwrap_or(first);
        syntax_error(detailed, file, text)
    })
}

/// Parses a knowledge-base text (`.kb`) numbered `file` in its source map.
///
/// Errors: the first syntax error, with its span; integers outside 64 bits; nesting deeper
/// than [`MAX_NESTING`].
pub fn parse_kb(text: &str, file: usize) -> Result<Program, Diagnostic> {
    check_nesting(text, file)?;
    let pairs = parse(Rule::kb, text, file)?;
    let mut program = Program::default();
    for pair in pairs.flatten().filter(|p| p.as_rule() != Rule::kb) {
        match pair.as_rule() {
            Rule::clause => program.clauses.push(clause(pair, file)?),
            Rule::source_decl => program.sources.push(source_decl(pair, file)),
            Rule::pred_decl => program.decls.push(pred_decl(pair, file)?),
            Rule::input_decl => program.inputs.push(io_decl(pair, file)),
            Rule::output_decl => program.outputs.push(io_decl(pair, file)),
            Rule::unencoded_decl => program
                .unencoded
                .push(unencoded::unencoded_decl(pair, file)?),
            Rule::include_decl => {
                let span = span_of(&pair, file);
                let path = pair
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::string)
                    .map(string_value)
                    .unwrap_or_default();
                program.includes.push(IncludeDecl { path, span });
            }
            _ => {}
        }
    }
    Ok(program)
}

/// Parses one query (REPL line or command-line argument; the final `.` is optional).
///
/// Errors: as [`parse_kb`].
pub fn parse_query(text: &str, file: usize) -> Result<Query, Diagnostic> {
    check_nesting(text, file)?;
    let mut pairs = parse(Rule::query_line, text, file)?;
    let line = pairs.next().expect("query_line matched");
    let q = line.into_inner().next().expect("a query inside query_line");
    query(q, file)
}

/// Parses a query file (`.kbq`): queries each ending in `.`, each followed by its
/// `expect …` lines.
///
/// Errors: as [`parse_kb`].
pub fn parse_script(text: &str, file: usize) -> Result<Script, Diagnostic> {
    check_nesting(text, file)?;
    let mut pairs = parse(Rule::query_file, text, file)?;
    let mut items: Vec<ScriptItem> = Vec::new();
    let mut kb = None;
    let mut setup = Vec::new();
    let mut inventory = None;
    for p in pairs.next().expect("query_file matched").into_inner() {
        match p.as_rule() {
            Rule::scenario => setup.push(scenario(p, file)?),
            Rule::kb_use => {
                let span = span_of(&p, file);
                let path = p
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::string)
                    .map(string_value)
                    .unwrap_or_default();
                kb = Some(KbUse { path, span });
            }
            Rule::inventory_use => {
                let span = span_of(&p, file);
                let path = p
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::string)
                    .map(string_value)
                    .unwrap_or_default();
                inventory = Some(KbUse { path, span });
            }
            Rule::expectation => {
                let span = span_of(&p, file);
                let expectation = expectation(p, file)?;
                items
                    .last_mut()
                    .expect("grammar puts a query first")
                    .expectations
                    .push(ExpectationAt { expectation, span });
            }
            Rule::EOI | Rule::dot => {}
            _ => items.push(ScriptItem {
                setup: std::mem::take(&mut setup),
                query: query(p, file)?,
                expectations: Vec::new(),
            }),
        }
    }
    Ok(Script {
        kb,
        inventory,
        items,
    })
}

/// `assume FACT.` / `retract FACT.`; the fact must be ground.
fn scenario(p: Pair<Rule>, file: usize) -> Result<ScenarioStep, Diagnostic> {
    let span = span_of(&p, file);
    let mut inner = p.into_inner();
    let assume = inner.next().expect("keyword").as_rule() == Rule::kw_assume;
    let fact = atom(inner.next().expect("atom"), file)?;
    if let Some(t) = fact.args.iter().find(|t| !matches!(t, Term::Const(_))) {
        return Err(Diagnostic::error(
            Code::NonGroundFact,
            format!(
                "`{}` needs a fact: `{t}` is not a value",
                if assume { "assume" } else { "retract" }
            ),
            span,
        )
        .with_help("write every argument as a value: `assume site(hq).`"));
    }
    Ok(ScenarioStep { assume, fact, span })
}

/// A statement typed at the REPL or piped to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Statement {
    /// A query.
    Query(Query),
    /// Clauses and declarations to add to the knowledge base.
    Clauses(Program),
}

/// Parses a REPL statement: a query if it reads as one, else knowledge-base text.
///
/// Errors: when it is neither, the syntax error of the reading that got further.
pub fn parse_statement(text: &str, file: usize) -> Result<Statement, Diagnostic> {
    let as_query = parse_query(text, file);
    if let Ok(q) = as_query {
        return Ok(Statement::Query(q));
    }
    let as_kb = parse_kb(text, file);
    match (as_kb, as_query) {
        (Ok(p), _) => Ok(Statement::Clauses(p)),
        (Err(k), Err(q)) => {
            let at = |d: &Diagnostic| d.span.map_or(0, |s| s.start);
            // A line that starts like a query (`?-`, `why`, `p?`) is judged as one.
            let query_like = text.trim_start().starts_with("?-")
                || text.trim_start().starts_with("why ")
                || text.trim_start().starts_with("why#")
                || text.split_once('?').is_some_and(|(p, _)| {
                    !p.trim().is_empty()
                        && p.trim().chars().all(|c| c.is_alphanumeric() || c == '_')
                });
            Err(if query_like || at(&q) > at(&k) { q } else { k })
        }
        (Err(k), Ok(_)) => Err(k),
    }
}

/// True when `text` is an unfinished statement: neither a query nor complete knowledge-base
/// text, and not yet ended by `.` (the REPL then reads another line). A string left open at
/// the end of a line never is: a string does not span lines, so the statement is an error
/// there, and the next line is not read into it.
pub fn is_incomplete(text: &str) -> bool {
    if text.lines().any(|l| scan(l).1) {
        return false;
    }
    let code: String = text
        .lines()
        .map(strip_comment)
        .collect::<Vec<_>>()
        .join("\n");
    let trimmed = code.trim_end();
    if trimmed.is_empty() || trimmed.ends_with('.') {
        return false;
    }
    KbParser::parse(Rule::query_line, text).is_err() && KbParser::parse(Rule::kb, text).is_err()
}

fn strip_comment(line: &str) -> &str {
    scan(line).0
}

/// A line without its comment, and whether a string is still open at its end.
fn scan(line: &str) -> (&str, bool) {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, false, '"') => in_string = !in_string,
            (false, _, '%') => return (&line[..i], false),
            _ => {}
        }
    }
    (line, in_string)
}

fn span_of(p: &Pair<Rule>, file: usize) -> Span {
    let s = p.as_span();
    Span::new(file, s.start(), s.end())
}

fn string_value(p: Pair<Rule>) -> String {
    unescape(p.into_inner().next().map(|b| b.as_str()).unwrap_or(""))
}

fn integer_value(p: &Pair<Rule>, file: usize) -> Result<i64, Diagnostic> {
    p.as_str().parse::<i64>().map_err(|_| {
        Diagnostic::error(
            Code::IntegerOverflow,
            format!("integer {} does not fit in 64 bits", p.as_str()),
            span_of(p, file),
        )
        .with_label("out of range")
        .with_help("integers range from -9223372036854775808 to 9223372036854775807")
    })
}

fn annotation(p: Pair<Rule>, file: usize) -> Result<Citation, Diagnostic> {
    let span = span_of(&p, file);
    let mut inner = p.into_inner();
    let source = inner.next().expect("source").as_str().to_string();
    let section = string_value(inner.next().expect("section"));
    let quote = string_value(inner.next().expect("quote"));
    let line = inner.next().map(|l| integer_value(&l, file)).transpose()?;
    Ok(Citation {
        source,
        section,
        quote,
        line,
        span,
    })
}

fn clause(p: Pair<Rule>, file: usize) -> Result<Clause, Diagnostic> {
    let mut cites = Vec::new();
    let mut notes = Vec::new();
    let mut head = None;
    let mut lits = Vec::new();
    let mut start = None;
    let end = p.as_span().end();
    for part in p.into_inner() {
        match part.as_rule() {
            Rule::cite => cites.push(annotation(part, file)?),
            Rule::note => notes.push(annotation(part, file)?),
            Rule::atom => {
                start = Some(part.as_span().start());
                head = Some(atom(part, file)?);
            }
            Rule::body => lits = body(part, file)?,
            _ => {}
        }
    }
    let head = head.expect("clause has a head");
    let span = Span {
        file,
        start: start.unwrap_or(head.span.start),
        end,
    };
    Ok(Clause {
        head,
        body: lits,
        cites,
        notes,
        span,
    })
}

fn source_decl(p: Pair<Rule>, file: usize) -> SourceDecl {
    let span = span_of(&p, file);
    let mut name = String::new();
    let mut strings = Vec::new();
    let mut text = None;
    for part in p.into_inner() {
        match part.as_rule() {
            Rule::symbol => name = part.as_str().to_string(),
            Rule::string => strings.push(string_value(part)),
            Rule::source_text => {
                let span = span_of(&part, file);
                let mut s = part
                    .into_inner()
                    .filter(|x| x.as_rule() == Rule::string)
                    .map(string_value);
                text = Some(PinnedText {
                    path: s.next().unwrap_or_default(),
                    sha256: s.next(),
                    span,
                });
            }
            _ => {}
        }
    }
    let mut strings = strings.into_iter();
    let title = strings.next().unwrap_or_default();
    SourceDecl {
        name,
        title,
        url: strings.next(),
        text,
        span,
    }
}

fn io_decl(p: Pair<Rule>, file: usize) -> IoDecl {
    let span = span_of(&p, file);
    let mut pred = String::new();
    let mut path = String::new();
    let mut header = None;
    let mut inventory = false;
    let mut table = false;
    for part in p.into_inner() {
        match part.as_rule() {
            Rule::symbol => pred = part.as_str().to_string(),
            Rule::string => path = string_value(part),
            Rule::input_columns => {
                header = Some(part.into_inner().map(|c| c.as_str().to_string()).collect());
            }
            Rule::inventory_mark => inventory = true,
            Rule::table_mark => table = true,
            _ => {}
        }
    }
    IoDecl {
        pred,
        path,
        header,
        inventory,
        table,
        span,
    }
}

fn pred_decl(p: Pair<Rule>, file: usize) -> Result<PredDecl, Diagnostic> {
    let span = span_of(&p, file);
    let mut names = Vec::new();
    let mut types = Vec::new();
    let mut keys = Vec::new();
    let mut doc = None;
    for part in p.into_inner() {
        match part.as_rule() {
            Rule::symbol => names.push(part.as_str().to_string()),
            Rule::column => {
                let mut inner = part.into_inner();
                names.push(
                    inner
                        .next()
                        .map(|n| n.as_str().to_string())
                        .unwrap_or_default(),
                );
                types.push(match inner.next() {
                    Some(t) => Some(ColType::from_name(t.as_str()).ok_or_else(|| {
                        Diagnostic::error(
                            Code::Syntax,
                            format!("unknown column type `{}`", t.as_str()),
                            span_of(&t, file),
                        )
                        .with_help("the types are symbol, string, integer, version and boolean")
                    })?),
                    None => None,
                });
            }
            Rule::string => doc = Some(string_value(part)),
            Rule::key_decl => keys.push(KeyDecl {
                span: span_of(&part, file),
                columns: part
                    .into_inner()
                    .filter(|x| x.as_rule() == Rule::symbol)
                    .map(|x| x.as_str().to_string())
                    .collect(),
            }),
            _ => {}
        }
    }
    let name = names.remove(0);
    Ok(PredDecl {
        name,
        columns: names,
        types,
        keys,
        doc,
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_facts_rules_and_annotations() {
        let p = parse_kb(
            "% c\nsource cmg \"T\" url \"u\".\n@cite(cmg, \"s\", \"q\", 3)\nstatus(peer_cache, not_supported).\n\
             r(X, Z) :- r(X, Y), e(Y, Z), !b(Y), Z != 3, W = Z + 1 * 2.",
            0,
        )
        .unwrap();
        assert_eq!(p.sources[0].url.as_deref(), Some("u"));
        assert_eq!(p.clauses.len(), 2);
        assert_eq!(p.clauses[0].cites[0].line, Some(3));
        assert_eq!(
            p.clauses[1].to_string(),
            "r(X, Z) :- r(X, Y), e(Y, Z), !b(Y), Z != 3, W = Z + (1 * 2)."
        );
    }

    #[test]
    fn keywords_need_a_boundary() {
        let p = parse_kb("sourcex(a). decl_thing(b). why(c).", 0).unwrap();
        assert_eq!(p.clauses.len(), 3);
    }

    #[test]
    fn queries() {
        assert!(matches!(
            parse_query("supported? peer_cache", 0),
            Ok(Query::Question { .. })
        ));
        assert!(matches!(
            parse_query("why not p(a)", 0),
            Ok(Query::WhyNot(_))
        ));
        assert!(matches!(parse_query("why not_p(a).", 0), Ok(Query::Why(_))));
        assert!(matches!(
            parse_query("?- p(X), !q(X).", 0),
            Ok(Query::Conjunctive { .. })
        ));
        assert!(parse_query("p(", 0).is_err());
    }

    #[test]
    fn scripts_attach_expectations() {
        let s = parse_script(
            "kb \"lifecycle\".\np? a.\nexpect no.\nexpect rows 1.\n?- q(X).\nexpect row (b, 2).\n\
             expect rows (b, 2), (c, \"x\").\nexpect uses q.\nexpect uses \"q.kb:3\".\nexpect cites cmg 59.\nexpect cites cmg.\n",
            0,
        )
        .unwrap();
        assert_eq!(s.kb.as_ref().map(|k| k.path.as_str()), Some("lifecycle"));
        let s = s.items;
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].expectations.len(), 2);
        let e: Vec<&Expectation> = s[1].expectations.iter().map(|e| &e.expectation).collect();
        assert_eq!(
            *e[0],
            Expectation::Row(vec![Const::Sym("b".into()), Const::Int(2)])
        );
        assert_eq!(
            *e[1],
            Expectation::ExactRows(vec![
                vec![Const::Sym("b".into()), Const::Int(2)],
                vec![Const::Sym("c".into()), Const::Str("x".into())]
            ])
        );
        assert_eq!(*e[2], Expectation::Uses("q".into()));
        assert_eq!(*e[3], Expectation::Uses("q.kb:3".into()));
        assert_eq!(
            *e[4],
            Expectation::Cites {
                source: "cmg".into(),
                line: Some(59)
            }
        );
        assert_eq!(
            *e[5],
            Expectation::Cites {
                source: "cmg".into(),
                line: None
            }
        );
        assert_eq!(e[1].to_string(), "expect rows (b, 2), (c, \"x\")");
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse_kb("p(a).\nq(b) :- p(.\n", 0).unwrap_err();
        assert_eq!(e.code, Code::Syntax);
        assert_eq!(e.span.unwrap().start, 16);
        let e = parse_kb("p(99999999999999999999).", 0).unwrap_err();
        assert_eq!(e.code, Code::IntegerOverflow);
        let deep = format!("p :- q({}1{}).", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(parse_kb(&deep, 0).unwrap_err().code, Code::Nesting);
        let long = format!("p :- X = 1{}.", "+1".repeat(100_000));
        assert_eq!(parse_kb(&long, 0).unwrap_err().code, Code::Nesting);
    }

    #[test]
    fn statements_are_classified_by_the_grammar() {
        // Guards: statements were once classified by searching for `?` and `why`.
        for clauses in [
            "note(a, \"is it?\").",
            "whyte(a).",
            "why(c).",
            "p. q(X) :- p, r(X).",
        ] {
            assert!(
                matches!(parse_statement(clauses, 0), Ok(Statement::Clauses(_))),
                "{clauses}"
            );
        }
        for q in [
            "supported? peer_cache",
            "?- p(X).",
            "why p(a)",
            "why not p(a).",
            "why #2",
        ] {
            assert!(
                matches!(parse_statement(q, 0), Ok(Statement::Query(_))),
                "{q}"
            );
        }
        assert!(parse_statement("supported? (", 0).is_err());
    }

    #[test]
    fn incomplete_input_is_recognised() {
        assert!(is_incomplete("p(X) :- q(X),"));
        assert!(is_incomplete("p(a)"));
        assert!(!is_incomplete("p(a)."));
        assert!(!is_incomplete("p(a)) ."));
        assert!(!is_incomplete("supported? peer_cache"));
        assert!(is_incomplete("p(X) :- q(X) % a comment."));
    }
}
