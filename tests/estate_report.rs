//! The estate report in every format on the committed sample: the site-system and CMG
//! findings (an NLB-fronted software update point, a classic cloud-service CMG on a site at
//! 2203 or later, CMG names that break the name rule, a single hyphen as ambiguous) in
//! text, Markdown, JSON, CSV and HTML; the HTML page parsed, checked self-contained and
//! escaped, and rendered in headless Chromium when one is installed (the test says it was
//! skipped, and passes, when none is).

mod common;

use common::*;
use scraper::{Html, Selector};
use std::path::Path;
use std::process::Command;

const SAMPLE: &str = "examples/estate/sample";

/// The CMG and site findings the sample holds (`examples/estate/README.md`): subject,
/// finding, cited line.
const THINGS: [(&str, &str, &str); 5] = [
    ("1cmgapac", "name_invalid", "cmg line 18"),
    ("cmg--lab", "name_invalid", "cmg line 18"),
    ("cmg-eu", "name_ambiguous", "cmg line 18"),
    ("contosocmgus", "classic_deployment_removed", "cmg line 16"),
    (
        "EU1",
        "software_updates_through_cmg_do_not_work",
        "cmg line 14",
    ),
];

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: scraper::ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// The rows of `table.CLASS > tbody` as cell texts.
fn rows(doc: &Html, class: &str) -> Vec<Vec<String>> {
    doc.select(&sel(&format!("table.{class} > tbody > tr")))
        .map(|tr| tr.select(&sel("th, td")).map(text).collect())
        .collect()
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// Line `n` (1-based) of the pinned CMG article.
fn article_line(n: usize) -> String {
    let text = std::fs::read_to_string("rules/cmg/cmg-supported-configurations.txt").unwrap();
    text.lines().nth(n - 1).unwrap().trim().to_string()
}

#[test]
fn site_system_and_cmg_findings_appear_in_every_format() {
    let t = run(&["report", "--inventory", SAMPLE]);
    assert_eq!(t.code, 0, "{t:?}");
    let md = run(&["report", "--inventory", SAMPLE, "--format", "markdown"]);
    let js = json(&run(&["report", "--inventory", SAMPLE, "--format", "json"]));
    let csv = csv_rows(&run(&["report", "--inventory", SAMPLE, "--csv", "findings"]).stdout);
    let html =
        Html::parse_document(&run(&["report", "--inventory", SAMPLE, "--format", "html"]).stdout);
    let html_things: Vec<Vec<String>> = rows(&html, "cmgs")
        .into_iter()
        .chain(rows(&html, "sites"))
        .collect();
    assert_eq!(html_things.len(), THINGS.len(), "{html_things:?}");
    assert_eq!(csv.len(), THINGS.len(), "{csv:?}");
    for (subject, finding, line) in THINGS {
        assert!(
            t.stdout
                .contains(&format!("  {subject}  {finding}  ({line})\n")),
            "text: {subject} {finding}\n{}",
            t.stdout
        );
        assert!(
            md.stdout
                .contains(&format!("| `{subject}` | `{finding}` | {line} |")),
            "markdown: {subject} {finding}"
        );
        let kind = if subject == "EU1" { "sites" } else { "cmgs" };
        assert!(
            js[kind]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["subject"] == subject
                    && v["finding"] == finding
                    && v["cites"][0] == line),
            "json: {subject} {finding}: {}",
            js[kind]
        );
        let csv_kind = if subject == "EU1" { "site" } else { "cmg" };
        assert!(
            csv.contains(&vec![
                csv_kind.into(),
                subject.into(),
                finding.into(),
                line.into(),
                "found".into()
            ]),
            "csv: {subject} {finding}: {csv:?}"
        );
        let row = html_things
            .iter()
            .find(|r| r[0] == subject && r[1] == finding)
            .unwrap_or_else(|| panic!("html: {subject} {finding}: {html_things:?}"));
        assert!(row[2].starts_with(line), "html: {row:?}");
    }
    // The clients these findings reach are counted in the summary, in every format.
    for finding in [
        "software_updates_through_cmg",
        "cmg_classic_deployment_removed",
        "cmg_name_invalid",
        "cmg_name_ambiguous",
    ] {
        assert!(
            js["summary"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["finding"] == finding && r["clients"].as_u64() > Some(0)),
            "{finding}"
        );
        assert!(
            rows(&html, "summary").iter().any(|r| r[0] == finding),
            "{finding}"
        );
    }
}

/// Checks the page against the CSV tables of the same sample: one summary row per finding
/// with its count and the cited line's text, one client row per affected client.
fn check_page(doc: &Html) {
    let summary = csv_rows(&run(&["report", "--inventory", SAMPLE, "--csv", "summary"]).stdout);
    let clients = csv_rows(&run(&["report", "--inventory", SAMPLE, "--csv"]).stdout);
    let page_summary = rows(doc, "summary");
    assert_eq!(page_summary.len(), summary.len(), "{page_summary:?}");
    for (page, csv) in page_summary.iter().zip(&summary) {
        assert_eq!(page[..3], csv[..3], "finding, severity, count");
        assert!(page[3].starts_with(&csv[3]), "{page:?} cites {}", csv[3]);
    }
    let ipv6 = page_summary
        .iter()
        .find(|r| r[0] == "ipv6_only" && r[1] == "blocked")
        .unwrap();
    assert_eq!(ipv6[2], "5");
    // The cited line is quoted from the pinned article.
    assert!(ipv6[3].contains(&article_line(12)), "{ipv6:?}");
    let page_clients = rows(doc, "clients");
    assert_eq!(page_clients.len(), clients.len());
    for (page, csv) in page_clients.iter().zip(&clients) {
        assert_eq!(page[..3], csv[..3], "resource id, name, site");
        assert_eq!(page[3], csv[3].replace(';', ", "), "blocked by");
        assert_eq!(page[4], csv[5], "features not supported");
    }
    let totals = text(doc.select(&sel("#totals")).next().unwrap());
    assert!(
        totals.starts_with(&format!(
            "200 clients: 49 blocked, {} blocked or at risk",
            clients.len()
        )),
        "{totals}"
    );
}

#[test]
fn the_html_report_is_one_self_contained_page_matching_the_csv_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let r = run(&["report", "--inventory", SAMPLE, "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{r:?}");
    let page = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        page,
        run(&["report", "--inventory", SAMPLE, "--format", "html"]).stdout,
        "-o FILE.html writes what --format html prints"
    );
    let doc = Html::parse_document(&page);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    for external in [
        "script", "link", "img", "iframe", "object", "[src]", "[style]",
    ] {
        assert_eq!(doc.select(&sel(external)).count(), 0, "{external}");
    }
    assert!(
        !page.contains("url("),
        "no external resource in the style sheet"
    );
    assert_eq!(
        doc.select(&sel("html"))
            .next()
            .unwrap()
            .value()
            .attr("lang"),
        Some("en")
    );
    // Every table has a caption and column headers.
    for table in doc.select(&sel("table")) {
        assert_eq!(table.select(&sel("caption")).count(), 1);
        assert!(table.select(&sel("thead th[scope=col]")).count() >= 3);
    }
    check_page(&doc);
}

#[test]
fn inventory_values_are_escaped_in_the_html_report() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["clients.csv", "site_systems.csv", "cmgs.csv", "sites.csv"] {
        let text = std::fs::read_to_string(Path::new(SAMPLE).join(f)).unwrap();
        let text = text.replace(
            "EU1-LT0000003",
            "<img src=x onerror=alert(1)>&amp;<script>x</script>",
        );
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    let r = run(&[
        "report",
        "--inventory",
        dir.path().to_str().unwrap(),
        "--format",
        "html",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let doc = Html::parse_document(&r.stdout);
    assert_eq!(doc.select(&sel("img, script")).count(), 0);
    let row = rows(&doc, "clients")
        .into_iter()
        .find(|r| r[0] == "16777227")
        .unwrap();
    assert_eq!(
        row[1],
        "<img src=x onerror=alert(1)>&amp;<script>x</script>"
    );
}

#[test]
fn html_is_refused_by_commands_without_a_page() {
    let r = run(&["check", "--format", "html"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--format html is for `report`"), "{r:?}");
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn the_html_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        println!("skipped: no Chromium found (install Debian's `chromium` package)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let r = run(&["report", "--inventory", SAMPLE, "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{r:?}");
    let dom = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", out.display()))
        .output()
        .unwrap();
    let rendered = String::from_utf8_lossy(&dom.stdout);
    assert!(
        rendered.contains("<table"),
        "Chromium rendered no table: {}",
        String::from_utf8_lossy(&dom.stderr)
    );
    check_page(&Html::parse_document(&rendered));
}

#[test]
fn on_a_terminal_a_spinner_says_which_step_runs() {
    use expectrl::{Eof, Expect, Session};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.csv");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_supportkb"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm")
        .args(["report", "--inventory", SAMPLE, "-o"])
        .arg(&out);
    let mut p = Session::spawn(cmd).expect("a pseudo-terminal");
    p.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
    // Piped, standard error stays empty (tests/estate.rs); on a terminal the step is drawn,
    // then cleared before the closing line.
    p.expect("reading the inventory and evaluating the rules")
        .expect("the spinner's first step is drawn on the terminal");
    p.expect("wrote ").expect("the report is written");
    p.expect(Eof).unwrap();
    assert!(out.is_file());
}

/// A client name with a pipe, markup and a line break keeps the Markdown table's columns and
/// rows, renders no HTML, and keeps the text table one line per client.
#[test]
fn inventory_values_are_escaped_in_markdown_and_text() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["clients.csv", "site_systems.csv", "cmgs.csv", "sites.csv"] {
        let text = std::fs::read_to_string(Path::new(SAMPLE).join(f)).unwrap();
        let text = text.replace("EU1-LT0000003", "\"<script>x</script>|a\nb\"");
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    let inv = dir.path().to_str().unwrap();
    let r = run(&["report", "--inventory", inv, "--format", "markdown"]);
    assert_eq!(r.code, 0, "{r:?}");
    let row = r
        .stdout
        .lines()
        .find(|l| l.starts_with("| 16777227 |"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(!row.contains("<script>"), "{row}");
    assert!(
        row.contains("&lt;script&gt;x&lt;/script&gt;\\|a b"),
        "{row}"
    );
    let header = r
        .stdout
        .lines()
        .find(|l| l.starts_with("| resource id |"))
        .unwrap();
    let columns = |l: &str| l.replace("\\|", "").matches('|').count();
    assert_eq!(columns(row), columns(header), "{row}");
    let r = run(&["report", "--inventory", inv]);
    assert_eq!(r.code, 0, "{r:?}");
    let line = r
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("16777227"))
        .unwrap();
    assert!(line.contains("<script>x</script>|a\\nb"), "{line}");
}
