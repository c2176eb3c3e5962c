//! Traces and diffs as one self-contained HTML page for a reviewer's browser: no network,
//! no script, no external font or style. Proof trees are nested `<details>`/`<summary>`
//! (they open and close without JavaScript, and with the keyboard: Tab to a node, Enter or
//! Space to toggle); every citation shows its quote in context — a few lines of the pinned
//! text around it, the cited lines marked — with its verified mark; the page ends with the
//! SHA-256 of every file and pinned text. Everything from the knowledge base is escaped.

use crate::audit::{Trace, TracedFile};
use crate::diff::{Change, Diff};
use crate::explain::{Justification, Proof, Quote};
use crate::query::{Answer, QuestionAnswer};
use std::fmt::Write;

/// Lines shown before and after a cited passage.
const CONTEXT_LINES: usize = 2;

/// The pinned texts of one knowledge base, by source name, for quotes in context.
#[derive(Debug, Clone, Default)]
pub struct PinnedLines(pub Vec<(String, Vec<String>)>);

impl PinnedLines {
    /// From `(source name, text)` pairs.
    pub fn new<'a>(texts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        PinnedLines(
            texts
                .into_iter()
                .map(|(n, t)| (n.to_string(), t.lines().map(String::from).collect()))
                .collect(),
        )
    }

    fn lines(&self, source: &str) -> Option<&[String]> {
        self.0
            .iter()
            .find(|(n, _)| n == source)
            .map(|(_, l)| &l[..])
    }
}

/// `s` with `&`, `<`, `>`, `"` and `'` escaped, for text and attribute values alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#1b1b1b;background:#fff}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
code,pre,.atom{font-family:ui-monospace,monospace;font-size:.92em}
details{margin:.2em 0 .2em 1.2em}summary{cursor:pointer}summary:focus-visible{outline:2px solid #0b57d0}
.rule{color:#555}.loc{color:#777;font-size:.85em}
.fact{margin:.3em 0 .3em 1.2em}.cite{border-left:3px solid #6a9;margin:.3em 0 .5em 1.2em;padding:.2em .6em;background:#f6faf7}
.cite.unverified{border-color:#c60;background:#fff7ef}
.ok{color:#08660b;font-weight:bold}.warn{color:#a33;font-weight:bold}
pre.context{margin:.3em 0;white-space:pre-wrap;background:#fafafa;border:1px solid #e3e3e3;padding:.3em}
.context .hit{background:#fff3a8;display:block}.context .n{color:#888;user-select:none}
.verdict{font-size:1.2em;font-weight:bold}.sides{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1em}.sides *{overflow-wrap:anywhere}.sides pre{white-space:pre-wrap}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;font-size:.9em}
.change{border:1px solid #ddd;padding:.5em 1em;margin:1em 0}
caption{text-align:left;font-weight:bold;padding:.3em 0}td.num{text-align:right}ul.cites{margin:0;padding-left:1em}";

/// A complete page: `title` (escaped here) and `body` (HTML, escaped by the caller), with
/// the style sheet inline.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// The cited lines of `q` in `lines` (1-based): its line, and the lines after it that
/// its quote runs on over.
fn cited_lines(q: &Quote, lines: &[String]) -> (usize, usize) {
    let Some(first) = q
        .line
        .and_then(|l| usize::try_from(l).ok())
        .filter(|&l| l >= 1)
    else {
        return (0, 0);
    };
    let words: String = q.quote.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut last = first;
    while last < lines.len() {
        let next = lines[last].split_whitespace().collect::<Vec<_>>().join(" ");
        let prefix: String = next.chars().take(24).collect();
        if prefix.is_empty() || !words.contains(&prefix) {
            break;
        }
        last += 1;
    }
    (first, last)
}

fn quote_html(q: &Quote, kind: &str, texts: &PinnedLines, out: &mut String) {
    let verified = if q.verified {
        "<span class=\"ok\" title=\"the quote was found at this line of the pinned text\">✓ verified</span>"
    } else {
        "<span class=\"warn\">not verified</span>"
    };
    let line = q.line.map(|l| format!(", line {l}")).unwrap_or_default();
    let _ = write!(
        out,
        "<div class=\"cite{}\" data-kind=\"{kind}\">{kind} <b>{}</b> § {}{} {verified}<br><q>{}</q>",
        if q.verified { "" } else { " unverified" },
        escape(&q.source),
        escape(&q.section),
        escape(&line),
        escape(&q.quote)
    );
    if let Some(lines) = texts.lines(&q.source) {
        let (first, last) = cited_lines(q, lines);
        if first >= 1 && first <= lines.len() {
            let from = first.saturating_sub(CONTEXT_LINES).max(1);
            let to = (last + CONTEXT_LINES).min(lines.len());
            out.push_str("<pre class=\"context\">");
            for n in from..=to {
                let hit = (first..=last).contains(&n);
                let _ = write!(
                    out,
                    "<span class=\"{}\"><span class=\"n\">{n:>4} </span>{}</span>{}",
                    if hit { "hit" } else { "line" },
                    escape(&lines[n - 1]),
                    if hit { "" } else { "\n" }
                );
            }
            out.push_str("</pre>");
        }
    }
    out.push_str("</div>\n");
}

fn quotes_html(cites: &[Quote], notes: &[Quote], texts: &PinnedLines, out: &mut String) {
    for q in cites {
        quote_html(q, "cites", texts, out);
    }
    for q in notes {
        quote_html(q, "note", texts, out);
    }
}

/// A proof tree as nested `<details>`, open.
pub fn proof_html(p: &Proof, texts: &PinnedLines, out: &mut String) {
    match &p.by {
        Justification::Fact {
            location,
            cites,
            notes,
        } => {
            let _ = writeln!(
                out,
                "<div class=\"fact proof-node\"><span class=\"atom\">{}</span> <span class=\"loc\">[fact, {}]</span>",
                escape(&p.conclusion),
                escape(&location.to_string())
            );
            quotes_html(cites, notes, texts, out);
            out.push_str("</div>\n");
        }
        Justification::Rule {
            rule,
            location,
            substitution,
            cites,
            notes,
        } => {
            let _ = writeln!(
                out,
                "<details open class=\"proof-node\"><summary><span class=\"atom\">{}</span> <span class=\"rule\">by rule <code>{}</code></span> <span class=\"loc\">[{}]</span></summary>",
                escape(&p.conclusion),
                escape(rule),
                escape(&location.to_string())
            );
            if !substitution.is_empty() {
                let _ = writeln!(
                    out,
                    "<div class=\"loc\">with {}</div>",
                    escape(&substitution.text())
                );
            }
            quotes_html(cites, notes, texts, out);
            for q in &p.premises {
                proof_html(q, texts, out);
            }
            out.push_str("</details>\n");
        }
        other => {
            let what = match other {
                Justification::Absent => "absent",
                Justification::Builtin => "holds",
                _ => "",
            };
            if p.premises.is_empty() {
                let _ = writeln!(
                    out,
                    "<div class=\"fact proof-node\"><span class=\"atom\">{}</span> <span class=\"loc\">[{what}]</span></div>",
                    escape(&p.conclusion)
                );
            } else {
                let _ = writeln!(
                    out,
                    "<details open class=\"proof-node\"><summary><span class=\"atom\">{}</span></summary>",
                    escape(&p.conclusion)
                );
                for q in &p.premises {
                    proof_html(q, texts, out);
                }
                out.push_str("</details>\n");
            }
        }
    }
}

fn hashes(title: &str, files: &[TracedFile], out: &mut String) {
    let _ = writeln!(
        out,
        "<h3>{}</h3>\n<table><tr><th>file</th><th>SHA-256</th></tr>",
        escape(title)
    );
    for f in files {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td><code class=\"hash\">{}</code></td></tr>",
            escape(&f.path),
            escape(&f.sha256)
        );
    }
    out.push_str("</table>\n");
}

fn proofs_of(a: &Answer, texts: &PinnedLines, out: &mut String) {
    let proofs = a.proofs();
    if proofs.is_empty() {
        out.push_str("<p>No proof: the knowledge base states nothing that answers it.</p>\n");
    }
    for p in proofs {
        proof_html(p, texts, out);
    }
    if !a.proof_errors().is_empty() {
        for e in a.proof_errors() {
            let _ = writeln!(out, "<p class=\"warn\">proof rejected: {}</p>", escape(e));
        }
    } else if !a.proofs().is_empty() {
        out.push_str("<p class=\"ok\">✓ every proof checked by the proof checker</p>\n");
    }
}

/// An audit trace as an HTML page; `texts` are the pinned texts its citations quote.
pub fn trace(t: &Trace, texts: &PinnedLines) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>Audit trace: <code>{}</code></h1>\n<p class=\"verdict\">verdict: {}</p>\n\
         <p class=\"loc\">{} {}, written {}</p>\n<h2>Proofs</h2>",
        escape(&t.question),
        escape(&t.answer.verdict()),
        escape(&t.tool.name),
        escape(&t.tool.version),
        escape(&t.created)
    );
    proofs_of(&t.answer, texts, &mut b);
    b.push_str("<h2>Hashes</h2>\n");
    hashes("Knowledge-base files", &t.knowledge_base, &mut b);
    hashes("Pinned source texts", &t.source_texts, &mut b);
    page(&format!("supportkb trace: {}", t.question), &b)
}

fn side(label: &str, q: &str, a: Option<&QuestionAnswer>, texts: &PinnedLines, out: &mut String) {
    let _ = writeln!(
        out,
        "<div class=\"side\"><h4>{label}: <code>{}</code> → {}</h4>",
        escape(q),
        escape(&super::diff::answer_line(a))
    );
    if let Some(a) = a {
        proofs_of(&Answer::Question(a.clone()), texts, out);
    }
    out.push_str("</div>\n");
}

fn change(c: &Change, texts: (&PinnedLines, &PinnedLines), out: &mut String) {
    let _ = writeln!(
        out,
        "<section class=\"change\"><h3>{}: <code>{}</code></h3>\n<ul>",
        escape(c.kind.title()),
        escape(&c.question_b)
    );
    for d in &c.details {
        let _ = writeln!(out, "<li>{}</li>", escape(d));
    }
    out.push_str("</ul>\n<div class=\"sides\">\n");
    side("A", &c.question_a, c.a.as_ref(), texts.0, out);
    side("B", &c.question_b, c.b.as_ref(), texts.1, out);
    out.push_str("</div>\n</section>\n");
}

/// A diff as an HTML page; `texts` are A's and B's pinned texts.
pub fn diff(d: &Diff, texts: (&PinnedLines, &PinnedLines)) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>What changed: <code>{}</code> → <code>{}</code></h1>\n<p>{} asked of both, {} changed.</p>",
        escape(&d.a.name),
        escape(&d.b.name),
        crate::source::plural(d.asked, "question"),
        crate::source::plural(d.changes.len(), "answer")
    );
    if !d.renames.is_empty() {
        b.push_str("<h2>Renamed (matched through aliases, not changes)</h2>\n<ul>\n");
        for r in &d.renames {
            let _ = writeln!(
                b,
                "<li><code>{}</code> → <code>{}</code></li>",
                escape(&r.old),
                escape(&r.new)
            );
        }
        b.push_str("</ul>\n");
    }
    b.push_str("<h2>Changed answers</h2>\n");
    if d.changes.is_empty() {
        b.push_str("<p>No answer changed.</p>\n");
    }
    for c in &d.changes {
        change(c, texts, &mut b);
    }
    b.push_str("<h2>Hashes</h2>\n");
    hashes(&format!("A: {}", d.a.name), &d.a.source_texts, &mut b);
    hashes(&format!("B: {}", d.b.name), &d.b.source_texts, &mut b);
    page(&format!("supportkb diff: {} → {}", d.a.name, d.b.name), &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn a_quote_spanning_lines_marks_each() {
        let lines: Vec<String> = ["x", "Peer cache is", "not supported.", "other"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let q = Quote {
            source: "s".into(),
            title: String::new(),
            url: None,
            section: String::new(),
            quote: "Peer cache is not supported.".into(),
            line: Some(2),
            verified: true,
        };
        assert_eq!(cited_lines(&q, &lines), (2, 3));
    }
}
