//! Differential checks of the SQL engines against the in-memory one: the same knowledge
//! base evaluated both ways must leave the same model (every relation, every tuple, every
//! height, the same last round), and `why` on the database's model must give proofs the
//! proof checker accepts.

use std::collections::{BTreeMap, BTreeSet};
use supportkb::query::{Answer, LoadConfig, LoadError, Session};
use supportkb::source::SourceText;
use supportkb::sql::Engine;

/// The variable naming a PostgreSQL server for the tests (`postgres://…`).
pub const POSTGRES_ENV: &str = "SUPPORTKB_POSTGRES_URL";

/// A URL of a fresh database of this test's own on the PostgreSQL server of
/// [`POSTGRES_ENV`]; when unset, prints why the test is skipped.
///
/// The message goes to the process's standard error directly, not through `eprintln!`
/// (which the test harness captures and shows only for a failing test), so plain
/// `cargo test` shows it.
pub fn postgres_url(test: &str) -> Option<String> {
    use std::io::Write;
    let url = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty());
    if url.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test}: {POSTGRES_ENV} is not set (no PostgreSQL server to test against; .ci/run starts one)"
        );
    }
    url.map(|u| fresh_database(&u, &database_name(env!("CARGO_CRATE_NAME"), test)))
}

/// A database name of the test's own (PostgreSQL allows 63 bytes): tests run in parallel,
/// and two that share a database drop each other's tables.
fn database_name(binary: &str, test: &str) -> String {
    let full = format!("{binary}_{test}");
    let hash = full.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let stem: String = full
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    format!("t_{stem}_{hash:016x}")
}

/// Loads `files` with `engine`.
pub fn load_on(files: &[SourceText], engine: Engine) -> Result<Session, LoadError> {
    Session::load(
        files.to_vec(),
        LoadConfig {
            engine,
            ..LoadConfig::default()
        },
    )
}

/// One knowledge-base text as the file `kb.kb`.
pub fn kb_text(text: &str) -> Vec<SourceText> {
    vec![SourceText {
        name: "kb.kb".into(),
        text: text.into(),
    }]
}

/// Every relation of a session's model (by the predicate's full identity), each tuple as
/// text with its height.
pub fn model_of(s: &Session) -> BTreeMap<String, BTreeSet<(Vec<String>, u32)>> {
    let kb = &s.kb;
    kb.model
        .relations
        .iter()
        .map(|(p, rel)| {
            let rows = rel
                .iter()
                .map(|(row, h)| {
                    let vals = kb
                        .interner
                        .decode(row)
                        .iter()
                        .map(|c| c.to_string())
                        .collect();
                    (vals, h)
                })
                .collect();
            (format!("{p:?}"), rows)
        })
        .collect()
}

/// Compares the models of `memory` and `other`; the first difference, if any.
pub fn same_model(memory: &Session, other: &Session) -> Result<(), String> {
    let (a, b) = (model_of(memory), model_of(other));
    for (p, rows) in &a {
        let Some(theirs) = b.get(p) else {
            return Err(format!("relation {p} missing from the database's model"));
        };
        if rows != theirs {
            let only_mem: Vec<_> = rows.difference(theirs).take(5).collect();
            let only_db: Vec<_> = theirs.difference(rows).take(5).collect();
            return Err(format!(
                "relation {p} differs: in memory only {only_mem:?}, in the database only {only_db:?}"
            ));
        }
    }
    if let Some(p) = b.keys().find(|p| !a.contains_key(*p)) {
        return Err(format!("relation {p} only in the database's model"));
    }
    if memory.kb.model.max_height != other.kb.model.max_height {
        return Err(format!(
            "last round {} in memory, {} in the database",
            memory.kb.model.max_height, other.kb.model.max_height
        ));
    }
    Ok(())
}

/// Asks `why` of up to `limit` derived tuples of the user's predicates in `s`; each must hold
/// with a proof the checker accepts (the heights it rests on are the model's, compared
/// by [`same_model`]).
pub fn proofs_check(s: &mut Session, limit: usize) -> Result<usize, String> {
    let mut goals = Vec::new();
    for (name, rel) in s.kb.model.user_relations() {
        for (row, h) in rel.iter().filter(|(_, h)| *h > 0) {
            let vals: Vec<String> =
                s.kb.interner
                    .decode(row)
                    .iter()
                    .map(|c| c.to_string())
                    .collect();
            let goal = if vals.is_empty() {
                name.to_string()
            } else {
                format!("{name}({})", vals.join(", "))
            };
            goals.push((goal, h));
        }
    }
    let step = goals.len().div_ceil(limit.max(1)).max(1);
    let mut checked = 0;
    for (goal, _) in goals.iter().step_by(step) {
        let answer = s
            .ask(&format!("why {goal}"), Default::default())
            .map_err(|e| format!("why {goal}: {e:?}"))?;
        let Answer::Why(w) = answer else {
            return Err(format!("why {goal} is not a why answer"));
        };
        if !w.holds || w.proofs.is_empty() {
            return Err(format!("why {goal}: no proof"));
        }
        if !w.proof_errors.is_empty() {
            return Err(format!(
                "why {goal}: the checker rejects {:?}",
                w.proof_errors
            ));
        }
        checked += 1;
    }
    Ok(checked)
}

/// A database of its own on the server of `url` (created empty), as a URL.
pub fn fresh_database(url: &str, name: &str) -> String {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    }
}

/// The estate sample's inventory folder, from the crate root.
pub const SAMPLE: &str = "examples/estate/sample";

/// The estate sample copied into `inventory/` of a folder of its own (so a test may edit
/// it, and keep a database beside it).
pub fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inventory");
    std::fs::create_dir(&inv).unwrap();
    for e in std::fs::read_dir(std::path::Path::new(super::ROOT).join(SAMPLE)).unwrap() {
        let e = e.unwrap();
        if e.path().is_file() {
            std::fs::copy(e.path(), inv.join(e.file_name())).unwrap();
        }
    }
    dir
}

/// `query QUESTIONS` with the inventory `DIR/inventory`, on `engine` (`None`: in memory).
pub fn ask(dir: &std::path::Path, engine: Option<&str>, questions: &[&str]) -> super::Run {
    let inv = dir.join("inventory").display().to_string();
    let mut args = vec!["--inventory", inv.as_str()];
    if let Some(e) = engine {
        args.extend(["--engine", e]);
    }
    args.push("query");
    args.extend(questions);
    super::run_in(std::path::Path::new(super::ROOT), &args)
}

/// The table of `pred` in a SQLite database supportkb evaluated into.
pub fn table_of(db: &rusqlite::Connection, pred: &str) -> String {
    db.query_row(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?1",
        [format!("skb_p%_{pred}")],
        |r| r.get(0),
    )
    .unwrap()
}
