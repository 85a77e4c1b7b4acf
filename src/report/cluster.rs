//! One cluster's report (排查整治报告 / 建设总结报告): cover, map, 源 网 厂 口, the score
//! item by item with the fewest fixes to 90 as a checklist, and the problem list with the
//! ledger's status and what changed since the previous run.

use geo::{Euclidean, Length};

use super::doc::{Block, Document, Paper};
use super::{fmt_m, yes_no};
use crate::contract::{ProblemCode, Vocabulary, words};
use crate::outcome::Outcome;
use crate::readiness::json::round2;
use crate::readiness::plan::Plan;
use crate::render::map::MapIndex;

fn level_zh(l: Option<crate::model::ParkLevel>) -> &'static str {
    l.map_or("未注明", |l| {
        words::zh(Vocabulary::ParkLevel, l.as_str())
    })
}

/// Where the cluster stands, for the cover and the score.
fn state(scored: Option<&crate::readiness::ClusterReadiness>) -> String {
    match scored {
        None => "不纳入".to_string(),
        Some(s) if !s.veto.is_empty() => format!("一票否决（{} 项否决问题）", s.veto.len()),
        Some(s) if s.ready => "已达标".to_string(),
        Some(_) => "未达标".to_string(),
    }
}

/// What every section of a cluster's report reads.
#[derive(Clone, Copy)]
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
    provisional: &'static str,
}

/// A cluster's report (排查整治报告): one function per section, in the order they print.
pub fn document(o: Outcome, maps: &MapIndex, i: usize) -> Document {
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
            "(暂行)"
        } else {
            ""
        },
    };
    let mut b = Vec::new();
    for section in [
        cover, map, sources, network, plants, outfalls, score, problems,
    ] {
        section(&ctx, &mut b);
    }
    Document {
        title: format!("{name} 排查整治报告"),
        ident: format!("zdz-cluster-{}", c.id),
        header: format!("{name} ({}) · 污水零直排区排查整治报告 · zdz", c.id),
        paper: Paper::A4,
        blocks: b,
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
        provisional,
        ..
    } = *ctx;
    let state = state(scored);
    b.push(Block::Cover {
        title: format!("{name} 污水零直排区建设排查整治报告"),
        lines: vec![
            format!("组团编号 {}", c.id),
            format!(
                "{} · {} · {}",
                park.and_then(|p| p.name.clone())
                    .unwrap_or_else(|| "园区未注明".into()),
                r.district.clone().unwrap_or_default(),
                level_zh(r.park_level)
            ),
            format!(
                "完成时限 {}（{}）",
                r.deadline,
                words::reasons_zh(Vocabulary::DeadlineReason, &r.deadline_reason)
            ),
            format!(
                "建设进度（截至 {}）：{}",
                o.campaign.as_of,
                o.campaign.clusters[i].label_zh()
            ),
            match (r.corridor.in_corridor, r.corridor.distance_m) {
                (true, Some(d)) => format!("长江沿线: 是, 距长江干流 {}", fmt_m(d)),
                (true, None) => "长江沿线: 是".into(),
                (false, Some(d)) => format!("长江沿线: 否, 距长江干流 {}", fmt_m(d)),
                (false, None) => "长江沿线: 否".into(),
            },
            match scored {
                Some(s) => format!("得分{provisional} {} / 100 · {state}", round2(s.score)),
                None => state.clone(),
            },
            format!(
                "{} 编制 · zdz {}",
                crate::clock::now().format("%Y-%m-%d"),
                env!("CARGO_PKG_VERSION")
            ),
        ],
    });
    b.push(Block::Note(
        "本报告由 zdz 根据工作空间数据自动生成；示例数据为虚构。评分依据暂行评分细则，正式评分细则到位后以正式细则为准。".into(),
    ));
    b.push(Block::PageBreak);
}

/// The cluster on its map.
fn map(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx {
        o, maps, i, name, ..
    } = *ctx;
    b.push(Block::Heading(1, "组团位置与管网".into()));
    let drawn = maps.cluster(i, 900.0, 900.0);
    b.push(Block::Figure {
        width: 1.0,
        caption: format!(
            "{name}：管网、排口、问题与长江干流 {} 范围；比例尺 {}；坐标系 {}{}",
            fmt_m(o.loaded.project.params.corridor_m),
            fmt_m(drawn.scale_m),
            maps.crs_name,
            drawn.dropped_note()
        ),
        svg: drawn.svg,
    });
    b.push(Block::PageBreak);
}

/// 源: the enterprises (排水户), their connection and answers.
fn sources(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx { i, l, a, .. } = *ctx;
    b.push(Block::Heading(1, "源：企业（排水户）".into()));
    let enterprise_rows: Vec<Vec<String>> = l
        .enterprises
        .iter()
        .zip(&a.enterprises)
        .filter(|(_, er)| er.cluster == Some(i))
        .map(|(e, er)| {
            let answer = |f: &str| match e.answers.get(f) {
                Some(x) => yes_no(x.holds()).to_string(),
                None => "待填报".into(),
            };
            vec![
                e.id.clone(),
                e.name.clone().unwrap_or_default(),
                e.connected
                    .map_or("未申报".into(), |c| yes_no(c).to_string()),
                match er.drain {
                    Some((p, d)) => format!("是: {} ({})", l.pipes[p].id, fmt_m(d)),
                    None => "否".into(),
                },
                e.permit_no.clone().unwrap_or_else(|| "无".into()),
                answer("separated"),
                answer("first_flush"),
            ]
        })
        .collect();
    b.push(Block::Para(format!(
        "组团内企业 {} 家。",
        enterprise_rows.len()
    )));
    b.push(Block::Table {
        headers: [
            "企业编号",
            "企业名称",
            "纳管(申报)",
            "管网覆盖(接入管段)",
            "排污许可",
            "雨污分流",
            "初期雨水",
        ]
        .map(String::from)
        .to_vec(),
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
        ..
    } = *ctx;
    b.push(Block::Heading(1, "网：管网".into()));
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
        headers: ["管网类型", "管段数", "总长度", "3–4级缺陷"]
            .map(String::from)
            .to_vec(),
        rows: by_kind
            .iter()
            .map(|(k, (n, len, d))| {
                vec![
                    words::zh(Vocabulary::PipeKind, k.as_str()).into(),
                    n.to_string(),
                    fmt_m(*len),
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
        b.push(Block::Heading(2, "管道缺陷（3–4 级）".into()));
        b.push(Block::Table {
            headers: ["问题编号", "管段", "说明"].map(String::from).to_vec(),
            rows: defects
                .iter()
                .map(|p| vec![p.problem_id.clone(), p.feature_id.clone(), p.detail.clone()])
                .collect(),
        });
    }
    let crosses = problems_of(ProblemCode::StormCrossConnection);
    if !crosses.is_empty() {
        b.push(Block::Heading(2, "雨污混接".into()));
        for p in crosses {
            b.push(Block::Para(format!(
                "{} 排口 {}：{}",
                p.problem_id, p.feature_id, p.detail
            )));
            if let Some(oi) = l.outfalls.iter().position(|x| x.id == p.feature_id) {
                let drawn = maps.trace(oi, 700.0, 450.0);
                b.push(Block::Figure {
                    width: 0.75,
                    caption: format!(
                        "排口 {} 上游溯源（紫红色为上游管段）{}",
                        p.feature_id,
                        drawn.dropped_note()
                    ),
                    svg: drawn.svg,
                });
            }
        }
    }
}

/// 厂: the plants that receive the cluster's sewage.
fn plants(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx { l, r, .. } = *ctx;
    b.push(Block::Heading(1, "厂：接收污水的污水处理厂".into()));
    if r.downstream.plants.is_empty() {
        b.push(Block::Para(
            "未找到接收本组团污水的污水厂(污水去向不明)。".into(),
        ));
    } else {
        b.push(Block::Table {
            headers: [
                "污水厂编号",
                "名称",
                "设计规模(t/d)",
                "实际处理量(t/d)",
                "负荷率",
                "超负荷",
            ]
            .map(String::from)
            .to_vec(),
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
                        yes_no(over).into(),
                    ]
                })
                .collect(),
        });
    }
}

/// 口: the outfalls and their traces.
fn outfalls(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx { i, l, a, .. } = *ctx;
    b.push(Block::Heading(1, "口：排口".into()));
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
                    .map_or("—", |k| words::zh(Vocabulary::OutfallKind, k.as_str()))
                    .to_string(),
                words::zh(Vocabulary::OutfallStatus, or.status.as_str()).to_string(),
                format!(
                    "{} / {}",
                    or.upstream_pipes.len(),
                    or.upstream_enterprises.len()
                ),
                dry.map_or("未排查".into(), |d| {
                    format!(
                        "{} {}",
                        d.date_text(),
                        if d.flowing == Some(true) {
                            "有水"
                        } else {
                            "无水"
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
                or.codes
                    .iter()
                    .map(|c| c.label_zh())
                    .collect::<Vec<_>>()
                    .join("、"),
            ]
        })
        .collect();
    b.push(Block::Table {
        headers: [
            "排口编号",
            "类型",
            "状态",
            "上游管段/企业",
            "最近晴天排查",
            "最近采样(mg/L)",
            "问题",
        ]
        .map(String::from)
        .to_vec(),
        rows: outfall_rows,
    });
}

/// The score item by item, the veto and the fewest actions to ready.
fn score(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx {
        o,
        c,
        scored,
        provisional,
        ..
    } = *ctx;
    b.push(Block::Heading(1, format!("验收评分{provisional}")));
    match scored {
        None => b.push(Block::Para(
            "本组团无企业，不纳入本次建设范围，不评分。".into(),
        )),
        Some(s) => {
            b.push(Block::Para(format!(
                "得分{provisional} {} / 100，达标线 {}；{}。",
                round2(s.score),
                o.readiness.rubric.pass_line,
                state(scored)
            )));
            if o.readiness.rubric.provisional {
                b.push(Block::Note("暂行：正式评分细则尚未取得，以下为 zdz 依领域资料拟定的暂行细则；取得正式细则后，在 zdz.toml 中以 `rubric = \"….toml\"` 替换。".into()));
            }
            let detail = crate::readiness::json::cluster(&c.id, s, &o.readiness.rubric);
            b.push(Block::Table {
                headers: ["项目", "维度", "名称", "得分", "满分", "计分依据"]
                    .map(String::from)
                    .to_vec(),
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
                            .and_then(|x| x["counted_text_zh"].as_str().map(String::from))
                            .unwrap_or_default();
                        vec![
                            item.id.clone(),
                            item.dimension.clone(),
                            item.name_zh.clone(),
                            format!("{}", round2(sc.points)),
                            format!("{}", sc.max),
                            counted,
                        ]
                    })
                    .collect(),
            });
            if !s.veto.is_empty() {
                b.push(Block::Para(format!(
                    "否决项：{}",
                    s.veto
                        .iter()
                        .map(|p| format!(
                            "{} {} ({})",
                            p.code.label_zh(),
                            p.feature_id,
                            p.problem_id
                        ))
                        .collect::<Vec<_>>()
                        .join("；")
                )));
            }
            b.push(Block::Heading(2, "达标最少措施".into()));
            match &s.plan {
                Plan::Ready => b.push(Block::Para("已达标，无需措施。".into())),
                Plan::Unreachable { reason, best_score } => b.push(Block::Para(format!(
                    "即使采取全部措施亦无法达到 90 分(最高 {})：{reason}",
                    round2(*best_score)
                ))),
                Plan::Actions {
                    actions,
                    score_after,
                } => {
                    let items: Vec<String> = actions
                        .iter()
                        .map(|p| {
                            let v = crate::readiness::json::action(&c.id, &s.problems, p);
                            let item = match v["item"].as_str().unwrap_or("") {
                                "veto" => "一票否决",
                                id => id,
                            };
                            format!(
                                "{}（{item} +{}）",
                                v["label_zh"].as_str().unwrap_or(""),
                                round2(p.points)
                            )
                        })
                        .collect();
                    b.push(Block::Para(format!(
                        "共 {} 项措施，完成后得分 {}：",
                        items.len(),
                        round2(*score_after)
                    )));
                    b.push(Block::Checklist(items));
                }
            }
        }
    }
}

/// The problem list, with the ledger's status when there is one.
fn problems(ctx: &Ctx, b: &mut Vec<Block>) {
    let Ctx { o, a, c, .. } = *ctx;
    b.push(Block::Heading(1, "问题清单".into()));
    let mut rows = Vec::new();
    let ledger = o.ledger;
    for p in a.problems.iter().filter(|p| p.cluster_ids.contains(&c.id)) {
        let mut row = vec![
            p.problem_id.clone(),
            p.code.label_zh().to_string(),
            format!("{} {}", p.layer.label_zh(), p.feature_id),
            p.detail.clone(),
        ];
        if let Some(l) = ledger {
            let e = l.entries.get(&p.problem_id);
            row.extend([
                e.map_or("待整改".into(), |e| e.status.zh().to_string()),
                e.and_then(|e| e.unit.clone()).unwrap_or_default(),
                e.and_then(|e| e.measure.clone()).unwrap_or_default(),
                e.and_then(|e| e.due.clone()).unwrap_or_default(),
                e.map_or("0".into(), |e| e.recurrences.to_string()),
                match l.change_of(&p.problem_id) {
                    Some("new") => "新发现".into(),
                    Some("recurred") => "反复".into(),
                    Some("detected_again") => "再次检出".into(),
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
                ProblemCode::from_name(&e.code)
                    .map_or(e.code.clone(), |c| c.label_zh().to_string()),
                format!(
                    "{} {}",
                    crate::contract::LayerKind::from_name(&e.layer)
                        .map_or(e.layer.as_str(), |k| k.label_zh()),
                    e.feature_id
                ),
                e.detail.clone().unwrap_or_default(),
                e.status.zh().to_string(),
                e.unit.clone().unwrap_or_default(),
                e.measure.clone().unwrap_or_default(),
                e.due.clone().unwrap_or_default(),
                e.recurrences.to_string(),
                if l.change_of(&e.problem_id) == Some("not_detected") {
                    "不再检出".into()
                } else {
                    "未检出".into()
                },
            ]);
        }
    }
    let mut headers: Vec<String> = ["问题编号", "问题类型", "对象", "说明"]
        .map(String::from)
        .to_vec();
    if ledger.is_some() {
        headers.extend(
            [
                "整改状态",
                "责任单位",
                "整改措施",
                "完成时限",
                "反复",
                "本次变化",
            ]
            .map(String::from),
        );
    }
    b.push(Block::Para(format!("问题 {} 项。", rows.len())));
    b.push(Block::Table { headers, rows });
}
