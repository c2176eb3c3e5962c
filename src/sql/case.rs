//! Case mapping on PostgreSQL with the engine's meaning (Rust's `to_lowercase` and
//! `to_uppercase`: Unicode's full mappings, `Straße` upper is `STRASSE`), not the
//! database's locale.
//!
//! ASCII text is mapped by `lower`/`upper` under the `"C"` collation (which maps ASCII
//! letters only); other text character by character through the table [`CASE_TABLE`] of
//! every non-ASCII character whose mapping differs from itself, written from Rust's own
//! mappings. Lowercasing a capital sigma depends on its neighbours (a final `ς`), which
//! needs Unicode properties the table does not hold: a non-ASCII text with `Σ` stops the
//! statement with an error naming it, never a different answer.

use super::values::quote;

/// The table of case mappings: a character `ch`, its `lower` and `upper` mappings.
pub const CASE_TABLE: &str = "skb_case";

/// Whether a statement reads the table of case mappings.
pub fn uses_case_table(sql: &str) -> bool {
    sql.contains(CASE_TABLE)
}

/// The statements that create and fill [`CASE_TABLE`].
pub fn case_table() -> Vec<String> {
    let mut rows = Vec::new();
    for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
        let (lower, upper): (String, String) =
            (c.to_lowercase().collect(), c.to_uppercase().collect());
        if lower != c.to_string() || upper != c.to_string() {
            rows.push(format!(
                "({}, {}, {})",
                quote(&c.to_string()),
                quote(&lower),
                quote(&upper)
            ));
        }
    }
    vec![
        format!("DROP TABLE IF EXISTS {CASE_TABLE}"),
        format!(
            "CREATE TABLE {CASE_TABLE} (ch TEXT COLLATE \"C\" PRIMARY KEY, lower TEXT NOT NULL, upper TEXT NOT NULL)"
        ),
        format!(
            "INSERT INTO {CASE_TABLE} (ch, lower, upper) VALUES {}",
            rows.join(", ")
        ),
    ]
}

/// The characters of text `s` (a string's characters, `NULL` stays `NULL`) mapped to lower
/// case (`upper` false) or upper case, as a PostgreSQL expression.
pub fn map_case(s: &str, upper: bool) -> String {
    let f = if upper { "upper" } else { "lower" };
    let each = format!(
        "(SELECT string_agg(COALESCE(m.{f}, {f}(c COLLATE \"C\")), '' ORDER BY n) FROM \
         regexp_split_to_table({s}, '') WITH ORDINALITY AS t(c, n) \
         LEFT JOIN {CASE_TABLE} m ON m.ch = c)"
    );
    let sigma = if upper {
        String::new()
    } else {
        // Not constant, so the planner does not fold it into an error of every statement.
        format!(
            " WHEN strpos({s}, 'Σ') > 0 THEN CAST(CAST(('lower of a text with Σ is not \
             evaluated on postgres (a final sigma needs Unicode properties): ' || {s}) AS INTEGER) AS TEXT)"
        )
    };
    format!(
        "(CASE WHEN octet_length({s}) = length({s}) THEN {f}({s} COLLATE \"C\"){sigma} ELSE {each} END)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_the_full_mappings_of_non_ascii_characters_only() {
        let insert = &case_table()[2];
        assert!(insert.contains("('ß', 'ß', 'SS')"), "full upper mapping");
        assert!(insert.contains("('ǅ', 'ǆ', 'Ǆ')"), "title case");
        assert!(!insert.contains("('A',"), "ASCII is mapped by the database");
    }
}
