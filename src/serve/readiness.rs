//! Each cluster's readiness as `/api/clusters/{id}/readiness` answers it, kept typed and
//! written as JSON when asked. At national scale a JSON tree per cluster, each carrying its
//! own copy of the rubric, took a second of the start to build and hundreds of megabytes
//! to keep.

use std::collections::HashMap;

use serde_json::Value;

use crate::outcome::Outcome;
use crate::project::rubric::Rubric;
use crate::readiness::ClusterReadiness;
use crate::readiness::json;

struct Entry {
    /// None for a cluster out of the campaign's scope.
    scored: Option<ClusterReadiness>,
    deadline: String,
}

pub struct Readiness {
    rubric: Rubric,
    /// The rubric as every answer carries it.
    rubric_json: Value,
    clusters: HashMap<String, Entry>,
}

impl Readiness {
    pub fn of(o: Outcome) -> Readiness {
        let l = &o.loaded.layers;
        let clusters = l
            .clusters
            .iter()
            .zip(&o.readiness.clusters)
            .zip(&o.analysis.clusters)
            .map(|((c, r), result)| {
                let entry = Entry {
                    scored: r.clone(),
                    deadline: result.deadline.clone(),
                };
                (c.id.clone(), entry)
            })
            .collect();
        Readiness {
            rubric: o.readiness.rubric.clone(),
            rubric_json: json::rubric(&o.readiness.rubric),
            clusters,
        }
    }

    /// Cluster `id`'s readiness: each rubric item with its points and what counted, the
    /// veto, what is unanswered, the fewest actions to ready, its deadline and the rubric.
    pub fn answer(&self, id: &str) -> Option<Value> {
        let (id, e) = self.clusters.get_key_value(id)?;
        // `readiness.json`'s entry, and the rubric it was scored on.
        let mut v = json::document_cluster(id, &e.deadline, e.scored.as_ref(), &self.rubric);
        v["rubric"] = self.rubric_json.clone();
        Some(v)
    }
}
