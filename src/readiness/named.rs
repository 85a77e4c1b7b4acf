//! The feature ids some problem names, asked once for each of the 2.7 million members of
//! a national workspace, of which some 80,000 are named: a bit filter (one hash, one bit
//! of a table that stays in cache) answers "no" for nearly all of them before the set is
//! asked, so a member costs a few nanoseconds instead of a hash-table probe.

use std::collections::HashSet;
use std::hash::BuildHasher;

use crate::contract::LayerKind;

type Fast = foldhash::fast::FixedState;

pub struct Named<'a> {
    set: HashSet<(LayerKind, &'a str), Fast>,
    /// One bit per slot; a named id sets the bit its hash picks.
    bits: Vec<u64>,
    mask: u64,
}

fn hash(layer: LayerKind, id: &str) -> u64 {
    Fast::default().hash_one((layer, id))
}

impl<'a> Named<'a> {
    pub fn new(ids: impl Iterator<Item = (LayerKind, &'a str)>) -> Named<'a> {
        let set: HashSet<(LayerKind, &'a str), Fast> = ids.collect();
        // About 16 bits per id: one member in 16 that no problem names goes on to the set.
        let slots = (set.len() * 16).next_power_of_two().max(64) as u64;
        let mut bits = vec![0u64; (slots / 64) as usize];
        for (layer, id) in &set {
            let b = hash(*layer, id) & (slots - 1);
            bits[(b / 64) as usize] |= 1 << (b % 64);
        }
        Named {
            set,
            bits,
            mask: slots - 1,
        }
    }

    pub fn contains(&self, layer: LayerKind, id: &str) -> bool {
        let b = hash(layer, id) & self.mask;
        self.bits[(b / 64) as usize] & (1 << (b % 64)) != 0 && self.set.contains(&(layer, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_ids_are_found_and_no_other_id_is() {
        let ids: Vec<String> = (0..5000).map(|i| format!("P{i}")).collect();
        let named = Named::new(
            ids.iter()
                .step_by(3)
                .map(|s| (LayerKind::Pipes, s.as_str())),
        );
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(named.contains(LayerKind::Pipes, id), i % 3 == 0, "{id}");
            assert!(!named.contains(LayerKind::Enterprises, id), "{id}");
        }
        assert!(!Named::new(std::iter::empty()).contains(LayerKind::Pipes, "P1"));
    }
}
