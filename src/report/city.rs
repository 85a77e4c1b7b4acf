//! The city's overview (全市总览): clusters by deadline and readiness, the score
//! distribution, problems by code and by district, a map of every cluster coloured by
//! deadline, and the table of every cluster sorted by deadline then score, with the
//! overdue problems when a ledger is given.

use std::collections::{BTreeMap, BTreeSet};

use super::doc::{Block, Document, Paper};
use crate::contract::{CampaignStatus, ReadinessGroup};
use crate::outcome::Outcome;
use crate::readiness::json::round2;
use crate::render::chart;
use crate::render::map::MapIndex;

pub fn document(o: Outcome, maps: &MapIndex) -> anyhow::Result<Document> {
    let l = &o.loaded.layers;
    let a = o.analysis;
    let title = o
        .loaded
        .project
        .info
        .name
        .clone()
        .unwrap_or_else(|| "工业园区污水零直排区".into());
    let mut b = Vec::new();
    let scored: Vec<&crate::readiness::ClusterReadiness> =
        o.readiness.clusters.iter().flatten().collect();
    b.push(Block::Cover {
        title: format!("{title} 建设进展总览"),
        lines: vec![
            format!(
                "组团 {} 个，纳入 {} 个：{}",
                l.clusters.len(),
                scored.len(),
                o.readiness
                    .group_counts()
                    .iter()
                    .filter(|(g, _)| g.in_scope())
                    .map(|(g, n)| format!("{} {n} 个", g.label_zh()))
                    .collect::<Vec<_>>()
                    .join("，")
            ),
            format!("问题 {} 项", a.problems.len()),
            format!(
                "{} 编制 · zdz {}",
                crate::clock::now().format("%Y-%m-%d"),
                env!("CARGO_PKG_VERSION")
            ),
        ],
    });
    if o.readiness.rubric.provisional {
        b.push(Block::Note(
            "得分依据暂行评分细则；正式评分细则到位后以正式细则为准。".into(),
        ));
    }
    b.push(Block::PageBreak);
    campaign_section(o, &mut b);
    b.push(Block::PageBreak);

    b.push(Block::Heading(1, "完成时限与验收状态".into()));
    let rows: Vec<(String, ReadinessGroup)> = a
        .clusters
        .iter()
        .enumerate()
        .map(|(i, r)| (r.deadline.clone(), o.readiness.group(i)))
        .collect();
    b.push(Block::Figure {
        svg: chart::deadlines_by_readiness(&rows, 760, 380)?,
        width: 0.95,
        caption: "各完成时限下组团数，按验收状态分".into(),
    });
    let scores: Vec<(f64, ReadinessGroup)> = scored.iter().map(|r| (r.score, r.group())).collect();
    b.push(Block::Figure {
        svg: chart::scores(&scores, o.readiness.rubric.pass_line, 760, 320)?,
        width: 0.95,
        caption: format!(
            "得分分布(暂行)，按验收状态着色，竖线为达标线 {}",
            o.readiness.rubric.pass_line
        ),
    });
    b.push(Block::PageBreak);

    b.push(Block::Heading(1, "问题分布".into()));
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_district: BTreeMap<String, usize> = BTreeMap::new();
    let index = crate::analysis::context::by_id(l.clusters.iter().map(|c| c.id.as_str()));
    for p in a
        .problems
        .iter()
        .filter(|p| !o.readiness.excluded.contains(&p.problem_id))
    {
        *by_code
            .entry(format!("{} {}", p.code.label_zh(), p.code.as_str()))
            .or_default() += 1;
        let district = p
            .cluster_id
            .as_deref()
            .and_then(|c| index.get(c))
            .and_then(|c| a.clusters[*c].district.clone())
            .unwrap_or_else(|| "组团外".into());
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
        svg: chart::bars("问题按类型", &codes, 760, (60 + 26 * codes.len()) as u32)?,
        width: 0.95,
        caption: "各类问题数量".into(),
    });
    let top: Vec<(String, usize)> = districts.iter().take(25).cloned().collect();
    b.push(Block::Figure {
        svg: chart::bars("问题按区县", &top, 760, (60 + 26 * top.len()) as u32)?,
        width: 0.95,
        caption: if districts.len() > 25 {
            "问题最多的 25 个区县".into()
        } else {
            "各区县问题数量".into()
        },
    });
    b.push(Block::PageBreak);

    b.push(Block::Heading(1, "组团分布".into()));
    let all: BTreeSet<usize> = (0..l.clusters.len()).collect();
    let drawn = maps.overview(900.0, 900.0, &all);
    b.push(Block::Figure {
        width: 1.0,
        caption: format!(
            "全部组团，按完成时限着色；坐标系 {}{}",
            maps.crs_name,
            drawn.dropped_note()
        ),
        svg: drawn.svg,
    });
    b.push(Block::PageBreak);

    b.push(Block::Heading(1, "组团一览".into()));
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
    let mut headers: Vec<String> = [
        "组团编号",
        "组团名称",
        "区县",
        "完成时限",
        "得分",
        "状态",
        "距达标措施",
        "问题数",
    ]
    .map(String::from)
    .to_vec();
    if o.ledger.is_some() {
        headers.push("逾期问题".into());
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
                deadline_zh(&r.deadline),
                s.map_or("—".into(), |s| format!("{}", round2(s.score))),
                o.readiness.group(*i).label_zh().into(),
                match s.map(|s| s.actions_to_ready()) {
                    Some(Some(n)) => n.to_string(),
                    Some(None) => "无法达标".into(),
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
        title: format!("{title} 建设进展总览"),
        ident: "zdz-overview".into(),
        header: format!("{title} · 建设进展总览 · zdz"),
        paper: Paper::A4,
        blocks: b,
    })
}

/// The city's first page: where the clusters stand as of the report's date, by deadline
/// (accepted, under recheck, overdue, in progress), the overdue clusters first with their
/// district, score and actions to ready, and the demonstration list with its candidates.
fn campaign_section(o: Outcome, b: &mut Vec<Block>) {
    let (l, a, campaign) = (&o.loaded.layers, o.analysis, o.campaign);
    let district = |i: usize| a.clusters[i].district.clone().unwrap_or_default();
    b.push(Block::Heading(
        1,
        format!("建设进度（截至 {}）", campaign.as_of),
    ));
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
            let mut row = vec![deadline_zh(d), total.to_string()];
            row.extend(shown.map(of));
            row
        })
        .collect();
    let mut headers = vec!["完成时限".to_string(), "组团".to_string()];
    headers.extend(shown.map(|s| s.label_zh().to_string()));
    b.push(Block::Table { headers, rows });

    let mut overdue: Vec<usize> = (0..l.clusters.len())
        .filter(|i| campaign.clusters[*i] == CampaignStatus::Overdue)
        .collect();
    overdue.sort_by(|x, y| {
        (a.clusters[*x].deadline.as_str(), l.clusters[*x].id.as_str())
            .cmp(&(a.clusters[*y].deadline.as_str(), l.clusters[*y].id.as_str()))
    });
    b.push(Block::Heading(
        2,
        format!("逾期组团（{} 个）", overdue.len()),
    ));
    if overdue.is_empty() {
        b.push(Block::Para("无逾期组团。".into()));
    } else {
        let rows = overdue
            .iter()
            .map(|i| {
                let s = o.readiness.clusters[*i].as_ref();
                vec![
                    l.clusters[*i].id.clone(),
                    l.clusters[*i].name.clone().unwrap_or_default(),
                    district(*i),
                    deadline_zh(&a.clusters[*i].deadline),
                    s.map_or("—".into(), |s| round2(s.score).to_string()),
                    match s.map(|s| s.actions_to_ready()) {
                        Some(Some(n)) => n.to_string(),
                        Some(None) => "无法达标".into(),
                        None => "—".into(),
                    },
                ]
            })
            .collect();
        b.push(Block::Table {
            headers: [
                "组团编号",
                "组团名称",
                "区县",
                "完成时限",
                "得分",
                "达标还需措施",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        });
    }

    let listed: Vec<usize> = (0..l.clusters.len())
        .filter(|i| l.clusters[*i].demo || l.clusters[*i].demo_candidate)
        .collect();
    b.push(Block::Heading(2, "示范清单".into()));
    if listed.is_empty() {
        b.push(Block::Para("工作空间未标注示范或示范备选组团。".into()));
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
                if c.demo { "示范" } else { "示范备选" }.to_string(),
                deadline_zh(&a.clusters[*i].deadline),
                if c.demo {
                    String::new()
                } else {
                    target.clone()
                },
                campaign.clusters[*i].label_zh().to_string(),
            ]
        })
        .collect();
    b.push(Block::Table {
        headers: [
            "组团编号",
            "组团名称",
            "区县",
            "类别",
            "完成时限",
            "示范整治节点",
            "进度",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    });
}

/// A deadline as the city reads it: its date, or 不纳入.
fn deadline_zh(d: &str) -> String {
    crate::contract::words::zh(crate::contract::Vocabulary::Deadline, d).to_string()
}
