//! Snapshots of the text explanations of the twenty CMG audit questions
//! (`examples/cmg-audit.kbq`), each one's proofs also accepted by the independent checker.
//! A change in the knowledge base or in the rendering shows up here as a diff to review.

mod common;

use supportkb::query::AskOptions;
use supportkb::query::script::run_script;
use supportkb::render::text;

#[test]
fn the_twenty_questions_explain_themselves() {
    let mut kb = common::embedded();
    let path = std::path::Path::new(common::ROOT).join("examples/cmg-audit.kbq");
    let text = std::fs::read_to_string(path).expect("audit file");
    let report = run_script(
        &mut kb,
        "examples/cmg-audit.kbq",
        &text,
        AskOptions::default(),
    )
    .expect("parses");
    assert_eq!((report.passed, report.failed), (20, 0));
    let mut question = 0;
    for item in &report.items {
        let answer = item.answer.as_ref().expect("every audit query answers");
        let errors = answer.proof_errors();
        assert!(errors.is_empty(), "{}: {errors:?}", item.query);
        // Queries with expectations are the questions; the others elaborate the one before.
        if !item.expectations.is_empty() {
            question += 1;
        }
        let name = format!("q{question:02}_{}", slug(&item.query));
        insta::assert_snapshot!(name, format!("{}\n\n{}", item.query, text::answer(answer)));
    }
    assert_eq!(question, 20);
}

fn slug(q: &str) -> String {
    let s: String = q
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut out = String::new();
    for part in s.split('_').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(part);
    }
    out.chars().take(60).collect()
}
