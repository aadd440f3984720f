//! Coupons (优惠券): issued to a customer, or one each to a segment, with a value or a per cent
//! off and valid dates; redeemed once, against a purchase of their customer within their dates.

use crate::store::db::Value;
use crate::store::db::{Connection, Optional, Row};
use chrono::NaiveDate;
use rusqlite::params;

use super::Ctx;
use super::customers::{self, parsed, parsed_opt};
use super::error::Result;
use super::loyalty::input;
use super::rows::{self, AUDIT_COLS, text};
use crate::domain::Audit;
use crate::domain::loyalty::CouponValue;
use crate::i18n::tf;

const COUPON_COLS: &str = "id, code, customer_id, amount, percent, valid_from, valid_until, note, \
     purchase_id, redeemed_on, discount";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    pub id: i64,
    pub code: String,
    pub customer_id: i64,
    pub value: CouponValue,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub note: Option<String>,
    pub purchase_id: Option<i64>,
    pub redeemed_on: Option<NaiveDate>,
    /// What it took off, in minor units (once redeemed).
    pub discount: Option<i64>,
    pub audit: Audit,
}

impl Coupon {
    /// Not redeemed and within its dates on `day`.
    pub fn open_on(&self, day: NaiveDate) -> bool {
        self.purchase_id.is_none()
            && self.valid_from <= day
            && self.valid_until.is_none_or(|u| u >= day)
    }
}

fn coupon_from_row(row: &Row<'_>) -> crate::store::db::RowResult<Coupon> {
    let amount: Option<i64> = row.get(3)?;
    let percent: Option<i64> = row.get(4)?;
    Ok(Coupon {
        id: row.get(0)?,
        code: row.get(1)?,
        customer_id: row.get(2)?,
        value: match (amount, percent) {
            (Some(a), _) => CouponValue::Amount(a),
            (None, p) => CouponValue::Percent(p.unwrap_or(0)),
        },
        valid_from: parsed(row, 5)?,
        valid_until: parsed_opt(row, 6)?,
        note: row.get(7)?,
        purchase_id: row.get(8)?,
        redeemed_on: parsed_opt(row, 9)?,
        discount: row.get(10)?,
        audit: rows::audit(row, 11)?,
    })
}

/// What a coupon is: its worth and dates, with an optional code (a segment's coupons get the
/// code followed by each customer's number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponSpec {
    pub code: Option<String>,
    pub value: CouponValue,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub note: Option<String>,
}

fn coupon_where(
    conn: &Connection,
    sql_where: &str,
    p: &[&dyn rusqlite::ToSql],
) -> Result<Option<Coupon>> {
    rows::query_one(
        conn,
        &format!("SELECT {COUPON_COLS}, {AUDIT_COLS} FROM coupon WHERE {sql_where}"),
        p,
        coupon_from_row,
    )
    .optional()
}

pub fn coupon_by_code(conn: &Connection, code: &str) -> Result<Coupon> {
    coupon_where(conn, "code = ?1 COLLATE NOCASE", &[&code.trim()])?
        .ok_or_else(|| input("code", tf("err.no_coupon", &[("code", &code.trim())])))
}

/// Issues one coupon to each of `customers_to`: the code as given for one customer, else (a
/// `segment`, or no code given) the code (by default `C` and the issue date) followed by `-` and
/// the customer's number. Returns the codes.
pub fn issue(
    conn: &Connection,
    ctx: &Ctx,
    customers_to: &[i64],
    spec: &CouponSpec,
    segment: bool,
) -> Result<Vec<String>> {
    if customers_to.is_empty() {
        return Err(input(
            "customer",
            crate::i18n::t("err.coupon_nobody").into(),
        ));
    }
    match spec.value {
        CouponValue::Amount(a) if a <= 0 => {
            return Err(input("value", crate::i18n::t("err.coupon_value").into()));
        }
        CouponValue::Percent(p) if !(1..=99).contains(&p) => {
            return Err(input("percent", tf("err.coupon_percent", &[("n", &p)])));
        }
        _ => {}
    }
    if spec.valid_until.is_some_and(|u| u < spec.valid_from) {
        return Err(input(
            "until",
            tf("err.coupon_until", &[("from", &spec.valid_from)]),
        ));
    }
    let base = spec
        .code
        .as_deref()
        .map(crate::domain::input::clean_line)
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| format!("C{}", ctx.clock.today().format("%Y%m%d")));
    if base.chars().any(char::is_whitespace) {
        return Err(input("code", tf("err.coupon_code", &[("code", &base)])));
    }
    let mut codes = Vec::with_capacity(customers_to.len());
    for &customer in customers_to {
        customers::ensure_exists(conn, customer)?;
        let mut code = if !segment && spec.code.is_some() {
            base.clone()
        } else {
            format!("{base}-{customer}")
        };
        let taken = |code: &str| -> Result<bool> {
            Ok(coupon_where(conn, "code = ?1 COLLATE NOCASE", &[&code])?.is_some())
        };
        // A code kehu made up takes the next free number (a second coupon the same day); a code
        // the user chose is theirs to change.
        let mut n = 2;
        while spec.code.is_none() && taken(&code)? {
            code = format!("{base}-{customer}-{n}");
            n += 1;
        }
        if taken(&code)? {
            return Err(input("code", tf("err.coupon_taken", &[("code", &code)])));
        }
        let (amount, percent) = match spec.value {
            CouponValue::Amount(a) => (Value::Integer(a), Value::Null),
            CouponValue::Percent(p) => (Value::Null, Value::Integer(p)),
        };
        rows::insert(
            conn,
            ctx,
            "coupon",
            &[
                ("code", Value::Text(code.clone())),
                ("customer_id", Value::Integer(customer)),
                ("amount", amount),
                ("percent", percent),
                ("valid_from", Value::Text(spec.valid_from.to_string())),
                (
                    "valid_until",
                    text(spec.valid_until.map(|d| d.to_string()).as_deref()),
                ),
                ("note", text(spec.note.as_deref())),
            ],
            Some(customer),
        )?;
        codes.push(code);
    }
    Ok(codes)
}

/// Whether `c` may stand against `p`: the same customer, a date within the coupon's, a sale.
fn check_fits(c: &Coupon, p: &crate::domain::Purchase) -> Result<()> {
    if p.customer_id != c.customer_id {
        return Err(input(
            "coupon",
            tf(
                "err.coupon_of_another",
                &[("code", &c.code), ("customer", &c.customer_id)],
            ),
        ));
    }
    if p.on_date < c.valid_from || c.valid_until.is_some_and(|u| p.on_date > u) {
        let until = c
            .valid_until
            .map_or_else(|| "–".to_string(), |d| d.to_string());
        return Err(input(
            "coupon",
            tf(
                "err.coupon_dates",
                &[
                    ("code", &c.code),
                    ("from", &c.valid_from),
                    ("until", &until),
                    ("date", &p.on_date),
                ],
            ),
        ));
    }
    if p.amount <= 0 {
        return Err(input(
            "coupon",
            tf("err.coupon_refund", &[("code", &c.code)]),
        ));
    }
    Ok(())
}

/// Redeems the coupon `code` against `purchase`: the purchase must be its customer's, dated
/// within the coupon's dates, and the coupon unused. Returns the coupon as redeemed.
pub fn redeem_coupon(conn: &Connection, ctx: &Ctx, code: &str, purchase: i64) -> Result<Coupon> {
    let c = coupon_by_code(conn, code)?;
    let p = super::purchases::get(conn, purchase)?;
    if let Some(used) = c.purchase_id {
        return Err(input(
            "coupon",
            tf("err.coupon_used", &[("code", &c.code), ("purchase", &used)]),
        ));
    }
    check_fits(&c, &p)?;
    set_redemption(conn, ctx, &c, Some(&p))?;
    coupon_by_code(conn, &c.code)
}

/// Writes `c` as redeemed against `p` (what it took off `p`'s amount, on `p`'s date), or as open.
fn set_redemption(
    conn: &Connection,
    ctx: &Ctx,
    c: &Coupon,
    p: Option<&crate::domain::Purchase>,
) -> Result<()> {
    let cols = match p {
        Some(p) => [
            ("purchase_id", Value::Integer(p.id)),
            ("redeemed_on", Value::Text(p.on_date.to_string())),
            ("discount", Value::Integer(c.value.discount(p.amount))),
        ],
        None => [
            ("purchase_id", Value::Null),
            ("redeemed_on", Value::Null),
            ("discount", Value::Null),
        ],
    };
    rows::update(
        conn,
        ctx,
        "coupon",
        "coupon",
        c.id,
        c.audit.version,
        &cols,
        Some(c.customer_id),
    )?;
    Ok(())
}

/// Coupons, newest first: one customer's or everyone's; `open` keeps those not yet redeemed.
pub fn coupons(conn: &Connection, customer: Option<i64>, open: bool) -> Result<Vec<Coupon>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COUPON_COLS}, {AUDIT_COLS} FROM coupon
         WHERE (?1 IS NULL OR customer_id = ?1) AND (?2 = 0 OR purchase_id IS NULL)
         ORDER BY valid_from DESC, id DESC"
    ))?;
    let found = stmt
        .query_map(params![customer, open], coupon_from_row)?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}

/// Before a purchase is removed: a coupon redeemed against it is open again.
pub fn purchase_removed(conn: &Connection, ctx: &Ctx, purchase: i64) -> Result<()> {
    match coupon_where(conn, "purchase_id = ?1", &[&purchase])? {
        Some(c) => set_redemption(conn, ctx, &c, None),
        None => Ok(()),
    }
}

/// After a purchase was corrected: the coupon redeemed against it takes off what it takes off the
/// new amount, on the new date; a correction that leaves it outside the coupon's dates, or makes
/// it a refund, is refused.
pub fn purchase_changed(conn: &Connection, ctx: &Ctx, p: &crate::domain::Purchase) -> Result<()> {
    let Some(c) = coupon_where(conn, "purchase_id = ?1", &[&p.id])? else {
        return Ok(());
    };
    check_fits(&c, p)?;
    let discount = c.value.discount(p.amount);
    if c.discount == Some(discount) && c.redeemed_on == Some(p.on_date) {
        return Ok(());
    }
    set_redemption(conn, ctx, &c, Some(p))
}

/// Open coupons whose last valid day is within `days` from `today` (today included), soonest
/// first; one customer's or everyone's.
pub fn expiring(
    conn: &Connection,
    today: NaiveDate,
    days: i64,
    customer: Option<i64>,
) -> Result<Vec<Coupon>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COUPON_COLS}, {AUDIT_COLS} FROM coupon
         WHERE purchase_id IS NULL AND valid_from <= ?1 AND valid_until >= ?1 AND valid_until <= ?2
           AND (?3 IS NULL OR customer_id = ?3)
         ORDER BY valid_until, id"
    ))?;
    let until = today + chrono::Duration::days(days.max(0));
    let found = stmt
        .query_map(
            params![today.to_string(), until.to_string(), customer],
            coupon_from_row,
        )?
        .collect::<crate::store::db::RowResult<Vec<_>>>()?;
    Ok(found)
}
