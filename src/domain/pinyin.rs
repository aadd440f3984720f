//! Pinyin for Chinese names, companies and cities: the search keys (full spelling and initials)
//! and the sort key. Computed when a row is stored or loaded, never per keystroke.

use pinyin::ToPinyin;

/// Surnames whose reading differs from the character's everyday one (单 is dān in 单位 but Shàn
/// as a surname). A name starting with one is found by both readings.
const SURNAMES: &[(char, &str)] = &[
    ('单', "shan"),
    ('曾', "zeng"),
    ('解', "xie"),
    ('区', "ou"),
    ('仇', "qiu"),
    ('查', "zha"),
    ('朴', "piao"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('覃', "qin"),
    ('缪', "miao"),
    ('翟', "zhai"),
    ('尉', "yu"),
    ('召', "shao"),
    ('种', "chong"),
    ('员', "yun"),
];

pub fn is_han(c: char) -> bool {
    c.to_pinyin().is_some()
}

pub fn has_han(text: &str) -> bool {
    text.chars().any(is_han)
}

/// A piece of text: a Chinese character's syllable, or a run of other letters and digits.
enum Piece {
    Han(&'static str),
    Other(String),
}

/// The text as pieces; `surname` reads a leading polyphonic surname as a surname.
fn pieces(text: &str, surname: bool) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut word = String::new();
    for (i, c) in text.chars().enumerate() {
        let reading = if surname && i == 0 {
            SURNAMES.iter().find(|(s, _)| *s == c).map(|(_, r)| *r)
        } else {
            None
        }
        .or_else(|| c.to_pinyin().map(|p| p.plain()));
        match reading {
            Some(r) => {
                if !word.is_empty() {
                    out.push(Piece::Other(std::mem::take(&mut word)));
                }
                out.push(Piece::Han(r));
            }
            None if c.is_alphanumeric() => word.extend(c.to_lowercase()),
            None => {
                if !word.is_empty() {
                    out.push(Piece::Other(std::mem::take(&mut word)));
                }
            }
        }
    }
    if !word.is_empty() {
        out.push(Piece::Other(word));
    }
    out
}

fn full_and_initials(pieces: &[Piece]) -> [String; 2] {
    let mut full = String::new();
    let mut initials = String::new();
    for p in pieces {
        let text = match p {
            Piece::Han(s) => *s,
            Piece::Other(s) => s.as_str(),
        };
        full.push_str(text);
        initials.extend(text.chars().next());
    }
    [full, initials]
}

/// Search keys for text with Chinese characters: the full spelling (`zhangwei`) and the initials
/// (`zw`); for a name starting with a polyphonic surname, both readings. Empty without Chinese.
pub fn search_keys(text: &str, is_name: bool) -> Vec<String> {
    if !has_han(text) {
        return Vec::new();
    }
    let mut keys: Vec<String> = full_and_initials(&pieces(text, is_name)).into();
    if is_name {
        for k in full_and_initials(&pieces(text, false)) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys
}

/// Text with its Chinese characters spelled out, syllables run together (`张wei` → `zhangwei`):
/// what a typed query is compared with.
pub fn spelled(text: &str) -> String {
    full_and_initials(&pieces(text, false))[0].clone()
}

/// The key names sort by: Chinese characters by their pinyin (a leading surname by its surname
/// reading), so 王 comes before 张 and 张伟 sits among the Z's; everything else case-folded.
/// A name with Chinese characters ends with the name itself, so equal spellings keep the same
/// characters together.
pub fn sort_key(name: &str) -> String {
    let name = name.trim();
    if !has_han(name) {
        return name.to_lowercase();
    }
    let spelled: Vec<String> = pieces(name, true)
        .into_iter()
        .map(|p| match p {
            Piece::Han(s) => s.to_string(),
            Piece::Other(s) => s,
        })
        .collect();
    format!("{}\u{1f}{}", spelled.join(" "), name.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_spelling_and_initials() {
        assert_eq!(search_keys("张伟", true), vec!["zhangwei", "zw"]);
        assert_eq!(
            search_keys("上海星辰科技有限公司", false),
            vec!["shanghaixingchenkejiyouxiangongsi", "shxckjyxgs"]
        );
        assert!(search_keys("Mary Smith", true).is_empty());
        assert_eq!(search_keys("王 Lily", true), vec!["wanglily", "wl"]);
    }

    #[test]
    fn polyphonic_surnames_match_both_readings() {
        for (name, surname) in [
            ("单田芳", "shan"),
            ("曾国藩", "zeng"),
            ("解缙", "xie"),
            ("区志", "ou"),
            ("仇英", "qiu"),
        ] {
            let keys = search_keys(name, true);
            assert!(keys[0].starts_with(surname), "{name}: {keys:?}");
            assert!(sort_key(name).starts_with(surname), "{name}");
        }
        // Only as a surname: 单位 inside a company name keeps its everyday reading.
        assert_eq!(search_keys("单位", false)[0], "danwei");
    }

    #[test]
    fn names_sort_by_pinyin() {
        let mut names = vec!["张伟", "王芳", "Alice", "李娜", "zoe", "陈静"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, vec!["Alice", "陈静", "李娜", "王芳", "张伟", "zoe"]);
        assert_ne!(
            sort_key("王芳"),
            sort_key("汪芳"),
            "same spelling, different characters"
        );
        assert_eq!(sort_key(" Alice "), "alice");
    }

    #[test]
    fn queries_are_spelled_out() {
        assert_eq!(spelled("张wei"), "zhangwei");
        assert_eq!(spelled("zw"), "zw");
    }
}
