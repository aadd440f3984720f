//! Text the screen shows whole on request: the `:` line's completions and `v`'s full view.

use super::*;

/// The command names that complete the word being typed on the `:` line.
pub fn palette_completions(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let typing_new = text.is_empty() || text.ends_with(' ');
    let (level, prefix) = match (words.len(), typing_new) {
        (0, _) => (None, ""),
        (1, false) => (None, words[0]),
        (1, true) => (Some(words[0]), ""),
        (2, false) => (Some(words[0]), words[1]),
        _ => return Vec::new(),
    };
    crate::cli::command_names(level)
        .into_iter()
        .filter(|n| n.starts_with(prefix) && n != prefix)
        .collect()
}

/// The whole of what the focused pane shows cut to fit, for `v`: the customer with every field
/// and contact person, or the queue row with all its reasons.
pub(super) fn whole_text(s: &State) -> Option<(String, String)> {
    let line = |label: &str, value: &str| format!("{label}: {value}");
    if s.focus == Pane::Queue {
        let row = s.queue_row()?;
        let (title, mut lines) = match row {
            QueueRow::Todo { todo, customer } => (
                todo.title.clone(),
                vec![
                    line(t("form.label.title"), &todo.title),
                    line(t("form.label.name"), customer.as_deref().unwrap_or("–")),
                    line(
                        t("form.label.due"),
                        &todo.due.map_or("–".into(), |d| d.to_string()),
                    ),
                    line(t("form.label.priority"), &todo.priority.shown()),
                ],
            ),
            QueueRow::Today(r) => (
                r.title.clone(),
                vec![
                    r.title.clone(),
                    line(t("form.label.name"), r.customer.as_deref().unwrap_or("–")),
                    String::new(),
                ],
            ),
        };
        if let QueueRow::Today(r) = row {
            lines.extend(r.why.iter().map(|w| format!("· {w}")));
        }
        return Some((title, lines.join("\n")));
    }
    let d = s.detail.as_ref()?;
    let c = &d.customer;
    let f = &c.fields;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    let mut lines = vec![
        line(t("form.label.name"), &f.name),
        line(t("form.label.company"), &opt(&f.company)),
        line(t("form.label.kind"), &f.kind.shown()),
        line(t("form.label.tier"), &f.tier.shown()),
        line(t("form.label.stage"), &f.stage.shown()),
        line(t("form.label.phone"), &opt(&f.phone)),
        line(t("form.label.email"), &opt(&f.email)),
        line(t("form.label.city"), &opt(&f.city)),
        line(t("form.label.industry"), &opt(&f.industry)),
        line(
            t("form.label.potential"),
            &f.potential.map_or("–".into(), |p| format!("{p}/5")),
        ),
        line(t("form.label.address"), &opt(&f.address)),
        line(t("form.label.owner"), &opt(&f.owner)),
        line(
            t("form.label.channel"),
            &f.channel.map_or("–".into(), |ch| ch.shown()),
        ),
        line(t("form.label.cadence"), &s.cadence_of(c).to_string()),
        line(
            t("form.label.birthday"),
            &f.birthday.map_or("–".into(), |b| b.to_string()),
        ),
        line(t("form.label.source"), &opt(&f.source)),
        line(t("form.label.needs"), &opt(&f.needs)),
        line(t("form.label.service_needs"), &opt(&f.service_needs)),
        line(t("form.label.tags"), &c.tags.join(", ")),
    ];
    for (k, v) in &f.custom_fields {
        lines.push(line(k, v));
    }
    if !d.contacts.is_empty() {
        lines.push(String::new());
        lines.push(t("view.contacts").to_string());
        for p in &d.contacts {
            let mut parts = vec![p.name.clone()];
            parts.extend(p.title.clone());
            parts.extend(p.phone.clone());
            parts.extend(p.email.clone());
            lines.push(format!(
                "{} {}",
                if p.primary { "★" } else { "·" },
                parts.join(" · ")
            ));
        }
    }
    Some((f.name.clone(), lines.join("\n")))
}
