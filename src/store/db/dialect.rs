//! Where SQLite and PostgreSQL differ, in one place. The store writes SQLite's SQL with `?N`
//! placeholders; for a server, [`for_server`] rewrites the few spellings PostgreSQL does not
//! take, and the functions kehu's SQL calls that PostgreSQL lacks or defines differently (`date`,
//! `julianday`, `printf`, `substr` from the end, `max(a, b)`, …) are created with SQLite's
//! meaning in the book's own schema (`migrations/pg/`), which the connection searches before
//! PostgreSQL's own.

use std::borrow::Cow;

/// The statement that opens a write: on a file it takes the write lock at once (a deferred
/// transaction that reads first fails "locked" whatever the wait); on a server one
/// transaction-scoped advisory lock plays that part, so writers queue in order and the change
/// log's ids are in commit order (the live refresh reads `id > last`).
pub fn begin_write(server: bool) -> &'static str {
    if server {
        "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(7020190311)"
    } else {
        "BEGIN IMMEDIATE"
    }
}

/// The statement that opens a read: one consistent view of the book.
pub fn begin_read(server: bool) -> &'static str {
    if server {
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    } else {
        "BEGIN DEFERRED"
    }
}

/// References checked at commit rather than at each row (a book loaded whole, whose rows refer
/// to each other in any order). A server's foreign keys are declared DEFERRABLE for this.
pub fn defer_references(server: bool) -> &'static str {
    if server {
        "SET CONSTRAINTS ALL DEFERRED"
    } else {
        "PRAGMA defer_foreign_keys = ON"
    }
}

/// SQLite's SQL as PostgreSQL takes it: `?N` → `$N`, `LIKE` → `ILIKE` (SQLite's `LIKE`
/// ignores ASCII case), `INSERT OR IGNORE` → `ON CONFLICT DO NOTHING`, `LIMIT -1` → `LIMIT ALL`,
/// `COLLATE NOCASE` → comparing `lower()`… Quoted text and comments are left as they are.
pub fn for_server(sql: &str) -> Cow<'_, str> {
    if !sql.contains(['?', 'L', 'l', 'O', 'N', 'n', 'I', 'i']) {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut ignore = false;
    let mut numbered = 0;
    let bytes = sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\'' | b'"' => {
                let end = closing(bytes, i, c);
                out.push_str(&sql[i..end]);
                i = end;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let end = sql[i..].find('\n').map_or(bytes.len(), |n| i + n);
                out.push_str(&sql[i..end]);
                i = end;
            }
            b'?' => {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                // A bare `?` is one more than the highest number so far, as SQLite counts.
                let number = match sql[i + 1..i + 1 + digits].parse::<usize>() {
                    Ok(n) => n,
                    Err(_) => numbered + 1,
                };
                numbered = numbered.max(number);
                out.push('$');
                out.push_str(&number.to_string());
                i += 1 + digits;
            }
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                let end = i + bytes[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                let word = &sql[i..end];
                if word.eq_ignore_ascii_case("LIKE") {
                    out.push_str("ILIKE");
                } else if word.eq_ignore_ascii_case("IS") && !is_plain_is(&sql[end..]) {
                    // SQLite's `a IS b` / `a IS NOT b` compare NULLs as values.
                    if starts_word(&sql[end..], "NOT ") {
                        out.push_str("IS DISTINCT FROM");
                        i = end + sql[end..].find("NOT").map_or(0, |n| n + 3);
                        continue;
                    }
                    out.push_str("IS NOT DISTINCT FROM");
                } else if word.eq_ignore_ascii_case("char") && sql[end..].starts_with('(') {
                    // `char` is a type's name on PostgreSQL; `chr` takes one code point.
                    out.push_str("chr");
                } else if word.eq_ignore_ascii_case("INSERT")
                    && starts_word(&sql[end..], "OR IGNORE")
                {
                    out.push_str("INSERT");
                    let skip = sql[end..].find("IGNORE").map_or(0, |n| n + "IGNORE".len());
                    i = end + skip;
                    ignore = true;
                    continue;
                } else if word.eq_ignore_ascii_case("LIMIT") && starts_word(&sql[end..], "-1") {
                    out.push_str("LIMIT ALL");
                    i = end + sql[end..].find("-1").map_or(0, |n| n + 2);
                    continue;
                } else {
                    out.push_str(word);
                }
                i = end;
            }
            _ => {
                out.push(c as char);
                i += 1;
            }
        }
    }
    if ignore {
        out = append_on_conflict(out);
    }
    Cow::Owned(subqueries_named(null_checks_last(nocase(out))))
}

/// `FROM (SELECT …)` with no name gets one: SQLite (and PostgreSQL 16) take it nameless,
/// PostgreSQL 15 does not.
fn subqueries_named(sql: String) -> String {
    const FOLLOWERS: [&str; 14] = [
        "GROUP",
        "ORDER",
        "WHERE",
        "JOIN",
        "LEFT",
        "INNER",
        "CROSS",
        "UNION",
        "LIMIT",
        "HAVING",
        "WINDOW",
        "EXCEPT",
        "INTERSECT",
        "ON",
    ];
    let mut out = sql;
    let mut from = 0;
    let mut named = 0;
    loop {
        let upper = out.to_ascii_uppercase();
        let Some(found) = upper[from..].find("FROM (") else {
            break;
        };
        let open = from + found + "FROM ".len();
        from = open + 1;
        // `IS DISTINCT FROM (SELECT …)` compares with a value, it reads no table.
        if upper[..open - "FROM ".len()]
            .trim_end()
            .ends_with("DISTINCT")
        {
            continue;
        }
        let inside = upper[open + 1..].trim_start();
        if !(inside.starts_with("SELECT")
            || inside.starts_with("WITH")
            || inside.starts_with("VALUES"))
        {
            continue;
        }
        let Some(close) = matching_close(out.as_bytes(), open) else {
            break;
        };
        let next: String = upper[close + 1..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if next.is_empty() || FOLLOWERS.contains(&next.as_str()) {
            named += 1;
            out.insert_str(close + 1, &format!(" AS kehu_sub{named}"));
        }
    }
    out
}

/// `($1 IS NULL OR owner = $1)` → `(owner = $1 OR $1 IS NULL)`: PostgreSQL fixes a parameter's
/// type where it first meets it, and `IS NULL` tells it nothing; the other order says "text".
fn null_checks_last(sql: String) -> String {
    let mut out = sql;
    let mut from = 0;
    while let Some(found) = out[from..].find("($") {
        let open = from + found;
        let digits = out[open + 2..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        let head_end = open + 2 + digits;
        const CHECK: &str = " IS NULL OR ";
        if digits == 0 || !out[head_end..].starts_with(CHECK) {
            from = open + 1;
            continue;
        }
        let rest_start = head_end + CHECK.len();
        let Some(close) = matching_close(out.as_bytes(), open) else {
            break;
        };
        let param = out[open + 1..head_end].to_string();
        let rest = out[rest_start..close].to_string();
        out.replace_range(open..=close, &format!("({rest} OR {param} IS NULL)"));
        from = open + 1;
    }
    out
}

/// The `)` that closes the `(` at `open`, skipping quoted text.
fn matching_close(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => {
                i = closing(bytes, i, bytes[i]);
                continue;
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `a = b COLLATE NOCASE` → `lower(a) = lower(b)` for the simple shapes kehu writes
/// (`name = ?1 COLLATE NOCASE`, `ORDER BY x COLLATE NOCASE`).
fn nocase(sql: String) -> String {
    if !sql.contains("COLLATE NOCASE") {
        return sql;
    }
    // ORDER BY and comparisons alike: PostgreSQL has no NOCASE; `lower` of both sides orders and
    // compares as SQLite's NOCASE does for the ASCII letters it folds.
    let mut out = sql;
    while let Some(at) = out.find(" COLLATE NOCASE") {
        let before = &out[..at];
        // The operand just before: a parenthesised call, or a word with dots, or a placeholder.
        let start = operand_start(before);
        let left = &before[start..];
        let mut rewritten = String::with_capacity(out.len() + 16);
        rewritten.push_str(&before[..start]);
        // `x = y COLLATE NOCASE`: the collation applies to the comparison, so both sides.
        let trimmed = before[..start].trim_end();
        if let Some(stripped) = trimmed.strip_suffix('=') {
            let lhs = stripped.trim_end();
            let lstart = operand_start(lhs);
            rewritten.truncate(0);
            rewritten.push_str(&lhs[..lstart]);
            rewritten.push_str(&format!("lower({}) = lower({left})", &lhs[lstart..]));
        } else {
            rewritten.push_str(&format!("lower({left})"));
        }
        rewritten.push_str(&out[at + " COLLATE NOCASE".len()..]);
        out = rewritten;
    }
    out
}

fn operand_start(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = bytes.len();
    if i > 0 && bytes[i - 1] == b')' {
        let mut depth = 0;
        while i > 0 {
            i -= 1;
            match bytes[i] {
                b')' => depth += 1,
                b'(' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    while i > 0
        && (bytes[i - 1].is_ascii_alphanumeric() || matches!(bytes[i - 1], b'_' | b'.' | b'$'))
    {
        i -= 1;
    }
    i
}

/// Whether an `IS` is followed by what PostgreSQL takes after it too (NULL, TRUE, NOT NULL…).
fn is_plain_is(rest: &str) -> bool {
    let rest = rest.trim_start();
    let rest = if starts_word(rest, "NOT ") {
        rest[3..].trim_start()
    } else {
        rest
    };
    ["NULL", "TRUE", "FALSE", "DISTINCT", "UNKNOWN"]
        .iter()
        .any(|w| starts_word(rest, w))
}

fn starts_word(rest: &str, words: &str) -> bool {
    let rest = rest.trim_start();
    rest.len() >= words.len() && rest[..words.len()].eq_ignore_ascii_case(words)
}

fn closing(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// How many parameters a rewritten statement takes: its highest `$N`.
pub fn parameter_count(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut most = 0;
    for (i, _) in sql.match_indices('$') {
        let digits: String = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .map(|b| *b as char)
            .collect();
        most = most.max(digits.parse().unwrap_or(0));
    }
    most
}

/// `INSERT OR IGNORE …` ends with `ON CONFLICT DO NOTHING` (before a `RETURNING`).
fn append_on_conflict(mut sql: String) -> String {
    let trimmed = sql.trim_end().trim_end_matches(';').len();
    sql.truncate(trimmed);
    match sql.rfind(" RETURNING ") {
        Some(at) => {
            sql.insert_str(at, " ON CONFLICT DO NOTHING");
            sql
        }
        None => sql + " ON CONFLICT DO NOTHING",
    }
}

/// Whether an error from the server means "try again later": a lock not granted in time, a
/// serialization failure, a deadlock.
pub fn server_busy(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    matches!(
        e.code(),
        Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE
            || *c == SqlState::T_R_SERIALIZATION_FAILURE
            || *c == SqlState::T_R_DEADLOCK_DETECTED
            || *c == SqlState::QUERY_CANCELED
    )
}

#[cfg(test)]
mod tests {
    use super::for_server;

    #[test]
    fn placeholders_become_numbered_dollars_outside_quotes() {
        assert_eq!(
            for_server("SELECT '?1', ?2 FROM t WHERE a = ?10 -- ?3\n AND b = \"?4\""),
            "SELECT '?1', $2 FROM t WHERE a = $10 -- ?3\n AND b = \"?4\""
        );
    }

    #[test]
    fn bare_placeholders_are_numbered_as_sqlite_numbers_them() {
        assert_eq!(
            for_server("VALUES (?, ?, ?5, ?, 1)"),
            "VALUES ($1, $2, $5, $6, 1)"
        );
    }

    #[test]
    fn a_null_check_moves_after_the_use_that_types_its_parameter() {
        assert_eq!(
            for_server(
                "WHERE (?1 IS NULL OR d.id IN (SELECT id FROM c WHERE owner = ?1)) AND x = ')'"
            ),
            "WHERE (d.id IN (SELECT id FROM c WHERE owner = $1) OR $1 IS NULL) AND x = ')'"
        );
        assert_eq!(
            for_server("WHERE (?2 IS NULL OR a = ?2) AND (?3 IS NULL OR b = ?3)"),
            "WHERE (a = $2 OR $2 IS NULL) AND (b = $3 OR $3 IS NULL)"
        );
    }

    #[test]
    fn a_nameless_subquery_in_from_is_named() {
        assert_eq!(
            for_server("SELECT k FROM (SELECT a AS k FROM t) GROUP BY k"),
            "SELECT k FROM (SELECT a AS k FROM t) AS kehu_sub1 GROUP BY k"
        );
        assert_eq!(
            for_server("SELECT k FROM (SELECT a AS k FROM t) AS x, (SELECT 1) y"),
            "SELECT k FROM (SELECT a AS k FROM t) AS x, (SELECT 1) y"
        );
        assert_eq!(
            for_server("SELECT count(*) FROM (SELECT 1 FROM t)"),
            "SELECT count(*) FROM (SELECT 1 FROM t) AS kehu_sub1"
        );
    }

    #[test]
    fn is_between_values_compares_nulls_as_values() {
        assert_eq!(
            for_server("WHERE a IS NOT (SELECT 1) OR b IS ?1 OR c IS NOT NULL OR d IS NULL"),
            "WHERE a IS DISTINCT FROM (SELECT 1) OR b IS NOT DISTINCT FROM $1 OR c IS NOT NULL OR d IS NULL"
        );
        assert_eq!(
            for_server("SELECT id FROM c WHERE a IS NOT (SELECT 1)\n ORDER BY id"),
            "SELECT id FROM c WHERE a IS DISTINCT FROM (SELECT 1)\n ORDER BY id"
        );
    }

    #[test]
    fn sqlite_only_spellings_are_rewritten() {
        assert_eq!(
            for_server("INSERT OR IGNORE INTO t (a) VALUES (?1)"),
            "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING"
        );
        assert_eq!(
            for_server("SELECT x FROM t WHERE n LIKE ?1 LIMIT -1"),
            "SELECT x FROM t WHERE n ILIKE $1 LIMIT ALL"
        );
        assert_eq!(
            for_server("SELECT group_concat(t.name, char(31)) FROM t"),
            "SELECT group_concat(t.name, chr(31)) FROM t"
        );
        assert_eq!(
            for_server("SELECT id FROM tag WHERE name = ?1 COLLATE NOCASE"),
            "SELECT id FROM tag WHERE lower(name) = lower($1)"
        );
        assert_eq!(
            for_server("SELECT 1 FROM p ORDER BY coalesce(category, '') COLLATE NOCASE, name"),
            "SELECT 1 FROM p ORDER BY lower(coalesce(category, '')), name"
        );
        assert_eq!(
            for_server("SELECT 1 FROM p JOIN q ON q.name = p.product COLLATE NOCASE"),
            "SELECT 1 FROM p JOIN q ON lower(q.name) = lower(p.product)"
        );
    }
}
