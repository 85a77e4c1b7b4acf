//! A cluster's 建设总结报告, the report a district submits at acceptance: 基本情况,
//! 排查情况 (what the first ledger run found), 整治成效 (first run against the latest), the
//! district's own 典型做法 and 建设亮点 (written on the cluster's page of the service and
//! kept in the ledger, else `总结/<cluster_id>.md`), and 验收情况 (the official
//! score beside zdz's, vetoes, 遗留问题, the 长效机制 answers). In Chinese, as PDF, HTML and
//! an editable DOCX.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::doc::{Block, Document, Paper};
use crate::contract::{Lang, ProblemCode, Vocabulary};
use crate::ledger::entry::Entry;
use crate::ledger::status::Status;
use crate::outcome::Outcome;
use crate::readiness::json::round2;
use crate::render::chart;

/// The district's own text for one cluster.
#[derive(Debug, Clone, Default)]
pub struct Narrative {
    /// 典型做法.
    pub practices: Vec<String>,
    /// 建设亮点.
    pub highlights: Vec<String>,
}

/// The narrative of `cluster_id` from `dir/<cluster_id>.md`: the paragraphs under a heading
/// naming 典型做法, and those under one naming 建设亮点 (a file without such headings is all
/// 典型做法). `None` when the file is missing.
pub fn read_narrative(dir: &Path, cluster_id: &str) -> Option<Narrative> {
    let text = std::fs::read_to_string(narrative_path(dir, cluster_id)).ok()?;
    let mut n = Narrative::default();
    let mut highlights = false;
    let mut paragraph = String::new();
    let flush = |p: &mut String, highlights: bool, n: &mut Narrative| {
        let t = p.trim().to_string();
        if !t.is_empty() {
            if highlights {
                n.highlights.push(t);
            } else {
                n.practices.push(t);
            }
        }
        p.clear();
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(heading) = trimmed.strip_prefix('#') {
            flush(&mut paragraph, highlights, &mut n);
            if heading.contains("建设亮点") {
                highlights = true;
            } else if heading.contains("典型做法") {
                highlights = false;
            }
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut paragraph, highlights, &mut n);
        } else {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(trimmed);
        }
    }
    flush(&mut paragraph, highlights, &mut n);
    Some(n)
}

/// The narrative of `cluster_id` written on its page of the service and kept in the ledger,
/// when there is one.
pub fn ledger_narrative(o: Outcome, cluster_id: &str) -> Option<Narrative> {
    let n = o.ledger?.narratives.get(cluster_id)?;
    Some(Narrative {
        practices: crate::ledger::narratives::Narrative::paragraphs(&n.practices),
        highlights: crate::ledger::narratives::Narrative::paragraphs(&n.highlights),
    })
}

/// Where the narrative of `cluster_id` is read from.
pub fn narrative_path(dir: &Path, cluster_id: &str) -> PathBuf {
    dir.join(format!("{cluster_id}.md"))
}

/// The cluster's entries in the ledger, when there is one.
fn entries<'a>(o: Outcome<'a>, cluster_id: &str) -> Option<Vec<&'a Entry>> {
    let view = o.ledger?;
    let mut v: Vec<&Entry> = view
        .entries
        .values()
        .filter(|e| e.cluster_ids.iter().any(|c| c == cluster_id))
        .collect();
    v.sort_by(|a, b| a.problem_id.cmp(&b.problem_id));
    Some(v)
}

/// The 建设总结报告 of cluster `i`.
pub fn document(
    o: Outcome,
    i: usize,
    narrative: Option<&Narrative>,
    w: Lang,
) -> anyhow::Result<Document> {
    let c = &o.loaded.layers.clusters[i];
    let name = c.name.clone().unwrap_or_else(|| c.id.clone());
    let mut b = vec![Block::Cover {
        title: w.summary_cover_title(&name),
        lines: vec![
            w.cluster_id_line(&c.id),
            w.made_on(
                crate::clock::now().format("%Y-%m-%d"),
                env!("CARGO_PKG_VERSION"),
            ),
        ],
    }];
    b.push(Block::PageBreak);
    basics(o, i, w, &mut b);
    survey(o, i, w, &mut b);
    effects(o, i, w, &mut b)?;
    practices(narrative, w, &mut b);
    acceptance(o, i, w, &mut b);
    Ok(Document {
        title: w.summary_title(&name),
        ident: format!("zdz-summary-{}", c.id),
        header: w.summary_header(&name, &c.id),
        paper: Paper::A4,
        blocks: b,
        lang: w,
    })
}

/// 一、基本情况: the park, its level and district, the deadline and its reason, and what the
/// cluster holds.
fn basics(o: Outcome, i: usize, w: Lang, b: &mut Vec<Block>) {
    let (l, a) = (&o.loaded.layers, o.analysis);
    let r = &a.clusters[i];
    let park = r.park.map(|p| &l.parks[p]);
    let pipes = a.pipe_clusters.iter().filter(|c| **c == Some(i)).count();
    let outfalls = a.outfalls.iter().filter(|x| x.cluster == Some(i)).count();
    let plants: Vec<String> = r
        .downstream
        .plants
        .iter()
        .map(|p| {
            l.plants[*p]
                .name
                .clone()
                .unwrap_or_else(|| l.plants[*p].id.clone())
        })
        .collect();
    b.push(Block::Heading(1, w.heading_basics()));
    b.push(Block::KeyValues(vec![
        (
            w.park(),
            park.and_then(|p| p.name.clone())
                .unwrap_or_else(|| w.not_stated()),
        ),
        (w.park_level(), super::cluster::level(w, r.park_level)),
        (
            w.district(),
            r.district.clone().unwrap_or_else(|| w.not_stated()),
        ),
        (
            w.deadline(),
            w.deadline_with_reason(
                w.word(Vocabulary::Deadline, &r.deadline),
                w.reasons(Vocabulary::DeadlineReason, &r.deadline_reason),
            ),
        ),
        (w.enterprises(), w.enterprise_count(r.enterprise_count)),
        (w.pipes(), w.pipe_count(pipes)),
        (w.outfalls(), w.outfall_count(outfalls)),
        (
            w.receiving_plants(),
            if plants.is_empty() {
                w.none()
            } else {
                w.list(&plants)
            },
        ),
    ]));
}

/// Problems counted by code and by link of the chain.
fn counted<'c>(
    codes: impl Iterator<Item = &'c str>,
    w: Lang,
) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_chain: BTreeMap<&str, usize> = BTreeMap::new();
    for code in codes {
        *by_code.entry(code).or_default() += 1;
        let chain = ProblemCode::from_name(code).map_or("其他", |c| c.chain());
        *by_chain.entry(chain).or_default() += 1;
    }
    let label = |code: &str| w.problem_named(code).to_string();
    (
        by_code
            .into_iter()
            .map(|(c, n)| vec![label(c), n.to_string()])
            .collect(),
        ["源", "网", "厂", "口", "其他"]
            .into_iter()
            .filter_map(|k| {
                by_chain
                    .get(k)
                    .map(|n| vec![w.chain(k).to_string(), n.to_string()])
            })
            .collect(),
    )
}

/// 二、排查情况: what the first ledger run found (without a ledger, this run).
fn survey(o: Outcome, i: usize, w: Lang, b: &mut Vec<Block>) {
    let c = &o.loaded.layers.clusters[i];
    b.push(Block::Heading(1, w.heading_survey()));
    let found: Vec<String> = match entries(o, &c.id) {
        Some(es) if !es.is_empty() => {
            let first = es.iter().map(|e| e.first_run).min().unwrap_or(0);
            b.push(Block::Para(w.first_survey(
                first,
                es.iter().filter(|e| e.first_run == first).count(),
            )));
            es.iter()
                .filter(|e| e.first_run == first)
                .map(|e| e.code.clone())
                .collect()
        }
        _ => {
            let codes: Vec<String> = o
                .analysis
                .problems
                .iter()
                .filter(|p| p.cluster_ids.contains(&c.id))
                .map(|p| p.code.as_str().to_string())
                .collect();
            b.push(Block::Note(w.no_ledger_survey()));
            b.push(Block::Para(w.this_survey(codes.len())));
            codes
        }
    };
    let (by_code, by_chain) = counted(found.iter().map(String::as_str), w);
    b.push(Block::Table {
        headers: Lang::columns(w.kind_count_columns()),
        rows: by_code,
    });
    b.push(Block::Table {
        headers: Lang::columns(w.chain_count_columns()),
        rows: by_chain,
    });
}

/// 三、整治成效: the first ledger run against the latest.
fn effects(o: Outcome, i: usize, w: Lang, b: &mut Vec<Block>) -> anyhow::Result<()> {
    let c = &o.loaded.layers.clusters[i];
    b.push(Block::Heading(1, w.heading_effects()));
    let score_now = o.readiness.clusters[i].as_ref().map(|s| round2(s.score));
    let Some(es) = entries(o, &c.id).filter(|es| !es.is_empty()) else {
        b.push(Block::Note(w.no_ledger_effects()));
        if let Some(s) = score_now {
            b.push(Block::Para(w.score_now(s)));
        }
        return Ok(());
    };
    let first = es.iter().map(|e| e.first_run).min().unwrap_or(0);
    let first_found: Vec<&&Entry> = es.iter().filter(|e| e.first_run == first).collect();
    let count = |f: &dyn Fn(&Entry) -> bool| es.iter().filter(|e| f(e)).count();
    let fixed = |codes: &[ProblemCode]| {
        first_found
            .iter()
            .filter(|e| codes.iter().any(|c| c.as_str() == e.code) && !e.detected)
            .count()
    };
    let score_before = o.ledger.and_then(|v| v.first_scores.get(&c.id)).copied();
    let fmt = |s: Option<f64>| s.map_or("—".to_string(), |s| s.to_string());
    b.push(Block::KeyValues(vec![
        (w.first_found(), w.problem_count_short(first_found.len())),
        (
            w.closed(),
            w.problem_count_short(count(&|e| e.status == Status::Closed)),
        ),
        (
            w.dismissed(),
            w.problem_count_short(count(&|e| e.status == Status::Dismissed)),
        ),
        (
            w.still_open(),
            w.problem_count_short(count(&|e| {
                !matches!(e.status, Status::Closed | Status::Dismissed)
            })),
        ),
        (
            w.recurrences(),
            w.times(es.iter().map(|e| e.recurrences).sum::<i64>()),
        ),
        (
            w.outfalls_now_traced(),
            w.outfall_count(fixed(&[ProblemCode::OutfallUnmatched])),
        ),
        (
            w.enterprises_now_connected(),
            w.enterprise_count(fixed(&[
                ProblemCode::EnterpriseUncovered,
                ProblemCode::EnterpriseNotConnected,
            ])),
        ),
        (
            w.score_provisional(),
            w.before_after(fmt(score_before), fmt(score_now)),
        ),
    ]));
    let now_codes: Vec<&str> = es
        .iter()
        .filter(|e| e.detected && !matches!(e.status, Status::Closed | Status::Dismissed))
        .map(|e| e.code.as_str())
        .collect();
    let (_, before) = counted(first_found.iter().map(|e| e.code.as_str()), w);
    let (_, now) = counted(now_codes.into_iter(), w);
    let n = |rows: &[Vec<String>], k: &str| {
        rows.iter()
            .find(|r| r[0] == w.chain(k))
            .and_then(|r| r[1].parse().ok())
            .unwrap_or(0)
    };
    let rows: Vec<(String, usize)> = ["源", "网", "厂", "口"]
        .iter()
        .flat_map(|k| {
            [
                (w.chain_first(w.chain(k)), n(&before, k)),
                (w.chain_now(w.chain(k)), n(&now, k)),
            ]
        })
        .collect();
    b.push(Block::Figure {
        svg: chart::bars(&w.chart_before_after(), &rows, 720, 320)?,
        width: 0.9,
        caption: w.before_after_caption(),
    });
    Ok(())
}

/// 四、典型做法与建设亮点: the district's own words, or 待填写.
fn practices(narrative: Option<&Narrative>, w: Lang, b: &mut Vec<Block>) {
    b.push(Block::Heading(1, w.heading_practices()));
    for (title, paragraphs) in [
        (w.practices(), narrative.map(|n| &n.practices)),
        (w.highlights(), narrative.map(|n| &n.highlights)),
    ] {
        b.push(Block::Heading(2, title));
        match paragraphs.filter(|p| !p.is_empty()) {
            Some(ps) => b.extend(ps.iter().cloned().map(Block::Para)),
            None => b.push(Block::Para(w.to_write())),
        }
    }
}

/// 五、验收情况: the official score beside zdz's item by item, vetoes, 遗留问题 and the
/// 长效机制 answers.
fn acceptance(o: Outcome, i: usize, w: Lang, b: &mut Vec<Block>) {
    let c = &o.loaded.layers.clusters[i];
    b.push(Block::Heading(1, w.heading_acceptance()));
    let scored = o.readiness.clusters[i].as_ref();
    let accepted = o.ledger.and_then(|v| v.acceptances.get(&c.id));
    match accepted {
        Some(a) => b.push(Block::KeyValues(vec![
            (w.accepted_on(), a.accepted_on.clone()),
            (w.official_score(), a.score.to_string()),
            (
                w.zdz_score(),
                a.zdz_score.map_or("—".into(), |s| s.to_string()),
            ),
            (w.scored_by(), a.by.clone()),
            (
                w.conclusion(),
                if a.passes(o.readiness.rubric.pass_line) {
                    w.passed()
                } else {
                    w.not_passed()
                },
            ),
        ])),
        None => b.push(Block::Para(w.not_accepted())),
    }
    let rows = o
        .readiness
        .rubric
        .items
        .iter()
        .map(|item| {
            vec![
                item.id.clone(),
                w.pick(&item.name_zh, &item.name_en).to_string(),
                item.points.to_string(),
                accepted
                    .and_then(|a| a.items.get(&item.id))
                    .map_or("—".into(), |p| p.to_string()),
                scored
                    .and_then(|s| s.item(&item.id))
                    .map_or("—".into(), |s| round2(s.points).to_string()),
            ]
        })
        .collect();
    b.push(Block::Table {
        headers: Lang::columns(w.acceptance_columns()),
        rows,
    });
    let veto: Vec<String> = scored
        .map(|s| {
            s.veto
                .iter()
                .map(|p| format!("{} {} ({})", p.problem_id, w.problem(p.code), p.feature_id))
                .collect()
        })
        .unwrap_or_default();
    b.push(Block::Heading(2, w.heading_veto()));
    b.push(Block::Para(if veto.is_empty() {
        w.none_yet()
    } else {
        veto.join(w.pick("；", "; "))
    }));
    b.push(Block::Heading(2, w.heading_remaining()));
    let remaining: Vec<Vec<String>> = entries(o, &c.id)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| !matches!(e.status, Status::Closed | Status::Dismissed))
        .map(|e| {
            let code = ProblemCode::from_name(&e.code);
            vec![
                e.problem_id.clone(),
                w.problem_named(&e.code).to_string(),
                code.map_or("", |c| w.word(Vocabulary::Severity, c.severity().as_str()))
                    .to_string(),
                w.pick(e.status.zh(), e.status.en()).to_string(),
                e.due.clone().unwrap_or_default(),
            ]
        })
        .collect();
    if remaining.is_empty() {
        b.push(Block::Para(w.none_yet()));
    } else {
        b.push(Block::Table {
            headers: Lang::columns(w.remaining_columns()),
            rows: remaining,
        });
    }
    b.push(Block::Heading(2, w.heading_long_term()));
    let answer = |f: &str| match c.answers.get(f) {
        Some(a) => w.yes_no(a.holds()).to_string(),
        None => w.to_answer(),
    };
    b.push(Block::KeyValues(vec![
        (w.om_contract(), answer("om_contract")),
        (w.patrol(), answer("patrol")),
    ]));
}
