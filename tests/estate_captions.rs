//! The report's captions read as English.

mod common;

use common::*;

const SAMPLE: &str = "examples/estate/sample";

#[test]
fn the_html_captions_read_as_english() {
    let r = run(&["report", "--inventory", SAMPLE, "--format", "html"]);
    assert_eq!(r.code, 0, "{r:?}");
    let captions: Vec<&str> = r
        .stdout
        .split("<caption>")
        .skip(1)
        .filter_map(|c| c.split("</caption>").next())
        .collect();
    assert!(
        captions.contains(&"Findings about the CMGs"),
        "{captions:?}"
    );
    assert!(
        captions.contains(&"Findings about the sites"),
        "{captions:?}"
    );
    assert!(!r.stdout.contains("CMGs findings"), "{captions:?}");
}
