//! Each form's fields checked with the command line's rules and turned into a `Save`.

use super::*;

/// Collects each field's error instead of stopping at the first, so the form can mark them all.
pub(super) fn check<T>(errors: &mut Vec<InputError>, r: Result<T, InputError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

pub(super) fn optional<T>(
    errors: &mut Vec<InputError>,
    v: &str,
    parse: impl FnOnce(&str) -> Result<T, InputError>,
) -> Option<T> {
    if v.trim().is_empty() {
        None
    } else {
        check(errors, parse(v))
    }
}

pub(super) fn build(form: &Form, clock: &Clock, errors: &mut Vec<InputError>) -> Option<Save> {
    let v = |k: &str| form.value(k).to_string();
    let today = clock.today();
    match &form.kind {
        FormKind::Filter => {
            check(errors, parse_filter(&v("filter")));
            None
        }
        FormKind::Import => {
            let path = v("path");
            if path.trim().is_empty() {
                errors.push(InputError::new("path", crate::i18n::t("msg.name_the_file")));
            } else if !super::expand_home(&path).exists() {
                // A folder is read as a folder of vCards.
                errors.push(InputError::new(
                    "path",
                    crate::i18n::tf("err.not_a_file", &[("text", &path.trim())]),
                ));
            }
            check(
                errors,
                v("duplicates").parse::<crate::io::import::OnDuplicate>(),
            );
            None
        }
        FormKind::Respond { id, version } => {
            let note = check(errors, input::required_line("note", &v("note")));
            let as_contact = yes_no(errors, "contact", &v("contact"));
            Some(Save::AdvanceTicket {
                id: *id,
                version: *version,
                to: TicketStatus::Responded,
                note: note?,
                as_contact: as_contact?,
            })
        }
        FormKind::Survey { customer, ticket } => {
            let score = |errors: &mut Vec<InputError>, key: &str| -> Option<i64> {
                match v(key).trim().parse::<i64>() {
                    Ok(n) if (1..=5).contains(&n) => Some(n),
                    _ => {
                        errors.push(InputError::new(
                            key,
                            crate::i18n::tf("err.score", &[("text", &v(key).trim())]),
                        ));
                        None
                    }
                }
            };
            let (q, a, sp) = (
                score(errors, "quality"),
                score(errors, "attitude"),
                score(errors, "speed"),
            );
            let comment = check(errors, input::optional_text("comment", &v("comment"))).flatten();
            Some(Save::AddSurvey {
                customer: *customer,
                quality: q?,
                attitude: a?,
                speed: sp?,
                comment,
                ticket: *ticket,
            })
        }
        FormKind::Purchase { customer } | FormKind::EditPurchase { customer, .. } => {
            let amount = check(errors, input::money("amount", &v("amount")));
            let product = check(errors, input::optional_line("product", &v("product"))).flatten();
            let on_date = check(
                errors,
                time::parse_date(
                    "date",
                    if v("date").trim().is_empty() {
                        "today"
                    } else {
                        form.value("date")
                    },
                    today,
                ),
            );
            let note = check(errors, input::optional_text("note", &v("note"))).flatten();
            let fields = crate::domain::PurchaseFields {
                on_date: on_date?,
                product,
                amount: amount?,
                note,
            };
            Some(match &form.kind {
                FormKind::EditPurchase { id, version, .. } => Save::EditPurchase {
                    id: *id,
                    version: *version,
                    fields,
                },
                _ => Save::AddPurchase {
                    customer: *customer,
                    fields,
                    coupon: Some(v("coupon").trim().to_string()).filter(|c| !c.is_empty()),
                },
            })
        }
        FormKind::Ticket { customer } => {
            let summary = check(errors, input::required_line("summary", &v("summary")));
            let kind = check(errors, v("kind").parse());
            let severity = check(errors, v("severity").parse());
            let routing = crate::store::tickets::Routing {
                channel: optional(errors, &v("channel"), |c| c.parse()),
                assignee: check(errors, input::optional_line("assignee", &v("assignee"))).flatten(),
                // Read against the team's list by the store.
                department: check(errors, input::optional_line("department", &v("department")))
                    .flatten(),
            };
            Some(Save::OpenTicket {
                customer: *customer,
                kind: kind?,
                severity: severity?,
                summary: summary?,
                routing,
            })
        }
        FormKind::Points { customer } => {
            use crate::tui::worker::PointsAction;
            let reason = v("reason").trim().to_string();
            let points = |errors: &mut Vec<InputError>, signed: bool| -> Option<i64> {
                let text = v("points").trim().replace(['+', ','], "");
                match text.parse::<i64>() {
                    Ok(n) if n != 0 && (signed || n > 0) => Some(n),
                    _ => {
                        errors.push(InputError::new(
                            "points",
                            crate::i18n::tf("err.points_text", &[("text", &v("points").trim())]),
                        ));
                        None
                    }
                }
            };
            let action = match v("action").trim().to_lowercase().as_str() {
                "redeem" | "兑换" | "r" => {
                    points(errors, false).map(|n| PointsAction::Redeem(n, reason))
                }
                "adjust" | "调整" | "a" => {
                    points(errors, true).map(|n| PointsAction::Adjust(n, reason))
                }
                "referral" | "推荐" | "f" => {
                    match v("referred").trim().trim_start_matches('#').parse::<i64>() {
                        Ok(id) => Some(PointsAction::Referral(
                            id,
                            Some(reason).filter(|r| !r.is_empty()),
                        )),
                        Err(_) => {
                            errors.push(InputError::new(
                                "referred",
                                crate::i18n::tf(
                                    "err.referred_number",
                                    &[("text", &v("referred").trim())],
                                ),
                            ));
                            None
                        }
                    }
                }
                other => {
                    errors.push(InputError::new(
                        "action",
                        crate::i18n::tf("err.points_action", &[("text", &other)]),
                    ));
                    None
                }
            };
            Some(Save::Points {
                customer: *customer,
                action: action?,
            })
        }
        FormKind::Coupon { customer } => {
            let worth_text = v("worth");
            let worth = worth_text.trim();
            let value = if let Some(p) = worth.strip_suffix(['%', '％']) {
                match p.trim().parse::<i64>() {
                    Ok(n) if (1..=99).contains(&n) => {
                        Some(crate::domain::loyalty::CouponValue::Percent(n))
                    }
                    _ => {
                        errors.push(InputError::new(
                            "worth",
                            crate::i18n::tf("err.coupon_percent_text", &[("text", &worth)]),
                        ));
                        None
                    }
                }
            } else {
                check(errors, input::money("worth", worth))
                    .map(crate::domain::loyalty::CouponValue::Amount)
            };
            let from = check(errors, time::parse_date("from", &v("from"), today));
            let until = optional(errors, &v("until"), |d| time::parse_date("until", d, today));
            let note = check(errors, input::optional_line("note", &v("note"))).flatten();
            Some(Save::IssueCoupon {
                customer: *customer,
                spec: crate::store::coupons::CouponSpec {
                    code: Some(v("code").trim().to_string()).filter(|c| !c.is_empty()),
                    value: value?,
                    valid_from: from?,
                    valid_until: until,
                    note,
                },
            })
        }
        FormKind::Agreement { customer } => {
            let title = check(errors, input::required_line("title", &v("title")));
            let starts_on = check(errors, time::parse_date("start", &v("start"), today));
            let ends_on = optional(errors, &v("end"), |d| time::parse_date("end", d, today));
            let value = if v("value").trim().is_empty() {
                Some(0)
            } else {
                check(errors, input::money("value", &v("value")))
            };
            let renewal = check(errors, input::optional_line("renewal", &v("renewal"))).flatten();
            let notes = check(errors, input::optional_text("notes", &v("notes"))).flatten();
            Some(Save::AddAgreement {
                customer: *customer,
                fields: crate::store::agreements::AgreementFields {
                    title: title?,
                    starts_on: starts_on?,
                    ends_on,
                    value: value?,
                    renewal,
                    notes,
                },
            })
        }
        FormKind::Deal { customer } => {
            let title = check(errors, input::required_line("title", &v("title")));
            let amount = check(errors, input::money("amount", &v("amount")));
            let close = optional(errors, &v("close"), |d| time::parse_date("close", d, today));
            Some(Save::AddDeal {
                customer: *customer,
                title: title?,
                amount: amount?,
                close,
            })
        }
        FormKind::LostDeal { id, version } => {
            let reason = check(errors, input::required_line("reason", &v("reason")));
            Some(Save::MoveDeal {
                id: *id,
                version: *version,
                stage: crate::domain::DealStage::Lost,
                reason: Some(reason?),
                purchase: false,
                amount: None,
            })
        }
        FormKind::WonDeal { id, version } => {
            let amount = check(errors, input::money("amount", &v("amount")));
            Some(Save::MoveDeal {
                id: *id,
                version: *version,
                stage: crate::domain::DealStage::Won,
                reason: None,
                purchase: true,
                amount: Some(amount?),
            })
        }
        FormKind::Owner {
            id,
            version,
            base,
            tags,
        } => {
            let owner = check(errors, input::optional_line("owner", &v("owner")));
            let mut fields = (**base).clone();
            fields.owner = owner?;
            Some(Save::EditCustomer {
                id: *id,
                version: form.conflict_version.unwrap_or(*version),
                fields,
                tags: tags.clone(),
            })
        }
        FormKind::TicketProgress { id, version } => {
            let action = v("action").trim().to_lowercase().replace(['-', '_'], " ");
            if matches!(
                action.as_str(),
                "hand over" | "handover" | "assign" | "转交"
            ) {
                let to = check(errors, input::optional_line("to", &v("to"))).flatten();
                let department =
                    check(errors, input::optional_line("department", &v("department"))).flatten();
                let note = check(errors, input::optional_line("note", &v("note"))).flatten();
                if to.is_none() && department.is_none() {
                    errors.push(InputError::new(
                        "to",
                        crate::i18n::t("err.hand_over_to_whom"),
                    ));
                }
                if !errors.is_empty() {
                    return None;
                }
                return Some(Save::HandOverTicket {
                    id: *id,
                    version: *version,
                    to,
                    department,
                    note,
                });
            }
            let to = match v("action").trim().to_lowercase().as_str() {
                "respond" | "responded" => Some(TicketStatus::Responded),
                "resolve" | "resolved" => Some(TicketStatus::Resolved),
                "close" | "closed" => Some(TicketStatus::Closed),
                other => {
                    errors.push(InputError::new(
                        "action",
                        crate::i18n::tf("err.ticket_action", &[("text", &other)]),
                    ));
                    None
                }
            };
            let note = check(errors, input::required_line("note", &v("note")));
            let as_contact = yes_no(errors, "contact", &v("contact"));
            Some(Save::AdvanceTicket {
                id: *id,
                version: *version,
                to: to?,
                note: note?,
                as_contact: as_contact?,
            })
        }
        FormKind::Attendance { customer } => {
            let campaign = check(errors, input::required_line("campaign", &v("campaign")));
            let responded = match v("mark").trim().to_lowercase().as_str() {
                "attended" | "attend" => Some(false),
                "responded" | "respond" => Some(true),
                other => {
                    errors.push(InputError::new(
                        "mark",
                        crate::i18n::tf("err.mark", &[("text", &other)]),
                    ));
                    None
                }
            };
            Some(Save::MarkCampaign {
                customer: *customer,
                campaign: campaign?,
                responded: responded?,
            })
        }
        FormKind::Invite { customers, filter } => {
            let campaign = check(errors, input::required_line("campaign", &v("campaign")));
            Some(Save::Invite {
                campaign: campaign?,
                customers: customers.clone(),
                filter: filter.clone(),
            })
        }
        FormKind::NewCustomer | FormKind::EditCustomer { .. } => {
            let base = match &form.kind {
                FormKind::EditCustomer { base, .. } => (**base).clone(),
                _ => CustomerFields::named(""),
            };
            let name = check(errors, input::name("name", &v("name")));
            let mut f = base;
            f.company = check(errors, input::optional_line("company", &v("company"))).flatten();
            f.kind = check(errors, v("kind").parse()).unwrap_or(f.kind);
            f.tier = check(errors, v("tier").parse()).unwrap_or(f.tier);
            f.stage = check(errors, v("stage").parse()).unwrap_or(f.stage);
            // Read against the team's list by the store when saved.
            f.churn_reason = check(
                errors,
                input::optional_line("churn_reason", &v("churn_reason")),
            )
            .flatten();
            f.churn_note =
                check(errors, input::optional_text("churn_note", &v("churn_note"))).flatten();
            f.phone = optional(errors, &v("phone"), |p| input::phone(p).map(|(p, _)| p));
            f.email = optional(errors, &v("email"), |e| input::email(e).map(|(e, _)| e));
            f.city = check(errors, input::optional_line("city", &v("city"))).flatten();
            f.industry = check(errors, input::optional_line("industry", &v("industry"))).flatten();
            f.potential = optional(errors, &v("potential"), input::potential);
            f.address = check(errors, input::optional_line("address", &v("address"))).flatten();
            f.owner = check(errors, input::optional_line("owner", &v("owner"))).flatten();
            f.channel = optional(errors, &v("channel"), |c| c.parse());
            f.cadence_days = optional(errors, &v("cadence"), input::cadence_days);
            f.birthday = optional(errors, &v("birthday"), |d| {
                let d = time::parse_date("birthday", d, today)?;
                if d > today {
                    Err(InputError::new(
                        "birthday",
                        crate::i18n::tf("err.future", &[("date", &d)]),
                    ))
                } else {
                    Ok(d)
                }
            });
            f.source = check(errors, input::optional_line("source", &v("source"))).flatten();
            f.needs = check(errors, input::optional_text("needs", &v("needs"))).flatten();
            f.service_needs = check(
                errors,
                input::optional_text("service_needs", &v("service_needs")),
            )
            .flatten();
            let tags: Vec<String> = v("tags")
                .split([',', '，', ';'])
                .map(input::clean_line)
                .filter(|t| !t.is_empty())
                .collect();
            f.name = name?;
            if !errors.is_empty() {
                return None;
            }
            Some(match &form.kind {
                FormKind::EditCustomer { id, version, .. } => Save::EditCustomer {
                    id: *id,
                    version: form.conflict_version.unwrap_or(*version),
                    fields: f,
                    tags,
                },
                _ => Save::NewCustomer { fields: f, tags },
            })
        }
        FormKind::Log { customer } => {
            let kind = check(errors, v("kind").parse());
            let summary = check(errors, input::required_line("summary", &v("summary")));
            let details = check(errors, input::optional_text("details", &v("details"))).flatten();
            let at = check(
                errors,
                time::parse_instant(
                    "at",
                    if v("at").trim().is_empty() {
                        "now"
                    } else {
                        form.value("at")
                    },
                    clock,
                ),
            );
            let next_title = check(errors, input::optional_line("next", &v("next"))).flatten();
            let due = optional(errors, &v("due"), |d| time::parse_date("due", d, today));
            if due.is_some() && next_title.is_none() {
                errors.push(InputError::new("next", crate::i18n::t("msg.say_follow_up")));
            }
            let fields = InteractionFields {
                at: time::format_timestamp(at?),
                kind: kind?,
                summary: summary?,
                details,
            };
            let next = next_title.map(|title| TodoFields {
                customer_id: Some(*customer),
                title,
                due,
                due_time: None,
                priority: Priority::Normal,
                assignee: None,
                recurrence: None,
            });
            errors.is_empty().then_some(Save::Log {
                customer: *customer,
                fields,
                next,
            })
        }
        FormKind::Todo { customer } | FormKind::EditTodo { customer, .. } => {
            let title = check(errors, input::required_line("title", &v("title")));
            let due = optional(errors, &v("due"), |d| time::parse_date("due", d, today));
            let due_time = optional(errors, &v("time"), |t| time::parse_time_of_day("time", t))
                .map(|t| t.format("%H:%M").to_string());
            let recurrence = optional(errors, &v("every"), Recurrence::parse);
            if recurrence.is_some() && v("due").trim().is_empty() {
                errors.push(InputError::new(
                    "due",
                    "a repeating to-do needs a due date to start from",
                ));
            }
            let priority = check(errors, v("priority").parse());
            let assignee =
                check(errors, input::optional_line("assignee", &v("assignee"))).flatten();
            let fields = TodoFields {
                customer_id: *customer,
                title: title?,
                due,
                due_time,
                priority: priority?,
                assignee,
                recurrence,
            };
            if !errors.is_empty() {
                return None;
            }
            Some(match &form.kind {
                FormKind::EditTodo { id, version, .. } => Save::EditTodo {
                    id: *id,
                    version: form.conflict_version.unwrap_or(*version),
                    fields,
                },
                _ => Save::AddTodo(fields),
            })
        }
        FormKind::Contact { customer, existing } => {
            let name = check(errors, input::name("name", &v("name")));
            let title = check(errors, input::optional_line("title", &v("title"))).flatten();
            let phone = optional(errors, &v("phone"), |p| input::phone(p).map(|(p, _)| p));
            let email = optional(errors, &v("email"), |e| input::email(e).map(|(e, _)| e));
            let primary = yes_no(errors, "primary", &v("primary")).unwrap_or(false);
            let fields = ContactFields {
                name: name?,
                title,
                phone,
                email,
                primary,
            };
            if !errors.is_empty() {
                return None;
            }
            Some(match existing {
                Some((id, version)) => Save::EditContact {
                    id: *id,
                    version: form.conflict_version.unwrap_or(*version),
                    fields,
                },
                None => Save::AddContact {
                    customer: *customer,
                    fields,
                },
            })
        }
        FormKind::EditInteraction { id, version } => {
            let kind = check(errors, v("kind").parse());
            let summary = check(errors, input::required_line("summary", &v("summary")));
            let details = check(errors, input::optional_text("details", &v("details"))).flatten();
            let at = check(errors, time::parse_instant("at", &v("at"), clock));
            let fields = InteractionFields {
                at: time::format_timestamp(at?),
                kind: kind?,
                summary: summary?,
                details,
            };
            errors.is_empty().then_some(Save::EditInteraction {
                id: *id,
                version: form.conflict_version.unwrap_or(*version),
                fields,
            })
        }
    }
}

/// A yes/no field: empty is no; anything else than yes or no is named as the field's error.
fn yes_no(errors: &mut Vec<InputError>, key: &str, text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "" | "no" | "n" => Some(false),
        "yes" | "y" => Some(true),
        other => {
            errors.push(InputError::new(
                key,
                crate::i18n::tf("err.yes_no", &[("text", &other)]),
            ));
            None
        }
    }
}
