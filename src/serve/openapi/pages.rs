//! The pages in the OpenAPI document: what each takes (query, form or multipart fields)
//! and answers (a page, a redirect, or the service's JSON error for a form that is not the
//! form), so that clients and schemathesis know them as they are.

use serde_json::{Map, Value, json};

use super::parts::{error, path, query};
use crate::ledger::status::Status;
use crate::serve::pages::parts::{self, Text};
use crate::serve::pages::session::CSRF_FIELD;

/// Every answer a page can give: the page (200), a redirect after a form or to sign in
/// (303), a page that says why not (401 sign-in refused, 403, 404, 409 stale edit, 422
/// refused change, 429 too many failed sign-ins, 503 the ledger does not answer), or the
/// JSON error of a request that is not the form (400, 413, 415, 422).
fn answers() -> Value {
    let page = |why: &str| json!({ "description": why, "content": { "text/html": {} } });
    let both = |why: &str| {
        json!({ "description": why, "content": {
            "text/html": {},
            "application/json": { "schema": { "$ref": "#/components/schemas/Error" } },
        } })
    };
    json!({
        "200": page("the page"),
        "303": { "description": "to the page after the form, or to /signin first", "headers": { "Location": { "schema": { "type": "string" } } } },
        "400": error("the request is not a form this page takes"),
        "401": page("sign-in refused: the name or password is wrong, or the user is disabled"),
        "403": page("not this user's (another district's problem, the city's users), or the form's CSRF token is not the session's"),
        "404": page("no such problem or outfall, or the service runs without a ledger"),
        "409": page("the problem changed since the version the form was made from: who changed it, and the problem as it now is"),
        "413": error("the body is larger than the service takes"),
        "415": error("the body is not a form"),
        "422": both("a field missing or not its kind (JSON), or a change the ledger refuses (the page)"),
        "429": page("too many failed sign-ins for this name or address: the minutes to wait"),
        "503": both("the ledger does not answer, or the request took longer than the service's timeout"),
    })
}

fn page_get(summary: &str, parameters: Vec<Value>) -> Value {
    json!({ "get": { "summary": summary, "tags": ["pages"], "parameters": parameters, "responses": answers() } })
}

/// A form sent as `media`: its fields (all text), which it needs, and the extra schemas.
fn form(
    summary: &str,
    parameters: Vec<Value>,
    media: &str,
    fields: &[&str],
    required: &[&str],
    typed: &[(&str, Value)],
) -> Value {
    let mut properties = Map::new();
    // A text field is a part without a file name or a type of its own (one sent as
    // JSON or another type is refused, 422). A form takes no field it does not have.
    for f in fields {
        properties.insert((*f).into(), json!({ "type": "string" }));
    }
    for (f, schema) in typed {
        properties.insert((*f).into(), schema.clone());
    }
    json!({
        "summary": summary,
        "tags": ["pages"],
        "parameters": parameters,
        "requestBody": { "required": true, "content": { media: { "schema": {
            "type": "object",
            "additionalProperties": false,
            "required": required,
            "properties": properties,
        } } } },
        "responses": answers(),
    })
}

/// The schema of a text part, as `pages::parts` checks it.
fn text_schema(rule: Text) -> Value {
    match rule {
        Text::Hex { min, max } => {
            json!({ "type": "string", "pattern": format!("^[0-9a-f]{{{min},{max}}}$") })
        }
        Text::Date => json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }),
        Text::Decimal => json!({ "type": "string", "pattern": "^([0-9]+([.][0-9]+)?)?$" }),
        Text::OneOf(words) => json!({ "type": "string", "enum": words }),
        Text::Free => json!({ "description": "free text" }),
    }
}

/// A file part: its bytes, as text of any kind, but not a JSON value (a part typed
/// `application/json` is refused). Not `format: binary`, so that a checker can read a body
/// as it was sent.
const FILE_PART: &str = "the file's bytes: a photo or a PDF (not a part typed application/json)";

/// A multipart form of `pages::parts`.
fn multipart(summary: &str, parameters: Vec<Value>, form: &parts::Form) -> Value {
    let typed: Vec<(&str, Value)> = form
        .text
        .iter()
        .map(|(name, rule)| (*name, text_schema(*rule)))
        .chain(
            form.files
                .iter()
                .map(|f| (*f, json!({ "type": "string", "description": FILE_PART }))),
        )
        .collect();
    self::form(summary, parameters, MULTIPART, &[], form.required, &typed)
}

const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// Every page and form.
pub fn paths(paths: &mut Map<String, Value>) {
    let text = |name: &str, why: &str| query(name, why, json!({ "type": "string" }));
    let id = |name: &str| path(name, json!({ "type": "string" }));
    let mut signin = page_get(
        "The sign-in page",
        vec![text("next", "the page to go to after signing in")],
    );
    signin["post"] = form(
        "Sign in with a name and password: a session cookie, then to `next`",
        vec![],
        URLENCODED,
        &["name", "password", CSRF_FIELD, "next"],
        &["name", "password", CSRF_FIELD],
        &[],
    );
    paths.insert("/signin".into(), signin);
    paths.insert(
        "/signout".into(),
        json!({ "post": form("Sign out: the session ends", vec![], URLENCODED, &[CSRF_FIELD], &[CSRF_FIELD], &[]) }),
    );
    paths.insert(
        "/problems".into(),
        page_get(
            "The problem list: the user's clusters with their campaign status and score, and its problems, overdue first",
            ["cluster", "district", "code", "status", "due_before", "overdue", "deadline", "campaign_status"]
                .iter()
                .map(|q| text(q, "narrows the list (blank: any)"))
                .chain([text("page", "which page of 500 problems (1 first; anything else: the first)")])
                .collect(),
        ),
    );
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let mut problem = page_get(
        "A problem's page: where it is, the rule and detail, the history, the evidence and the change form",
        vec![id("problemId"), text("saved", "say the change was saved")],
    );
    problem["post"] = form(
        "Change a problem at the version the form was made from (a stale version is 409, not saved)",
        vec![id("problemId")],
        URLENCODED,
        &[CSRF_FIELD, "unit", "due", "measure", "note"],
        &[CSRF_FIELD, "version"],
        &[
            (
                "version",
                json!({ "type": "integer", "minimum": 0, "maximum": u64::MAX }),
            ),
            ("status", json!({ "type": "string", "enum": statuses })),
        ],
    );
    paths.insert("/problems/{problemId}".into(), problem);
    paths.insert(
        "/problems/{problemId}/evidence".into(),
        json!({ "post": multipart(
            "Attach photos or files to a problem (at most 20 MiB each)",
            vec![id("problemId")],
            &parts::EVIDENCE,
        ) }),
    );
    paths.insert(
        "/dashboard".into(),
        page_get("Progress by district and deadline", vec![]),
    );
    paths.insert(
        "/outfalls/{outfallId}".into(),
        page_get(
            "An outfall's page (its signboard's QR code leads here) with the 记录排查 form",
            vec![
                id("outfallId"),
                text("recorded", "say the inspection was recorded"),
            ],
        ),
    );
    paths.insert(
        "/outfalls/{outfallId}/inspections".into(),
        json!({ "post": multipart(
            "Record an inspection of an outfall (kept once per inspection_id)",
            vec![id("outfallId")],
            &parts::INSPECTION,
        ) }),
    );
    let mut users = page_get("The users (city)", vec![]);
    users["post"] = form(
        "Add a user with a password (city); its script token is shown once",
        vec![],
        URLENCODED,
        &[CSRF_FIELD, "name", "role", "district", "password"],
        &[CSRF_FIELD, "name", "role", "password"],
        &[],
    );
    paths.insert("/users".into(), users);
    paths.insert(
        "/users/{name}".into(),
        json!({ "post": form(
            "Disable, enable, reset the password of or set the district of a user (city)",
            vec![id("name")],
            URLENCODED,
            &[CSRF_FIELD, "action", "password", "district"],
            &[CSRF_FIELD, "action"],
            &[],
        ) }),
    );
}
