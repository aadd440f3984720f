//! The PostgreSQL side of [`super::Connection`]: statements prepared with the types of the
//! values bound (so `?1 IS NULL OR owner = ?1` and `?2 * cadence_days` type the way SQLite
//! would take them), values converted to and from SQLite's five kinds, a statement cache (the
//! `postgres` crate keeps none).

use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as StdError;

use postgres::types::{FromSql as PgFromSql, IsNull, Kind, ToSql as PgToSql, Type, to_sql_checked};
use postgres::{Client, Statement};

use super::Value;

/// One connection to a server, with its prepared statements.
pub struct Pg {
    client: RefCell<Client>,
    /// Keyed by the rewritten SQL and the kinds of the values bound.
    cache: RefCell<HashMap<(String, Vec<u8>), Statement>>,
}

/// Statements kept per connection before the cache is emptied (a filter's SQL varies).
const CACHE_LIMIT: usize = 512;

impl Pg {
    pub fn new(client: Client) -> Pg {
        Pg {
            client: RefCell::new(client),
            cache: RefCell::default(),
        }
    }

    pub fn client(&self) -> std::cell::RefMut<'_, Client> {
        self.client.borrow_mut()
    }

    /// Drains the notices that arrived; whether there were any (or the connection failed, when
    /// reading the change log is the safe answer). Waits a moment for the socket: the crate's
    /// non-waiting iterator does not turn its event loop, so a notice nothing else read stays
    /// unseen.
    pub fn take_notifications(&self) -> bool {
        use postgres::fallible_iterator::FallibleIterator;
        let mut client = self.client.borrow_mut();
        let mut notices = client.notifications();
        let mut iter = notices.timeout_iter(std::time::Duration::from_millis(2));
        let mut any = false;
        loop {
            match iter.next() {
                Ok(Some(_)) => any = true,
                Ok(None) => return any,
                Err(_) => return true,
            }
        }
    }

    pub fn batch(&self, sql: &str) -> Result<(), postgres::Error> {
        self.client
            .borrow_mut()
            .batch_execute(sql)
            .inspect_err(|e| debug(sql, e))
    }

    /// `sql` prepared for parameters of these kinds (a NULL leaves its type to the server).
    fn prepared(&self, sql: &str, values: &[Value]) -> Result<Statement, postgres::Error> {
        let kinds: Vec<u8> = values.iter().map(kind_of).collect();
        let key = (sql.to_string(), kinds);
        if let Some(s) = self.cache.borrow().get(&key) {
            return Ok(s.clone());
        }
        let types: Vec<Type> = values.iter().map(type_for).collect();
        let mut client = self.client.borrow_mut();
        // A NULL's type is left to the server, which cannot tell it from `?1 IS NULL` when that
        // comes first: then try it as text, then as an integer (what kehu's NULLs stand for).
        // A failed attempt aborts the transaction it is in, so the attempts run in a savepoint.
        let nulls = values.iter().any(|v| matches!(v, Value::Null));
        let saved = nulls && client.batch_execute("SAVEPOINT kehu_types").is_ok();
        let mut statement = client.prepare_typed(sql, &types);
        for guess in [Type::TEXT, Type::INT8] {
            let Err(e) = &statement else { break };
            if !nulls || e.code() == Some(&postgres::error::SqlState::SYNTAX_ERROR) {
                break;
            }
            if saved {
                client.batch_execute("ROLLBACK TO SAVEPOINT kehu_types")?;
            }
            let typed: Vec<Type> = types
                .iter()
                .map(|t| {
                    if t.oid() == 0 {
                        guess.clone()
                    } else {
                        t.clone()
                    }
                })
                .collect();
            if let Ok(s) = client.prepare_typed(sql, &typed) {
                statement = Ok(s);
            }
        }
        if saved {
            if statement.is_err() {
                client.batch_execute("ROLLBACK TO SAVEPOINT kehu_types")?;
            }
            client.batch_execute("RELEASE SAVEPOINT kehu_types")?;
        }
        let statement = statement?;
        drop(client);
        let mut cache = self.cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, statement.clone());
        Ok(statement)
    }

    pub fn query(
        &self,
        sql: &str,
        values: &[Value],
    ) -> Result<Vec<postgres::Row>, postgres::Error> {
        self.run(sql, values, |client, statement, params| {
            client.query(statement, params)
        })
    }

    pub fn execute(&self, sql: &str, values: &[Value]) -> Result<u64, postgres::Error> {
        self.run(sql, values, |client, statement, params| {
            client.execute(statement, params)
        })
    }

    /// Prepares `sql` for these values and runs it with them bound.
    fn run<T>(
        &self,
        sql: &str,
        values: &[Value],
        go: impl FnOnce(&mut Client, &Statement, &[&(dyn PgToSql + Sync)]) -> Result<T, postgres::Error>,
    ) -> Result<T, postgres::Error> {
        let statement = self.prepared(sql, values).inspect_err(|e| debug(sql, e))?;
        let binds: Vec<Bind<'_>> = values.iter().map(Bind).collect();
        let refs: Vec<&(dyn PgToSql + Sync)> =
            binds.iter().map(|b| b as &(dyn PgToSql + Sync)).collect();
        go(&mut self.client.borrow_mut(), &statement, &refs).inspect_err(|e| debug(sql, e))
    }

    /// The names of the columns `sql` returns.
    pub fn columns(&self, sql: &str) -> Result<Vec<String>, postgres::Error> {
        let statement = self
            .client
            .borrow_mut()
            .prepare(sql)
            .inspect_err(|e| debug(sql, e))?;
        Ok(statement
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect())
    }
}

fn debug(sql: &str, e: &postgres::Error) {
    if std::env::var_os("KEHU_DEBUG_SQL").is_some() {
        eprintln!("-- {}\n{sql}", super::super::error::server_words(e));
    }
}

fn kind_of(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Integer(_) => 1,
        Value::Real(_) => 2,
        Value::Text(_) => 3,
        Value::Blob(_) => 4,
    }
}

/// The type a parameter is declared with; a NULL's is left to the server (oid 0).
fn type_for(v: &Value) -> Type {
    match v {
        Value::Null => Type::new("unspecified".into(), 0, Kind::Pseudo, "pg_catalog".into()),
        Value::Integer(_) => Type::INT8,
        Value::Real(_) => Type::FLOAT8,
        Value::Text(_) => Type::TEXT,
        Value::Blob(_) => Type::BYTEA,
    }
}

/// A value bound as whatever type the server settled on for its parameter.
#[derive(Debug)]
struct Bind<'a>(&'a Value);

type BoxError = Box<dyn StdError + Sync + Send>;

impl PgToSql for Bind<'_> {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        let text_like = is_text(ty);
        match self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(n) => match *ty {
                Type::INT8 => n.to_sql(ty, out),
                Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*n)?.to_sql(ty, out),
                Type::FLOAT8 => (*n as f64).to_sql(ty, out),
                Type::FLOAT4 => (*n as f32).to_sql(ty, out),
                Type::BOOL => (*n != 0).to_sql(ty, out),
                _ if text_like => n.to_string().as_str().to_sql(&Type::TEXT, out),
                _ => Err(wrong("an integer", ty)),
            },
            Value::Real(x) => match *ty {
                Type::FLOAT8 => x.to_sql(ty, out),
                Type::FLOAT4 => (*x as f32).to_sql(ty, out),
                _ if text_like => x.to_string().as_str().to_sql(&Type::TEXT, out),
                _ => Err(wrong("a number", ty)),
            },
            Value::Text(s) => match *ty {
                _ if text_like => s.as_str().to_sql(&Type::TEXT, out),
                Type::JSON => s.as_str().to_sql(&Type::TEXT, out),
                Type::JSONB => {
                    out.extend_from_slice(&[1]);
                    out.extend_from_slice(s.as_bytes());
                    Ok(IsNull::No)
                }
                _ => Err(wrong("text", ty)),
            },
            Value::Blob(b) => match *ty {
                Type::BYTEA => b.as_slice().to_sql(ty, out),
                _ => Err(wrong("bytes", ty)),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn wrong(what: &str, ty: &Type) -> BoxError {
    format!("{what} cannot be bound where the server expects {ty}").into()
}

fn is_text(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    )
}

/// Column `i` of a row as one of SQLite's kinds of value.
pub fn value_at(row: &postgres::Row, i: usize) -> Result<Value, BoxError> {
    /// Column `i` read as `T`, then made a value (NULL when the column is).
    fn read<'a, T: PgFromSql<'a>>(
        row: &'a postgres::Row,
        i: usize,
        kind: impl FnOnce(T) -> Value,
    ) -> Result<Value, BoxError> {
        Ok(row.try_get::<_, Option<T>>(i)?.map_or(Value::Null, kind))
    }
    let ty = row.columns()[i].type_().clone();
    match ty {
        Type::INT8 => read(row, i, Value::Integer),
        Type::INT4 => read(row, i, |n: i32| Value::Integer(n.into())),
        Type::INT2 => read(row, i, |n: i16| Value::Integer(n.into())),
        Type::OID => read(row, i, |n: u32| Value::Integer(n.into())),
        Type::FLOAT8 => read(row, i, Value::Real),
        Type::FLOAT4 => read(row, i, |x: f32| Value::Real(x.into())),
        Type::BOOL => read(row, i, |b: bool| Value::Integer(b.into())),
        Type::BYTEA => read(row, i, Value::Blob),
        Type::NUMERIC => read(row, i, |n: Numeric| n.0),
        _ => read(row, i, |r: Raw| Value::Text(r.0)),
    }
}

/// `numeric` (what `sum(bigint)` and `avg` return): an integer when it has no fraction.
struct Numeric(Value);

impl<'a> PgFromSql<'a> for Numeric {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Numeric, BoxError> {
        let word = |at: usize| -> Result<i16, BoxError> {
            raw.get(at..at + 2)
                .map(|b| i16::from_be_bytes([b[0], b[1]]))
                .ok_or_else(|| "a short numeric".into())
        };
        let (count, weight, sign, scale) = (word(0)?, word(2)?, word(4)? as u16, word(6)?);
        if sign == 0xC000 {
            return Ok(Numeric(Value::Real(f64::NAN)));
        }
        let mut whole: i128 = 0;
        let mut real = 0.0f64;
        let mut exact = true;
        for k in 0..count.max(0) as usize {
            let digit = i128::from(word(8 + 2 * k)?);
            let power = i32::from(weight) - k as i32;
            real += digit as f64 * 10_000f64.powi(power);
            if power >= 0 {
                let term = 10_000i128
                    .checked_pow(power as u32)
                    .and_then(|p| p.checked_mul(digit));
                match term.and_then(|t| whole.checked_add(t)) {
                    Some(w) => whole = w,
                    None => exact = false,
                }
            } else if digit != 0 {
                exact = false;
            }
        }
        let negative = sign == 0x4000;
        if exact
            && scale == 0
            && let Ok(n) = i64::try_from(whole)
        {
            return Ok(Numeric(Value::Integer(if negative { -n } else { n })));
        }
        Ok(Numeric(Value::Real(if negative { -real } else { real })))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

/// Any other type read as its text (text, json, a name), when its wire form is UTF-8.
struct Raw(String);

impl<'a> PgFromSql<'a> for Raw {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Raw, BoxError> {
        let body = if *ty == Type::JSONB {
            raw.get(1..).unwrap_or_default()
        } else {
            raw
        };
        match *ty {
            Type::TEXT
            | Type::VARCHAR
            | Type::BPCHAR
            | Type::NAME
            | Type::UNKNOWN
            | Type::JSON
            | Type::JSONB => Ok(Raw(String::from_utf8(body.to_vec())?)),
            _ => Err(format!("kehu does not read values of type {ty}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}
