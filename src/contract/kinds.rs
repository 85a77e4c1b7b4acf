//! The kinds of pipe and outfall the contract understands (docs/workspace.md): what each
//! carries or discharges. The loader reads them from the workspace's values (`load::values`),
//! and every output writes them as these snake_case values.

use serde::Serialize;

/// What a pipe carries.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PipeKind {
    Sewage,
    Storm,
    Combined,
}

impl PipeKind {
    pub const ALL: [PipeKind; 3] = [PipeKind::Sewage, PipeKind::Storm, PipeKind::Combined];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Sewage and combined pipes carry wastewater.
    pub fn carries_sewage(self) -> bool {
        matches!(self, PipeKind::Sewage | PipeKind::Combined)
    }
}

/// What an outfall discharges.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OutfallKind {
    Storm,
    Sewage,
    Combined,
    Plant,
}

impl OutfallKind {
    pub const ALL: [OutfallKind; 4] = [
        OutfallKind::Storm,
        OutfallKind::Sewage,
        OutfallKind::Combined,
        OutfallKind::Plant,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
