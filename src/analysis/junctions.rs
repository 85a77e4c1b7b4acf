//! What a surveyor checks at each node of the network (docs/rules.md): where sewage runs
//! into a storm pipe or storm water into a sewer (CROSS_CONNECTION_POINT, located at the
//! manhole where a district digs), where a pipe leaves higher than a pipe arrives
//! (PIPE_INVERT_STEP_UP), and where a pipe narrows downstream (PIPE_DIAMETER_DECREASE).

use geo::{Geometry, Point};
use petgraph::graph::NodeIndex;
use rayon::prelude::*;

use super::context::Context;
use super::problem::{Problem, stable_id};
use crate::contract::{Detail, LayerKind, ProblemCode, Severity};
use crate::model::{Pipe, PipeKind};
use crate::network::flow::end_inverts;

/// Every problem found at the network's nodes, node by node.
pub fn junctions(ctx: &Context) -> Vec<Problem> {
    let nodes: Vec<NodeIndex> = ctx.network.nodes().collect();
    nodes
        .par_iter()
        .flat_map_iter(|n| at_node(ctx, *n))
        .collect()
}

/// The pipes' ids, in order, as a list.
fn ids(ctx: &Context, pipes: &[usize]) -> String {
    let mut ids: Vec<&str> = pipes
        .iter()
        .map(|p| ctx.layers.pipes[*p].id.as_str())
        .collect();
    ids.sort_unstable();
    ids.join(", ")
}

/// A pipe's inverts at its upstream and downstream end, where known.
fn inverts(ctx: &Context, p: usize) -> [Option<f64>; 2] {
    let net = &ctx.network;
    let at = [net.upstream_node(p), net.downstream_node(p)].map(|n| net.manhole_at(n));
    end_inverts(&ctx.layers.pipes[p], &ctx.layers.manholes, at)
}

fn at_node(ctx: &Context, node: NodeIndex) -> Vec<Problem> {
    let net = &ctx.network;
    let pipes = &ctx.layers.pipes;
    let mut into: Vec<usize> = net.pipes_into(node).collect();
    let mut out: Vec<usize> = net.pipes_out_of(node).collect();
    if into.is_empty() || out.is_empty() {
        return Vec::new();
    }
    into.sort_unstable();
    out.sort_unstable();
    let mut found = cross_connections(ctx, node, &into, &out);
    let lowest_arrival = into
        .iter()
        .filter_map(|i| Some((inverts(ctx, *i)[1]?, *i)))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    for &o in &out {
        let leaving = &pipes[o];
        let line = || Geometry::LineString(leaving.geom.clone());
        if let (Some(up), Some((arrival, i))) = (inverts(ctx, o)[0], lowest_arrival) {
            let step = up - arrival;
            if step > ctx.project.params.step_m {
                found.push(
                    Problem::new(
                        ProblemCode::PipeInvertStepUp,
                        LayerKind::Pipes,
                        &leaving.id,
                        Detail::StepUp {
                            leaving: leaving.id.clone(),
                            up_m: up,
                            arriving: pipes[i].id.clone(),
                            arrival_m: arrival,
                        },
                    )
                    .at(line()),
                );
            }
        }
        let wider = into
            .iter()
            .filter(|i| pipes[**i].kind == leaving.kind)
            .filter_map(|i| Some((pipes[*i].diameter_mm?, *i)))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let (Some(d), Some((wide, i))) = (leaving.diameter_mm, wider)
            && d < wide
        {
            found.push(
                Problem::new(
                    ProblemCode::PipeDiameterDecrease,
                    LayerKind::Pipes,
                    &leaving.id,
                    Detail::Narrows {
                        leaving: leaving.id.clone(),
                        dn: d,
                        arriving: pipes[i].id.clone(),
                        wider_dn: wide,
                    },
                )
                .at(line()),
            );
        }
    }
    found
}

/// The node's cross-connections, one per direction: sewage into storm, storm into sewage.
fn cross_connections(
    ctx: &Context,
    node: NodeIndex,
    into: &[usize],
    out: &[usize],
) -> Vec<Problem> {
    let pipes = &ctx.layers.pipes;
    let of = |list: &[usize], f: fn(&Pipe) -> bool| -> Vec<usize> {
        list.iter().copied().filter(|p| f(&pipes[*p])).collect()
    };
    let sewage = |p: &Pipe| p.kind.carries_sewage();
    let storm = |p: &Pipe| p.kind == PipeKind::Storm;
    let directions = [
        (of(into, sewage), of(out, storm), Severity::High),
        (of(into, storm), of(out, sewage), Severity::Medium),
    ];
    let manhole = ctx
        .network
        .manhole_at(node)
        .map(|m| &ctx.layers.manholes[m]);
    let at = Geometry::Point(match manhole {
        Some(m) => m.geom,
        None => Point(ctx.network.position(node)),
    });
    directions
        .into_iter()
        .filter(|(i, o, ..)| !i.is_empty() && !o.is_empty())
        .map(|(i, o, severity)| {
            let (layer, feature) = match manhole {
                Some(m) => (LayerKind::Manholes, m.id.clone()),
                None => (LayerKind::Pipes, pipes[o[0]].id.clone()),
            };
            let mut p = Problem::new(
                ProblemCode::CrossConnectionPoint,
                layer,
                &feature,
                Detail::CrossConnection {
                    sewage_into_storm: severity == Severity::High,
                    manhole: manhole.map(|m| m.id.clone()),
                    pipes_in: ids(ctx, &i),
                    pipes_out: ids(ctx, &o),
                },
            )
            .at(at.clone());
            p.severity = severity;
            if severity != Severity::High {
                // The other direction at the same feature is another problem.
                p.problem_id = stable_id(p.code, layer, &format!("{feature}|storm_into_sewage"));
            }
            p
        })
        .collect()
}
