//! The city's overview (全市总览): clusters by deadline and readiness, the score
//! distribution, problems by code and by district, a map of every cluster coloured by
//! deadline, and the table of every cluster sorted by deadline then score, with the
//! overdue problems when a ledger is given.

use std::collections::{BTreeMap, BTreeSet};

use super::doc::{Block, Document, Paper};
use crate::contract::{CampaignStatus, Lang, ReadinessGroup, Vocabulary};
use crate::outcome::Outcome;
use crate::readiness::json::round2;
use crate::render::chart;
use crate::render::map::MapIndex;

pub fn document(o: Outcome, maps: &MapIndex) -> anyhow::Result<Document> {
    let l = &o.loaded.layers;
    let a = o.analysis;
    let w = maps.lang;
    let title = o
        .loaded
        .project
        .info
        .name
        .clone()
        .unwrap_or_else(|| w.campaign_name());
    let mut b = Vec::new();
    let scored: Vec<&crate::readiness::ClusterReadiness> =
        o.readiness.clusters.iter().flatten().collect();
    b.push(Block::Cover {
        title: w.city_title(&title),
        lines: vec![
            w.city_clusters_line(
                l.clusters.len(),
                scored.len(),
                o.readiness
                    .group_counts()
                    .iter()
                    .filter(|(g, _)| g.in_scope())
                    .map(|(g, n)| w.group_count(w.group(*g), n))
                    .collect::<Vec<_>>()
                    .join(&w.group_separator()),
            ),
            w.problems_line(a.problems.len()),
            w.made_on(
                crate::clock::now().format("%Y-%m-%d"),
                env!("CARGO_PKG_VERSION"),
            ),
        ],
    });
    if o.readiness.rubric.provisional {
        b.push(Block::Note(w.city_provisional_note()));
    }
    b.push(Block::PageBreak);
    campaign_section(o, w, &mut b);
    b.push(Block::PageBreak);

    b.push(Block::Heading(1, w.heading_deadlines()));
    let rows: Vec<(String, ReadinessGroup)> = a
        .clusters
        .iter()
        .enumerate()
        .map(|(i, r)| (r.deadline.clone(), o.readiness.group(i)))
        .collect();
    b.push(Block::Figure {
        svg: chart::deadlines_by_readiness(&rows, 760, 380, w)?,
        width: 0.95,
        caption: w.deadlines_caption(),
    });
    let scores: Vec<(f64, ReadinessGroup)> = scored.iter().map(|r| (r.score, r.group())).collect();
    b.push(Block::Figure {
        svg: chart::scores(&scores, o.readiness.rubric.pass_line, 760, 320, w)?,
        width: 0.95,
        caption: w.scores_caption(o.readiness.rubric.pass_line),
    });
    b.push(Block::PageBreak);

    b.push(Block::Heading(1, w.heading_problem_spread()));
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_district: BTreeMap<String, usize> = BTreeMap::new();
    let index = crate::analysis::context::by_id(l.clusters.iter().map(|c| c.id.as_str()));
    for p in a
        .problems
        .iter()
        .filter(|p| !o.readiness.excluded.contains(&p.problem_id))
    {
        *by_code
            .entry(format!("{} {}", w.problem(p.code), p.code.as_str()))
            .or_default() += 1;
        let district = p
            .cluster_id
            .as_deref()
            .and_then(|c| index.get(c))
            .and_then(|c| a.clusters[*c].district.clone())
            .unwrap_or_else(|| w.outside_clusters());
        *by_district.entry(district).or_default() += 1;
    }
    let sorted = |m: BTreeMap<String, usize>| {
        let mut v: Vec<(String, usize)> = m.into_iter().collect();
        v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        v
    };
    let codes = sorted(by_code);
    let districts = sorted(by_district);
    b.push(Block::Figure {
        svg: chart::bars(
            &w.chart_by_code(),
            &codes,
            760,
            (60 + 26 * codes.len()) as u32,
        )?,
        width: 0.95,
        caption: w.by_code_caption(),
    });
    let top: Vec<(String, usize)> = districts.iter().take(25).cloned().collect();
    b.push(Block::Figure {
        svg: chart::bars(
            &w.chart_by_district(),
            &top,
            760,
            (60 + 26 * top.len()) as u32,
        )?,
        width: 0.95,
        caption: if districts.len() > 25 {
            w.top_districts_caption(25)
        } else {
            w.districts_caption()
        },
    });
    b.push(Block::PageBreak);

    b.push(Block::Heading(1, w.heading_cluster_map()));
    let all: BTreeSet<usize> = (0..l.clusters.len()).collect();
    let drawn = maps.overview(900.0, 900.0, &all);
    b.push(Block::Figure {
        width: 1.0,
        caption: w.overview_caption(&maps.crs_name, drawn.dropped_note(w)),
        svg: drawn.svg,
    });
    b.push(Block::PageBreak);

    b.push(Block::Heading(1, w.heading_cluster_table()));
    let mut order: Vec<usize> = (0..l.clusters.len()).collect();
    let score = |i: usize| o.readiness.clusters[i].as_ref().map(|r| r.score);
    order.sort_by(|x, y| {
        (a.clusters[*x].deadline.as_str(), score(*x).map(|s| -s))
            .partial_cmp(&(a.clusters[*y].deadline.as_str(), score(*y).map(|s| -s)))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(l.clusters[*x].id.cmp(&l.clusters[*y].id))
    });
    // Overdue as of the date the report's campaign status is as of (`--as-of`).
    let today = o.campaign.as_of;
    let overdue = |cid: &str| -> usize {
        o.ledger.map_or(0, |led| {
            led.entries
                .values()
                .filter(|e| {
                    e.cluster_ids.iter().any(|c| c == cid)
                        && crate::ledger::progress::overdue(e, today)
                })
                .count()
        })
    };
    let mut headers = Lang::columns(w.cluster_table_columns());
    if o.ledger.is_some() {
        headers.push(w.overdue_problems_column());
    }
    let table_rows = order
        .iter()
        .map(|i| {
            let (c, r) = (&l.clusters[*i], &a.clusters[*i]);
            let s = o.readiness.clusters[*i].as_ref();
            let mut row = vec![
                c.id.clone(),
                c.name.clone().unwrap_or_default(),
                r.district.clone().unwrap_or_default(),
                w.word(Vocabulary::Deadline, &r.deadline).to_string(),
                s.map_or("—".into(), |s| format!("{}", round2(s.score))),
                w.group(o.readiness.group(*i)).into(),
                match s.map(|s| s.actions_to_ready()) {
                    Some(Some(n)) => n.to_string(),
                    Some(None) => w.unreachable_short(),
                    None => "—".into(),
                },
                o.readiness.problem_count(*i).to_string(),
            ];
            if o.ledger.is_some() {
                row.push(overdue(&c.id).to_string());
            }
            row
        })
        .collect();
    b.push(Block::Table {
        headers,
        rows: table_rows,
    });

    Ok(Document {
        title: w.city_title(&title),
        ident: "zdz-overview".into(),
        header: w.city_header(&title),
        paper: Paper::A4,
        blocks: b,
        lang: w,
    })
}

/// The city's first page: where the clusters stand as of the report's date, by deadline
/// (accepted, under recheck, overdue, in progress), the overdue clusters first with their
/// district, score and actions to ready, and the demonstration list with its candidates.
fn campaign_section(o: Outcome, w: Lang, b: &mut Vec<Block>) {
    let (l, a, campaign) = (&o.loaded.layers, o.analysis, o.campaign);
    let district = |i: usize| a.clusters[i].district.clone().unwrap_or_default();
    b.push(Block::Heading(1, w.heading_campaign(campaign.as_of)));
    let shown = [
        CampaignStatus::Accepted,
        CampaignStatus::Recheck,
        CampaignStatus::Overdue,
        CampaignStatus::Due,
    ];
    let mut deadlines: Vec<&str> = a
        .clusters
        .iter()
        .map(|r| r.deadline.as_str())
        .filter(|d| *d != "out_of_scope")
        .collect();
    deadlines.sort();
    deadlines.dedup();
    let rows = deadlines
        .iter()
        .map(|d| {
            let of = |s: CampaignStatus| {
                a.clusters
                    .iter()
                    .zip(&campaign.clusters)
                    .filter(|(r, c)| r.deadline == *d && **c == s)
                    .count()
                    .to_string()
            };
            let total = a.clusters.iter().filter(|r| r.deadline == *d).count();
            let mut row = vec![
                w.word(Vocabulary::Deadline, d).to_string(),
                total.to_string(),
            ];
            row.extend(shown.map(of));
            row
        })
        .collect();
    let mut headers = Lang::columns(w.campaign_columns());
    headers.extend(shown.map(|s| w.campaign(s).to_string()));
    b.push(Block::Table { headers, rows });

    let mut overdue: Vec<usize> = (0..l.clusters.len())
        .filter(|i| campaign.clusters[*i] == CampaignStatus::Overdue)
        .collect();
    overdue.sort_by(|x, y| {
        (a.clusters[*x].deadline.as_str(), l.clusters[*x].id.as_str())
            .cmp(&(a.clusters[*y].deadline.as_str(), l.clusters[*y].id.as_str()))
    });
    b.push(Block::Heading(2, w.heading_overdue_clusters(overdue.len())));
    if overdue.is_empty() {
        b.push(Block::Para(w.no_overdue_cluster()));
    } else {
        let rows = overdue
            .iter()
            .map(|i| {
                let s = o.readiness.clusters[*i].as_ref();
                vec![
                    l.clusters[*i].id.clone(),
                    l.clusters[*i].name.clone().unwrap_or_default(),
                    district(*i),
                    w.word(Vocabulary::Deadline, &a.clusters[*i].deadline)
                        .to_string(),
                    s.map_or("—".into(), |s| round2(s.score).to_string()),
                    match s.map(|s| s.actions_to_ready()) {
                        Some(Some(n)) => n.to_string(),
                        Some(None) => w.unreachable_short(),
                        None => "—".into(),
                    },
                ]
            })
            .collect();
        b.push(Block::Table {
            headers: Lang::columns(w.overdue_columns()),
            rows,
        });
    }

    let listed: Vec<usize> = (0..l.clusters.len())
        .filter(|i| l.clusters[*i].demo || l.clusters[*i].demo_candidate)
        .collect();
    b.push(Block::Heading(2, w.heading_demo_list()));
    if listed.is_empty() {
        b.push(Block::Para(w.no_demo()));
        return;
    }
    let target = &o.loaded.project.demo.target_date;
    let rows = listed
        .iter()
        .map(|i| {
            let c = &l.clusters[*i];
            vec![
                c.id.clone(),
                c.name.clone().unwrap_or_default(),
                district(*i),
                if c.demo { w.demo() } else { w.demo_candidate() },
                w.word(Vocabulary::Deadline, &a.clusters[*i].deadline)
                    .to_string(),
                if c.demo {
                    String::new()
                } else {
                    target.clone()
                },
                w.campaign(campaign.clusters[*i]).to_string(),
            ]
        })
        .collect();
    b.push(Block::Table {
        headers: Lang::columns(w.demo_columns()),
        rows,
    });
}
