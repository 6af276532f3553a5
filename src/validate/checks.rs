//! Registry-wide rules over the typed modules (SPEC §5, checks 3–8). Each check walks the
//! modules once and uses the registry's prebuilt indexes; none is quadratic in modules.

use crate::registry::Registry;
use crate::validate::schema::closest;
use crate::validate::{Code, Diagnostic};

/// Every registry-level check, in order.
pub fn run(reg: &Registry) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    relationship_targets(reg, &mut out);
    out
}

/// Located diagnostic at a JSON pointer of a module's manifest.
pub(crate) fn at(reg: &Registry, module: usize, code: Code, pointer: &str, message: String) -> Diagnostic {
    let m = &reg.modules[module];
    let loc = m.manifest.doc.locate(pointer);
    Diagnostic::new(code, &m.manifest.path, loc.value, message).at_path(pointer)
}

fn relationship_targets(reg: &Registry, out: &mut Vec<Diagnostic>) {
    let ids: Vec<String> = reg.ids().map(str::to_owned).collect();
    for (i, m) in reg.modules.iter().enumerate() {
        for (r, rel) in m.m().relationships.iter().enumerate() {
            if reg.index_of(&rel.target).is_none() {
                let hint = match closest(&rel.target, &ids) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None if reg.broken.contains(&rel.target) => {
                        format!("`{}` exists but its manifest does not load; fix it first", rel.target)
                    }
                    None => format!("create it with `modreg new {} --type … --name …` or fix the id", rel.target),
                };
                out.push(
                    at(
                        reg,
                        i,
                        Code::UnknownTarget,
                        &format!("/relationships/{r}/target"),
                        format!("{} target `{}` is not a module in the registry", rel.kind, rel.target),
                    )
                    .hint(hint),
                );
            }
        }
    }
}
