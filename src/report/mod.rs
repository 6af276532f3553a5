//! The registry as `list`, `show`, `stats` and `context` present it: rows filtered by metadata,
//! one module's page with its inverse relationships and health, the registry in numbers, the AI
//! context bundle ([`context`]), the git figures the first three show ([`changes`]), a module's
//! snapshots over time ([`history`]), and what `health record` did with a snapshot ([`record`]).
//! Each report is a `Serialize` struct (SPEC §8 fixes its JSON) that `output` renders in any
//! `--format`.
//!
//! It sits above `registry` and `health` because it needs both (a row carries the module's
//! health summary, which `health` computes from a loaded module), and below `commands`, which
//! only turn flags into the plain queries taken here.

pub mod changes;
pub mod context;
pub mod history;
pub mod input;
pub mod list;
pub mod record;
pub mod register;
pub mod show;
pub mod stats;
