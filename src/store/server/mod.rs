//! A book on a PostgreSQL server: recognising its address, connecting the way libpq does
//! (the password from `PGPASSWORD` or `~/.pgpass`, never from kehu's command line or config),
//! and the session settings kehu's SQL relies on.

use std::path::Path;
use std::str::FromStr;

use super::{Result, StoreError};

mod tls;

/// Whether `--db` names a server (`postgresql://…`, `postgres://…`) rather than a file.
pub fn is_address(db: &Path) -> bool {
    let text = db.to_string_lossy().to_lowercase();
    ["postgres://", "postgresql://"]
        .iter()
        .any(|scheme| text.starts_with(scheme))
}

/// Connects to the server at `address` and prepares the session: kehu's schema searched before
/// PostgreSQL's own functions (see `migrations/pg/compat.sql`), UTC, and quiet notices.
pub fn connect(address: &str) -> Result<postgres::Client> {
    let (rest, tls) = tls::split(address);
    let mut config = postgres::Config::from_str(&rest)
        .map_err(|e| refused("server.bad_address", &[("address", &address), ("why", &e)]))?;
    let tls = tls.map_err(|why| {
        refused(
            "server.bad_address",
            &[("address", &address), ("why", &why)],
        )
    })?;
    config.ssl_mode(tls.crate_mode());
    if config.get_password().is_some() {
        return Err(refused("server.password_in_address", &[]));
    }
    if config.get_user().is_none() {
        config.user(&std::env::var("PGUSER").unwrap_or_else(|_| super::lock::user_name()));
    }
    if let Some(password) = password_for(&config) {
        config.password(password);
    }
    config.application_name("kehu");
    let connector = tls
        .connector()
        .map_err(|why| refused("server.bad_tls", &[("address", &address), ("why", &why)]))?;
    let mut client = config.connect(connector).map_err(|e| {
        refused(
            "server.cannot_connect",
            &[
                ("address", &address),
                ("why", &super::error::server_words(&e)),
            ],
        )
    })?;
    client.batch_execute(
        // JIT compiling kehu's long CASE expressions took longer than running them (a report
        // of a 100,000-customer book: 2.7 s with it, 1.5 s without).
        "SET search_path = kehu, pg_catalog; SET TimeZone = 'UTC'; SET client_min_messages = warning; \
         SET jit = off",
    )?;
    Ok(client)
}

fn refused(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> StoreError {
    StoreError::Refused(crate::i18n::tf(key, args))
}

/// The password libpq would use: `PGPASSWORD`, else the first matching line of the password
/// file (`PGPASSFILE`, or `~/.pgpass`), whose fields are host:port:database:user:password with
/// `*` for any and `\` escaping `:` and `\`.
fn password_for(config: &postgres::Config) -> Option<Vec<u8>> {
    if let Ok(p) = std::env::var("PGPASSWORD") {
        return Some(p.into_bytes());
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass")))?;
    let text = std::fs::read_to_string(file).ok()?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default();
    let database = config.get_dbname().unwrap_or(user);
    pgpass_match(&text, [&host, &port, database, user])
}

fn pgpass_match(text: &str, wanted: [&str; 4]) -> Option<Vec<u8>> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .find_map(|line| {
            let fields = split_pgpass(line);
            let [host, port, db, user, password] = fields.as_slice() else {
                return None;
            };
            let fits = [host, port, db, user]
                .iter()
                .zip(wanted)
                .all(|(f, w)| f.as_str() == "*" || f.as_str() == w);
            fits.then(|| password.clone().into_bytes())
        })
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && let Some(last) = fields.last_mut()
                {
                    last.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            _ => {
                if let Some(last) = fields.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_are_told_from_file_names() {
        assert!(is_address(Path::new(
            "postgresql://kehu@db.example:5432/crm"
        )));
        assert!(is_address(Path::new("POSTGRES://db/crm?sslmode=require")));
        assert!(!is_address(Path::new("/mnt/team/postgresql/kehu.db")));
        assert!(!is_address(Path::new("postgresql:")));
    }

    #[test]
    fn the_password_file_is_read_as_libpq_reads_it() {
        let file = "# comment\n\
                    other:5432:crm:li.na:nope\n\
                    db.example:5432:crm:li.na:s3cr\\:et\n\
                    *:*:*:*:fallback\n";
        let found = |w| pgpass_match(file, w).map(|p| String::from_utf8(p).unwrap());
        assert_eq!(
            found(["db.example", "5432", "crm", "li.na"]).as_deref(),
            Some("s3cr:et")
        );
        assert_eq!(
            found(["db.example", "5433", "crm", "li.na"]).as_deref(),
            Some("fallback")
        );
    }

    #[test]
    fn a_password_in_the_address_is_refused_before_connecting() {
        let Err(e) = connect("postgresql://li.na:hunter2@127.0.0.1:1/crm") else {
            panic!("connected with a password in the address");
        };
        assert!(e.to_string().contains("PGPASSWORD"), "{e}");
    }
}
