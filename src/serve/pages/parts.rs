//! The parts of the pages' multipart forms (a problem's evidence, an outfall's 记录排查)
//! and what each must look like. They are checked before the session is looked at, so a
//! body that is not the form is a 422 for everyone; the OpenAPI document states the same
//! rules (`serve::openapi::pages`).

use std::sync::Arc;

use axum::extract::Multipart;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;

use super::malformed;
use super::session::{CSRF_FIELD, Session};
use crate::contract::pages::{self as w, WEATHERS};
use crate::ledger::Ledger;
use crate::ledger::change::{EVIDENCE_MAX_BYTES, EvidenceFile};
use crate::serve::state::AppState;

/// What a text part must be.
#[derive(Debug, Clone, Copy)]
pub enum Text {
    /// Lowercase hex digits, `min` to `max` of them.
    Hex { min: usize, max: usize },
    /// `YYYY-MM-DD` (whether it is a day is the ledger's to say).
    Date,
    /// A decimal number of 0 or more, or nothing.
    Decimal,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// Anything: free text (a part sent with a type of its own is read as text).
    Free,
}

impl Text {
    pub fn accepts(self, v: &str) -> bool {
        match self {
            Text::Hex { min, max } => {
                (min..=max).contains(&v.len())
                    && v.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            }
            Text::Date => {
                let b = v.as_bytes();
                b.len() == 10
                    && b.iter().enumerate().all(|(i, c)| {
                        if i == 4 || i == 7 {
                            *c == b'-'
                        } else {
                            c.is_ascii_digit()
                        }
                    })
            }
            Text::Decimal => {
                let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
                v.is_empty()
                    || (!whole.is_empty()
                        && whole.bytes().all(|c| c.is_ascii_digit())
                        && (!v.contains('.')
                            || (!frac.is_empty() && frac.bytes().all(|c| c.is_ascii_digit()))))
            }
            Text::OneOf(words) => words.contains(&v),
            Text::Free => true,
        }
    }
}

/// A form's parts: each text part with its rule, the file parts, and which it needs.
pub struct Form {
    pub text: &'static [(&'static str, Text)],
    pub files: &'static [&'static str],
    pub required: &'static [&'static str],
}

/// The evidence upload of a problem's page.
pub const EVIDENCE: Form = Form {
    text: &[(CSRF_FIELD, Text::Hex { min: 64, max: 64 })],
    files: &["file"],
    required: &[CSRF_FIELD, "file"],
};

/// An outfall's 记录排查.
pub const INSPECTION: Form = Form {
    text: &[
        (CSRF_FIELD, Text::Hex { min: 64, max: 64 }),
        ("inspection_id", Text::Hex { min: 8, max: 64 }),
        ("date", Text::Date),
        ("weather", Text::OneOf(&WEATHERS)),
        ("flowing", Text::OneOf(&["", "yes", "no"])),
        ("cod", Text::Decimal),
        ("nh3n", Text::Decimal),
        ("note", Text::Free),
    ],
    files: &["photo"],
    required: &[CSRF_FIELD, "inspection_id", "date", "weather"],
};

/// A cluster's acceptance (验收) with its 验收意见.
pub const ACCEPTANCE: Form = Form {
    text: &[
        (CSRF_FIELD, Text::Hex { min: 64, max: 64 }),
        ("date", Text::Date),
        ("score", Text::Decimal),
        ("by", Text::Free),
        ("items", Text::Free),
        ("note", Text::Free),
        ("override_reason", Text::Free),
    ],
    files: &["opinion"],
    required: &[CSRF_FIELD, "date", "score", "by"],
};

/// A multipart form as read: its text parts (the last of a name counts), its non-empty
/// files, and why one could not be taken (too large).
#[derive(Default)]
pub struct Read {
    pub text: std::collections::HashMap<String, String>,
    pub files: Vec<(String, EvidenceFile)>,
    pub refused: Option<String>,
}

impl Read {
    pub fn get(&self, k: &str) -> Option<String> {
        self.text
            .get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
}

/// Read `multipart` as `form` (files of at most `EVIDENCE_MAX_BYTES`), then the session
/// its CSRF part opens: the form, the session and the ledger, or the answer to give
/// instead (422 for a body that is not the form, before any session is looked at).
pub async fn signed(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    uri: &Uri,
    multipart: Multipart,
    form: &Form,
) -> Result<(Read, Session, Arc<Ledger>), Response> {
    let read = read(multipart, form, EVIDENCE_MAX_BYTES, w::UPLOAD_HINT).await?;
    let token = read.get(CSRF_FIELD).unwrap_or_default();
    let (session, ledger) = super::signed_form(state, headers, uri, &token).await?;
    Ok((read, session, ledger))
}

/// Read `multipart` as `form`: a body that cannot be read as parts, a part it does not
/// have, a text part that breaks its rule, a file part typed as JSON or a required part
/// missing is `malformed` (422).
async fn read(
    mut multipart: Multipart,
    form: &Form,
    max_bytes: usize,
    too_large: &str,
) -> Result<Read, Response> {
    let mut read = Read::default();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            // A body that cannot be read as parts (a name that is not UTF-8, a body cut
            // short) is not the form.
            Err(e) => return Err(malformed(format!("the form cannot be read: {e}"))),
        };
        let name = field.name().unwrap_or("").to_string();
        seen.push(name.clone());
        if form.files.contains(&name.as_str()) {
            // A photo or a document, never a JSON value.
            if field
                .content_type()
                .is_some_and(|t| t.starts_with("application/json"))
            {
                return Err(malformed(format!(
                    "the form's part `{name}` is a file, not JSON"
                )));
            }
            let file_name = field.file_name().unwrap_or(&name).to_string();
            let media_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            match field.bytes().await {
                Ok(b) if b.is_empty() => {}
                Ok(b) if b.len() > max_bytes => {
                    read.refused = Some(format!("{file_name}：{too_large}"))
                }
                Ok(b) => read.files.push((
                    name,
                    EvidenceFile {
                        file_name,
                        media_type,
                        bytes: b.to_vec(),
                    },
                )),
                Err(e) => return Err(malformed(format!("the form cannot be read: {e}"))),
            }
            continue;
        }
        let Some((_, rule)) = form.text.iter().find(|(n, _)| *n == name) else {
            return Err(malformed(format!("the form has no part `{name}`")));
        };
        let value = field.text().await.unwrap_or_default();
        if !rule.accepts(value.trim()) {
            return Err(malformed(format!(
                "the form's part `{name}` is not what it takes"
            )));
        }
        read.text.insert(name, value);
    }
    if let Some(missing) = form.required.iter().find(|r| !seen.iter().any(|s| s == *r)) {
        return Err(malformed(format!("the form needs its part `{missing}`")));
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_takes_what_the_form_sends_and_nothing_a_json_value_turns_into() {
        let hex = Text::Hex { min: 64, max: 64 };
        assert!(hex.accepts(&"a1".repeat(32)));
        for bad in ["5.960464477539063e-08", "true", "{}", &"A1".repeat(32)] {
            assert!(!hex.accepts(bad), "{bad}");
        }
        assert!(Text::Date.accepts("2026-12-05") && !Text::Date.accepts("-10712534"));
        for ok in ["", "0", "12.5"] {
            assert!(Text::Decimal.accepts(ok), "{ok}");
        }
        for bad in ["true", "-1", "1e3", ".5", "5.", "[]"] {
            assert!(!Text::Decimal.accepts(bad), "{bad}");
        }
        assert!(Text::OneOf(&WEATHERS).accepts("小雨") && !Text::OneOf(&WEATHERS).accepts("null"));
    }
}
