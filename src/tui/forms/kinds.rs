//! One constructor per form: its title, fields, hints and what it saves.

use super::*;

impl Form {
    pub fn new_customer(owner: &str) -> Form {
        let mut f = CustomerFields::named("");
        f.owner = Some(owner.to_string());
        Form::new(
            t("form.title.new_customer"),
            FormKind::NewCustomer,
            // Why a customer left is asked when an edit marks them churned.
            customer_fields(&f, &[])
                .into_iter()
                .filter(|field| !field.key.starts_with("churn_"))
                .collect(),
        )
    }

    pub fn edit_customer(c: &Customer) -> Form {
        Form::new(
            tf("form.title.edit_customer", &[("name", &c.fields.name)]),
            FormKind::EditCustomer {
                id: c.id,
                version: c.audit.version,
                base: Box::new(c.fields.clone()),
            },
            customer_fields(&c.fields, &c.tags),
        )
    }

    pub fn log(customer: i64, name: &str) -> Form {
        let mut form = Form::new(
            tf("form.title.log", &[("name", &name)]),
            FormKind::Log { customer },
            vec![
                field(
                    "kind",
                    t("form.label.kind"),
                    "call",
                    t("form.hint.call_email_meeting_visit_message_note"),
                ),
                field(
                    "summary",
                    t("form.label.summary"),
                    "",
                    t("form.hint.what_was_said_or_done"),
                ),
                field(
                    "details",
                    t("form.label.details"),
                    "",
                    t("form.hint.optional"),
                ),
                field(
                    "at",
                    t("form.label.at"),
                    t("form.default.now"),
                    t("form.hint.now_2026_11_20_14_30_2d"),
                ),
                field(
                    "next",
                    t("form.label.next"),
                    "",
                    t("form.hint.optional_what_to_do_next"),
                ),
                field(
                    "due",
                    t("form.label.due"),
                    "",
                    t("form.hint.2026_12_01_tomorrow_3d_2w"),
                ),
            ],
        );
        // The kind is usually right as it is: start at the summary.
        form.focus = 1;
        form
    }

    pub fn todo(customer: Option<(i64, &str)>, user: &str) -> Form {
        let title = match customer {
            Some((_, name)) => tf("form.title.todo_for", &[("name", &name)]),
            None => t("form.title.todo").to_string(),
        };
        Form::new(
            title,
            FormKind::Todo {
                customer: customer.map(|(id, _)| id),
            },
            vec![
                field(
                    "title",
                    t("form.label.title"),
                    "",
                    t("form.hint.what_to_do"),
                ),
                field(
                    "due",
                    t("form.label.due"),
                    "",
                    t("form.hint.2026_12_01_today_tomorrow_3d"),
                ),
                field(
                    "time",
                    t("form.label.time"),
                    "",
                    t("form.hint.optional_hh_mm"),
                ),
                field(
                    "every",
                    t("form.label.every"),
                    "",
                    t("form.hint.optional_30d_2w_1m"),
                ),
                field(
                    "priority",
                    t("form.label.priority"),
                    "normal",
                    t("form.hint.low_normal_high"),
                ),
                field(
                    "assignee",
                    t("form.label.assignee"),
                    user,
                    t("form.hint.who_does_it"),
                ),
            ],
        )
    }

    pub fn edit_todo(todo: &Todo) -> Form {
        Form::new(
            tf("form.title.edit_todo", &[("title", &todo.title)]),
            FormKind::EditTodo {
                id: todo.id,
                version: todo.audit.version,
                customer: todo.customer_id,
            },
            vec![
                field(
                    "title",
                    t("form.label.title"),
                    todo.title.clone(),
                    t("form.hint.what_to_do"),
                ),
                field(
                    "due",
                    t("form.label.due"),
                    todo.due.map(|d| d.to_string()).unwrap_or_default(),
                    t("form.hint.2026_12_01_today_tomorrow_3d"),
                ),
                field(
                    "time",
                    t("form.label.time"),
                    todo.due_time.clone().unwrap_or_default(),
                    t("form.hint.optional_hh_mm"),
                ),
                field(
                    "every",
                    t("form.label.every"),
                    todo.recurrence.map(|r| r.to_string()).unwrap_or_default(),
                    t("form.hint.optional_30d_2w_1m"),
                ),
                field(
                    "priority",
                    t("form.label.priority"),
                    todo.priority.to_string(),
                    t("form.hint.low_normal_high"),
                ),
                field(
                    "assignee",
                    t("form.label.assignee"),
                    opt(&todo.assignee),
                    t("form.hint.who_does_it"),
                ),
            ],
        )
    }

    pub fn contact(customer: i64, existing: Option<&ContactPerson>) -> Form {
        let (title, id, fields) = match existing {
            Some(p) => (
                tf("form.title.edit_contact", &[("name", &p.name)]),
                Some((p.id, p.audit.version)),
                [
                    p.name.clone(),
                    opt(&p.title),
                    opt(&p.phone),
                    opt(&p.email),
                    if p.primary { "yes" } else { "no" }.to_string(),
                ],
            ),
            None => (
                t("form.title.contact").to_string(),
                None,
                [
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    "no".into(),
                ],
            ),
        };
        let [name, job, phone, email, primary] = fields;
        Form::new(
            title,
            FormKind::Contact {
                customer,
                existing: id,
            },
            vec![
                field("name", t("form.label.name"), name, t("form.hint.required")),
                field(
                    "title",
                    t("form.label.job_title"),
                    job,
                    t("form.hint.e_g_purchasing_manager"),
                ),
                field("phone", t("form.label.phone"), phone, "138 0013 8000"),
                field(
                    "email",
                    t("form.label.email"),
                    email,
                    t("form.hint.name_example_com"),
                ),
                field(
                    "primary",
                    t("form.label.primary"),
                    primary,
                    t("form.hint.yes_or_no"),
                ),
            ],
        )
    }

    pub fn edit_interaction(i: &Interaction, clock: &Clock) -> Form {
        Form::new(
            t("form.title.edit_entry"),
            FormKind::EditInteraction {
                id: i.id,
                version: i.audit.version,
            },
            vec![
                field(
                    "kind",
                    t("form.label.kind"),
                    i.kind.to_string(),
                    t("form.hint.call_email_meeting_visit_message_note"),
                ),
                field(
                    "summary",
                    t("form.label.summary"),
                    i.summary.clone(),
                    t("form.hint.required"),
                ),
                field(
                    "details",
                    t("form.label.details"),
                    opt(&i.details),
                    t("form.hint.optional"),
                ),
                field(
                    "at",
                    t("form.label.at"),
                    clock.local_display(&i.at),
                    "2026-11-20 14:30",
                ),
            ],
        )
    }

    pub fn filter(current: &str) -> Form {
        Form::new(
            t("form.title.filter"),
            FormKind::Filter,
            vec![field(
                "filter",
                t("form.label.filter"),
                current,
                t("form.hint.vip_churned_mine_owner_li_na_pool_tag_em"),
            )],
        )
    }

    pub fn respond(id: i64, version: i64, title: &str) -> Form {
        Form::new(
            tf("form.title.respond", &[("title", &title)]),
            FormKind::Respond { id, version },
            vec![
                field(
                    "note",
                    t("form.label.note"),
                    "",
                    t("form.hint.what_you_told_or_did_for_the_customer"),
                ),
                contact_field(),
            ],
        )
    }

    /// Three keystrokes and optional text: each score field takes one digit and moves on.
    pub fn survey(customer: i64, name: &str) -> Form {
        Form::survey_on(customer, name, None)
    }

    /// The survey form; with `ticket`, the satisfaction check-back on that complaint.
    pub fn survey_on(customer: i64, name: &str, ticket: Option<i64>) -> Form {
        let title = match ticket {
            Some(id) => tf("form.title.checkback", &[("name", &name), ("ticket", &id)]),
            None => tf("form.title.survey", &[("name", &name)]),
        };
        Form::new(
            title,
            FormKind::Survey { customer, ticket },
            vec![
                field("quality", t("form.label.quality"), "", "1–5"),
                field("attitude", t("form.label.attitude"), "", "1–5"),
                field("speed", t("form.label.speed"), "", "1–5"),
                field(
                    "comment",
                    t("form.label.comment"),
                    "",
                    t("form.hint.optional"),
                ),
            ],
        )
    }

    pub fn purchase(customer: i64, name: &str) -> Form {
        Form::new(
            tf("form.title.purchase", &[("name", &name)]),
            FormKind::Purchase { customer },
            vec![
                field(
                    "amount",
                    t("form.label.amount"),
                    "",
                    "1200, 1,200.50, ¥1200",
                ),
                field(
                    "product",
                    t("form.label.product"),
                    "",
                    t("form.hint.optional"),
                ),
                field(
                    "date",
                    t("form.label.date"),
                    t("form.default.today"),
                    t("form.hint.2026_11_20_yesterday_3d"),
                ),
                field(
                    "note",
                    t("form.label.note_note"),
                    "",
                    t("form.hint.optional"),
                ),
                field("coupon", t("form.label.coupon"), "", t("form.hint.coupon")),
            ],
        )
    }

    /// A purchase as recorded, to correct it.
    pub fn edit_purchase(p: &crate::domain::Purchase) -> Form {
        Form::new(
            tf("form.title.edit_purchase", &[("id", &p.id)]),
            FormKind::EditPurchase {
                id: p.id,
                version: p.audit.version,
                customer: p.customer_id,
            },
            vec![
                field(
                    "amount",
                    t("form.label.amount"),
                    crate::domain::input::money_text(p.amount),
                    "1200, 1,200.50, ¥1200",
                ),
                field(
                    "product",
                    t("form.label.product"),
                    opt(&p.product),
                    t("form.hint.optional"),
                ),
                field(
                    "date",
                    t("form.label.date"),
                    p.on_date.to_string(),
                    t("form.hint.2026_11_20_yesterday_3d"),
                ),
                field(
                    "note",
                    t("form.label.note_note"),
                    opt(&p.note),
                    t("form.hint.optional"),
                ),
            ],
        )
    }

    pub fn ticket(customer: i64, name: &str) -> Form {
        Form::new(
            tf("form.title.ticket", &[("name", &name)]),
            FormKind::Ticket { customer },
            vec![
                field(
                    "summary",
                    t("form.label.summary"),
                    "",
                    t("form.hint.what_went_wrong"),
                ),
                field(
                    "kind",
                    t("form.label.kind"),
                    "complaint",
                    t("form.hint.complaint_inquiry_after_sales"),
                ),
                field(
                    "severity",
                    t("form.label.severity"),
                    "normal",
                    t("form.hint.low_normal_high_critical"),
                ),
                field(
                    "channel",
                    t("form.label.came_in_by"),
                    "",
                    t("form.hint.phone_email_wechat_sms_visit_meeting"),
                ),
                field(
                    "assignee",
                    t("form.label.assignee"),
                    "",
                    t("form.hint.default_the_account_manager"),
                ),
                field(
                    "department",
                    t("form.label.department"),
                    "",
                    t("form.hint.department"),
                ),
            ],
        )
    }

    pub fn agreement(customer: i64, name: &str, today: chrono::NaiveDate) -> Form {
        Form::new(
            tf("form.title.agreement", &[("name", &name)]),
            FormKind::Agreement { customer },
            vec![
                field(
                    "title",
                    t("form.label.title"),
                    "",
                    t("form.hint.agreement_title"),
                ),
                field(
                    "start",
                    t("form.label.start"),
                    today.to_string(),
                    t("form.hint.yyyy_mm_dd"),
                ),
                field("end", t("form.label.end"), "", t("form.hint.end_open")),
                field("value", t("form.label.amount"), "", "120000"),
                field(
                    "renewal",
                    t("form.label.renewal"),
                    "",
                    t("form.hint.renewal"),
                ),
                field("notes", t("form.label.notes"), "", t("form.hint.optional")),
            ],
        )
    }

    /// Points of a customer, with their balance (when the profile shown is theirs) in the title.
    pub fn points(customer: i64, name: &str, balance: Option<i64>) -> Form {
        let title = match balance {
            Some(n) => tf("form.title.points_balance", &[("name", &name), ("n", &n)]),
            None => tf("form.title.points", &[("name", &name)]),
        };
        Form::new(
            title,
            FormKind::Points { customer },
            vec![
                field(
                    "action",
                    t("form.label.points_action"),
                    "redeem",
                    t("form.hint.points_action"),
                ),
                field("points", t("form.label.points"), "", t("form.hint.points")),
                field(
                    "referred",
                    t("form.label.referred"),
                    "",
                    t("form.hint.referred"),
                ),
                field(
                    "reason",
                    t("form.label.reason"),
                    "",
                    t("form.hint.points_reason"),
                ),
            ],
        )
    }

    pub fn coupon(customer: i64, name: &str, today: chrono::NaiveDate) -> Form {
        Form::new(
            tf("form.title.coupon", &[("name", &name)]),
            FormKind::Coupon { customer },
            vec![
                field(
                    "worth",
                    t("form.label.coupon_worth"),
                    "",
                    t("form.hint.coupon_worth"),
                ),
                field("code", t("form.label.code"), "", t("form.hint.coupon_code")),
                field(
                    "from",
                    t("form.label.valid_from"),
                    today.to_string(),
                    t("form.hint.yyyy_mm_dd"),
                ),
                field(
                    "until",
                    t("form.label.valid_until"),
                    "",
                    t("form.hint.end_open"),
                ),
                field(
                    "note",
                    t("form.label.note_note"),
                    "",
                    t("form.hint.optional"),
                ),
            ],
        )
    }

    pub fn deal(customer: i64, name: &str) -> Form {
        Form::new(
            tf("form.title.deal", &[("name", &name)]),
            FormKind::Deal { customer },
            vec![
                field(
                    "title",
                    t("form.label.title"),
                    "",
                    t("form.hint.what_is_being_sold"),
                ),
                field("amount", t("form.label.amount"), "", "120000"),
                field(
                    "close",
                    t("form.label.close"),
                    "",
                    t("form.hint.2026_12_31_1m"),
                ),
            ],
        )
    }

    /// Moves a ticket on: the next step is proposed (respond, then resolve, then close).
    pub fn ticket_progress(tk: &crate::store::tickets::Ticket) -> Form {
        let next = match tk.status {
            TicketStatus::Open => "respond",
            TicketStatus::Responded => "resolve",
            _ => "close",
        };
        Form::new(
            format!(
                "{} #{}: {}",
                crate::i18n::word("ticket", tk.kind.as_str()),
                tk.id,
                tk.summary
            ),
            FormKind::TicketProgress {
                id: tk.id,
                version: tk.audit.version,
            },
            vec![
                field(
                    "action",
                    t("form.label.action"),
                    next,
                    t("form.hint.respond_resolve_or_close"),
                ),
                field(
                    "note",
                    t("form.label.note_note"),
                    "",
                    t("form.hint.what_was_done_logged_on_the_timeline"),
                ),
                contact_field(),
                field(
                    "to",
                    t("form.label.hand_to"),
                    tk.routing.assignee.clone().unwrap_or_default(),
                    t("form.hint.hand_to"),
                ),
                field(
                    "department",
                    t("form.label.department"),
                    tk.routing
                        .department
                        .as_deref()
                        .map(crate::domain::churn::department_shown)
                        .unwrap_or_default(),
                    t("form.hint.department"),
                ),
            ],
        )
        .focused(1)
    }

    pub fn import() -> Form {
        Form::new(
            t("form.title.import"),
            FormKind::Import,
            vec![
                field(
                    "path",
                    t("form.label.path"),
                    "",
                    t("form.hint.path_to_a_csv_file_utf_8_or_gbk_comma_se"),
                ),
                field(
                    "duplicates",
                    t("form.label.duplicates"),
                    "skip",
                    t("form.hint.skip_update_fill_empty_fields_or_add"),
                ),
            ],
        )
    }

    /// Reassigns a customer; a customer in the shared pool is offered to the user.
    pub fn owner(c: &Customer, user: &str) -> Form {
        let (title, value) = match &c.fields.owner {
            Some(o) => (
                tf(
                    "form.title.reassign",
                    &[("name", &c.fields.name), ("owner", o)],
                ),
                o.clone(),
            ),
            None => (
                tf("form.title.claim", &[("name", &c.fields.name)]),
                user.to_string(),
            ),
        };
        Form::new(
            title,
            FormKind::Owner {
                id: c.id,
                version: c.audit.version,
                base: Box::new(c.fields.clone()),
                tags: c.tags.clone(),
            },
            vec![field(
                "owner",
                t("form.label.owner"),
                value,
                t("form.hint.account_manager_empty_returns_them_to_th"),
            )],
        )
    }

    /// Marks the customer as having attended (or responded to) a campaign.
    pub fn attendance(customer: i64, latest: Option<&str>) -> Form {
        Form::new(
            t("form.title.attendance"),
            FormKind::Attendance { customer },
            vec![
                field(
                    "campaign",
                    t("form.label.campaign"),
                    latest.unwrap_or(""),
                    t("form.hint.name_or_id_of_a_campaign_they_were_invit"),
                ),
                field(
                    "mark",
                    t("form.label.mark"),
                    "attended",
                    t("form.hint.attended_or_responded"),
                ),
            ],
        )
    }

    fn focused(mut self, i: usize) -> Form {
        self.focus = i.min(self.fields.len() - 1);
        self
    }

    pub fn lost(id: i64, version: i64, title: &str) -> Form {
        Form::new(
            tf("form.title.lost", &[("title", &title)]),
            FormKind::LostDeal { id, version },
            vec![field(
                "reason",
                t("form.label.reason"),
                "",
                t("form.hint.why_it_was_lost_required"),
            )],
        )
    }

    /// Winning a deal with a purchase: the amount, prefilled with the deal's, may be the final
    /// price instead.
    pub fn won(id: i64, version: i64, title: &str, amount: i64) -> Form {
        Form::new(
            tf("form.title.won", &[("title", &title)]),
            FormKind::WonDeal { id, version },
            vec![field(
                "amount",
                t("form.label.amount"),
                crate::domain::input::money_text(amount),
                "1200, 1,200.50, ¥1200",
            )],
        )
    }

    pub fn invite(customers: Vec<i64>) -> Form {
        let title = tf("form.title.invite", &[("n", &customers.len())]);
        Form::new(
            title,
            FormKind::Invite {
                customers,
                filter: None,
            },
            vec![field(
                "campaign",
                t("form.label.campaign"),
                "",
                t("form.hint.a_new_name_or_an_existing_campaign_s_nam"),
            )],
        )
    }

    pub fn invite_filtered(filter: ListFilter) -> Form {
        Form::new(
            t("form.title.invite_filter"),
            FormKind::Invite {
                customers: Vec::new(),
                filter: Some(filter),
            },
            vec![field(
                "campaign",
                t("form.label.campaign"),
                "",
                t("form.hint.a_new_name_or_an_existing_campaign_s_nam"),
            )],
        )
    }
}

pub(super) fn customer_fields(f: &CustomerFields, tags: &[String]) -> Vec<Field> {
    vec![
        field(
            "name",
            t("form.label.name"),
            f.name.clone(),
            t("form.hint.required"),
        ),
        field("company", t("form.label.company"), opt(&f.company), ""),
        field(
            "kind",
            t("form.label.kind"),
            f.kind.to_string(),
            t("form.hint.b2b_or_b2c"),
        ),
        field(
            "tier",
            t("form.label.tier"),
            f.tier.to_string(),
            t("form.hint.vip_regular_potential"),
        ),
        field(
            "stage",
            t("form.label.stage"),
            f.stage.to_string(),
            t("form.hint.lead_prospect_customer_churned"),
        ),
        field(
            "phone",
            t("form.label.phone"),
            opt(&f.phone),
            t("form.hint.138_0013_8000_1_555_010_9999_x12"),
        ),
        field(
            "email",
            t("form.label.email"),
            opt(&f.email),
            t("form.hint.name_example_com"),
        ),
        field("city", t("form.label.city"), opt(&f.city), ""),
        field(
            "industry",
            t("form.label.industry"),
            opt(&f.industry),
            t("form.hint.industry"),
        ),
        field(
            "potential",
            t("form.label.potential"),
            f.potential.map(|p| p.to_string()).unwrap_or_default(),
            t("form.hint.potential"),
        ),
        field("address", t("form.label.address"), opt(&f.address), ""),
        field(
            "owner",
            t("form.label.owner"),
            opt(&f.owner),
            t("form.hint.account_manager"),
        ),
        field(
            "tags",
            t("form.label.tags"),
            tags.join(", "),
            t("form.hint.comma_separated"),
        ),
        field(
            "channel",
            t("form.label.channel"),
            f.channel.map(|c| c.to_string()).unwrap_or_default(),
            t("form.hint.phone_email_wechat_sms_visit_meeting"),
        ),
        field(
            "cadence",
            t("form.label.cadence"),
            f.cadence_days.map(|d| d.to_string()).unwrap_or_default(),
            t("form.hint.empty_the_tier_s_default"),
        ),
        field(
            "birthday",
            t("form.label.birthday"),
            f.birthday.map(|d| d.to_string()).unwrap_or_default(),
            t("form.hint.yyyy_mm_dd"),
        ),
        field(
            "source",
            t("form.label.source"),
            opt(&f.source),
            t("form.hint.where_they_came_from"),
        ),
        field(
            "needs",
            t("form.label.needs"),
            opt(&f.needs),
            t("form.hint.needs_and_preferences"),
        ),
        field(
            "service_needs",
            t("form.label.service_needs"),
            opt(&f.service_needs),
            "",
        ),
        field(
            "churn_reason",
            t("form.label.churn_reason"),
            f.churn_reason
                .as_deref()
                .map(crate::domain::churn::shown)
                .unwrap_or_default(),
            t("form.hint.churn_reason"),
        ),
        field(
            "churn_note",
            t("form.label.churn_note"),
            opt(&f.churn_note),
            t("form.hint.churn_note"),
        ),
    ]
}

/// Whether a ticket step was contact with the customer (a call, a visit): only then does it
/// reset their cadence. Written replies and internal steps are not.
fn contact_field() -> Field {
    field(
        "contact",
        t("form.label.was_contact"),
        "no",
        t("form.hint.was_contact"),
    )
}
