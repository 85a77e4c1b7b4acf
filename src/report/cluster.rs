//! One cluster's report (排查整治报告 / 建设总结报告): cover, map, 源 网 厂 口, the score
//! item by item with the fewest fixes to 90 as a checklist, and the problem list with the
//! ledger's status and what changed since the previous run.

use geo::{Euclidean, Length};

use super::doc::{Block, Document, Paper};
use crate::contract::{Lang, ProblemCode, Vocabulary};
use crate::ledger::status::Status;
use crate::outcome::Outcome;
use crate::readiness::json::round2;
use crate::readiness::plan::Plan;
use crate::render::map::MapIndex;

/// A park's level, worded.
pub(super) fn level(w: Lang, l: Option<crate::model::ParkLevel>) -> String {
    l.map_or(w.not_stated(), |l| {
        w.word(Vocabulary::ParkLevel, l.as_str()).to_string()
    })
}

/// Where the cluster stands, for the cover and the score.
fn state(w: Lang, scored: Option<&crate::readiness::ClusterReadiness>) -> String {
    match scored {
        None => w.state_out_of_scope(),
        Some(s) if !s.veto.is_empty() => w.state_vetoed(s.veto.len()),
        Some(s) if s.ready => w.state_ready(),
        Some(_) => w.state_not_ready(),
    }
}

/// What every section of a cluster's report reads.
struct Ctx<'a> {
    o: Outcome<'a>,
    maps: &'a MapIndex<'a>,
    i: usize,
    l: &'a crate::model::Layers,
    a: &'a crate::analysis::Analysis,
    c: &'a crate::model::Cluster,
    r: &'a crate::analysis::ClusterResult,
    park: Option<&'a crate::model::Park>,
    name: &'a str,
    scored: Option<&'a crate::readiness::ClusterReadiness>,
    provisional: String,
    w: Lang,
}

/// A cluster's report (排查整治报告): one function per section, in the order they print.
pub fn document(o: Outcome, maps: &MapIndex, i: usize) -> Document {
    let w = maps.lang;
    let l = &o.loaded.layers;
    let a = o.analysis;
    let (c, r) = (&l.clusters[i], &a.clusters[i]);
    let name = c.name.clone().unwrap_or_else(|| c.id.clone());
    let ctx = Ctx {
        o,
        maps,
        i,
        l,
        a,
        c,
        r,
        park: r.park.map(|p| &l.parks[p]),
        name: &name,
        scored: o.readiness.clusters[i].as_ref(),
        provisional: if o.readiness.rubric.provisional {
            w.provisional_mark()
        } else {
            String::new()
        },
        w,
    };
    let mut b = Vec::new();
    for section in [
        cover, map, sources, network, plants, outfalls, score, problems,
    ] {
        section(&ctx, &mut b);
    }
    Document {
        title: w.cluster_title(&name),
        ident: format!("zdz-cluster-{}", c.id),
        header: w.cluster_header(&name, &c.id),
        paper: Paper::A4,
        blocks: b,
        lang: w,
    }
}

/// The cover: the cluster, its park, deadline, corridor and score.
fn cover(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx {
        o,
        i,
        c,
        r,
        park,
        name,
        scored,
        w,
        ..
    } = *ctx;
    let provisional = &ctx.provisional;
    let state = state(w, scored);
    b.push(Block::Cover {
        title: w.cluster_cover_title(name),
        lines: vec![
            w.cluster_id_line(&c.id),
            format!(
                "{} · {} · {}",
                park.and_then(|p| p.name.clone())
                    .unwrap_or_else(|| w.park_not_stated()),
                r.district.clone().unwrap_or_default(),
                level(w, r.park_level)
            ),
            w.deadline_line(
                w.word(Vocabulary::Deadline, &r.deadline),
                w.reasons(Vocabulary::DeadlineReason, &r.deadline_reason),
            ),
            w.campaign_line(o.campaign.as_of, w.campaign(o.campaign.clusters[i])),
            match (r.corridor.in_corridor, r.corridor.distance_m) {
                (true, Some(d)) => w.corridor_yes_at(w.metres(d)),
                (true, None) => w.corridor_yes(),
                (false, Some(d)) => w.corridor_no_at(w.metres(d)),
                (false, None) => w.corridor_no(),
            },
            match scored {
                Some(s) => w.score_line(provisional, round2(s.score), &state),
                None => state.clone(),
            },
            w.made_on(
                crate::clock::now().format("%Y-%m-%d"),
                env!("CARGO_PKG_VERSION"),
            ),
        ],
    });
    b.push(Block::Note(w.cluster_cover_note()));
    b.push(Block::PageBreak);
}

/// The cluster on its map.
fn map(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx {
        o,
        maps,
        i,
        name,
        w,
        ..
    } = *ctx;
    b.push(Block::Heading(1, w.heading_location()));
    let drawn = maps.cluster(i, 900.0, 900.0);
    b.push(Block::Figure {
        width: 1.0,
        caption: w.cluster_map_caption(
            name,
            w.metres(o.loaded.project.params.corridor_m),
            w.metres(drawn.scale_m),
            &maps.crs_name,
            drawn.dropped_note(w),
        ),
        svg: drawn.svg,
    });
    b.push(Block::PageBreak);
}

/// 源: the enterprises (排水户), their connection and answers.
fn sources(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx { i, l, a, w, .. } = *ctx;
    b.push(Block::Heading(1, w.heading_sources()));
    let enterprise_rows: Vec<Vec<String>> = l
        .enterprises
        .iter()
        .zip(&a.enterprises)
        .filter(|(_, er)| er.cluster == Some(i))
        .map(|(e, er)| {
            let answer = |f: &str| match e.answers.get(f) {
                Some(x) => w.yes_no(x.holds()).to_string(),
                None => w.to_answer(),
            };
            vec![
                e.id.clone(),
                e.name.clone().unwrap_or_default(),
                e.connected
                    .map_or(w.not_declared(), |c| w.yes_no(c).to_string()),
                match er.drain {
                    Some((p, d)) => w.drains_to(&l.pipes[p].id, w.metres(d)),
                    None => w.yes_no(false).into(),
                },
                e.permit_no.clone().unwrap_or_else(|| w.none()),
                answer("separated"),
                answer("first_flush"),
            ]
        })
        .collect();
    b.push(Block::Para(w.enterprises_in_cluster(enterprise_rows.len())));
    b.push(Block::Table {
        headers: Lang::columns(w.enterprise_columns()),
        rows: enterprise_rows,
    });
}

/// 网: the pipes by kind, defects and cross-connections.
fn network(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx {
        o,
        maps,
        i,
        l,
        a,
        c,
        w,
        ..
    } = *ctx;
    b.push(Block::Heading(1, w.heading_network()));
    let mut by_kind = std::collections::BTreeMap::new();
    for (p, pc) in l.pipes.iter().zip(&a.pipe_clusters) {
        if *pc == Some(i) {
            let e = by_kind.entry(p.kind).or_insert((0usize, 0.0f64, 0usize));
            e.0 += 1;
            e.1 += Euclidean.length(&p.geom);
            e.2 += p.defect_grade.is_some_and(|g| g >= 3) as usize;
        }
    }
    b.push(Block::Table {
        headers: Lang::columns(w.pipe_columns()),
        rows: by_kind
            .iter()
            .map(|(k, (n, len, d))| {
                vec![
                    w.word(Vocabulary::PipeKind, k.as_str()).into(),
                    n.to_string(),
                    w.metres(*len),
                    d.to_string(),
                ]
            })
            .collect(),
    });
    let problems_of = |code: ProblemCode| -> Vec<&crate::analysis::problem::Problem> {
        a.problems
            .iter()
            .filter(|p| {
                p.code == code
                    && p.cluster_ids.contains(&c.id)
                    && !o.readiness.excluded.contains(&p.problem_id)
            })
            .collect()
    };
    let defects = problems_of(ProblemCode::PipeDefect);
    if !defects.is_empty() {
        b.push(Block::Heading(2, w.heading_defects()));
        b.push(Block::Table {
            headers: Lang::columns(w.defect_columns()),
            rows: defects
                .iter()
                .map(|p| {
                    vec![
                        p.problem_id.clone(),
                        p.feature_id.clone(),
                        detail(w, p).into(),
                    ]
                })
                .collect(),
        });
    }
    let crosses = problems_of(ProblemCode::StormCrossConnection);
    if !crosses.is_empty() {
        b.push(Block::Heading(2, w.heading_cross_connections()));
        for p in crosses {
            b.push(Block::Para(w.cross_connection(
                &p.problem_id,
                &p.feature_id,
                detail(w, p),
            )));
            if let Some(oi) = l.outfalls.iter().position(|x| x.id == p.feature_id) {
                let drawn = maps.trace(oi, 700.0, 450.0);
                b.push(Block::Figure {
                    width: 0.75,
                    caption: w.trace_caption(&p.feature_id, drawn.dropped_note(w)),
                    svg: drawn.svg,
                });
            }
        }
    }
}

/// 厂: the plants that receive the cluster's sewage.
fn plants(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx { l, r, w, .. } = *ctx;
    b.push(Block::Heading(1, w.heading_plants()));
    if r.downstream.plants.is_empty() {
        b.push(Block::Para(w.no_plant()));
    } else {
        b.push(Block::Table {
            headers: Lang::columns(w.plant_columns()),
            rows: r
                .downstream
                .plants
                .iter()
                .map(|p| {
                    let pl = &l.plants[*p];
                    let load = match (pl.inflow_tpd, pl.capacity_tpd) {
                        (Some(i), Some(c)) if c > 0.0 => format!("{:.0}%", i / c * 100.0),
                        _ => "—".into(),
                    };
                    let over =
                        matches!((pl.inflow_tpd, pl.capacity_tpd), (Some(i), Some(c)) if i > c);
                    vec![
                        pl.id.clone(),
                        pl.name.clone().unwrap_or_default(),
                        pl.capacity_tpd.map_or("—".into(), |v| format!("{v:.0}")),
                        pl.inflow_tpd.map_or("—".into(), |v| format!("{v:.0}")),
                        load,
                        w.yes_no(over).into(),
                    ]
                })
                .collect(),
        });
    }
}

/// 口: the outfalls and their traces.
fn outfalls(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx { i, l, a, w, .. } = *ctx;
    b.push(Block::Heading(1, w.heading_outfalls()));
    let outfall_rows: Vec<Vec<String>> = l
        .outfalls
        .iter()
        .zip(&a.outfalls)
        .filter(|(_, or)| or.cluster == Some(i))
        .map(|(of, or)| {
            let dry = or.latest.dry.map(|k| &l.inspections[k]);
            let sample = or.latest.sample.map(|k| &l.inspections[k]);
            vec![
                of.id.clone(),
                of.kind
                    .map_or("—", |k| w.word(Vocabulary::OutfallKind, k.as_str()))
                    .to_string(),
                w.word(Vocabulary::OutfallStatus, or.status.as_str())
                    .to_string(),
                format!(
                    "{} / {}",
                    or.upstream_pipes.len(),
                    or.upstream_enterprises.len()
                ),
                dry.map_or(w.not_inspected(), |d| {
                    format!(
                        "{} {}",
                        d.date_text(),
                        if d.flowing == Some(true) {
                            w.flowing()
                        } else {
                            w.dry()
                        }
                    )
                }),
                sample.map_or("—".into(), |s| {
                    format!(
                        "{} COD {} NH3-N {}",
                        s.date_text(),
                        s.cod_mgl.map_or("—".into(), |v| v.to_string()),
                        s.nh3n_mgl.map_or("—".into(), |v| v.to_string())
                    )
                }),
                w.list(
                    &or.codes
                        .iter()
                        .map(|c| w.problem(*c).to_string())
                        .collect::<Vec<_>>(),
                ),
            ]
        })
        .collect();
    b.push(Block::Table {
        headers: Lang::columns(w.outfall_columns()),
        rows: outfall_rows,
    });
}

/// The score item by item, the veto and the fewest actions to ready.
fn score(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx {
        o, c, scored, w, ..
    } = *ctx;
    let provisional = &ctx.provisional;
    let rubric = &o.readiness.rubric;
    b.push(Block::Heading(1, w.heading_score(provisional)));
    match scored {
        None => b.push(Block::Para(w.not_scored())),
        Some(s) => {
            b.push(Block::Para(w.score_para(
                provisional,
                round2(s.score),
                rubric.pass_line,
                state(w, scored),
            )));
            if rubric.provisional {
                b.push(Block::Note(w.provisional_note()));
            }
            let detail = crate::readiness::json::cluster(&c.id, s, rubric);
            let counted_key = w.pick("counted_text_zh", "counted_text");
            b.push(Block::Table {
                headers: Lang::columns(w.score_columns()),
                rows: o
                    .readiness
                    .rubric
                    .items
                    .iter()
                    .zip(&s.items)
                    .map(|(item, sc)| {
                        let counted = detail["items"]
                            .as_array()
                            .and_then(|v| v.iter().find(|x| x["id"] == item.id.as_str()))
                            .and_then(|x| x[counted_key].as_str().map(String::from))
                            .unwrap_or_default();
                        let dimension = rubric
                            .dimensions
                            .iter()
                            .find(|d| d.id == item.dimension)
                            .map_or(item.dimension.as_str(), |d| w.pick(&d.id, &d.name_en));
                        vec![
                            item.id.clone(),
                            dimension.to_string(),
                            w.pick(&item.name_zh, &item.name_en).to_string(),
                            format!("{}", round2(sc.points)),
                            format!("{}", sc.max),
                            counted,
                        ]
                    })
                    .collect(),
            });
            if !s.veto.is_empty() {
                b.push(Block::Para(
                    w.vetoes(
                        s.veto
                            .iter()
                            .map(|p| {
                                format!("{} {} ({})", w.problem(p.code), p.feature_id, p.problem_id)
                            })
                            .collect::<Vec<_>>()
                            .join(w.pick("；", "; ")),
                    ),
                ));
            }
            b.push(Block::Heading(2, w.heading_fewest_actions()));
            match &s.plan {
                Plan::Ready => b.push(Block::Para(w.plan_ready())),
                Plan::Unreachable { reason, best_score } => b.push(Block::Para(
                    w.plan_unreachable(rubric.pass_line, round2(*best_score), reason.said(w)),
                )),
                Plan::Actions {
                    actions,
                    score_after,
                } => {
                    let items: Vec<String> = actions
                        .iter()
                        .map(|p| {
                            let v = crate::readiness::json::action(&c.id, &s.problems, p);
                            let item = match v["item"].as_str().unwrap_or("") {
                                "veto" => w.veto_item(),
                                id => id.to_string(),
                            };
                            w.action(
                                v[w.pick("label_zh", "label_en")].as_str().unwrap_or(""),
                                item,
                                round2(p.points),
                            )
                        })
                        .collect();
                    b.push(Block::Para(
                        w.plan_actions(items.len(), round2(*score_after)),
                    ));
                    b.push(Block::Checklist(items));
                }
            }
        }
    }
}

/// The problem list, with the ledger's status when there is one.
fn problems(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx { o, a, c, w, .. } = *ctx;
    b.push(Block::Heading(1, w.heading_problems()));
    let mut rows = Vec::new();
    let ledger = o.ledger;
    for p in a.problems.iter().filter(|p| p.cluster_ids.contains(&c.id)) {
        let mut row = vec![
            p.problem_id.clone(),
            w.problem(p.code).to_string(),
            format!("{} {}", w.layer(p.layer), p.feature_id),
            detail(w, p).to_string(),
        ];
        if let Some(l) = ledger {
            let e = l.entries.get(&p.problem_id);
            row.extend([
                w.pick(
                    e.map_or(Status::Open, |e| e.status).zh(),
                    e.map_or(Status::Open, |e| e.status).en(),
                )
                .to_string(),
                e.and_then(|e| e.unit.clone()).unwrap_or_default(),
                e.and_then(|e| e.measure.clone()).unwrap_or_default(),
                e.and_then(|e| e.due.clone()).unwrap_or_default(),
                e.map_or("0".into(), |e| e.recurrences.to_string()),
                match l.change_of(&p.problem_id) {
                    Some("new") => w.change_new(),
                    Some("recurred") => w.change_recurred(),
                    Some("detected_again") => w.change_detected_again(),
                    _ => String::new(),
                },
            ]);
        }
        rows.push(row);
    }
    if let Some(l) = ledger {
        // Problems the ledger holds for this cluster that the run no longer finds.
        let found: std::collections::HashSet<&str> =
            a.problems.iter().map(|p| p.problem_id.as_str()).collect();
        let mut gone: Vec<&crate::ledger::entry::Entry> = l
            .entries
            .values()
            .filter(|e| e.cluster_ids.contains(&c.id) && !found.contains(e.problem_id.as_str()))
            .collect();
        gone.sort_by(|x, y| x.problem_id.cmp(&y.problem_id));
        for e in gone {
            rows.push(vec![
                e.problem_id.clone(),
                w.problem_named(&e.code).to_string(),
                format!(
                    "{} {}",
                    crate::contract::LayerKind::from_name(&e.layer)
                        .map_or(e.layer.as_str(), |k| w.layer(k)),
                    e.feature_id
                ),
                e.detail.clone().unwrap_or_default(),
                w.pick(e.status.zh(), e.status.en()).to_string(),
                e.unit.clone().unwrap_or_default(),
                e.measure.clone().unwrap_or_default(),
                e.due.clone().unwrap_or_default(),
                e.recurrences.to_string(),
                if l.change_of(&e.problem_id) == Some("not_detected") {
                    w.change_no_longer_detected()
                } else {
                    w.change_not_detected()
                },
            ]);
        }
    }
    let mut headers = Lang::columns(w.problem_columns());
    if ledger.is_some() {
        headers.extend(Lang::columns(w.ledger_columns()));
    }
    b.push(Block::Para(w.problem_count(rows.len())));
    b.push(Block::Table { headers, rows });
}

/// A problem's detail sentence in the document's language.
fn detail(w: Lang, p: &crate::analysis::problem::Problem) -> &str {
    w.pick(&p.detail, &p.detail_en)
}
