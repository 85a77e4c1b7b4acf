//! The pieces every operation of the OpenAPI document is built of: parameters by place,
//! and the one JSON error.

use serde_json::{Value, json};

pub fn param_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/parameters/{name}") })
}

pub fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "style": "form", "explode": false, "description": description, "schema": schema })
}

pub fn path(name: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": schema })
}

/// The JSON error every 4xx and 5xx is.
pub fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}
