//! The JSON contract (DESIGN.md §3): what scripts get from `--json`. Dates are ISO text, money a
//! decimal string, enums their stored spelling; every object has `id`.

use serde_json::{Value, json};

use crate::domain::input::money_text;
use crate::domain::{Clock, ContactPerson, Customer, Interaction, Purchase, Todo};

/// A customer as listed.
pub fn customer(c: &Customer, clock: &Clock) -> Value {
    let f = &c.fields;
    json!({
        "id": c.id,
        "name": f.name,
        "company": f.company,
        "kind": f.kind,
        "tier": f.tier,
        "stage": f.stage,
        "email": f.email,
        "phone": f.phone,
        "city": f.city,
        "owner": f.owner,
        "tags": c.tags,
        "last_contact": c.last_contact_at.as_deref().and_then(|s| clock.local_date_of(s)).map(|d| d.to_string()),
        "next_due": c.next_due.map(|d| d.to_string()),
    })
}

/// A customer as shown: the listed fields plus everything else and the derived figures.
pub fn customer_detail(c: &Customer, contacts: &[ContactPerson], clock: &Clock) -> Value {
    let mut v = customer(c, clock);
    let f = &c.fields;
    let extra = json!({
        "address": f.address,
        "industry": f.industry,
        "potential": f.potential,
        "channel": f.channel,
        "cadence_days": f.cadence_days,
        "birthday": f.birthday.map(|d| d.to_string()),
        "source": f.source,
        "needs": f.needs,
        "service_needs": f.service_needs,
        "custom_fields": f.custom_fields,
        "pool_locked": f.pool_locked,
        "churn_reason": f.churn_reason,
        "churn_note": f.churn_note,
        "churned_at": c.churned_at,
        "archived": c.archived_at.is_some(),
        "archived_at": c.archived_at,
        "last_contact_at": c.last_contact_at,
        "purchase_total": money_text(c.purchase_total),
        "purchase_count": c.purchase_count,
        "last_purchase": c.last_purchase_on.map(|d| d.to_string()),
        "contacts": contacts.iter().map(contact).collect::<Vec<_>>(),
        "created_at": c.audit.created_at,
        "created_by": c.audit.created_by,
        "updated_at": c.audit.updated_at,
        "updated_by": c.audit.updated_by,
        "version": c.audit.version,
    });
    if let (Value::Object(base), Value::Object(more)) = (&mut v, extra) {
        base.extend(more);
    }
    v
}

pub fn contact(p: &ContactPerson) -> Value {
    json!({
        "id": p.id,
        "customer_id": p.customer_id,
        "name": p.name,
        "title": p.title,
        "phone": p.phone,
        "email": p.email,
        "primary": p.primary,
        "version": p.audit.version,
    })
}

pub fn todo(t: &Todo) -> Value {
    json!({
        "id": t.id,
        "customer_id": t.customer_id,
        "title": t.title,
        "due": t.due.map(|d| d.to_string()),
        "due_time": t.due_time,
        "status": t.status,
        "priority": t.priority,
        "assignee": t.assignee,
        "every": t.recurrence.map(|r| r.to_string()),
        "done_at": t.done_at,
    })
}

pub fn interaction(i: &Interaction) -> Value {
    json!({
        "id": i.id,
        "customer_id": i.customer_id,
        "at": i.at,
        "kind": i.kind,
        "summary": i.summary,
        "details": i.details,
        "contact": i.is_contact,
        "win_back": i.win_back,
        "by": i.audit.created_by,
        "version": i.audit.version,
    })
}

pub fn purchase(p: &Purchase) -> Value {
    json!({
        "id": p.id,
        "customer_id": p.customer_id,
        "date": p.on_date.to_string(),
        "product": p.product,
        "amount": money_text(p.amount),
        "note": p.note,
        "by": p.audit.created_by,
        "version": p.audit.version,
    })
}

/// Serialises anything `Serialize` for `Out::json` without a second code path.
pub fn list<T, F: Fn(&T) -> Value>(items: &[T], f: F) -> Vec<Value> {
    items.iter().map(f).collect()
}

pub use crate::store::profile::Workflow;

/// The workflow keys added to `customer show --json`.
pub fn workflow(c: &Customer, w: &Workflow, clock: &Clock) -> Value {
    let round = |x: f64| (x * 100.0).round() / 100.0;
    json!({
        "value": {
            "score": c.value.total(),
            "recency": c.value.rfm.recency,
            "frequency": c.value.rfm.frequency,
            "monetary": c.value.rfm.monetary,
            "rfm": c.value.rfm.total(),
            "potential": c.value.potential,
            "potential_weight_percent": w.potential_weight,
            "suggested_tier": c.value.suggested_tier(),
        },
        "points": {
            "balance": w.loyalty.balance,
            "earned": w.loyalty.earned,
            "level": w.loyalty.level.as_ref().map(|l| &l.name),
            "benefits": w.loyalty.level.as_ref().map(|l| &l.benefits),
            "open_coupons": w.loyalty.coupons.iter().filter(|k| k.open_on(clock.today())).map(|k| &k.code).collect::<Vec<_>>(),
        },
        "at_risk": !w.risk.is_empty(),
        "risk": w.risk.iter().map(|r| r.describe()).collect::<Vec<_>>(),
        "latest_survey": w.surveys.first().map(|s| json!({
            "date": s.on_date.to_string(), "quality": s.quality, "attitude": s.attitude, "speed": s.speed,
            "average": round(s.average()), "comment": s.comment,
        })),
        "survey_averages": w.survey_averages().map(|(q, a, s)| json!({"quality": round(q), "attitude": round(a), "speed": round(s)})),
        "tickets": w.tickets.iter().map(|t| json!({
            "id": t.id, "kind": t.kind, "severity": t.severity, "status": t.status, "summary": t.summary,
            "opened_at": t.opened_at, "first_response_at": t.first_response_at,
            "clock": t.clock_text(clock.now),
            "checkback_due": t.checkback_due.map(|d| d.to_string()),
            "checkback_survey": t.checkback_survey,
        })).collect::<Vec<_>>(),
        "deals": w.deals.iter().map(|d| json!({
            "id": d.id, "title": d.title, "amount": money_text(d.amount), "stage": d.stage,
            "expected_close": d.expected_close.map(|x| x.to_string()),
        })).collect::<Vec<_>>(),
        "campaigns": w.campaigns.iter().map(|m| json!({
            "id": m.campaign_id, "name": m.name, "attended": m.attended, "responded": m.responded,
        })).collect::<Vec<_>>(),
    })
}
