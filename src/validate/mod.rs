//! Checks over a loaded registry (SPEC §5). Every check appends located [`Diagnostic`]s; none
//! stops at the first problem and none prints.

mod codes;
mod diagnostic;
pub mod explain;
pub mod schema;

pub use codes::Code;
pub use diagnostic::{Diagnostic, Severity, normalize};
pub mod checks;
