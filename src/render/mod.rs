//! Stage 7 — render: answers as text (proof trees drawn as trees), tables (tabled) and JSON
//! (serde).

pub mod json;
pub mod text;

/// Output formats of every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text; bindings as a table.
    #[default]
    Text,
    /// One JSON document per answer.
    Json,
}
