//! `explain -o trace.html` and `diff … -o diff.html`: one self-contained page each, with
//! collapsible proof trees, citations in context, verified marks and hashes; rendered in
//! headless Chromium when one is installed (the rendering tests say so and pass when none
//! is).

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const H: &str = "examples/cmg-history";

fn write_pages(dir: &Path) -> (PathBuf, PathBuf) {
    let trace = dir.join("trace.html");
    let r = run(&[
        "explain",
        "supported? peer_cache",
        "-o",
        trace.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let diff = dir.join("diff.html");
    let (a, b) = (
        format!("{H}/2020-11-30-memdocs"),
        format!("{H}/2022-07-12-memdocs-57cb874b"),
    );
    let r = run(&["diff", &a, &b, "-o", diff.to_str().unwrap()]);
    assert_eq!(r.code, 1, "an answer changed: {r:?}");
    (trace, diff)
}

#[test]
fn pages_are_self_contained_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let (trace, diff) = write_pages(dir.path());
    for page in [&trace, &diff] {
        let html = std::fs::read_to_string(page).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        for external in ["<script", "<link", "src=", "@import", "url("] {
            assert!(!html.contains(external), "{}: {external}", page.display());
        }
        assert!(html.contains("<details open class=\"proof-node\"><summary>"));
        assert!(html.contains("✓ verified"));
        assert!(html.contains("class=\"hit\""), "cited lines are marked");
        assert!(html.contains("SHA-256"));
    }
    let t = std::fs::read_to_string(&trace).unwrap();
    // The rule's `:-` and the quotes' apostrophes are escaped, the cited line in context.
    assert!(t.contains("supported(S, no, C) :- status(S, not_supported, C)."));
    assert!(t.contains("<span class=\"n\">  59 </span>Peer cache Not supported."));
    assert!(t.contains("row &#39;Peer cache&#39;"));
    let d = std::fs::read_to_string(&diff).unwrap();
    assert!(d.contains("subject added: <code>supported? prestage_content</code>"));
    assert!(d.contains("<code>windows_10_in_place_upgrade_task_sequence</code> → <code>windows_in_place_upgrade_task_sequence</code>"));
    assert!(d.contains(
        "Task sequence with a boot image, started from bootable media Note 2 Supported (2010)"
    ));
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

fn headless(browser: &str, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// The RGB(A) pixels of an 8-bit PNG (colour types 2 and 6), unfiltered.
fn pixels(png: &[u8]) -> (usize, Vec<Vec<u8>>) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let (mut at, mut idat, mut width, mut height, mut bpp) = (8, Vec::new(), 0, 0, 0);
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind = &png[at + 4..at + 8];
        let data = &png[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                height = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                assert_eq!(data[8], 8, "8-bit samples");
                bpp = match data[9] {
                    2 => 3,
                    6 => 4,
                    t => panic!("colour type {t}"),
                };
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        at += 12 + len;
    }
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&idat).expect("inflate");
    let stride = width * bpp;
    let mut rows: Vec<Vec<u8>> = Vec::with_capacity(height);
    for y in 0..height {
        let line = &raw[y * (stride + 1)..(y + 1) * (stride + 1)];
        let (filter, src) = (line[0], &line[1..]);
        let mut row = vec![0u8; stride];
        for x in 0..stride {
            let a = if x >= bpp { row[x - bpp] as i32 } else { 0 };
            let b = if y > 0 { rows[y - 1][x] as i32 } else { 0 };
            let c = if y > 0 && x >= bpp {
                rows[y - 1][x - bpp] as i32
            } else {
                0
            };
            let pred = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("filter {f}"),
            };
            row[x] = (src[x] as i32 + pred) as u8;
        }
        rows.push(row);
    }
    (bpp, rows)
}

#[test]
fn pages_render_in_headless_chromium() {
    let Some(browser) = chromium() else {
        use std::io::Write;
        // To the process's standard error, past the harness's capture: plain `cargo test`
        // shows why this test did nothing.
        let _ = writeln!(
            std::io::stderr(),
            "skipped pages_render_in_headless_chromium: no Chromium found (install Debian's `chromium` package)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (trace, diff) = write_pages(dir.path());
    for (page, nodes) in [(&trace, 2), (&diff, 20)] {
        let url = format!("file://{}", page.display());
        let dom = headless(browser, &dir.path().join("profile"))
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&dom.stdout);
        let proof_nodes = dom.matches("proof-node").count();
        assert!(
            proof_nodes >= nodes,
            "{}: {proof_nodes} proof nodes",
            page.display()
        );
        assert!(dom.contains("class=\"cite\""), "citations in the DOM");
        assert!(dom.contains("<pre class=\"context\">"));
        let shot = dir.path().join("shot.png");
        let out = headless(browser, &dir.path().join("profile"))
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=1200,1600")
            .arg(&url)
            .output()
            .unwrap();
        assert!(shot.is_file(), "{}", String::from_utf8_lossy(&out.stderr));
        let (bpp, rows) = pixels(&std::fs::read(&shot).unwrap());
        let background = rows[0][..3].to_vec();
        let total: usize = rows.iter().map(|r| r.len() / bpp).sum();
        let inked = rows
            .iter()
            .flat_map(|r| r.chunks(bpp))
            .filter(|p| p[..3] != background[..])
            .count();
        // Text, marked lines and tables cover a few percent of the page at least.
        assert!(
            inked * 100 > total * 2,
            "{}: only {inked} of {total} pixels differ from the background",
            page.display()
        );
        std::fs::remove_file(&shot).unwrap();
    }
}
