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
}

impl std::fmt::Display for ArithError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArithError::Overflow => write!(f, "integer overflow"),
            ArithError::DivisionByZero => write!(f, "division by zero"),
            ArithError::NotAnInteger(c) => write!(f, "{c} is not an integer"),
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
        Const::Int(_) => None,
    }
}

/// Whether `a op b` holds.
pub fn compare(a: &Const, op: CmpOp, b: &Const) -> bool {
    let ord = match (a, b) {
        (Const::Int(x), Const::Int(y)) => Some(x.cmp(y)),
        (Const::Str(x), Const::Str(y)) | (Const::Sym(x), Const::Sym(y)) => Some(x.cmp(y)),
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

/// Whether the test built-in `b` holds on `args` (for `length`, `args[1]` is compared with
/// the length). `regex` is the compiled pattern when the caller has one; otherwise it is
/// compiled here, and an invalid pattern makes the test fail.
pub fn test(b: Builtin, args: &[Const], regex: Option<&regex::Regex>) -> bool {
    match b {
        Builtin::Length => length(&args[0]).is_some_and(|n| args[1] == Const::Int(n)),
        Builtin::Matches => {
            let Some(s) = text(&args[0]) else {
                return false;
            };
            match regex {
                Some(r) => r.is_match(s),
                None => {
                    let pattern = match &args[1] {
                        Const::Int(n) => n.to_string(),
                        other => text(other).unwrap_or_default().to_string(),
                    };
                    compile_regex(&pattern).is_ok_and(|r| r.is_match(s))
                }
            }
        }
        Builtin::Contains | Builtin::Prefix | Builtin::Suffix => {
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
    fn ordering_needs_one_kind() {
        assert!(compare(&Const::Int(2), CmpOp::Lt, &Const::Int(3)));
        assert!(!compare(&Const::Int(2), CmpOp::Lt, &Const::Str("3".into())));
        assert!(compare(&Const::Int(2), CmpOp::Ne, &Const::Str("2".into())));
    }
}
