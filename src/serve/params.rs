//! Query parameters as typed structs: each endpoint's parameters are one struct that
//! derives `Deserialize`, with serde enums for the values it takes, so an unknown
//! parameter or value is rejected here, in one place, with a 400 that names it. The OpenAPI
//! document reads the same enums for its schemas.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::contract::{CampaignStatus, ProblemCode, ReadinessGroup};
use crate::ledger::status::Status;
use crate::model::ParkLevel;

/// An endpoint's query parameters, read into `T`.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parse(parts.uri.query().unwrap_or("")).map(Params)
    }
}

/// `query` read into `T`; the error names the parameter and what it takes.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let message = e
            .inner()
            .to_string()
            .replace("unknown field", "unknown parameter");
        let path = e.path().to_string();
        ApiError::bad_parameter(if path == "." {
            message
        } else {
            format!("{path}: {message}")
        })
    })
}

/// `/api/clusters`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClustersQuery {
    /// A deadline of the schedule, its year, or `out_of_scope` (checked against the
    /// snapshot's schedule, which only it knows).
    pub deadline: Option<String>,
    pub in_corridor: Option<bool>,
    pub park_id: Option<String>,
    pub park_level: Option<ParkLevel>,
    pub ready: Option<bool>,
    pub veto: Option<bool>,
    pub readiness: Option<ReadinessGroup>,
    pub campaign_status: Option<CampaignStatus>,
    /// Clusters per page, and clusters to skip: read as the OGC items' are
    /// (`ogc::parse_count`), so a count past any integer is the most there can be.
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// `/api/outfalls`: the outfalls with a problem.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutfallsQuery {
    pub code: Option<ProblemCode>,
    pub cluster_id: Option<String>,
}

/// `/api/ledger/problems`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerListQuery {
    pub cluster: Option<String>,
    pub district: Option<String>,
    pub status: Option<Status>,
    pub code: Option<ProblemCode>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_parameter_or_value_is_a_400_naming_it() {
        let err = |q: &str| parse::<ClustersQuery>(q).unwrap_err().description;
        assert!(err("colour=red").contains("unknown parameter `colour`"));
        assert!(err("in_corridor=maybe").starts_with("in_corridor:"));
        assert!(err("readiness=not_ready").contains("unknown variant `not_ready`"));
        let q: ClustersQuery =
            parse("readiness=one_or_two&ready=false&park_level=national").unwrap();
        assert_eq!(q.readiness, Some(ReadinessGroup::OneOrTwo));
        assert_eq!(q.ready, Some(false));
        assert_eq!(q.park_level, Some(ParkLevel::National));
        let l: LedgerListQuery = parse("status=%E6%95%B4%E6%94%B9%E4%B8%AD").unwrap();
        assert_eq!(l.status, Some(Status::InProgress), "整改中");
        let o: OutfallsQuery = parse("code=STORM_CROSS_CONNECTION").unwrap();
        assert_eq!(o.code, Some(ProblemCode::StormCrossConnection));
    }
}
