//! The interface language. Every string a user sees comes from one catalogue per language
//! (`en.cat`, `zh.cat`): `key = text` lines, `#` comments, `\n` for a line break and `{name}`
//! placeholders filled by [`tf`]. A test keeps the two catalogues' keys identical and checks
//! that no Chinese entry is left in English.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// A language from a flag, variable or POSIX locale: `zh`, `zh_CN.UTF-8`, `zh-Hans` → Chinese;
    /// `en`, `en_US.UTF-8`, `C`, `POSIX` → English; anything else is not a choice.
    pub fn parse(text: &str) -> Option<Lang> {
        let t = text.trim().to_lowercase();
        if t.starts_with("zh") {
            Some(Lang::Zh)
        } else if t.starts_with("en") || t == "c" || t == "posix" || t.starts_with("c.") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

const EN: &str = include_str!("en.cat");
const ZH: &str = include_str!("zh.cat");

pub(crate) fn parse_catalogue(text: &'static str) -> Vec<(&'static str, String)> {
    text.lines()
        .map(str::trim_start)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.replace("\\n", "\n")))
        .collect()
}

fn catalogue(lang: Lang) -> &'static HashMap<&'static str, String> {
    static CATALOGUES: OnceLock<[HashMap<&'static str, String>; 2]> = OnceLock::new();
    let all = CATALOGUES.get_or_init(|| {
        [
            parse_catalogue(EN).into_iter().collect(),
            parse_catalogue(ZH).into_iter().collect(),
        ]
    });
    &all[lang as usize]
}

/// The process's language, chosen once at start-up.
static DEFAULT: AtomicU8 = AtomicU8::new(0);

thread_local! {
    /// A per-thread choice (tests draw both languages side by side).
    static THREAD: Cell<Option<Lang>> = const { Cell::new(None) };
}

pub fn set_lang(lang: Lang) {
    DEFAULT.store(lang as u8, Ordering::Relaxed);
}

/// Draws this thread's strings in `lang` (or the process's language again with `None`).
pub fn set_thread_lang(lang: Option<Lang>) {
    THREAD.with(|t| t.set(lang));
}

pub fn lang() -> Lang {
    THREAD
        .with(Cell::get)
        .unwrap_or(match DEFAULT.load(Ordering::Relaxed) {
            1 => Lang::Zh,
            _ => Lang::En,
        })
}

/// The text for `key` in the current language (the key itself if a catalogue lacks it, which
/// the catalogue test forbids).
pub fn t(key: &str) -> &'static str {
    match catalogue(lang()).get(key) {
        Some(v) => v.as_str(),
        // Only a bug reaches this (the catalogue tests forbid it): show the key, leaked once.
        None => Box::leak(key.to_string().into_boxed_str()),
    }
}

/// A stored word (a tier, stage, channel…) in the interface language: `word.<group>.<value>`,
/// or the stored spelling when the catalogue has no entry for it.
pub fn word(group: &str, value: &str) -> String {
    lookup(&format!("word.{group}.{value}")).map_or_else(|| value.replace('_', " "), str::to_string)
}

/// The shown word for `value` of `group` in `lang` (its spelling when the catalogue has none).
pub fn word_in(lang: Lang, group: &str, value: &str) -> String {
    catalogue(lang)
        .get(format!("word.{group}.{value}").as_str())
        .cloned()
        .unwrap_or_else(|| value.replace('_', " "))
}

/// The text for `key`, if the catalogue has it.
pub fn lookup(key: &str) -> Option<&'static str> {
    catalogue(lang()).get(key).map(String::as_str)
}

/// Whether `text` is how `value` of `group` is shown in any language (so people may type the
/// word they see: `普通` for the tier `regular`).
pub fn is_word(group: &str, value: &str, text: &str) -> bool {
    let key = format!("word.{group}.{value}");
    let text = text.trim();
    !text.is_empty()
        && [Lang::En, Lang::Zh].into_iter().any(|l| {
            catalogue(l)
                .get(key.as_str())
                .is_some_and(|w| w.trim().eq_ignore_ascii_case(text))
        })
}

/// [`t`] with `{name}` placeholders filled in.
/// One pass over the text: a value that itself holds `{name}` (a customer called `{n}`) is
/// written as it is, never filled in again.
pub fn tf(key: &str, args: &[(&str, &dyn Display)]) -> String {
    use std::fmt::Write as _;
    let template = t(key);
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let arg = after.find('}').and_then(|close| {
            args.iter()
                .find(|(name, _)| *name == &after[..close])
                .map(|(_, value)| (close, value))
        });
        match arg {
            Some((close, value)) => {
                let _ = write!(out, "{value}");
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The language to use: `--lang`, then `KEHU_LANG`, then `lang` in the config file, then the
/// POSIX locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set); English otherwise.
pub fn detect(flag: Option<&str>, config: Option<String>) -> Lang {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    flag.map(str::to_string)
        .into_iter()
        .chain(env("KEHU_LANG"))
        .chain(config)
        .filter_map(|v| Lang::parse(&v))
        .next()
        .or_else(|| {
            // POSIX: the first of these that is set decides, even if it names another language.
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|k| env(k))
                .map(|v| Lang::parse(&v).unwrap_or(Lang::En))
        })
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_a_value_is_never_filled_in_again() {
        set_thread_lang(Some(Lang::En));
        assert_eq!(
            tf(
                "err.one_of",
                &[("text", &"{choices}"), ("choices", &"a, b")]
            ),
            "'{choices}' is not one of: a, b"
        );
        // A placeholder without a value stays as it is.
        assert_eq!(
            tf("err.one_of", &[("text", &"x")]),
            "'x' is not one of: {choices}"
        );
    }

    #[test]
    fn catalogues_have_the_same_keys_and_chinese_is_translated() {
        let en = parse_catalogue(EN);
        let zh = parse_catalogue(ZH);
        fn keys<'a>(c: &[(&'a str, String)]) -> std::collections::BTreeSet<&'a str> {
            c.iter().map(|(k, _)| *k).collect()
        }
        let (ek, zk) = (keys(&en), keys(&zh));
        let missing_zh: Vec<_> = ek.difference(&zk).collect();
        let missing_en: Vec<_> = zk.difference(&ek).collect();
        assert!(missing_zh.is_empty(), "zh.cat lacks {missing_zh:?}");
        assert!(missing_en.is_empty(), "en.cat lacks {missing_en:?}");
        assert_eq!(en.len(), ek.len(), "a key is repeated in en.cat");
        assert_eq!(zh.len(), zk.len(), "a key is repeated in zh.cat");
        let en: HashMap<_, _> = en.into_iter().collect();
        for (k, v) in &zh {
            // A line of placeholders, key names or symbols alone may be the same in both.
            let has_words = v.chars().any(|c| c.is_ascii_alphabetic())
                && v.split(|c: char| !c.is_ascii_alphabetic())
                    .any(|w| w.len() > 3);
            assert!(
                !(has_words && en[k] == *v && !v.chars().any(crate::domain::pinyin::is_han)),
                "zh.cat leaves {k} in English: {v}"
            );
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        let holes = |s: &str| {
            let mut h: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            h.sort();
            h
        };
        let zh: HashMap<_, _> = parse_catalogue(ZH).into_iter().collect();
        for (k, v) in parse_catalogue(EN) {
            assert_eq!(holes(&v), holes(&zh[k]), "placeholders differ for {k}");
        }
    }

    #[test]
    fn every_setting_and_stored_word_is_explained_in_both_languages() {
        let mut keys: Vec<String> = crate::domain::settings::SETTINGS
            .iter()
            .map(|d| format!("setting.{}", d.key))
            .collect();
        keys.extend(
            crate::domain::Tier::ALL
                .iter()
                .map(|v| format!("word.tier.{}", v.as_str())),
        );
        keys.extend(
            crate::domain::Stage::ALL
                .iter()
                .map(|v| format!("word.stage.{}", v.as_str())),
        );
        keys.extend(
            crate::domain::Channel::ALL
                .iter()
                .map(|v| format!("word.channel.{}", v.as_str())),
        );
        keys.extend(
            crate::domain::DealStage::ALL
                .iter()
                .map(|v| format!("word.deal.{}", v.as_str())),
        );
        keys.extend(crate::domain::InteractionKind::ALL.iter().flat_map(|v| {
            [
                format!("word.interaction.{}", v.as_str()),
                format!("word.interaction_tag.{}", v.as_str()),
            ]
        }));
        for lang in [Lang::En, Lang::Zh] {
            for k in &keys {
                assert!(
                    catalogue(lang).contains_key(k.as_str()),
                    "{lang:?} lacks {k}"
                );
            }
        }
    }

    #[test]
    fn the_language_is_chosen_in_order() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("C"), Some(Lang::En));
        assert_eq!(Lang::parse("fr_FR"), None);
        assert_eq!(detect(Some("zh"), Some("en".into())), Lang::Zh);
        assert_eq!(detect(Some("en"), Some("zh".into())), Lang::En);
    }

    #[test]
    fn lookups_follow_the_thread_language() {
        set_thread_lang(Some(Lang::Zh));
        let zh = t("pane.customers").to_string();
        set_thread_lang(Some(Lang::En));
        let en = t("pane.customers").to_string();
        set_thread_lang(None);
        assert_eq!((en.as_str(), zh.as_str()), ("Customers", "客户"));
        set_thread_lang(Some(Lang::Zh));
        assert_eq!(tf("status.customers", &[("n", &3)]), "3 位客户");
        set_thread_lang(None);
    }
}
