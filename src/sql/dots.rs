//! Rust's `.` on PostgreSQL: in Rust's `regex` a `.` matches any character but a line feed
//! unless the pattern starts with `(?s)`; PostgreSQL's `.` matches a line feed too, and its
//! newline-sensitive modes change bracket expressions and anchors as well. So a pattern
//! without `(?s)` goes through the function [`DOT_FUNCTION`], which writes each `.` outside
//! a bracket expression as `[^` line feed `]` and leaves the rest as it is (escapes, bracket
//! expressions with their leading `]` or `^]`, and classes such as `[:alpha:]` inside them).

/// The PL/pgSQL function rewriting a pattern's dots.
pub const DOT_FUNCTION: &str = "skb_no_newline_dot";

/// Whether a statement calls [`DOT_FUNCTION`].
pub fn uses_dot_function(sql: &str) -> bool {
    sql.contains(DOT_FUNCTION)
}

/// The statement (re)creating [`DOT_FUNCTION`].
pub fn dot_function() -> String {
    format!(
        "CREATE OR REPLACE FUNCTION {DOT_FUNCTION}(p TEXT) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
DECLARE
  res TEXT := '';
  i INT := 1;
  n INT := length(p);
  c TEXT;
  inside BOOLEAN := FALSE;
  lead BOOLEAN := FALSE;
  j INT;
BEGIN
  WHILE i <= n LOOP
    c := substr(p, i, 1);
    IF c = '\\' THEN
      res := res || substr(p, i, 2);
      i := i + 2;
      CONTINUE;
    END IF;
    IF inside THEN
      IF c = '[' AND substr(p, i + 1, 1) IN (':', '.', '=') THEN
        j := strpos(substr(p, i + 2), substr(p, i + 1, 1) || ']');
        IF j > 0 THEN
          res := res || substr(p, i, j + 3);
          i := i + j + 3;
          lead := FALSE;
          CONTINUE;
        END IF;
      END IF;
      IF c = ']' AND NOT lead THEN
        inside := FALSE;
      END IF;
      lead := FALSE;
      res := res || c;
    ELSIF c = '[' THEN
      inside := TRUE;
      lead := TRUE;
      res := res || c;
      IF substr(p, i + 1, 1) = '^' THEN
        res := res || '^';
        i := i + 1;
      END IF;
    ELSIF c = '.' THEN
      res := res || '[^' || chr(10) || ']';
    ELSE
      res := res || c;
    END IF;
    i := i + 1;
  END LOOP;
  RETURN res;
END
$fn$"
    )
}
