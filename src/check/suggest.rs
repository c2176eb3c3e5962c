//! "Did you mean": the closest known name to a misspelt one.

/// How similar (Jaro–Winkler, 0 to 1) a candidate must be to count as a likely typo.
pub const TYPO_SIMILARITY: f64 = 0.8;

/// The closest name to `name` among `candidates`, if one is close enough to be a typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    closest(name, candidates, 1).into_iter().next()
}

/// "Did you mean" in the one form every message uses: each name in backticks, several
/// joined by "or": ``did you mean `peer_cache`?``, ``did you mean `a` or `b`?``.
pub fn did_you_mean_text<S: AsRef<str>>(names: &[S]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    format!("did you mean {}?", quoted.join(" or "))
}

/// Up to `n` names among `candidates` close enough to `name` to be a typo of it, closest
/// first.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>, n: usize) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = candidates
        .filter(|c| *c != name)
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > TYPO_SIMILARITY)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(n)
        .map(|(_, c)| c.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::did_you_mean_text;

    #[test]
    fn one_form_for_one_name_or_several() {
        assert_eq!(did_you_mean_text(&["site"]), "did you mean `site`?");
        assert_eq!(
            did_you_mean_text(&["a".to_string(), "b".to_string()]),
            "did you mean `a` or `b`?"
        );
    }
}
