//! `kehu customer …` and `kehu contact …`.

use anyhow::{Result, bail};

use super::Env;
use super::args::{ContactCmd, ContactFlags, CustomerCmd, CustomerFlags};
use super::output::Table;
use super::views;
use crate::domain::input::{self, money_text};
use crate::domain::{ContactFields, CustomerFields, InputError, format, time};
use crate::i18n::{t, tf, word};
use crate::store::pages::CustomerSort;
use crate::store::{self, customers::Filter};

pub fn run(env: &mut Env, cmd: CustomerCmd) -> Result<()> {
    match cmd {
        CustomerCmd::Add { name, flags } => add(env, &name, &flags),
        CustomerCmd::WinBack { owner, mine, json } => {
            let owner = if mine {
                Some(env.ctx.user.clone())
            } else {
                owner
            };
            super::win_back::run(env, owner.as_deref(), json)
        }
        CustomerCmd::List {
            tier,
            stage,
            owner,
            tag,
            search,
            mine,
            archived,
            at_risk,
            sort,
            json,
        } => {
            let order = match sort.trim().to_lowercase().replace('_', "-").as_str() {
                "name" => CustomerSort::Name,
                "value" => CustomerSort::Value,
                "last-contact" => CustomerSort::LastContact,
                "next-due" => CustomerSort::NextDue,
                other => {
                    return Err(InputError::new(
                        "sort",
                        crate::i18n::tf(
                            "err.one_of",
                            &[
                                ("text", &other),
                                ("choices", &"name, value, last-contact, next-due"),
                            ],
                        ),
                    )
                    .into());
                }
            };
            let filter = Filter {
                order,
                tier: tier.as_deref().map(str::parse).transpose()?,
                stage: stage.as_deref().map(str::parse).transpose()?,
                owner: if mine {
                    Some(env.ctx.user.clone())
                } else {
                    owner
                },
                tag,
                search,
                include_archived: archived,
            };
            list(env, &filter, at_risk, json)
        }
        CustomerCmd::Show { id, json } => show(env, id, json),
        CustomerCmd::Edit {
            id,
            name,
            flags,
            untag,
            clear,
            if_version,
        } => edit(env, id, name.as_deref(), &flags, &untag, &clear, if_version),
        CustomerCmd::Archive { id } => set_archived(env, id, true),
        CustomerCmd::Unarchive { id } => set_archived(env, id, false),
        CustomerCmd::Erase { id, yes } => erase(env, id, yes),
        CustomerCmd::Claim { id } => claim(env, id),
        CustomerCmd::Merge { keep, other, take } => merge(env, keep, other, &take),
    }
}

fn optional_email(v: &str) -> Result<Option<String>, InputError> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        input::email(v).map(|(e, _)| Some(e))
    }
}

fn optional_phone(v: &str) -> Result<Option<String>, InputError> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        input::phone(v).map(|(p, _)| Some(p))
    }
}

fn yes_no(field: &str, v: &str) -> Result<bool, InputError> {
    match v.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "on" | "1" => Ok(true),
        "no" | "n" | "false" | "off" | "0" => Ok(false),
        other => Err(InputError::new(
            field,
            crate::i18n::tf("err.yes_no", &[("text", &other)]),
        )),
    }
}

/// Applies the flags that were given onto `f`, validating each.
fn apply_flags(
    today: chrono::NaiveDate,
    f: &mut CustomerFields,
    flags: &CustomerFlags,
) -> Result<(), InputError> {
    if let Some(v) = &flags.company {
        f.company = input::optional_line("company", v)?;
    }
    if let Some(v) = &flags.kind {
        f.kind = v.parse()?;
    }
    if let Some(v) = &flags.tier {
        f.tier = v.parse()?;
    }
    if let Some(v) = &flags.stage {
        f.stage = v.parse()?;
    }
    if let Some(v) = &flags.email {
        f.email = optional_email(v)?;
    }
    if let Some(v) = &flags.phone {
        f.phone = optional_phone(v)?;
    }
    if let Some(v) = &flags.city {
        f.city = input::optional_line("city", v)?;
    }
    if let Some(v) = &flags.industry {
        f.industry = input::optional_line("industry", v)?;
    }
    if let Some(v) = &flags.potential {
        f.potential = Some(input::potential(v)?);
    }
    if let Some(v) = &flags.address {
        f.address = input::optional_line("address", v)?;
    }
    if let Some(v) = &flags.owner {
        f.owner = input::optional_line("owner", v)?;
    }
    if let Some(v) = &flags.channel {
        f.channel = Some(v.parse()?);
    }
    if let Some(v) = &flags.birthday {
        let d = time::parse_date("birthday", v, today)?;
        if d > today {
            return Err(InputError::new(
                "birthday",
                crate::i18n::tf("err.future", &[("date", &d)]),
            ));
        }
        f.birthday = Some(d);
    }
    if let Some(v) = &flags.cadence {
        f.cadence_days = Some(input::cadence_days(v)?);
    }
    if let Some(v) = &flags.source {
        f.source = input::optional_line("source", v)?;
    }
    if let Some(v) = &flags.needs {
        f.needs = input::optional_text("needs", v)?;
    }
    if let Some(v) = &flags.service_needs {
        f.service_needs = input::optional_text("service-needs", v)?;
    }
    for raw in &flags.fields {
        let (k, v) = input::custom_field(raw)?;
        if v.is_empty() {
            f.custom_fields.remove(&k);
        } else {
            f.custom_fields.insert(k, v);
        }
    }
    if let Some(v) = &flags.pool_lock {
        f.pool_locked = yes_no("pool-lock", v)?;
    }
    // Read against the team's list when saved (the store knows the list).
    if let Some(v) = &flags.churn_reason {
        f.churn_reason = input::optional_line("churn_reason", v)?;
    }
    if let Some(v) = &flags.churn_note {
        f.churn_note = input::optional_text("churn_note", v)?;
    }
    Ok(())
}

fn add(env: &mut Env, name: &str, flags: &CustomerFlags) -> Result<()> {
    let mut fields = CustomerFields::named(input::name("name", name)?);
    fields.owner = Some(env.ctx.user.clone());
    apply_flags(env.ctx.clock.today(), &mut fields, flags)?;
    let ctx = env.ctx.clone();
    let id = env
        .store
        .write(|c| store::customers::add(c, &ctx, &fields, &flags.tags))?;
    env.out.line(&crate::i18n::tf(
        "out.added_customer",
        &[("id", &id), ("name", &fields.name)],
    ))?;
    Ok(())
}

fn edit(
    env: &mut Env,
    id: i64,
    name: Option<&str>,
    flags: &CustomerFlags,
    untag: &[String],
    clear: &[String],
    if_version: Option<i64>,
) -> Result<()> {
    // Checked before the write, so a bad value is refused without waiting for the lock.
    let probe = env.store.read(|c| store::customers::get(c, id))?;
    let mut checked = probe.fields.clone();
    if let Some(n) = name {
        checked.name = input::name("name", n)?;
    }
    let today = env.ctx.clock.today();
    apply_flags(today, &mut checked, flags)?;
    for field in clear {
        clear_field(&mut checked, field)?;
    }
    let ctx = env.ctx.clone();
    // The flags are changes ("city becomes X", "add tag Y"): applied to the customer as it is at
    // the moment of writing, in the same transaction, so a teammate's change to another field or
    // tag is never lost. `--if-version N` instead refuses when the record moved on from N.
    let changed = env.store.write(|c| {
        let current = store::customers::get(c, id)?;
        let mut fields = current.fields.clone();
        if let Some(n) = name {
            fields.name = input::name("name", n)?;
        }
        apply_flags(today, &mut fields, flags)?;
        for field in clear {
            clear_field(&mut fields, field)?;
        }
        let mut tags = current.tags.clone();
        tags.extend(flags.tags.iter().cloned());
        tags.retain(|t| !untag.iter().any(|u| u.trim().eq_ignore_ascii_case(t)));
        let version = if_version.unwrap_or(current.audit.version);
        store::customers::update(c, &ctx, id, version, &fields, &tags)
    })?;
    env.out.line(&tf(
        if changed {
            "out.updated_customer"
        } else {
            "out.customer_unchanged"
        },
        &[("id", &id)],
    ))?;
    Ok(())
}

fn clear_field(f: &mut CustomerFields, field: &str) -> Result<(), InputError> {
    let name = field.trim().to_lowercase().replace('_', "-");
    if let Some(key) = name.strip_prefix("field:") {
        f.custom_fields.retain(|k, _| !k.eq_ignore_ascii_case(key));
        return Ok(());
    }
    match name.as_str() {
        "company" => f.company = None,
        "email" => f.email = None,
        "phone" => f.phone = None,
        "city" => f.city = None,
        "industry" => f.industry = None,
        "potential" => f.potential = None,
        "address" => f.address = None,
        "owner" => f.owner = None,
        "channel" => f.channel = None,
        "birthday" => f.birthday = None,
        "cadence" => f.cadence_days = None,
        "source" => f.source = None,
        "needs" => f.needs = None,
        "service-needs" => f.service_needs = None,
        _ => {
            return Err(InputError::new(
                "clear",
                format!(
                    "'{field}' cannot be cleared; use company, email, phone, city, industry, potential, address, owner, \
                     channel, birthday, cadence, source, needs, service-needs or field:KEY"
                ),
            ));
        }
    }
    Ok(())
}

fn list(env: &mut Env, filter: &Filter, at_risk: bool, json: bool) -> Result<()> {
    // Many customers marked for new search keys (an import, a new schema): their keys are worked
    // out and kept now, for this search and the next. A file this user cannot write, or one busy
    // past the time budget, is searched all the same with the marked ones worked out afresh.
    if filter.search.is_some()
        && env.store.read(store::search_keys::marked)? > store::search_keys::IN_A_WRITE
    {
        let _ = env.store.write(|c| store::search_keys::refresh(c, None));
    }
    let found = env.store.read(|c| store::customers::list(c, filter))?;
    let found = show_list(env, found, at_risk, json)?;
    env.let_go(found);
    Ok(())
}

/// Prints `found` (with --at-risk, those a churn signal holds for) and hands them back.
fn show_list(
    env: &mut Env,
    mut found: Vec<crate::domain::Customer>,
    at_risk: bool,
    json: bool,
) -> Result<Vec<crate::domain::Customer>> {
    let clock = env.ctx.clock;
    // With --at-risk: only those a churn signal holds for, each with its signals.
    let mut risks: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    if at_risk {
        for (c, signals) in env.store.read(|c| store::risk::at_risk(c, &clock))? {
            risks.insert(c.id, signals.iter().map(|s| s.describe()).collect());
        }
        found.retain(|c| risks.contains_key(&c.id));
    }
    if json {
        let rows = found.iter().map(|c| {
            let mut v = views::customer(c, &clock);
            if let (true, serde_json::Value::Object(map)) = (at_risk, &mut v) {
                map.insert("risk".into(), serde_json::json!(risks.get(&c.id)));
            }
            v
        });
        env.out.json_items(rows)?;
        return Ok(found);
    }
    if at_risk {
        if found.is_empty() {
            env.out.line(crate::i18n::t("out.no_customers_at_risk"))?;
            return Ok(found);
        }
        let mut table = Table::new(&[
            ("ID", 8),
            ("NAME", 24),
            ("TIER", 9),
            ("OWNER", 12),
            ("SIGNALS", 90),
        ]);
        for c in &found {
            table.row(vec![
                c.id.to_string(),
                c.fields.name.clone(),
                word("tier", c.fields.tier.as_str()),
                c.fields.owner.clone().unwrap_or_default(),
                risks.get(&c.id).map(|r| r.join(" · ")).unwrap_or_default(),
            ]);
        }
        table.print(&mut env.out)?;
        return Ok(found);
    }
    if found.is_empty() {
        env.out.line(crate::i18n::t("out.no_customers_match"))?;
        return Ok(found);
    }
    let mut table = Table::new(&[
        ("ID", 8),
        ("NAME", 24),
        ("COMPANY", 28),
        ("TIER", 9),
        ("STAGE", 8),
        ("OWNER", 12),
        ("LAST CONTACT", 12),
        ("NEXT DUE", 10),
    ]);
    for c in &found {
        let f = &c.fields;
        table.row(vec![
            c.id.to_string(),
            f.name.clone(),
            f.company.clone().unwrap_or_default(),
            word("tier", f.tier.as_str()),
            word("stage", f.stage.as_str()),
            f.owner.clone().unwrap_or_default(),
            c.last_contact_at
                .as_deref()
                .and_then(|s| clock.local_date_of(s))
                .map(|d| d.to_string())
                .unwrap_or_default(),
            c.next_due.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    table.print(&mut env.out)?;
    Ok(found)
}

fn show(env: &mut Env, id: i64, json: bool) -> Result<()> {
    let (c, contacts, recent, todos) = env.store.read(|conn| {
        Ok((
            store::customers::get(conn, id)?,
            store::contacts::for_customer(conn, id)?,
            store::interactions::timeline(conn, id, None, 5)?,
            store::todos::list_open(
                conn,
                &store::todos::Filter {
                    customer_id: Some(id),
                    ..Default::default()
                },
            )?,
        ))
    })?;
    let clock = env.ctx.clock;
    let w = env
        .store
        .read(|conn| views::Workflow::load(conn, &c, &clock))?;
    if json {
        let mut v = views::customer_detail(&c, &contacts, &clock);
        if let (serde_json::Value::Object(base), serde_json::Value::Object(more)) =
            (&mut v, views::workflow(&c, &w, &clock))
        {
            base.extend(more);
        }
        return Ok(env.out.json(&v)?);
    }
    let currency = env
        .store
        .read(|conn| store::settings::get(conn, "currency"))?;
    let f = &c.fields;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    // A labelled line, the label padded by display width (Chinese labels are two columns a character).
    let row = |key: &str, value: String| format!("  {} {value}", super::output::pad(t(key), 13));
    let mut lines = vec![
        tf("show.heading", &[("name", &f.name), ("id", &c.id)]),
        row("field.company", opt(&f.company)),
        row(
            "show.kind_tier",
            tf(
                "show.kind_tier_value",
                &[
                    ("kind", &word("kind", f.kind.as_str())),
                    ("tier", &word("tier", f.tier.as_str())),
                    ("stage", &word("stage", f.stage.as_str())),
                ],
            ),
        ),
        row("field.owner", opt(&f.owner)),
        row("field.email", opt(&f.email)),
        row(
            "field.phone",
            f.phone.as_deref().map_or("–".into(), format::phone),
        ),
        row("field.city", opt(&f.city)),
        row("field.industry", opt(&f.industry)),
        row(
            "field.potential",
            f.potential.map_or("–".into(), |p| format!("{p}/5")),
        ),
        row("field.address", opt(&f.address)),
        row(
            "field.channel",
            f.channel
                .map_or("–".into(), |c| word("channel", c.as_str())),
        ),
        row(
            "profile.cadence",
            f.cadence_days.map_or(t("show.tier_default").into(), |d| {
                tf("profile.every_days", &[("n", &d)])
            }),
        ),
        row(
            "field.birthday",
            f.birthday.map_or("–".into(), format::date),
        ),
        row("field.source", opt(&f.source)),
        row(
            "field.tags",
            if c.tags.is_empty() {
                "–".into()
            } else {
                c.tags.join(", ")
            },
        ),
        row("field.needs", opt(&f.needs)),
        row("field.service_needs", opt(&f.service_needs)),
    ];
    for (k, v) in &f.custom_fields {
        lines.push(format!("  {k}: {v}"));
    }
    lines.push(row(
        "profile.last_contact",
        tf(
            "show.last_next",
            &[
                (
                    "last",
                    &c.last_contact_at
                        .as_deref()
                        .map_or(t("profile.never").into(), |s| clock.local_display(s)),
                ),
                ("next", &c.next_due.map_or("–".into(), format::date)),
            ],
        ),
    ));
    lines.push(row(
        "profile.purchases",
        tf(
            "show.purchases",
            &[
                ("n", &c.purchase_count),
                ("total", &format::money(c.purchase_total, &currency)),
            ],
        ),
    ));
    if c.archived_at.is_some() {
        lines.push(format!("  {}", t("show.archived")));
    }
    let v = c.value;
    let parts = [
        ("score", v.total().to_string()),
        ("r", v.rfm.recency.to_string()),
        ("f", v.rfm.frequency.to_string()),
        ("m", v.rfm.monetary.to_string()),
        ("rfm", v.rfm.total().to_string()),
        ("p", v.potential.unwrap_or_default().to_string()),
        ("w", w.potential_weight.to_string()),
        (
            "tier",
            word("tier", v.suggested_tier().as_str()).to_string(),
        ),
    ];
    let parts: Vec<(&str, &dyn std::fmt::Display)> = parts
        .iter()
        .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
        .collect();
    let key = if v.potential.is_some() {
        "show.value_with_potential"
    } else {
        "show.value"
    };
    lines.push(row("profile.value", tf(key, &parts)));
    let lo = &w.loyalty;
    if !lo.entries.is_empty() {
        let mut text = tf("profile.points_balance", &[("n", &lo.balance)]);
        if let Some(l) = &lo.level {
            text.push_str(&format!(" · {}", l.name));
            if !l.benefits.is_empty() {
                text.push_str(&format!(" ({})", l.benefits.join(", ")));
            }
        }
        lines.push(row("profile.points", text));
    }
    if w.risk.is_empty() {
        lines.push(row("show.churn_risk", t("show.none").into()));
    } else {
        lines.push(row(
            "show.at_risk",
            w.risk
                .iter()
                .map(|r| r.describe())
                .collect::<Vec<_>>()
                .join(" · "),
        ));
    }
    if let (Some(s), Some((q, a, sp))) = (w.surveys.first(), w.survey_averages()) {
        lines.push(row(
            "profile.satisfaction",
            tf(
                "show.survey",
                &[
                    ("date", &format::date(s.on_date)),
                    (
                        "scores",
                        &format!("q{} a{} s{}", s.quality, s.attitude, s.speed),
                    ),
                    ("avg", &format!("{:.1}", s.average())),
                    ("averages", &format!("q{q:.1} a{a:.1} s{sp:.1}")),
                    ("n", &w.surveys.len()),
                ],
            ),
        ));
    }
    lines.push(row(
        "show.changed",
        tf(
            "show.changed_value",
            &[
                ("at", &clock.local_display(&c.audit.updated_at)),
                ("by", &c.audit.updated_by),
                ("version", &c.audit.version),
            ],
        ),
    ));
    if !contacts.is_empty() {
        lines.push(t("show.contacts").into());
        for p in &contacts {
            lines.push(format!(
                "  [{}] {}{}  {}  {}{}",
                p.id,
                p.name,
                p.title
                    .as_deref()
                    .map(|t| format!(", {t}"))
                    .unwrap_or_default(),
                opt(&p.phone),
                opt(&p.email),
                if p.primary { t("show.primary") } else { "" }
            ));
        }
    }
    if !recent.is_empty() {
        lines.push(t("show.recent").into());
        for i in &recent {
            lines.push(format!(
                "  [{}] {}  {:<7} {}  — {}",
                i.id,
                clock.local_display(&i.at),
                i.kind,
                i.summary,
                i.audit.created_by
            ));
        }
    }
    for t in w.tickets.iter().filter(|t| {
        matches!(
            t.status,
            crate::domain::TicketStatus::Open | crate::domain::TicketStatus::Responded
        )
    }) {
        let clock_text = t.clock_text(clock.now);
        lines.push(format!(
            "  ticket [{}] {} {} · {} · {}",
            t.id, t.kind, t.severity, clock_text, t.summary
        ));
    }
    for d in w.deals.iter().filter(|d| d.is_open()) {
        lines.push(format!(
            "  deal [{}] {} · {} · {}",
            d.id,
            d.stage,
            money_text(d.amount),
            d.title
        ));
    }
    if !w.campaigns.is_empty() {
        let names: Vec<String> = w
            .campaigns
            .iter()
            .map(|m| format!("{}{}", m.name, if m.attended { " (attended)" } else { "" }))
            .collect();
        lines.push(format!("  campaigns     {}", names.join(", ")));
    }
    if !todos.is_empty() {
        lines.push("open to-dos:".into());
        for t in &todos {
            lines.push(format!(
                "  [{}] {}  {}",
                t.id,
                t.due.map_or("no date   ".into(), |d| d.to_string()),
                t.title
            ));
        }
    }
    for l in lines {
        env.out.line(&l)?;
    }
    Ok(())
}

fn set_archived(env: &mut Env, id: i64, archived: bool) -> Result<()> {
    let current = env.store.read(|c| store::customers::get(c, id))?;
    let ctx = env.ctx.clone();
    let changed = env
        .store
        .write(|c| store::customers::set_archived(c, &ctx, id, current.audit.version, archived))?;
    let key = match (archived, changed) {
        (true, true) => "out.archived",
        (true, false) => "out.already_archived",
        (false, true) => "out.unarchived",
        (false, false) => "out.already_unarchived",
    };
    env.out.line(&tf(key, &[("id", &id)]))?;
    Ok(())
}

fn erase(env: &mut Env, id: i64, yes: bool) -> Result<()> {
    let c = env.store.read(|c| store::customers::get(c, id))?;
    if !yes {
        bail!(
            "{}",
            tf(
                "out.erase_confirm",
                &[("id", &id), ("name", &c.fields.name)]
            )
        );
    }
    let ctx = env.ctx.clone();
    env.store
        .write(|conn| store::customers::erase(conn, &ctx, id))?;
    env.out.line(&crate::i18n::tf(
        "out.erased_customer_and_all_their_records",
        &[("id", &id)],
    ))?;
    Ok(())
}

fn claim(env: &mut Env, id: i64) -> Result<()> {
    let current = env.store.read(|c| store::customers::get(c, id))?;
    let ctx = env.ctx.clone();
    let changed = env
        .store
        .write(|c| store::customers::claim(c, &ctx, id, current.audit.version))?;
    env.out.line(&tf(
        if changed {
            "out.claimed"
        } else {
            "out.already_yours"
        },
        &[("id", &id)],
    ))?;
    Ok(())
}

fn merge(env: &mut Env, keep: i64, other: i64, take: &[String]) -> Result<()> {
    let take: Vec<String> = take
        .iter()
        .map(|t| t.trim().to_lowercase().replace('_', "-"))
        .collect();
    let (k, o) = env.store.read(|c| {
        Ok((
            store::customers::get(c, keep)?,
            store::customers::get(c, other)?,
        ))
    })?;
    let ctx = env.ctx.clone();
    let report = env.store.write(|c| {
        store::customers::merge(
            c,
            &ctx,
            keep,
            k.audit.version,
            other,
            o.audit.version,
            &take,
        )
    })?;
    let moved: Vec<String> = report
        .moved
        .iter()
        .filter(|(t, n)| *n > 0 && *t != "change_log" && *t != "customer_history")
        .map(|(t, n)| format!("{n} {}", t.replace('_', " ")))
        .collect();
    let merged = tf(
        "out.merged",
        &[
            ("other", &other),
            ("other_name", &o.fields.name),
            ("keep", &keep),
            ("keep_name", &k.fields.name),
        ],
    );
    env.out.line(&if moved.is_empty() {
        merged
    } else {
        format!(
            "{merged}{}",
            tf("out.moved", &[("list", &moved.join(", "))])
        )
    })?;
    Ok(())
}

fn contact_fields(
    name: &str,
    flags: &ContactFlags,
    base: Option<ContactFields>,
) -> Result<ContactFields, InputError> {
    let mut f = base.unwrap_or(ContactFields {
        name: String::new(),
        title: None,
        phone: None,
        email: None,
        primary: false,
    });
    if !name.is_empty() || f.name.is_empty() {
        f.name = input::name("name", name)?;
    }
    if let Some(v) = &flags.title {
        f.title = input::optional_line("title", v)?;
    }
    if let Some(v) = &flags.phone {
        f.phone = optional_phone(v)?;
    }
    if let Some(v) = &flags.email {
        f.email = optional_email(v)?;
    }
    if flags.primary {
        f.primary = true;
    }
    Ok(f)
}

pub fn contact(env: &mut Env, cmd: ContactCmd) -> Result<()> {
    let ctx = env.ctx.clone();
    match cmd {
        ContactCmd::Add { id, name, flags } => {
            let fields = contact_fields(&name, &flags, None)?;
            let cid = env
                .store
                .write(|c| store::contacts::add(c, &ctx, id, &fields))?;
            env.out.line(&crate::i18n::tf(
                "out.added_contact_person_to_customer",
                &[("cid", &cid), ("id", &id)],
            ))?;
        }
        ContactCmd::Edit {
            contact,
            name,
            flags,
            if_version,
        } => {
            let current = env.store.read(|c| store::contacts::get(c, contact))?;
            let base = ContactFields {
                name: current.name.clone(),
                title: current.title.clone(),
                phone: current.phone.clone(),
                email: current.email.clone(),
                primary: current.primary,
            };
            let fields = contact_fields(name.as_deref().unwrap_or(""), &flags, Some(base))?;
            env.store.write(|c| {
                let version = if_version.unwrap_or(current.audit.version);
                store::contacts::update(c, &ctx, contact, version, &fields)
            })?;
            env.out.line(&crate::i18n::tf(
                "out.updated_contact_person",
                &[("contact", &contact)],
            ))?;
        }
        ContactCmd::Delete { contact } => {
            let current = env.store.read(|c| store::contacts::get(c, contact))?;
            env.store
                .write(|c| store::contacts::delete(c, &ctx, contact, current.audit.version))?;
            env.out.line(&crate::i18n::tf(
                "out.deleted_contact_person",
                &[("contact", &contact)],
            ))?;
        }
        ContactCmd::List { id, json } => {
            let people = env.store.read(|c| {
                store::customers::get(c, id)?;
                store::contacts::for_customer(c, id)
            })?;
            if json {
                return Ok(env.out.json(&views::list(&people, views::contact))?);
            }
            let mut table = Table::new(&[
                ("ID", 8),
                ("NAME", 20),
                ("TITLE", 16),
                ("PHONE", 22),
                ("EMAIL", 32),
                ("PRIMARY", 7),
            ]);
            for p in &people {
                table.row(vec![
                    p.id.to_string(),
                    p.name.clone(),
                    p.title.clone().unwrap_or_default(),
                    p.phone.clone().unwrap_or_default(),
                    p.email.clone().unwrap_or_default(),
                    if p.primary {
                        "yes".into()
                    } else {
                        String::new()
                    },
                ]);
            }
            if table.is_empty() {
                env.out.line(&crate::i18n::tf(
                    "out.customer_has_no_contact_persons",
                    &[("id", &id)],
                ))?;
            } else {
                table.print(&mut env.out)?;
            }
        }
    }
    Ok(())
}
