//! The estate report ([`EstateReport`]) as one self-contained HTML page: the summary by
//! finding with counts and the article's cited lines quoted, the CMG and site findings,
//! and the table of clients blocked or at risk. No script, no external style or font;
//! every value from the inventory or the knowledge base is escaped. Tables have captions
//! and header cells with `scope`, so a screen reader names each cell's column.

use super::html::{escape, page};
use crate::query::estate::{EstateReport, ThingFinding};
use crate::source::plural;
use std::fmt::Write;

/// The cited lines as a list: each line's name and, when the article is pinned, its text.
fn cites_html(report: &EstateReport, cites: &[String], out: &mut String) {
    if cites.is_empty() {
        out.push_str("<td></td>");
        return;
    }
    out.push_str("<td><ul class=\"cites\">");
    for c in cites {
        let _ = write!(out, "<li><span class=\"loc\">{}</span>", escape(c));
        if let Some(text) = report.quoted.get(c) {
            let _ = write!(out, " <q>{}</q>", escape(text));
        }
        out.push_str("</li>");
    }
    out.push_str("</ul></td>");
}

fn things_html(
    report: &EstateReport,
    id: &str,
    title: &str,
    caption: &str,
    rows: &[ThingFinding],
    out: &mut String,
) {
    let _ = writeln!(out, "<h2 id=\"{id}\">{}</h2>", escape(title));
    if rows.is_empty() {
        out.push_str("<p>No finding.</p>\n");
        return;
    }
    let _ = write!(
        out,
        "<table class=\"{id}\"><caption>{}</caption>\n<thead><tr><th scope=\"col\">subject</th><th scope=\"col\">finding</th><th scope=\"col\">article</th></tr></thead>\n<tbody>\n",
        escape(caption)
    );
    for t in rows {
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><code>{}</code></th><td><code>{}</code>{}</td>",
            escape(&t.subject),
            escape(&t.finding),
            if t.undetermined {
                " (undetermined)"
            } else {
                ""
            }
        );
        cites_html(report, &t.cites, out);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

/// The report as one HTML page.
pub fn estate(r: &EstateReport) -> String {
    let mut out = String::with_capacity(256 * r.affected.len() + 8192);
    let _ = write!(
        out,
        "<header><h1>Estate report</h1>\n<p class=\"verdict\" id=\"totals\">{}: {} blocked, {} blocked or at risk.</p></header>\n<main>\n",
        plural(r.clients, "client"),
        r.blocked_clients,
        r.affected.len()
    );
    out.push_str(
        "<nav aria-label=\"sections\"><a href=\"#summary\">Summary</a> · <a href=\"#cmgs\">CMGs</a> · <a href=\"#sites\">Sites</a> · <a href=\"#clients\">Clients</a></nav>\n",
    );
    out.push_str(
        "<h2 id=\"summary\">Summary by finding</h2>\n<table class=\"summary\"><caption>Clients per finding, with the lines of the article the rules cite</caption>\n<thead><tr><th scope=\"col\">finding</th><th scope=\"col\">severity</th><th scope=\"col\">clients</th><th scope=\"col\">article</th></tr></thead>\n<tbody>\n",
    );
    for row in &r.summary {
        let _ = write!(
            out,
            "<tr data-finding=\"{}\"><th scope=\"row\"><code>{}</code></th><td>{}</td><td class=\"num\">{}</td>",
            escape(&row.finding),
            escape(&row.finding),
            row.severity.word(),
            row.clients
        );
        cites_html(r, &row.cites, &mut out);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    things_html(
        r,
        "cmgs",
        "CMGs",
        "Findings about the CMGs",
        &r.cmgs,
        &mut out,
    );
    things_html(
        r,
        "sites",
        "Sites",
        "Findings about the sites",
        &r.sites,
        &mut out,
    );
    let _ = write!(
        out,
        "<h2 id=\"clients\">Clients blocked or at risk</h2>\n<table class=\"clients\"><caption>{} blocked or at risk, by resource id</caption>\n<thead><tr><th scope=\"col\">resource id</th><th scope=\"col\">name</th><th scope=\"col\">site</th><th scope=\"col\">blocked by</th><th scope=\"col\">features not supported</th><th scope=\"col\">at risk</th></tr></thead>\n<tbody>\n",
        plural(r.affected.len(), "client")
    );
    for c in &r.affected {
        let _ = writeln!(
            out,
            "<tr><td class=\"num\">{}</td><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            c.client,
            escape(&c.name),
            escape(&c.site),
            escape(&c.blocked.join(", ")),
            c.features_unavailable,
            escape(&c.at_risk.join(", "))
        );
    }
    out.push_str(
        "</tbody></table>\n<p>Why a client is blocked: <code>supportkb --inventory FOLDER query 'why blocked(RESOURCE_ID, BLOCKER)'</code></p>\n</main>\n",
    );
    page("Estate report", &out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::estate::{ClientFindings, Severity, SummaryRow};

    #[test]
    fn inventory_values_are_escaped() {
        let r = EstateReport {
            clients: 1,
            blocked_clients: 1,
            summary: vec![SummaryRow {
                finding: "macos".into(),
                severity: Severity::Blocked,
                clients: 1,
                cites: vec!["cmg line 58".into()],
            }],
            cmgs: vec![],
            sites: vec![],
            affected: vec![ClientFindings {
                client: 7,
                name: "<script>alert(1)</script>".into(),
                site: "A&B".into(),
                blocked: vec!["macos".into()],
                at_risk: vec![],
                undetermined: vec![],
                features_unavailable: 0,
            }],
            undetermined_clients: vec![],
            quoted: [("cmg line 58".to_string(), "Mac \"clients\" <b>".to_string())].into(),
        };
        let html = estate(&r);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("<td>A&amp;B</td>"));
        assert!(html.contains("<q>Mac &quot;clients&quot; &lt;b&gt;</q>"));
        assert!(
            html.contains("<p>No finding.</p>"),
            "no CMG finding is said so"
        );
    }
}
