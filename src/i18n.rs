//! The language the command line speaks: Chinese when the locale says so (`LC_ALL`,
//! `LC_MESSAGES` or `LANG` starting with `zh`, as POSIX orders them), English otherwise.
//! The texts are in `locales/zdz.yml`, compiled in by the `rust-i18n` crate; file, layer,
//! feature and field names inside a message stay as they are.

/// Choose the language from the environment.
pub fn init_from_env() {
    rust_i18n::set_locale(locale_of(|k| std::env::var(k).ok()));
}

/// The locale the environment names, by POSIX precedence: `zh-CN` or `en`.
pub fn locale_of(var: impl Fn(&str) -> Option<String>) -> &'static str {
    let chosen = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| var(k))
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    if chosen.to_ascii_lowercase().starts_with("zh") {
        "zh-CN"
    } else {
        "en"
    }
}

/// Whether messages are in Chinese.
pub fn chinese() -> bool {
    &*rust_i18n::locale() == "zh-CN"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lc_all_wins_over_lang_and_only_zh_gives_chinese() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(locale_of(env(&[("LANG", "zh_CN.UTF-8")])), "zh-CN");
        assert_eq!(
            locale_of(env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "C")])),
            "en"
        );
        assert_eq!(locale_of(env(&[("LANG", "en_US.UTF-8")])), "en");
        assert_eq!(locale_of(env(&[])), "en");
        assert_eq!(
            locale_of(env(&[("LC_ALL", ""), ("LANG", "zh_TW.UTF-8")])),
            "zh-CN"
        );
    }
}
