//! The estate report ([`EstateReport`]) as text, Markdown, JSON and CSV: the summary by
//! finding with counts and the article lines, the CMG and site findings, and the table of
//! affected clients.
//!
//! The client table can hold hundreds of thousands of rows, so it is written with plain
//! padding rather than a table layout that measures every cell twice. As text it shows at
//! most `--rows` clients ([`row_limit`](super::text::row_limit), 0: all) and says how many
//! more there are; Markdown, JSON, HTML and CSV keep every client. A name or site longer
//! than [`MAX_PAD`] characters is written whole, overflowing its column on its own row.

use super::Render;
use super::markdown::{code, table_text};
use crate::query::estate::{ClientFindings, EstateReport, SummaryRow, ThingFinding};
use crate::source::plural;

/// The blockers of a client as one cell: `a, b (15 features)`.
fn blocked_cell(c: &ClientFindings) -> String {
    c.blocked
        .iter()
        .map(|b| {
            if b == "features_not_supported_through_cmg" && c.features_unavailable > 0 {
                format!("{b} ({})", plural(c.features_unavailable, "feature"))
            } else {
                b.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn percent(n: usize, of: usize) -> String {
    if of == 0 {
        "0%".into()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / of as f64)
    }
}

/// The widest a padded text column gets: a longer cell is written whole and overflows its
/// column on its own row, rather than every row being padded to it (and a width argument
/// of `format!` cannot exceed 65,535: a longer one panicked).
const MAX_PAD: usize = 64;

/// The width of a text column holding `cells` (at least `min`, at most [`MAX_PAD`] unless
/// `min` is wider).
fn column_width<'a>(cells: impl Iterator<Item = &'a str>, min: usize) -> usize {
    cells
        .map(|s| plain(s).chars().count())
        .filter(|&w| w <= MAX_PAD)
        .max()
        .unwrap_or(0)
        .max(min)
}

/// `s` followed by spaces up to `width` characters (none when it is as wide or wider).
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    let mut out = String::with_capacity(s.len() + width.saturating_sub(n));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    out
}

fn summary_text(rows: &[SummaryRow]) -> String {
    let w = column_width(rows.iter().map(|r| r.finding.as_str()), 7);
    let mut out = format!(
        "{}  {:<12}  {:>9}  article\n",
        pad("finding", w),
        "severity",
        "clients"
    );
    for r in rows {
        out.push_str(&format!(
            "{}  {:<12}  {:>9}  {}\n",
            pad(&r.finding, w),
            r.severity.word(),
            r.clients,
            r.cites.join(", ")
        ));
    }
    out
}

/// `  undetermined` after a finding the inventory leaves open, else nothing.
fn open_word(t: &ThingFinding) -> &'static str {
    if t.undetermined { "  undetermined" } else { "" }
}

fn things_text(title: &str, rows: &[ThingFinding]) -> String {
    if rows.is_empty() {
        return format!("{title}: no finding\n");
    }
    let mut out = format!("{title}:\n");
    for t in rows {
        out.push_str(&format!(
            "  {}  {}{}  ({})\n",
            plain(&t.subject),
            t.finding,
            open_word(t),
            t.cites.join(", ")
        ));
    }
    out
}

/// `s` on one line: a line break, tab or other control character as its escape (`\\n`),
/// which would break the table's one line per client.
fn plain(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn clients_text(rows: &[ClientFindings]) -> String {
    let name_w = column_width(rows.iter().map(|c| c.name.as_str()), 4);
    let site_w = column_width(rows.iter().map(|c| c.site.as_str()), 4);
    let mut out = format!(
        "{:>11}  {}  {}  blocked by / at risk\n",
        "resource_id",
        pad("name", name_w),
        pad("site", site_w)
    );
    let limit = super::text::row_limit();
    let shown = if limit == 0 {
        rows.len()
    } else {
        limit.min(rows.len())
    };
    for c in &rows[..shown] {
        let mut cell = blocked_cell(c);
        if !c.at_risk.is_empty() {
            if !cell.is_empty() {
                cell.push_str("; ");
            }
            cell.push_str(&format!("at risk: {}", c.at_risk.join(", ")));
        }
        out.push_str(&format!(
            "{:>11}  {}  {}  {cell}\n",
            c.client,
            pad(&plain(&c.name), name_w),
            pad(&plain(&c.site), site_w)
        ));
    }
    if shown < rows.len() {
        let more = rows.len() - shown;
        let noun = if more == 1 { "client" } else { "clients" };
        out.push_str(&format!("… {more} more {noun} (--rows 0 shows all)\n"));
    }
    out
}

impl Render for EstateReport {
    fn text(&self) -> String {
        let mut out = format!(
            "{}: {} blocked ({}), {} blocked or at risk\n\n",
            plural(self.clients, "client"),
            self.blocked_clients,
            percent(self.blocked_clients, self.clients),
            self.affected.len()
        );
        out.push_str(&summary_text(&self.summary));
        out.push('\n');
        out.push_str(&things_text("CMGs", &self.cmgs));
        out.push_str(&things_text("sites", &self.sites));
        out.push('\n');
        out.push_str(&clients_text(&self.affected));
        out.push_str(
            "\nwhy: supportkb --inventory FOLDER query 'why blocked(RESOURCE_ID, BLOCKER)'\n",
        );
        out
    }

    fn markdown(&self) -> String {
        let mut out = format!(
            "# Estate report\n\n{}: {} blocked ({}), {} blocked or at risk.\n\n\
             ## Summary\n\n| finding | severity | clients | article |\n| --- | --- | ---: | --- |\n",
            plural(self.clients, "client"),
            self.blocked_clients,
            percent(self.blocked_clients, self.clients),
            self.affected.len()
        );
        for r in &self.summary {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                r.finding,
                r.severity.word(),
                r.clients,
                r.cites.join(", ")
            ));
        }
        out.push_str(
            "\n## CMGs and sites\n\n| subject | finding | article |\n| --- | --- | --- |\n",
        );
        for t in self.cmgs.iter().chain(&self.sites) {
            out.push_str(&format!(
                "| {} | `{}`{} | {} |\n",
                // GFM splits a row at a pipe even inside a code span: escape it there too.
                code(&t.subject.replace('|', "\\|").replace(['\r', '\n'], " ")),
                t.finding,
                open_word(t).trim_end().replace("  ", " "),
                t.cites.join(", ")
            ));
        }
        out.push_str(
            "\n## Clients blocked or at risk\n\n| resource id | name | site | blocked by | at risk |\n| ---: | --- | --- | --- | --- |\n",
        );
        for c in &self.affected {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                c.client,
                table_text(&c.name),
                table_text(&c.site),
                blocked_cell(c),
                c.at_risk.join(", ")
            ));
        }
        out
    }

    fn json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("kind".into(), "estate_report".into());
        }
        v
    }

    fn html(&self) -> String {
        super::estate_html::estate(self)
    }
}

/// Which table a CSV report holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvTable {
    /// One row per affected client.
    Clients,
    /// One row per finding, with its count.
    Summary,
    /// One row per CMG or site finding: `kind` (`cmg` or `site`), subject, finding, article,
    /// status (`found`, or `undetermined` when the inventory leaves it open).
    Findings,
}

/// `cell` safe to open in a spreadsheet: a text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is read there as a formula (CSV injection), so it gets a `'` before it,
/// as OWASP recommends; other texts are unchanged.
pub fn csv_text(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The report's table as CSV (RFC 4180), with a header row. Every text cell is written by
/// [`csv_text`] (a name `=1+2` as `'=1+2`); numbers are written as they are.
pub fn csv(report: &EstateReport, table: CsvTable) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail but for a bug; the rows are plain strings.
    let mut put = |fields: &[String]| w.write_record(fields).expect("CSV into memory");
    match table {
        CsvTable::Clients => {
            put(&[
                "resource_id".into(),
                "name".into(),
                "site".into(),
                "blocked".into(),
                "at_risk".into(),
                "features_unavailable".into(),
            ]);
            for c in &report.affected {
                put(&[
                    c.client.to_string(),
                    csv_text(&c.name),
                    csv_text(&c.site),
                    csv_text(&c.blocked.join(";")),
                    csv_text(&c.at_risk.join(";")),
                    c.features_unavailable.to_string(),
                ]);
            }
        }
        CsvTable::Summary => {
            put(&[
                "finding".into(),
                "severity".into(),
                "clients".into(),
                "article".into(),
            ]);
            for r in &report.summary {
                put(&[
                    csv_text(&r.finding),
                    r.severity.word().into(),
                    r.clients.to_string(),
                    csv_text(&r.cites.join("; ")),
                ]);
            }
        }
        CsvTable::Findings => {
            put(&[
                "kind".into(),
                "subject".into(),
                "finding".into(),
                "article".into(),
                "status".into(),
            ]);
            let cmgs = report.cmgs.iter().map(|t| ("cmg", t));
            for (kind, t) in cmgs.chain(report.sites.iter().map(|t| ("site", t))) {
                put(&[
                    kind.into(),
                    csv_text(&t.subject),
                    csv_text(&t.finding),
                    csv_text(&t.cites.join("; ")),
                    if t.undetermined {
                        "undetermined"
                    } else {
                        "found"
                    }
                    .into(),
                ]);
            }
        }
    }
    String::from_utf8(w.into_inner().expect("CSV into memory")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_text_a_spreadsheet_reads_as_a_formula_gets_an_apostrophe() {
        for (cell, written) in [
            ("=1+2", "'=1+2"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("HQ1-LT0000001", "HQ1-LT0000001"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(super::csv_text(cell), written, "{cell:?}");
        }
    }
}
