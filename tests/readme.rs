//! The README's examples of `coverage`, `search`, `diff` and unknown answers that point somewhere:
//! each `sh` block naming one of them is run, and every line of the `text` block after it
//! must be in what it prints, in order (`...` stands for lines left out).

mod common;

use common::*;

/// `(command line, expected lines)` of every example in the README naming one of `commands`.
fn examples(commands: &[&str]) -> Vec<(String, Vec<String>)> {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let blocks: Vec<&str> = readme.split("```").collect();
    let mut out = Vec::new();
    for w in blocks.windows(3) {
        let (Some(cmd), Some(text)) = (w[0].strip_prefix("sh\n"), w[2].strip_prefix("text\n"))
        else {
            continue;
        };
        if !w[1].trim().is_empty() {
            continue;
        }
        let line = cmd.trim();
        if line.lines().count() == 1
            && commands
                .iter()
                .any(|c| line.starts_with(&format!("supportkb {c}")))
        {
            out.push((line.to_string(), text.lines().map(String::from).collect()));
        }
    }
    out
}

/// Splits a shell line of single-quoted and bare words.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        let r = rest.trim_start();
        if r.is_empty() {
            break;
        }
        if let Some(q) = r.strip_prefix('\'') {
            let end = q.find('\'').unwrap();
            out.push(q[..end].to_string());
            rest = &q[end + 1..];
        } else {
            let end = r.find(' ').unwrap_or(r.len());
            out.push(r[..end].to_string());
            rest = &r[end..];
        }
    }
    out
}

#[test]
fn the_readme_shows_coverage_search_and_pointers_as_printed() {
    let found = examples(&["coverage", "search", "query 'supported? console'", "diff"]);
    assert_eq!(found.len(), 4, "{found:?}");
    for (line, expected) in found {
        let args = words(&line);
        let r = run(&args[1..].iter().map(String::as_str).collect::<Vec<_>>());
        // `diff` exits 1 when an answer changed, as the README's example shows.
        let code = if line.starts_with("supportkb diff") {
            1
        } else {
            0
        };
        assert_eq!(r.code, code, "{line}: {r:?}");
        let printed: Vec<&str> = r.stdout.lines().collect();
        let mut at = 0;
        for want in expected.iter().filter(|l| *l != "...") {
            let i = printed[at..]
                .iter()
                .position(|p| p == want)
                .unwrap_or_else(|| {
                    panic!(
                        "{line}: `{want}` is not printed (after line {at}):\n{}",
                        r.stdout
                    )
                });
            at += i + 1;
        }
    }
}

#[test]
fn the_readme_fail_flags_exit_as_its_shell_lines_say() {
    // `A || B` runs B when A fails (exit 1 here); `A && B` when it succeeds.
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let lines: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("supportkb query --fail-"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    for line in lines {
        let (cmd, want) = match (line.split_once(" || "), line.split_once(" && ")) {
            (Some((cmd, _)), _) => (cmd, 1),
            (_, Some((cmd, _))) => (cmd, 0),
            _ => panic!("{line}: neither || nor &&"),
        };
        let args = words(cmd);
        let r = run(&args[1..].iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(r.code, want, "{line}: {r:?}");
    }
}

/// The README's examples of the SQL engines: `--engine sqlite:…` (run in a temporary
/// folder, where it writes its database) and `supportkb sql`.
#[test]
fn the_readme_shows_the_sql_engines_as_printed() {
    let found = examples(&["--engine sqlite:", "--kb examples/lifecycle sql"]);
    assert_eq!(found.len(), 2, "{found:?}");
    let dir = tempfile::tempdir().unwrap();
    for (line, expected) in found {
        let args = words(&line);
        let args: Vec<&str> = args[1..].iter().map(String::as_str).collect();
        let r = if line.contains("--engine") {
            run_in(dir.path(), &args)
        } else {
            run(&args)
        };
        assert_eq!(r.code, 0, "{line}: {r:?}");
        let printed: Vec<&str> = r.stdout.lines().collect();
        let mut at = 0;
        for want in expected.iter().filter(|l| *l != "...") {
            let i = printed[at..]
                .iter()
                .position(|p| p == want)
                .unwrap_or_else(|| panic!("{line}: `{want}` is not printed (after line {at})"));
            at += i + 1;
        }
    }
    assert!(dir.path().join("cmg.db").exists());
}

#[test]
fn the_readme_shows_the_estate_example_as_printed() {
    let found = examples(&["--inventory", "report"]);
    assert_eq!(found.len(), 2, "{found:?}");
    for (line, expected) in found {
        let args = words(&line);
        let r = run(&args[1..].iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(r.code, 0, "{line}: {r:?}");
        let printed: Vec<&str> = r.stdout.lines().collect();
        let mut at = 0;
        for want in expected.iter().filter(|l| *l != "...") {
            let i = printed[at..]
                .iter()
                .position(|p| p == want)
                .unwrap_or_else(|| {
                    panic!(
                        "{line}: `{want}` is not printed (after line {at}):\n{}",
                        r.stdout
                    )
                });
            at += i + 1;
        }
    }
}
