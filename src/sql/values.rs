//! The value encoding: every column of every table is text holding one constant, tagged
//! with its kind, written so that equal constants have equal text and two constants of one
//! kind order as their text does (byte order: SQLite's `BINARY`, PostgreSQL's `"C"`).
//!
//! | kind | text | example |
//! | --- | --- | --- |
//! | symbol | `s:` and the name | `s:peer_cache` |
//! | string | `t:` and the characters | `t:cmg-prod` |
//! | integer ≥ 0 | `i:p` and 19 digits | `i:p0000000000000000042` |
//! | integer < 0 | `i:n` and 19 digits of `n + 2^63` | `i:n9223372036854775807` is -1 |
//! | version | `v:`, each part in 20 digits joined by `.`, a space, the parts as written without padding | `v:00000000000000000004.00000000000000000010 4.10` |
//!
//! One column per argument, whatever the kind, keeps joins a comparison of one column and
//! lets a column hold what an untyped column holds in memory (a symbol in one row, an
//! integer in the next). Versions equal by their parts (`2203` = `2203.0`) get one text; a
//! version read back is the form the knowledge base first wrote.
//!
//! The SQL fragments here turn such text into integers and character strings and back,
//! per dialect, with DESIGN §4's semantics: a value of the wrong kind, an overflow or a
//! division by zero is `NULL`, so the literal holding it has no row (never an error).

use super::Dialect;
use crate::ir::{ArithOp, Const, Interner};
use crate::syntax::Version;

/// The table of every version the program holds: its encoded `value` and the text it was
/// `written` as first (versions equal by their parts share one value).
pub const VERSIONS: &str = "skb_versions";

/// The smallest 64-bit integer as SQL (its literal alone would be read as a real number).
const MIN: &str = "(-9223372036854775807 - 1)";

/// The encoded text of a constant.
pub fn encode(c: &Const) -> String {
    match c {
        Const::Sym(s) => format!("s:{s}"),
        Const::Str(s) => format!("t:{s}"),
        Const::Int(n) if *n >= 0 => format!("i:p{n:019}"),
        Const::Int(n) => format!("i:n{:019}", (i128::from(*n) + (1i128 << 63)) as u64),
        Const::Version(v) => {
            let padded: Vec<String> = v.parts().iter().map(|p| format!("{p:020}")).collect();
            let plain: Vec<String> = v.parts().iter().map(u64::to_string).collect();
            format!("v:{} {}", padded.join("."), plain.join("."))
        }
    }
}

/// The constant an encoded text stands for, interned (a version as the knowledge base first
/// wrote it); `None` for text this encoding never writes.
pub fn decode(text: &str, interner: &mut Interner) -> Option<u32> {
    Some(interner.intern(&decode_const(text)?))
}

/// The constant an encoded text stands for (a version as the text writes it); `None` for
/// text this encoding never writes.
pub fn decode_const(text: &str) -> Option<Const> {
    let (tag, body) = (text.get(..2)?, text.get(2..)?);
    let c = match tag {
        "s:" => Const::Sym(body.to_string()),
        "t:" => Const::Str(body.to_string()),
        "i:" => {
            let digits: u64 = body.get(1..)?.parse().ok()?;
            match body.as_bytes().first()? {
                b'p' => Const::Int(i64::try_from(digits).ok()?),
                b'n' => Const::Int(i64::try_from(i128::from(digits) - (1i128 << 63)).ok()?),
                _ => return None,
            }
        }
        "v:" => Const::Version(Version::parse(body.split(' ').nth(1)?).ok()?),
        _ => return None,
    };
    Some(c)
}

/// A SQL string literal.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The SQL literal of a constant, encoded.
pub fn literal(c: &Const) -> String {
    quote(&encode(c))
}

/// A SQL integer literal (negative ones in parentheses, so `a - -1` never reads as a
/// comment).
pub fn int_literal(n: i64) -> String {
    if n == i64::MIN {
        MIN.to_string()
    } else if n < 0 {
        format!("({n})")
    } else {
        n.to_string()
    }
}

impl Dialect {
    /// The 64-bit integer type.
    pub fn bigint(self) -> &'static str {
        match self {
            Dialect::Sqlite => "INTEGER",
            Dialect::Postgres => "BIGINT",
        }
    }

    /// `x` (encoded text) as a 64-bit integer; `NULL` unless it encodes an integer.
    pub fn to_int(self, x: &str) -> String {
        let t = self.bigint();
        format!(
            "(CASE substr({x}, 1, 3) WHEN 'i:p' THEN CAST(substr({x}, 4) AS {t}) \
             WHEN 'i:n' THEN CAST(substr({x}, 4) AS {t}) - 9223372036854775807 - 1 END)"
        )
    }

    /// The 64-bit integer `x` (a column or literal) encoded; `NULL` stays `NULL`.
    pub fn from_int(self, x: &str) -> String {
        let pad = |v: &str| match self {
            Dialect::Sqlite => format!("printf('%019d', {v})"),
            Dialect::Postgres => format!("lpad(CAST({v} AS TEXT), 19, '0')"),
        };
        format!(
            "(CASE WHEN {x} IS NULL THEN NULL WHEN {x} >= 0 THEN 'i:p' || {} \
             ELSE 'i:n' || {} END)",
            pad(x),
            pad(&format!("{x} + 9223372036854775807 + 1"))
        )
    }

    /// The characters of a string or symbol `x` (encoded text); `NULL` for other kinds.
    pub fn to_text(self, x: &str) -> String {
        format!("(CASE WHEN substr({x}, 1, 2) IN ('s:', 't:') THEN substr({x}, 3) END)")
    }

    /// The text of any constant `x` as `concat` and `to_string` read it: a string's or
    /// symbol's characters, an integer in decimal, a version as the knowledge base first
    /// wrote it (from the table [`VERSIONS`]).
    pub fn plain_text(self, x: &str) -> String {
        format!(
            "(CASE substr({x}, 1, 2) WHEN 's:' THEN substr({x}, 3) WHEN 't:' THEN substr({x}, 3) \
             WHEN 'i:' THEN CAST({} AS TEXT) \
             WHEN 'v:' THEN (SELECT v.written FROM {VERSIONS} v WHERE v.value = {x}) END)",
            self.to_int(x)
        )
    }

    /// `a op b` on 64-bit integers (columns or literals), `NULL` on overflow, division by
    /// zero or a `NULL` operand: `/` truncates toward zero, `mod` has the dividend's sign.
    pub fn arith(self, op: ArithOp, a: &str, b: &str) -> String {
        let sym = match op {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Rem => "%",
        };
        match op {
            ArithOp::Div => format!(
                "(CASE WHEN {b} = 0 THEN NULL WHEN {b} = -1 AND {a} = {MIN} THEN NULL \
                 ELSE {a} / {b} END)"
            ),
            // The remainder by -1 is 0 (only the quotient of MIN by -1 overflows).
            ArithOp::Rem => format!(
                "(CASE WHEN {b} = 0 THEN NULL WHEN {b} = -1 THEN {a} * 0 ELSE {a} % {b} END)"
            ),
            // SQLite turns an overflowing integer result into a real number.
            _ => match self {
                Dialect::Sqlite => {
                    format!("(CASE WHEN typeof({a} {sym} {b}) = 'integer' THEN {a} {sym} {b} END)")
                }
                Dialect::Postgres => format!(
                    "(CASE WHEN CAST({a} AS NUMERIC) {sym} {b} BETWEEN {MIN} AND 9223372036854775807 \
                     THEN CAST(CAST({a} AS NUMERIC) {sym} {b} AS BIGINT) END)"
                ),
            },
        }
    }

    /// `a < b` (and the other orderings) on encoded text: only between two values of one
    /// kind, in byte order.
    pub fn order(self, a: &str, op: &str, b: &str) -> String {
        let collate = match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " COLLATE \"C\"",
        };
        format!("(substr({a}, 1, 2) = substr({b}, 1, 2) AND {a} {op} {b}{collate})")
    }

    /// The false of a condition that may be `NULL`, as the dialect writes it.
    pub fn holds(self, cond: &str) -> String {
        match self {
            Dialect::Sqlite => format!("COALESCE({cond}, 0)"),
            Dialect::Postgres => format!("COALESCE({cond}, FALSE)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip_and_order_as_the_values() {
        let mut interner = Interner::default();
        let v = |s: &str| Const::Version(Version::parse(s).unwrap());
        let values = [
            Const::Int(i64::MIN),
            Const::Int(-1),
            Const::Int(0),
            Const::Int(42),
            Const::Int(i64::MAX),
            Const::Sym("peer_cache".into()),
            Const::Str("héllo 'x'".into()),
            v("4.9"),
            v("4.10"),
            v("10.0.19045"),
        ];
        for c in &values {
            let id = decode(&encode(c), &mut interner).unwrap();
            assert_eq!(interner.value(id), c);
        }
        let ints: Vec<String> = values[..5].iter().map(encode).collect();
        assert!(ints.windows(2).all(|w| w[0] < w[1]), "{ints:?}");
        assert!(encode(&v("4.9")) < encode(&v("4.10")));
        assert!(encode(&v("4")) < encode(&v("4.0.1")));
        assert_eq!(encode(&v("2203")), encode(&v("2203.0")));
    }

    #[test]
    fn a_version_reads_back_as_first_written() {
        let mut interner = Interner::default();
        let first = Const::Version(Version::parse("2203.0").unwrap());
        interner.intern(&first);
        let id = decode(&encode(&first), &mut interner).unwrap();
        assert_eq!(interner.value(id).to_string(), first.to_string());
        assert_eq!(decode("x:1", &mut interner), None);
    }
}
