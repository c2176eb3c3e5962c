//! `supportkb coverage [--source NAME]`: every statement of the pinned texts, with the
//! clauses citing it or the mark saying why none does, and the share covered.

use super::Context;
use super::output::{self, Exit};
use supportkb::render::coverage::{CoverageDoc, CoverageView};

pub fn coverage(
    cx: &Context,
    source: Option<&str>,
    uncovered: bool,
    fail_under: Option<f64>,
) -> Exit {
    let session = match cx.session() {
        Ok(s) => s,
        Err(e) => return e,
    };
    let report = match session.kb.coverage(source) {
        Ok(r) => r,
        Err(d) => return output::rejected(cx.format, d),
    };
    let view = CoverageView {
        uncovered_only: uncovered,
    };
    output::doc(
        cx.format,
        &CoverageDoc {
            report: &report,
            view,
        },
    );
    match fail_under {
        Some(want) if report.lowest_percent() < want => {
            supportkb::render::emit_err(&format!(
                "coverage {}% is under --fail-under {want}%\n",
                report.lowest_percent()
            ));
            Exit::Failed
        }
        _ => Exit::Ok,
    }
}
