//! Test suites as JUnit XML for CI systems: a test suite per query file, a test case per
//! check (a query with expectations, or a query that failed to run) with its time, and
//! failures in plain text: the first failure on one line in the `message` attribute, every
//! failure (expected and actual, or the error with its source line and caret) in the body.
//! No box drawing and no colour: CI systems show these as they are.

use crate::query::script::ItemResult;
use crate::query::suite::SuiteReport;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

/// The failures of one query as plain lines: each failed expectation, then its error.
fn failures(item: &ItemResult) -> Vec<String> {
    item.expectations
        .iter()
        .filter(|e| !e.passed)
        .map(|e| {
            format!(
                "{} at {}: expected {}, actual {}",
                e.expectation,
                e.location,
                e.expectation.trim_start_matches("expect "),
                e.actual
            )
        })
        .chain(item.error_text.iter().map(|e| e.trim_end().to_string()))
        .collect()
}

/// The first line of `text`, without the `error[code]: ` a diagnostic starts with.
fn headline(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    match first.split_once("]: ") {
        Some((kind, rest)) if kind.starts_with("error[") || kind.starts_with("warning[") => {
            rest.to_string()
        }
        _ => first.to_string(),
    }
}

fn status(kind: NonSuccessKind, lines: &[String]) -> TestCaseStatus {
    let mut s = TestCaseStatus::non_success(kind);
    s.set_message(headline(lines.first().map_or("", String::as_str)));
    s.set_description(lines.join("\n"));
    s
}

/// The suite as JUnit XML: a test suite per file, a test case per check with its time in
/// seconds; a file that could not run is one test case `load` in error.
pub fn junit(r: &SuiteReport) -> String {
    let mut report = Report::new("supportkb");
    let mut total = Duration::ZERO;
    for f in &r.files {
        let mut suite = TestSuite::new(f.path.clone());
        let mut time = Duration::ZERO;
        match (&f.report, &f.error_text) {
            (Some(rep), _) => {
                for item in &rep.items {
                    if item.expectations.is_empty() && item.error.is_none() {
                        continue;
                    }
                    let lines = failures(item);
                    let status = match (lines.is_empty(), &item.error) {
                        (true, _) => TestCaseStatus::success(),
                        (false, Some(_)) => status(NonSuccessKind::Error, &lines),
                        (false, None) => status(NonSuccessKind::Failure, &lines),
                    };
                    let mut case = TestCase::new(item.query.clone(), status);
                    let took = Duration::from_secs_f64(item.seconds);
                    time += took;
                    case.set_classname(f.path.clone());
                    case.set_assertions(item.expectations.len());
                    case.set_time(took);
                    suite.add_test_case(case);
                }
            }
            (None, error) => {
                let lines = vec![error.clone().unwrap_or_default().trim_end().to_string()];
                let mut case = TestCase::new("load", status(NonSuccessKind::Error, &lines));
                case.set_classname(f.path.clone());
                case.set_time(Duration::ZERO);
                suite.add_test_case(case);
            }
        }
        suite.set_time(time);
        total += time;
        report.add_test_suite(suite);
    }
    report.set_time(total);
    report.to_string().unwrap_or_default()
}
