//! The one error type of the service: every failure is a JSON body with an OGC-style code
//! and a message that says what was wrong with the request.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
    /// With a 409 of the ledger: the entry as it now is.
    pub current: Option<serde_json::Value>,
}

impl ApiError {
    pub fn bad_parameter(description: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidParameterValue",
            description: description.into(),
            current: None,
        }
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "NotFound",
            description: description.into(),
            current: None,
        }
    }

    /// Something failed on the server's side (a CRS GDAL cannot build …).
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "ServerError",
            description: e.to_string(),
            current: None,
        }
    }

    pub fn unauthorized(description: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: "Unauthorized",
            description: description.into(),
            current: None,
        }
    }

    pub fn forbidden(description: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::FORBIDDEN,
            code: "Forbidden",
            description: description.into(),
            current: None,
        }
    }

    /// The ledger's database does not answer: reads of the snapshot go on.
    pub fn unavailable(description: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "Unavailable",
            description: description.into(),
            current: None,
        }
    }

    /// A ledger failure as the client should see it.
    pub fn from_ledger(e: anyhow::Error) -> Self {
        use crate::ledger::LedgerError as L;
        match e.downcast::<L>() {
            Ok(L::NotFound(m)) => ApiError::not_found(m),
            Ok(L::Unauthorized(m)) => ApiError::unauthorized(m),
            Ok(L::Forbidden(m)) => ApiError::forbidden(m),
            Ok(L::Invalid(m)) => ApiError::bad_parameter(m.en()),
            Ok(L::Blocked(r)) => ApiError::conflict(r.en()),
            Ok(L::Conflict { message, current }) => ApiError {
                current: Some(current.json()),
                ..ApiError::conflict(message)
            },
            Ok(L::Refused { refusal, current }) => ApiError {
                current: Some(current.json()),
                ..ApiError::conflict(refusal.en())
            },
            Err(other) => ApiError::unavailable(format!("the ledger is unavailable: {other:#}")),
        }
    }

    pub fn conflict(description: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::CONFLICT,
            code: "Conflict",
            description: description.into(),
            current: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "code": self.code, "description": self.description });
        if let Some(current) = self.current {
            body["current"] = current;
        }
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"zdz ledger\""),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Every error answer as the one JSON shape the OpenAPI document declares, whoever made
/// it: axum's own rejections (a query that does not parse, a method a path does not take,
/// 405 with its `Allow` kept), the body limit's 413, the timeout's 503.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    // JSON errors and the pages' own error pages pass as they are.
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let code = match status {
        StatusCode::BAD_REQUEST => "InvalidParameterValue",
        StatusCode::NOT_FOUND => "NotFound",
        StatusCode::METHOD_NOT_ALLOWED => "MethodNotAllowed",
        StatusCode::PAYLOAD_TOO_LARGE => "PayloadTooLarge",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UnsupportedMediaType",
        StatusCode::UNPROCESSABLE_ENTITY => "InvalidParameterValue",
        StatusCode::REQUEST_TIMEOUT => "Timeout",
        StatusCode::SERVICE_UNAVAILABLE => "Unavailable",
        s if s.is_server_error() => "ServerError",
        _ => "Error",
    };
    let description = if text.is_empty() {
        match status {
            StatusCode::METHOD_NOT_ALLOWED => format!(
                "this path does not take that method; it takes {}",
                parts
                    .headers
                    .get(axum::http::header::ALLOW)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("GET")
            ),
            StatusCode::SERVICE_UNAVAILABLE => {
                "the request took longer than the service's timeout".to_string()
            }
            s => s.canonical_reason().unwrap_or("error").to_string(),
        }
    } else {
        text
    };
    let body = json!({ "code": code, "description": description }).to_string();
    parts.headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}
