//! kehu's connection to a book. The store's functions are plain functions over one
//! [`Connection`] and write their SQL once, with `?N` placeholders; this module (and
//! `dialect` beside it) is where the database behind it is named.
//!
//! The shapes follow rusqlite's on purpose — `query_row`, `prepare_cached`, `query_map`,
//! `Row::get` — and reuse its value traits: a parameter is anything rusqlite can bind
//! ([`ToSql`]), a column anything it can read ([`FromSql`]). Those traits speak in SQLite's five
//! kinds of value, which is all kehu stores, so a backend that is not SQLite converts to and from
//! them at this one border.

pub use rusqlite::ToSql;
mod dialect;
mod pg;

pub use dialect::{begin_read, begin_write, defer_references, server_busy};
pub use pg::Pg;

use rusqlite::types::ValueRef;
pub use rusqlite::types::{FromSql, Value};

use super::{Result, StoreError};

/// What a row's reader returns: a conversion error names the column.
pub type RowResult<T> = rusqlite::Result<T>;

/// One connection to a book.
pub enum Connection {
    Sqlite(rusqlite::Connection),
    Pg(Box<Pg>),
}

impl Connection {
    /// The SQLite connection underneath, for what only a file has (pragmas, the backup API,
    /// the integrity check); `None` on a server.
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Connection::Sqlite(c) => Some(c),
            Connection::Pg(_) => None,
        }
    }

    pub fn sqlite_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match self {
            Connection::Sqlite(c) => Some(c),
            Connection::Pg(_) => None,
        }
    }

    /// Whether notices arrived since the last call (they are read from the socket without
    /// waiting); true on a file, which has none.
    pub fn take_notifications(&self) -> bool {
        match self {
            Connection::Sqlite(_) => true,
            Connection::Pg(pg) => pg.take_notifications(),
        }
    }

    /// Whether the book is on a database server.
    pub fn is_server(&self) -> bool {
        matches!(self, Connection::Pg(_))
    }

    /// A pragma's value (SQLite only: a server has none).
    pub fn pragma_query_value<T: FromSql>(&self, name: &str) -> Result<T> {
        Ok(self
            .file_only()?
            .pragma_query_value(None, name, |r| r.get(0))?)
    }

    /// Sets a pragma (SQLite only).
    pub fn pragma_update(&self, name: &str, value: &dyn ToSql) -> Result<()> {
        Ok(self.file_only()?.pragma_update(None, name, value)?)
    }

    /// The id of the row the last `INSERT` added.
    pub fn last_insert_rowid(&self) -> Result<i64> {
        match self {
            Connection::Sqlite(c) => Ok(c.last_insert_rowid()),
            // What `next_id` drew last in this transaction (migrations/pg/0022_baseline.sql).
            Connection::Pg(_) => {
                self.query_row("SELECT current_setting('kehu.last_id')::bigint", [], |r| {
                    r.get(0)
                })
            }
        }
    }

    /// The SQLite connection, or a refusal on a server (for what only a file can do).
    pub fn file_only(&self) -> Result<&rusqlite::Connection> {
        self.sqlite()
            .ok_or_else(|| StoreError::Refused(crate::i18n::t("server.file_only").into()))
    }

    pub fn file_only_mut(&mut self) -> Result<&mut rusqlite::Connection> {
        self.sqlite_mut()
            .ok_or_else(|| StoreError::Refused(crate::i18n::t("server.file_only").into()))
    }

    /// Runs statements separated by `;`, with no parameters and no results (DDL, `BEGIN`).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Connection::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Connection::Pg(pg) => Ok(pg.batch(&dialect::for_server(sql))?),
        }
    }

    /// Runs one statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    /// The first row of a query, read by `f`; [`StoreError::no_rows`] when there is none (see
    /// [`Optional`]).
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row<'_>) -> RowResult<T>,
    ) -> Result<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    /// A statement kept compiled for the next call with the same SQL.
    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        match self {
            Connection::Sqlite(c) => Ok(Statement::Sqlite(c.prepare_cached(sql)?)),
            Connection::Pg(pg) => Ok(Statement::Pg {
                pg,
                sql: dialect::for_server(sql).into_owned(),
            }),
        }
    }

    /// A statement compiled for this use only (SQL built from the data, used once).
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        match self {
            Connection::Sqlite(c) => Ok(Statement::SqliteOnce(c.prepare(sql)?)),
            Connection::Pg(_) => self.prepare_cached(sql),
        }
    }
}

/// A compiled statement.
pub enum Statement<'c> {
    Sqlite(rusqlite::CachedStatement<'c>),
    SqliteOnce(rusqlite::Statement<'c>),
    /// Prepared when run, with the types of the values bound then.
    Pg {
        pg: &'c Pg,
        sql: String,
    },
}

impl<'c> Statement<'c> {
    fn sqlite(&mut self) -> Option<&mut rusqlite::Statement<'c>> {
        match self {
            Statement::Sqlite(s) => Some(s),
            Statement::SqliteOnce(s) => Some(s),
            Statement::Pg { .. } => None,
        }
    }

    pub fn execute(&mut self, params: impl Params) -> Result<usize> {
        match self {
            Statement::Pg { pg, sql } => {
                let values = values_of(params)?;
                Ok(pg.execute(sql, &values)? as usize)
            }
            _ => {
                let s = self.sqlite().expect("a SQLite statement");
                Ok(params.with_refs(|p| s.execute(p))?)
            }
        }
    }

    pub fn query_row<T>(
        &mut self,
        params: impl Params,
        f: impl FnOnce(&Row<'_>) -> RowResult<T>,
    ) -> Result<T> {
        let mut rows = self.query(params)?;
        match rows.step()? {
            Some(row) => Ok(f(&row)?),
            None => Err(StoreError::no_rows()),
        }
    }

    /// Every row, each read by `f`, one at a time as the caller iterates.
    pub fn query_map<T, F>(&mut self, params: impl Params, f: F) -> Result<MappedRows<'_, F>>
    where
        F: FnMut(&Row<'_>) -> RowResult<T>,
    {
        Ok(MappedRows {
            rows: self.query(params)?,
            f,
        })
    }

    /// The rows, to step through with [`Rows::next`].
    pub fn query(&mut self, params: impl Params) -> Result<Rows<'_>> {
        match self {
            Statement::Pg { pg, sql } => {
                let values = values_of(params)?;
                Ok(Rows::Pg {
                    rows: pg.query(sql, &values)?,
                    at: 0,
                })
            }
            _ => {
                let s = self.sqlite().expect("a SQLite statement");
                Ok(Rows::Sqlite(params.with_refs(|p| s.query(p))?))
            }
        }
    }

    pub fn parameter_count(&mut self) -> usize {
        match self {
            Statement::Pg { sql, .. } => dialect::parameter_count(sql),
            _ => self.sqlite().map_or(0, |s| s.parameter_count()),
        }
    }

    pub fn column_count(&mut self) -> Result<usize> {
        Ok(self.column_names()?.len())
    }

    pub fn column_names(&mut self) -> Result<Vec<String>> {
        match self {
            Statement::Pg { pg, sql } => Ok(pg.columns(sql)?),
            _ => Ok(self
                .sqlite()
                .map(|s| s.column_names().map(str::to_string).collect())
                .unwrap_or_default()),
        }
    }
}

fn values_of(params: impl Params) -> Result<Vec<Value>> {
    Ok(params.with_refs(|p| {
        p.iter()
            .map(|v| value_of(*v))
            .collect::<RowResult<Vec<_>>>()
    })?)
}

/// The rows of [`Statement::query_map`], each read as it is reached.
pub struct MappedRows<'s, F> {
    rows: Rows<'s>,
    f: F,
}

impl<T, F> Iterator for MappedRows<'_, F>
where
    F: FnMut(&Row<'_>) -> RowResult<T>,
{
    type Item = RowResult<T>;

    fn next(&mut self) -> Option<RowResult<T>> {
        let f = &mut self.f;
        match self.rows.step() {
            Ok(Some(row)) => Some(f(&row)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// The rows of [`Statement::query`].
pub enum Rows<'s> {
    Sqlite(rusqlite::Rows<'s>),
    /// A server's rows arrive whole.
    Pg {
        rows: Vec<postgres::Row>,
        at: usize,
    },
}

impl Rows<'_> {
    /// The next row, borrowed until the one after (so not an `Iterator`, as in rusqlite).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        Ok(self.step()?)
    }

    fn step(&mut self) -> RowResult<Option<Row<'_>>> {
        match self {
            Rows::Sqlite(rows) => Ok(rows.next()?.map(Row::Sqlite)),
            Rows::Pg { rows, at } => {
                let row = rows.get(*at);
                *at += 1;
                Ok(row.map(Row::Pg))
            }
        }
    }
}

/// One row of a result.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Pg(&'r postgres::Row),
}

impl Row<'_> {
    /// Column `idx` (a position, or a name) as `T`.
    pub fn get<I: ColumnIndex, T: FromSql>(&self, idx: I) -> RowResult<T> {
        match self {
            Row::Sqlite(r) => idx.get_sqlite(r),
            Row::Pg(r) => {
                let at = idx.position(r)?;
                let failed = |e: Box<dyn std::error::Error + Send + Sync>| {
                    rusqlite::Error::FromSqlConversionFailure(at, rusqlite::types::Type::Null, e)
                };
                let value = pg::value_at(r, at).map_err(failed)?;
                T::column_result(as_ref(&value)).map_err(|e| match e {
                    rusqlite::types::FromSqlError::InvalidType => {
                        rusqlite::Error::InvalidColumnType(
                            at,
                            r.columns()[at].name().to_string(),
                            kind_name(&value),
                        )
                    }
                    other => failed(Box::new(other)),
                })
            }
        }
    }

    /// Column `idx` as whatever kind of value it holds.
    pub fn get_value(&self, idx: usize) -> RowResult<Value> {
        self.get::<_, Value>(idx)
    }
}

/// Where a column is: its position or its name.
pub trait ColumnIndex: Copy {
    fn get_sqlite<T: FromSql>(self, row: &rusqlite::Row<'_>) -> RowResult<T>;
    fn position(self, row: &postgres::Row) -> RowResult<usize>;
}

impl ColumnIndex for usize {
    fn get_sqlite<T: FromSql>(self, row: &rusqlite::Row<'_>) -> RowResult<T> {
        row.get(self)
    }

    fn position(self, row: &postgres::Row) -> RowResult<usize> {
        if self < row.len() {
            Ok(self)
        } else {
            Err(rusqlite::Error::InvalidColumnIndex(self))
        }
    }
}

impl ColumnIndex for &str {
    fn get_sqlite<T: FromSql>(self, row: &rusqlite::Row<'_>) -> RowResult<T> {
        row.get(self)
    }

    fn position(self, row: &postgres::Row) -> RowResult<usize> {
        row.columns()
            .iter()
            .position(|c| c.name().eq_ignore_ascii_case(self))
            .ok_or_else(|| rusqlite::Error::InvalidColumnName(self.to_string()))
    }
}

fn kind_name(v: &Value) -> rusqlite::types::Type {
    use rusqlite::types::Type;
    match v {
        Value::Null => Type::Null,
        Value::Integer(_) => Type::Integer,
        Value::Real(_) => Type::Real,
        Value::Text(_) => Type::Text,
        Value::Blob(_) => Type::Blob,
    }
}

/// A statement's parameters, bound in order to `?1`, `?2`, …
pub trait Params {
    fn with_refs<R>(self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R;
}

impl Params for &[&dyn ToSql] {
    fn with_refs<R>(self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
        f(self)
    }
}

/// `[]`: no parameters.
impl Params for [&dyn ToSql; 0] {
    fn with_refs<R>(self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
        f(&[])
    }
}

/// `[a, b]`, `&[a, b]`: values of one type (the empty array has its own impl, as in rusqlite, so
/// that `[]` needs no type).
macro_rules! arrays_are_params {
    ($($n:literal)+) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn with_refs<R>(self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
                let refs: [&dyn ToSql; $n] = std::array::from_fn(|i| &self[i] as &dyn ToSql);
                f(&refs)
            }
        }

        impl<T: ToSql> Params for &[T; $n] {
            fn with_refs<R>(self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
                let refs: [&dyn ToSql; $n] = std::array::from_fn(|i| &self[i] as &dyn ToSql);
                f(&refs)
            }
        }
    )+};
}

arrays_are_params!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

/// Parameters from a list built at run time (a filter's values).
pub struct ParamsFromIter<I>(I);

pub fn params_from_iter<I>(iter: I) -> ParamsFromIter<I>
where
    I: IntoIterator,
    I::Item: ToSql,
{
    ParamsFromIter(iter)
}

impl<I> Params for ParamsFromIter<I>
where
    I: IntoIterator,
    I::Item: ToSql,
{
    fn with_refs<R>(self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
        let items: Vec<I::Item> = self.0.into_iter().collect();
        let refs: Vec<&dyn ToSql> = items.iter().map(|v| v as &dyn ToSql).collect();
        f(&refs)
    }
}

/// The value a parameter binds, in SQLite's kinds.
pub fn value_of(p: &dyn ToSql) -> RowResult<Value> {
    use rusqlite::types::ToSqlOutput;
    Ok(match p.to_sql()? {
        ToSqlOutput::Borrowed(v) => owned(v),
        ToSqlOutput::Owned(v) => v,
        other => {
            let _ = other;
            return Err(rusqlite::Error::ToSqlConversionFailure(
                "a parameter of a kind kehu does not store".into(),
            ));
        }
    })
}

/// A borrowed value as an owned one.
pub fn owned(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Integer(n),
        ValueRef::Real(x) => Value::Real(x),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

/// A value as a borrowed one, for [`FromSql`].
pub fn as_ref(v: &Value) -> ValueRef<'_> {
    v.into()
}

/// `query_row`'s "no row" as `None` (the store's counterpart of rusqlite's `OptionalExtension`).
pub trait Optional<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> Optional<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_no_rows() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl StoreError {
    /// A query that had to return a row found none.
    pub fn no_rows() -> StoreError {
        StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows)
    }

    pub fn is_no_rows(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows)
        )
    }
}
