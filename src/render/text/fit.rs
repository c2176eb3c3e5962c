//! Text fitted to a width: lines longer than it are wrapped at spaces, never inside a word,
//! and each continuation line is indented under the line it continues, the proof tree's
//! branches kept in their columns. Tables are left to tabled, which fits them itself.
//!
//! One width for the process, in columns: 0 never wraps (the default, and what output to
//! a pipe or a file gets), [`FOLLOW_TERMINAL`] asks the terminal on each use (so a REPL
//! follows a resize), any other number is that width (`--width N`).

use std::sync::atomic::{AtomicUsize, Ordering};

/// [`set_width`]'s value for "the terminal's width, asked each time" (its size, else
/// `COLUMNS`); 0 when standard output is not a terminal.
pub const FOLLOW_TERMINAL: usize = usize::MAX;

static WIDTH: AtomicUsize = AtomicUsize::new(0);

/// Sets the width text is fitted to: 0 never wraps, [`FOLLOW_TERMINAL`] follows the terminal.
pub fn set_width(columns: usize) {
    WIDTH.store(columns, Ordering::Relaxed);
}

/// The width text is fitted to now, in columns; 0 for none.
pub fn width() -> usize {
    match WIDTH.load(Ordering::Relaxed) {
        FOLLOW_TERMINAL => terminal_width(),
        w => w,
    }
}

/// The terminal's width when standard output is one: its size (which follows a resize),
/// else `COLUMNS` if it is a number. 0 when standard output is a pipe or a file.
fn terminal_width() -> usize {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return 0;
    }
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return usize::from(w);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .unwrap_or(0)
}

/// Characters that draw the proof tree at the start of a line.
const TREE: &str = " │├└─";

/// Extra indentation of a continuation line, past the line's own.
const HANGING: &str = "    ";

/// `text` with every line longer than `width` columns wrapped (0: as it is).
pub fn fit(text: &str, width: usize) -> String {
    if width == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        fit_line(line, width, &mut out);
    }
    out
}

/// A line of a table drawn with box characters: tabled fits those.
fn is_table_line(line: &str) -> bool {
    let t = line.trim();
    matches!(t.chars().next(), Some('╭' | '│' | '├' | '╰'))
        && matches!(t.chars().last(), Some('╮' | '│' | '┤' | '╯'))
}

fn fit_line(line: &str, width: usize, out: &mut String) {
    if line.chars().count() <= width || is_table_line(line) {
        out.push_str(line);
        return;
    }
    let prefix_len = line.chars().take_while(|c| TREE.contains(*c)).count();
    let prefix: String = line.chars().take(prefix_len).collect();
    let body: String = line.chars().skip(prefix_len).collect();
    // Under a branch `├─ ` the tree goes on (`│  `); under `└─ ` it has ended.
    let mut cont: String = prefix
        .chars()
        .map(|c| match c {
            '│' | '├' => '│',
            _ => ' ',
        })
        .collect();
    cont.push_str(HANGING);
    let mut current = prefix;
    let mut len = prefix_len;
    let mut has_word = false;
    for word in body.split(' ') {
        let n = word.chars().count();
        if has_word && len + 1 + n > width {
            out.push_str(current.trim_end());
            out.push('\n');
            current = cont.clone();
            len = cont.chars().count();
            has_word = false;
        }
        if has_word {
            current.push(' ');
            len += 1;
        }
        current.push_str(word);
        len += n;
        has_word |= !word.is_empty();
    }
    out.push_str(current.trim_end());
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn long_lines_wrap_at_spaces_under_the_tree() {
        let text = "├─ status(a, b)   [fact, x.kb:1:1]\n│    cites src § section, line 3 ✓: \"one two three four\"";
        let out = fit(text, 30);
        assert_eq!(
            out,
            "├─ status(a, b)   [fact,\n│      x.kb:1:1]\n│    cites src § section, line\n│        3 ✓: \"one two three\n│        four\""
        );
        for l in out.lines() {
            assert!(l.chars().count() <= 30, "{l}");
        }
    }

    #[test]
    fn a_word_longer_than_the_width_is_kept_whole_and_tables_are_left_alone() {
        assert_eq!(fit("a bbbbbbbbbbbb c", 5), "a\n    bbbbbbbbbbbb\n    c");
        let table = "│ a very long cell of a table │";
        assert_eq!(fit(table, 10), table);
        assert_eq!(fit("unchanged at width 0", 0), "unchanged at width 0");
    }
}
