//! How well a source's name (a file, layer or field name) fits a list of words: equal, the
//! pinyin initials of a Chinese word (GXBH = 管线编号, every reading of a 多音字 tried),
//! containing a Chinese word, or holding an English word as one of its words
//! (`FacilityName`, `pipe_type`, `OBJECTID_1`).

use pinyin::ToPinyinMulti;

/// A match and why, in words for the comment beside the line it produces.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    pub score: f64,
    pub why: String,
}

fn is_cjk(c: char) -> bool {
    ('\u{3400}'..='\u{9fff}').contains(&c)
}

fn cjk_only(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_cjk)
}

/// Every spelling of a Chinese word's pinyin initials, upper case (at most 16).
pub fn initials(word: &str) -> Vec<String> {
    if !cjk_only(word) {
        return Vec::new();
    }
    let mut out = vec![String::new()];
    for multi in word.to_pinyin_multi() {
        let Some(multi) = multi else {
            return Vec::new();
        };
        let mut letters: Vec<char> = multi
            .into_iter()
            .filter_map(|p| p.first_letter().chars().next())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        letters.sort();
        letters.dedup();
        out = out
            .iter()
            .flat_map(|prefix| letters.iter().map(move |l| format!("{prefix}{l}")))
            .take(16)
            .collect();
    }
    out
}

/// The words of an ASCII name, lower case: split at `_`, `-`, spaces, digits and where
/// lower case turns upper (`DesignCapacityMGD` → design, capacity, mgd).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphabetic() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn normal(s: &str) -> String {
    s.trim().to_lowercase().replace([' ', '_', '-'], "")
}

/// The best match of `name` against `list`, `None` when nothing fits.
pub fn best(name: &str, list: &[&str]) -> Option<NameMatch> {
    list.iter()
        .filter_map(|w| score(name, w))
        .max_by(|a, b| a.score.total_cmp(&b.score))
}

/// How well `name` fits one word.
pub fn score(name: &str, word: &str) -> Option<NameMatch> {
    let (n, w) = (normal(name), normal(word));
    if n.is_empty() || w.is_empty() {
        return None;
    }
    if n == w {
        return Some(NameMatch {
            score: 100.0,
            why: format!("名称即 `{word}` (name is {word})"),
        });
    }
    if cjk_only(&w) {
        let upper = name
            .trim()
            .to_ascii_uppercase()
            .replace(['_', '-', ' '], "");
        if upper.len() >= 2 && initials(word).contains(&upper) {
            return Some(NameMatch {
                score: 90.0,
                why: format!(
                    "{} = {word} 的拼音首字母 (pinyin initials of {word})",
                    name.trim()
                ),
            });
        }
        let wc = w.chars().count();
        let nc = n.chars().count();
        if wc >= 1 && n.contains(&w) {
            // A single character (江, 河) is weak evidence; a longer word more, and more
            // the more of the name it covers.
            let base = if wc == 1 { 35.0 } else { 60.0 };
            return Some(NameMatch {
                score: base + 25.0 * wc as f64 / nc as f64,
                why: format!("名称含“{word}” (name contains {word})"),
            });
        }
        if cjk_only(&n) && nc >= 2 && w.contains(&n) {
            return Some(NameMatch {
                score: 50.0 + 20.0 * nc as f64 / wc as f64,
                why: format!("“{}”是“{word}”的一部分 (part of {word})", name.trim()),
            });
        }
        return None;
    }
    // English: the word is one of the name's words, or several of them run together.
    let ws = words(name);
    let target = words(word).join("");
    if ws.is_empty() || target.is_empty() {
        return None;
    }
    let joined = ws.join("");
    if ws.contains(&target) || (target.len() >= 4 && joined.contains(&target)) {
        return Some(NameMatch {
            score: 55.0 + 30.0 * target.len() as f64 / joined.len().max(1) as f64,
            why: format!("名称含单词 `{word}` (name has the word {word})"),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_initials_of_field_names_as_bureaus_abbreviate_them() {
        assert!(initials("管线编号").contains(&"GXBH".to_string()));
        assert!(initials("排口类型").contains(&"PKLX".to_string()));
        assert!(initials("纳管状态").contains(&"NGZT".to_string()));
        // 行 reads háng in 行业: both readings are tried.
        assert!(initials("行业").contains(&"HY".to_string()));
        assert!(initials("名称").contains(&"MC".to_string()));
        assert_eq!(score("GXBH", "管线编号").unwrap().score, 90.0);
        assert_eq!(score("gxbh", "管线编号").unwrap().score, 90.0);
    }

    #[test]
    fn english_names_match_by_their_words() {
        assert_eq!(
            words("DesignHydraulicCapacityInMGD"),
            ["design", "hydraulic", "capacity", "in", "mgd"]
        );
        assert_eq!(words("OBJECTID_1"), ["objectid"]);
        assert!(score("FacilityName", "name").is_some());
        assert!(score("System_Type", "type").unwrap().score < score("Type", "type").unwrap().score);
        assert!(score("Notes", "type").is_none());
        assert!(score("Shape_Length", "name").is_none());
    }

    #[test]
    fn chinese_names_match_by_containing_words() {
        assert!(score("雨污水管线", "管线").unwrap().score > 60.0);
        assert!(
            score("排水口", "排口").is_none(),
            "排水口 does not contain 排口 as written"
        );
        assert!(best("排水口", &["排口", "排水口"]).unwrap().score == 100.0);
        assert!(
            score("长江水系", "江").unwrap().score < 60.0,
            "one character is weak"
        );
    }
}
