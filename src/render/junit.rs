//! Test suites as JUnit XML for CI systems: a test suite per query file, a test case per
//! check (a query with expectations), failures with expected and actual.

use crate::query::suite::SuiteReport;

/// The suite as JUnit XML: a test suite per file, a test case per check (a query with
/// expectations), failures with expected and actual.
pub fn junit(r: &SuiteReport) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("supportkb");
    for f in &r.files {
        let mut suite = TestSuite::new(f.path.clone());
        match (&f.report, &f.error) {
            (Some(rep), _) => {
                for item in &rep.items {
                    if item.expectations.is_empty() && item.error.is_none() {
                        continue;
                    }
                    let failures: Vec<String> = item
                        .expectations
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
                        .chain(item.error.iter().cloned())
                        .collect();
                    let status = if failures.is_empty() {
                        TestCaseStatus::success()
                    } else {
                        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                        s.set_message(failures.first().cloned().unwrap_or_default());
                        s.set_description(failures.join("\n"));
                        s
                    };
                    let mut case = TestCase::new(item.query.clone(), status);
                    case.set_classname(f.path.clone());
                    case.set_assertions(item.expectations.len());
                    suite.add_test_case(case);
                }
            }
            (None, error) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message(error.clone().unwrap_or_default());
                let mut case = TestCase::new("load", s);
                case.set_classname(f.path.clone());
                suite.add_test_case(case);
            }
        }
        report.add_test_suite(suite);
    }
    report.to_string().unwrap_or_default()
}
