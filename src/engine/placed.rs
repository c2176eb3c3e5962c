//! Where in a data file a reading error is: the row and cell noted as it was raised, else
//! the quote never closed or the byte that is not UTF-8 the reader stopped at, as an
//! excerpt of the file, so that the error leads with `file:line:col` and shows a caret.

use super::headed::HeadedError;
use crate::source::Diagnostic;
use crate::source::excerpt::{Target, excerpt, first_non_utf8};
use std::path::Path;

/// A reading error of `path` placed at `spot` (the row and cell noted as it was raised),
/// else at the quote never closed or the byte that is not UTF-8 the reader stopped at;
/// else as it is. Without an excerpt, a row's message is led by `file:line:`.
pub(super) fn placed(path: &Path, spot: Option<(u64, Target)>, mut d: Diagnostic) -> HeadedError {
    let spot = spot.or_else(|| {
        if crate::source::table::is_csv(path)
            && let Some((line, at, col)) = crate::source::table::unclosed_quote(path)
        {
            d.message = crate::source::table::unclosed_quote_message(line, col);
            return Some((line, Target::Byte(at)));
        }
        let (line, at, byte) = first_non_utf8(path)?;
        d.message = format!("byte 0x{byte:02X} is not UTF-8: save the file as UTF-8");
        Some((line, Target::Byte(at)))
    });
    let place = spot.and_then(|(line, t)| excerpt(path, line, t));
    if place.is_none()
        && let Some((line, _)) = spot
    {
        d.message = format!("{}:{line}: {}", path.display(), d.message);
    }
    HeadedError {
        diagnostic: d,
        input: None,
        place,
    }
}
