//! The meaning of comparisons, arithmetic and built-ins on constants, shared by the
//! evaluator, the explainer and the proof checker.
//!
//! Semantics (DESIGN §4): integers are 64-bit signed; overflow and division by zero make the
//! literal fail (never wrap); `/` truncates toward zero, `%` takes the sign of the dividend.
//! Strings count characters (Unicode scalar values). `matches` is a whole-string match.
//! Ordering comparisons hold between two integers, two strings or two symbols; between
//! values of different kinds they fail.

use crate::ir::{ArithOp, Builtin, CmpOp, Const, compile_regex};
use std::cmp::Ordering;

/// Why an expression has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArithError {
    /// The result does not fit in 64 bits.
    Overflow,
    /// Division or remainder by zero.
    DivisionByZero,
    /// An operand is not an integer.
    NotAnInteger(Const),
    /// `min` or `max` over values of different kinds.
    Incomparable(Const, Const),
}

impl std::fmt::Display for ArithError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArithError::Overflow => write!(f, "integer overflow"),
            ArithError::DivisionByZero => write!(f, "division by zero"),
            ArithError::NotAnInteger(c) => write!(f, "{c} is not an integer"),
            ArithError::Incomparable(a, b) => {
                write!(
                    f,
                    "{a} and {b} are of different kinds and cannot be compared"
                )
            }
        }
    }
}

/// The value of an aggregate over the values of one group's distinct bindings (for
/// `count`, one entry per binding, whatever it holds). DESIGN §4: `count` and `sum` of no
/// bindings are 0; `min` and `max` of none are `Ok(None)`, no value.
///
/// Errors: `sum` of a non-integer or past 64 bits; `min`/`max` over values of different
/// kinds (integers, versions, strings, symbols each order only among themselves).
pub fn aggregate<'a>(
    op: crate::ir::AggOp,
    values: impl IntoIterator<Item = &'a Const>,
) -> Result<Option<Const>, ArithError> {
    use crate::ir::AggOp;
    let mut values = values.into_iter();
    match op {
        AggOp::Count => Ok(Some(Const::Int(values.count() as i64))),
        AggOp::Sum => values
            .try_fold(0i64, |acc, v| match v {
                Const::Int(i) => arith(ArithOp::Add, acc, *i),
                other => Err(ArithError::NotAnInteger(other.clone())),
            })
            .map(|s| Some(Const::Int(s))),
        AggOp::Min | AggOp::Max => {
            let want = if op == AggOp::Min {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            let Some(mut best) = values.next() else {
                return Ok(None);
            };
            for v in values {
                let ord = match (v, best) {
                    (Const::Int(x), Const::Int(y)) => x.cmp(y),
                    (Const::Str(x), Const::Str(y)) | (Const::Sym(x), Const::Sym(y)) => x.cmp(y),
                    (Const::Version(x), Const::Version(y)) => x.cmp(y),
                    _ => return Err(ArithError::Incomparable(best.clone(), v.clone())),
                };
                if ord == want {
                    best = v;
                }
            }
            Ok(Some(best.clone()))
        }
    }
}

/// `a op b` on 64-bit integers, checked.
pub fn arith(op: ArithOp, a: i64, b: i64) -> Result<i64, ArithError> {
    let r = match op {
        ArithOp::Add => a.checked_add(b),
        ArithOp::Sub => a.checked_sub(b),
        ArithOp::Mul => a.checked_mul(b),
        ArithOp::Div | ArithOp::Rem if b == 0 => return Err(ArithError::DivisionByZero),
        ArithOp::Div => a.checked_div(b),
        // The remainder of MIN / -1 is 0; only the quotient overflows.
        ArithOp::Rem if b == -1 => Some(0),
        ArithOp::Rem => a.checked_rem(b),
    };
    r.ok_or(ArithError::Overflow)
}

/// The text of a string or symbol; `None` for integers.
pub fn text(c: &Const) -> Option<&str> {
    match c {
        Const::Str(s) | Const::Sym(s) => Some(s),
        Const::Int(_) | Const::Version(_) => None,
    }
}

/// Whether `a op b` holds.
pub fn compare(a: &Const, op: CmpOp, b: &Const) -> bool {
    let ord = match (a, b) {
        (Const::Int(x), Const::Int(y)) => Some(x.cmp(y)),
        (Const::Str(x), Const::Str(y)) | (Const::Sym(x), Const::Sym(y)) => Some(x.cmp(y)),
        (Const::Version(x), Const::Version(y)) => Some(x.cmp(y)),
        _ => None,
    };
    match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        CmpOp::Lt => ord == Some(Ordering::Less),
        CmpOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => ord == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// Character count of a string or symbol.
pub fn length(s: &Const) -> Option<i64> {
    text(s).map(|t| t.chars().count() as i64)
}

/// The value of a function built-in (see [`Builtin`]) on its inputs (every argument but the
/// last); `None` when it has none for them (wrong kind, out of range), or for a test.
pub fn compute(b: Builtin, inputs: &[Const]) -> Option<Const> {
    let str_of = |c: &Const| match c {
        Const::Str(s) | Const::Sym(s) => Some(s.clone()),
        _ => None,
    };
    Some(match b {
        Builtin::Length => Const::Int(length(&inputs[0])?),
        Builtin::Concat => Const::Str(format!(
            "{}{}",
            inputs[0].plain_text(),
            inputs[1].plain_text()
        )),
        Builtin::Substr => {
            let s = str_of(&inputs[0])?;
            let (Const::Int(start), Const::Int(len)) = (&inputs[1], &inputs[2]) else {
                return None;
            };
            let (start, len) = (usize::try_from(*start).ok()?, usize::try_from(*len).ok()?);
            let chars: Vec<char> = s.chars().collect();
            let end = start.checked_add(len)?;
            if end > chars.len() {
                return None;
            }
            Const::Str(chars[start..end].iter().collect())
        }
        Builtin::ToString => Const::Str(inputs[0].plain_text()),
        Builtin::ToInt => {
            let s = str_of(&inputs[0]).or_else(|| match &inputs[0] {
                Const::Int(i) => Some(i.to_string()),
                _ => None,
            })?;
            let digits = s.strip_prefix('-').unwrap_or(&s);
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            Const::Int(s.parse().ok()?)
        }
        Builtin::Lower => Const::Str(str_of(&inputs[0])?.to_lowercase()),
        Builtin::Upper => Const::Str(str_of(&inputs[0])?.to_uppercase()),
        Builtin::Split => {
            let (s, sep) = (str_of(&inputs[0])?, str_of(&inputs[1])?);
            let Const::Int(n) = &inputs[2] else {
                return None;
            };
            if sep.is_empty() {
                return None;
            }
            Const::Str(
                s.split(sep.as_str())
                    .nth(usize::try_from(*n).ok()?)?
                    .to_string(),
            )
        }
        Builtin::Matches | Builtin::Contains | Builtin::Prefix | Builtin::Suffix => return None,
    })
}

/// Whether the built-in `b` holds on `args`: a test on its arguments, or for a function
/// whether its computed value equals the last argument. `regex` is the compiled pattern of
/// `matches` when the caller has one; otherwise it is compiled here, and an invalid pattern
/// makes the test fail.
pub fn test(b: Builtin, args: &[Const], regex: Option<&regex::Regex>) -> bool {
    if let Some(out) = b.output() {
        return compute(b, &args[..out]).is_some_and(|v| v == args[out]);
    }
    match b {
        Builtin::Matches => {
            let Some(s) = text(&args[0]) else {
                return false;
            };
            match regex {
                Some(r) => r.is_match(s),
                None => compile_regex(&args[1].plain_text()).is_ok_and(|r| r.is_match(s)),
            }
        }
        _ => {
            let (Some(s), Some(t)) = (text(&args[0]), text(&args[1])) else {
                return false;
            };
            match b {
                Builtin::Contains => s.contains(t),
                Builtin::Prefix => s.starts_with(t),
                _ => s.ends_with(t),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_never_wraps() {
        assert_eq!(arith(ArithOp::Add, i64::MAX, 1), Err(ArithError::Overflow));
        assert_eq!(arith(ArithOp::Div, 1, 0), Err(ArithError::DivisionByZero));
        assert_eq!(arith(ArithOp::Div, -7, 2), Ok(-3));
        assert_eq!(arith(ArithOp::Rem, -7, 2), Ok(-1));
        // Guards: the remainder of MIN by -1 was reported as an overflow.
        assert_eq!(arith(ArithOp::Rem, i64::MIN, -1), Ok(0));
        assert_eq!(arith(ArithOp::Div, i64::MIN, -1), Err(ArithError::Overflow));
    }

    #[test]
    fn strings_count_characters_and_match_whole() {
        assert_eq!(length(&Const::Str("héllo".into())), Some(5));
        let s = |x: &str| Const::Str(x.into());
        assert!(test(
            Builtin::Matches,
            &[s("cmg01"), s("[a-z]+[0-9]+")],
            None
        ));
        assert!(!test(
            Builtin::Matches,
            &[s("cmg01x"), s("[a-z]+[0-9]+")],
            None
        ));
        assert!(!test(Builtin::Matches, &[s("a"), s("(")], None));
        assert!(test(Builtin::Contains, &[s("cmg--prod"), s("--")], None));
    }

    #[test]
    fn string_functions() {
        let s = |x: &str| Const::Str(x.into());
        assert_eq!(
            compute(Builtin::Concat, &[s("cmg"), Const::Int(1)]),
            Some(s("cmg1"))
        );
        assert_eq!(
            compute(Builtin::Substr, &[s("héllo"), Const::Int(1), Const::Int(3)]),
            Some(s("éll"))
        );
        assert_eq!(
            compute(Builtin::Substr, &[s("abc"), Const::Int(2), Const::Int(2)]),
            None
        );
        assert_eq!(
            compute(Builtin::Substr, &[s("abc"), Const::Int(-1), Const::Int(1)]),
            None
        );
        assert_eq!(compute(Builtin::ToString, &[Const::Int(42)]), Some(s("42")));
        assert_eq!(compute(Builtin::ToInt, &[s("-42")]), Some(Const::Int(-42)));
        assert_eq!(compute(Builtin::ToInt, &[s("4.2")]), None);
        assert_eq!(compute(Builtin::ToInt, &[s("")]), None);
        assert_eq!(compute(Builtin::Upper, &[s("Straße")]), Some(s("STRASSE")));
        let split =
            |x: &str, sep: &str, n: i64| compute(Builtin::Split, &[s(x), s(sep), Const::Int(n)]);
        assert_eq!(split("5.00.9078.1000", ".", 2), Some(s("9078")));
        assert_eq!(
            split("cmg.contoso.com/CCM_Proxy/7", "/", 0),
            Some(s("cmg.contoso.com"))
        );
        assert_eq!(split("mp01.corp", "/", 0), Some(s("mp01.corp")));
        assert_eq!(split("a/b", "/", 2), None);
        assert_eq!(split("a/b", "", 0), None);
        assert_eq!(split("a/b", "/", -1), None);
        assert!(test(Builtin::Lower, &[s("ABC"), s("abc")], None));
        assert!(!test(Builtin::Lower, &[s("ABC"), s("ABC")], None));
    }

    #[test]
    fn ordering_needs_one_kind() {
        assert!(compare(&Const::Int(2), CmpOp::Lt, &Const::Int(3)));
        assert!(!compare(&Const::Int(2), CmpOp::Lt, &Const::Str("3".into())));
        assert!(compare(&Const::Int(2), CmpOp::Ne, &Const::Str("2".into())));
    }
}
