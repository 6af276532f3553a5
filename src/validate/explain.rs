//! The long explanation of every diagnostic code: what it means, a wrong manifest and its fix.
//! `modreg explain`, the SARIF rules' help and `docs/diagnostics.md` are all rendered from these
//! texts, so they cannot drift apart. The texts are Markdown with fenced examples.

use std::fmt::Write as _;

use crate::diag::Code;

/// The explanation of `code` in Markdown. A `match`, so a new code does not compile until it
/// is explained here.
pub fn long_text(code: Code) -> &'static str {
    match code {
        Code::Io => {
            r##"modreg could not read a file under the registry: it is unreadable (permissions), not a
regular file (a socket, a device), or a symbolic link. modreg does not follow links inside the
registry, so that what is reviewed in a pull request is what gets validated.

Wrong:

```text
registry/crm/module.yaml -> ../../shared/crm.yaml   (a symbolic link)
```

Fix: put the file itself in the module directory.

```text
registry/crm/module.yaml                             (a regular file)
```
"##
        }
        Code::Encoding => {
            r##"The file is not UTF-8 text: it was saved in another encoding (Latin-1, UTF-16) or is binary.
YAML files in the registry are UTF-8; a byte-order mark is allowed.

Wrong (saved as Latin-1, the `é` is the single byte `0xE9`):

```yaml
metadata:
  name: Caf\xE9 orders
```

Fix: re-save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`.

```yaml
metadata:
  name: Café orders
```
"##
        }
        Code::YamlSyntax => {
            r##"The file is not valid YAML, so nothing else in it can be checked. Common causes are a tab
used for indentation, a value that starts with a character YAML reserves (`@`, `` ` ``, `%`,
`*`, `&`, `!`, `|`, `>`) or contains `: `, and unbalanced brackets or quotes.

Wrong:

```yaml
metadata:
  description: Handles: contacts, deals
```

Fix: quote the value.

```yaml
metadata:
  description: "Handles: contacts, deals"
```
"##
        }
        Code::DuplicateKey => {
            r##"A mapping holds the same key twice. Most YAML parsers silently keep the last value, which
hides mistakes; modreg refuses the file and points at the second occurrence.

Wrong:

```yaml
metadata:
  status: active
  status: deprecated
```

Fix: keep one of them.

```yaml
metadata:
  status: deprecated
```
"##
        }
        Code::Limit => {
            r##"The file exceeds one of modreg's limits: 8 MiB of text, 64 levels of nesting, 250 000 nodes,
or aliases that would expand beyond that (a "billion laughs" document). The limits keep
validation fast and safe on untrusted input; a real manifest is far below them.

Wrong:

```yaml
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
# … and so on, each level ten times the last
```

Fix: write the content out plainly, and move bulk data out of the manifest.

```yaml
capabilities:
  operations:
    - { name: list_contacts, kind: list, entity: Contact }
```
"##
        }
        Code::Documents => {
            r##"A manifest or health snapshot is exactly one YAML document. The file is empty (or only
comments), or holds several documents separated by `---`.

Wrong:

```yaml
apiVersion: modreg/v1
kind: Module
metadata: { id: crm, … }
---
apiVersion: modreg/v1
kind: Module
metadata: { id: billing, … }
```

Fix: one module per directory, one document per file.

```yaml
# registry/crm/module.yaml
apiVersion: modreg/v1
kind: Module
metadata: { id: crm, … }
```
"##
        }
        Code::UnsupportedYaml => {
            r##"The file uses a YAML feature that manifests do not allow: tags outside the YAML core schema
(`!Ref`, `!!binary`; `!!str` is fine), or keys that are empty, null or collections. Manifests are plain data that every tool reads
the same way.

Wrong:

```yaml
metadata:
  name: !upper crm
  ? [a, b]
  : value
```

Fix: plain scalars as values, plain names as keys.

```yaml
metadata:
  name: CRM
```
"##
        }
        Code::JsonSyntax => {
            r##"`modreg health record` and `modreg register` read their input as JSON when it starts with
`{` (after any white space), and the input is not valid JSON. The position is that of the first fault, in the input
as it was sent (`<stdin>` for standard input). Input that is not JSON but is valid YAML (a flow
mapping such as `{status: healthy}`) is read as YAML instead; this code means it is neither.
Common causes are a missing comma, a comma after the last entry, single quotes, and output cut
off before its closing `}`.

Wrong:

```json
{
  "module": "crm",
  "status": "healthy"
  "observed_at": "2026-11-20T12:00:00Z",
}
```

Fix: a comma between entries, none after the last.

```json
{
  "module": "crm",
  "status": "healthy",
  "observed_at": "2026-11-20T12:00:00Z"
}
```
"##
        }
        Code::UnknownKey => {
            r##"A key that the schema does not define at that place, most often a typo or a key at the
wrong indentation. The hint names the closest allowed key, or lists the allowed ones. Unknown
keys are errors (not ignored) so that a misspelt optional key does not silently do nothing.

Wrong:

```yaml
metadata:
  id: crm
  nmae: Customer Relationship Management
```

Fix:

```yaml
metadata:
  id: crm
  name: Customer Relationship Management
```
"##
        }
        Code::MissingKey => {
            r##"A key the schema requires is missing from the mapping the diagnostic points at. A manifest
needs `apiVersion`, `kind` and `metadata` with `id`, `name`, `version`, `status`, `type` and
`created` (`at` and `by`); list entries have required keys of their own.

Wrong:

```yaml
metadata:
  id: crm
  name: Customer Relationship Management
  status: active
  type: crud
  created: { at: 2025-03-14T09:30:00Z, by: sales-platform-team }
```

Fix: add the missing key (here `version`).

```yaml
metadata:
  id: crm
  name: Customer Relationship Management
  version: 1.4.0
  status: active
  type: crud
  created: { at: 2025-03-14T09:30:00Z, by: sales-platform-team }
```
"##
        }
        Code::WrongType => {
            r##"A value has the wrong type: a list where a mapping belongs, a number where a string belongs.
YAML guesses types from the text, so `1.0`, `yes`, `null` or `2025-01-01` may not be the
strings they look like; quote them.

Wrong:

```yaml
metadata:
  owners: sales-platform-team
  version: 1.0
```

Fix: a list for `owners`, a quoted string for `version`.

```yaml
metadata:
  owners: [sales-platform-team]
  version: "1.0.0"
```
"##
        }
        Code::InvalidValue => {
            r##"The value has the right type but is not allowed: not one of the listed choices, not in the
form its field takes (a module id, a semantic version, an operation or data model name, an
endpoint path, a duration), not a valid date-time or URL, or out of range. The message names
the rule and the hint shows the accepted form, with the value rewritten in that form when the
intent is plain (`CRM_Module` → `crm-module`, `7 days` → `7d`).

Wrong:

```yaml
metadata:
  id: CRM_Module
  status: actve
  created: { at: 14/03/2025, by: sales-platform-team }
```

Fix:

```yaml
metadata:
  id: crm-module
  status: active
  created: { at: 2025-03-14T09:30:00Z, by: sales-platform-team }
```
"##
        }
        Code::SchemaViolation => {
            r##"The document violates its JSON Schema in a way no more specific code describes, for example
a `oneOf` that matches no branch or a list whose items must be unique. The message quotes the
schema's own explanation; `modreg schema module` prints the schema.

Wrong:

```yaml
metadata:
  tags: [sales, sales]
```

Fix:

```yaml
metadata:
  tags: [sales]
```
"##
        }
        Code::ControlCharacter => {
            r##"A string of a manifest or health snapshot holds a control character (Unicode category Cc:
U+0000–U+001F, U+007F–U+009F). Names, descriptions and the rest are printed on terminals by
`list`, `show` and `validate`, where ESC starts colour and window-title sequences, BEL rings
and a carriage return writes over the line; in a file they are invisible in review. They
usually come from a double-quoted YAML escape (`"\e"`, `"\x1b"`, `"\a"`, `"\0"`) or from text
pasted out of a terminal. Every string is checked, mapping keys included.

A line feed or a tab is text only in the fields that hold several lines: every
`description`, `metadata.deprecation.reason`, `docs.summary`, `docs.relationships`, a health
issue's `summary`, and the string values inside `config.schema`, `config.defaults` and the
data model schemas. Anywhere else (a name, an id, a path, a tag, an owner) the value is one
line. A carriage return is never allowed: YAML already ends every line of a block scalar
with a line feed.

Wrong:

```yaml
metadata:
  name: "CRM \e[31mURGENT\e[0m"
  owners: ["sales-team\n"]
```

Fix:

```yaml
metadata:
  name: CRM
  owners: [sales-team]
  description: |
    Two lines
    are fine here.
```
"##
        }
        Code::IdMismatch => {
            r##"`metadata.id` must equal the name of the directory that holds the manifest, so that a
module's path and its id never disagree (`registry/crm/module.yaml` declares `id: crm`).

Wrong:

```yaml
# registry/crm/module.yaml
metadata:
  id: customer-relationship
```

Fix: change the id, or rename the directory to match it.

```yaml
# registry/crm/module.yaml
metadata:
  id: crm
```
"##
        }
        Code::DuplicateId => {
            r##"Two manifests declare the same module id. Ids are how relationships name modules, so each
must be unique; usually a directory was copied and the id not changed (which also reports
E020 for the copy).

Wrong:

```yaml
# registry/crm-v2/module.yaml
metadata:
  id: crm
```

Fix:

```yaml
# registry/crm-v2/module.yaml
metadata:
  id: crm-v2
```
"##
        }
        Code::UnknownTarget => {
            r##"A relationship's `target` names no module in the registry: a typo, a module that was
removed, or one whose manifest does not load (fix that one first). The hint suggests the
closest existing id.

Wrong:

```yaml
relationships:
  - { type: depends_on, target: authentication }
```

Fix:

```yaml
relationships:
  - { type: depends_on, target: auth }
```
"##
        }
        Code::UnknownReplacement => {
            r##"`metadata.deprecation.replaced_by` names a module that does not exist. Readers follow it to
the successor, so it must name a real module (or be left out until the successor exists).

Wrong:

```yaml
metadata:
  status: deprecated
  deprecation: { since: 2026-01-10, replaced_by: crm2, reason: Rewritten. }
```

Fix:

```yaml
metadata:
  status: deprecated
  deprecation: { since: 2026-01-10, replaced_by: crm-v2, reason: Rewritten. }
```
"##
        }
        Code::UnknownEntity => {
            r##"An operation's `entity` must be one of the module's own `capabilities.data_models`, so that
"what does this operation act on" has an answer in the registry.

Wrong:

```yaml
capabilities:
  operations:
    - { name: create_contact, kind: create, entity: Contacts }
  data_models:
    - { name: Contact, schema: { type: object } }
```

Fix:

```yaml
capabilities:
  operations:
    - { name: create_contact, kind: create, entity: Contact }
  data_models:
    - { name: Contact, schema: { type: object } }
```
"##
        }
        Code::UnknownOperation => {
            r##"An endpoint's `operation` must name one of the module's `capabilities.operations`: every
endpoint says which operation it exposes.

Wrong:

```yaml
capabilities:
  operations:
    - { name: create_contact, kind: create, entity: Contact }
  endpoints:
    - { method: POST, path: /api/crm/contacts, operation: add_contact }
```

Fix:

```yaml
capabilities:
  operations:
    - { name: create_contact, kind: create, entity: Contact }
  endpoints:
    - { method: POST, path: /api/crm/contacts, operation: create_contact }
```
"##
        }
        Code::UnknownDataModel => {
            r##"A `provides_data_to` relationship lists in `data` the data models that flow to the target;
each must be a data model the source module itself defines.

Wrong:

```yaml
capabilities:
  data_models:
    - { name: Contact, schema: { type: object } }
relationships:
  - { type: provides_data_to, target: analytics, data: [Contact, Invoice] }
```

Fix: list only the module's own data models.

```yaml
relationships:
  - { type: provides_data_to, target: analytics, data: [Contact] }
```
"##
        }
        Code::DocsPath => {
            r##"`docs.usage` and `docs.api` are paths relative to the module directory. The file must
exist, and the path must stay inside the module directory (no `..`, no absolute path), so
that a module's docs move and get reviewed with it.

Wrong:

```yaml
docs:
  usage: ../shared/usage.md
  api: docs/api.md          # the file does not exist
```

Fix: keep the files in the module directory.

```yaml
docs:
  usage: docs/usage.md
  api: docs/api.md          # registry/crm/docs/api.md exists
```
"##
        }
        Code::Deprecation => {
            r##"The `metadata.deprecation` block is required when `status` is `deprecated` or `retired`
(since when, why, and optionally the replacement) and forbidden for every other status.

Wrong:

```yaml
metadata:
  status: deprecated
```

Fix:

```yaml
metadata:
  status: deprecated
  deprecation:
    since: 2026-01-10
    replaced_by: crm-v2
    reason: Rewritten on the event bus.
```
"##
        }
        Code::RelationshipField => {
            r##"A relationship carries a field its type does not take (`version` belongs to `depends_on`
only, `data` to `provides_data_to` only), or a module points at itself.

Wrong:

```yaml
# registry/crm/module.yaml
relationships:
  - { type: integrates_with, target: email, version: ">=1.0.0" }
  - { type: depends_on, target: crm }
```

Fix:

```yaml
relationships:
  - { type: integrates_with, target: email }
  - { type: depends_on, target: auth, version: ">=2.0.0, <3.0.0" }
```
"##
        }
        Code::DuplicateName => {
            r##"Within one module, operation names, data model names and endpoints (`METHOD path`) must be
unique: references to them by name would otherwise be ambiguous.

Wrong:

```yaml
capabilities:
  operations:
    - { name: create_contact, kind: create, entity: Contact }
    - { name: create_contact, kind: action, description: Import contacts. }
```

Fix:

```yaml
capabilities:
  operations:
    - { name: create_contact, kind: create, entity: Contact }
    - { name: import_contacts, kind: action, description: Import contacts. }
```
"##
        }
        Code::DependencyCycle => {
            r##"`depends_on` relationships form a cycle, so there is no order in which the modules can be
built or deployed. Every elementary cycle gets its own diagnostic, at the relationship from
the cycle's first module (the smallest id) to the next, and the message lists the whole cycle:
`depends_on cycle: auth → billing → crm → auth`. The cycles are the ones `modreg graph` lists
under `cycles` in JSON and draws in red. A few relationships can close a great many cycles, so
only the first 100 (in id order) are listed; one more diagnostic says how many are left out
and shows the next. Break a cycle by removing one edge or turning it into `integrates_with`
(optional, cycles allowed). A module that depends on itself is E037.

Wrong:

```yaml
# registry/crm/module.yaml
relationships:
  - { type: depends_on, target: billing }
# registry/billing/module.yaml
relationships:
  - { type: depends_on, target: crm }
```

Fix:

```yaml
# registry/billing/module.yaml
relationships:
  - { type: integrates_with, target: crm }
```
"##
        }
        Code::PartOf => {
            r##"`part_of` places a module under a parent. A module has at most one parent, and the hierarchy
has no cycles (it is a forest). A second parent is reported at its `part_of`; each cycle is
reported as `part_of cycle: a → b → a`, listed and bounded as E040 lists `depends_on` cycles.

Wrong:

```yaml
# registry/crm/module.yaml
relationships:
  - { type: part_of, target: sales-suite }
  - { type: part_of, target: customer-suite }
```

Fix: keep one parent; express other ties with `integrates_with`.

```yaml
relationships:
  - { type: part_of, target: sales-suite }
  - { type: integrates_with, target: customer-suite }
```
"##
        }
        Code::VersionUnsatisfied => {
            r##"A `depends_on` relationship's `version` is a semantic-version requirement; the target
module's `metadata.version` does not satisfy it. Either the requirement is stale or the target
moved to a new major version.

Wrong (auth is at version 3.1.0):

```yaml
relationships:
  - { type: depends_on, target: auth, version: ">=2.0.0, <3.0.0" }
```

Fix: update the requirement once the module works with the new version.

```yaml
relationships:
  - { type: depends_on, target: auth, version: ">=3.0.0, <4.0.0" }
```
"##
        }
        Code::EmbeddedSchema => {
            r##"`config.schema` and every `capabilities.data_models[].schema` must themselves be valid JSON
Schemas (draft 2020-12): known types, well-formed keywords, regular expressions that compile,
and local references that name something. Every `$ref: "#/…"` must be a JSON pointer to a part
of the same schema and every `$ref: "#name"` must match an `$anchor`, wherever it sits (an
unused `$defs` entry or an `if` without `then` included); each one that names nothing is
reported at the `$ref`. References outside the schema are E052.

Wrong:

```yaml
config:
  schema:
    type: obj
    required: pipeline_stages
```

Fix:

```yaml
config:
  schema:
    type: object
    required: [pipeline_stages]
```
"##
        }
        Code::ConfigDefaults => {
            r##"`config.defaults` must validate against `config.schema`: the module's own defaults are a
configuration it must accept.

Wrong:

```yaml
config:
  schema:
    type: object
    properties:
      lead_score_threshold: { type: integer, maximum: 100 }
  defaults:
    lead_score_threshold: 150
```

Fix:

```yaml
config:
  defaults:
    lead_score_threshold: 60
```
"##
        }
        Code::RemoteRef => {
            r##"An embedded schema uses a `$ref` that points outside the schema itself (a URL or another
file). modreg never fetches over the network, so it cannot check such a reference; keep
shared definitions inside the schema under `$defs`.

Wrong:

```yaml
schema:
  $ref: https://schemas.example.com/contact.json
```

Fix:

```yaml
schema:
  $ref: "#/$defs/contact"
  $defs:
    contact: { type: object, required: [id] }
```
"##
        }
        Code::EndpointClash => {
            r##"Two modules claim the same endpoint (`METHOD path`): requests could not be routed. Give one
of them its own path, usually under its module's prefix.

Wrong:

```yaml
# registry/crm/module.yaml
endpoints:
  - { method: GET, path: /api/contacts, operation: list_contacts }
# registry/email/module.yaml
endpoints:
  - { method: GET, path: /api/contacts, operation: list_recipients }
```

Fix:

```yaml
# registry/email/module.yaml
endpoints:
  - { method: GET, path: /api/email/recipients, operation: list_recipients }
```
"##
        }
        Code::HealthModule => {
            r##"A `health.yaml` snapshot belongs to the module of its directory; its `module` key must name
that module (usually the file was copied from another module).

Wrong:

```yaml
# registry/billing/health.yaml
module: crm
```

Fix:

```yaml
# registry/billing/health.yaml
module: billing
```
"##
        }
        Code::HealthRecords => {
            r##"The keys of a health snapshot's `records` are data model names of the module; one names a
data model the manifest does not define (renamed or removed).

Wrong (crm defines Contact and Deal):

```yaml
records:
  Contacts: { count: 12450, last_updated: 2026-11-20T11:58:00Z }
```

Fix:

```yaml
records:
  Contact: { count: 12450, last_updated: 2026-11-20T11:58:00Z }
```
"##
        }
        Code::HealthFuture => {
            r##"`modreg health record` refuses a snapshot whose `observed_at` lies more than a minute
after the clock of the machine recording it. A snapshot from the future would never turn
stale, so a module whose monitoring stopped would look healthy for as long as the skew lasts.
The usual cause is the monitoring host's clock, or a local time written with `Z` (UTC).

`validate` does not report this: its result depends only on the files (the parse cache and CI
rely on that), and a future timestamp stops being one as time passes. The check belongs to the
moment a snapshot is written.

Wrong (recorded at 2026-11-20T12:00:00Z; 14:00 was local time, UTC+2):

```yaml
observed_at: 2026-11-20T14:00:00Z
```

Fix: the time the snapshot was taken, with its real offset.

```yaml
observed_at: 2026-11-20T14:00:00+02:00
```
"##
        }
        Code::HealthUnknownModule => {
            r##"`modreg health record ID` names a module the registry does not have, or one whose manifest
does not load, so there is no module directory to write the snapshot to. The id is usually
misspelt, or the module was renamed or removed; a module whose manifest is broken must be
fixed first (`modreg validate` says why).

Wrong (the registry has `crm`):

```text
$ modreg health record crn snapshot.json
```

Fix:

```text
$ modreg health record crm snapshot.json
```
"##
        }
        Code::RegisterExists => {
            r##"`modreg register` writes `registry/ID/module.yaml` for a new module only; it never replaces a
manifest. The id in `metadata.id` already has one, either because the module exists (the
pipeline meant to change it, or picked an id that is taken) or because another registration
of the same id landed first. Nothing was written.

Wrong (the registry has `crm`):

```yaml
metadata:
  id: crm
  name: Customer accounts
```

Fix: pick an id of its own, or change the existing module through a reviewed edit of its
manifest.

```yaml
metadata:
  id: customer-accounts
  name: Customer accounts
```
"##
        }
        Code::RegisterSimilar => {
            r##"`modreg register` compares a new manifest with every registered module the way `modreg
search` ranks modules (names, descriptions, tags, operations, data models, endpoints, events,
docs summary), and refuses one whose similarity score to a module reaches the threshold
(`register.similarity_threshold` in `modreg.yaml`). An AI pipeline that generates a module for
something the registry already has should extend or depend on that module instead. The
diagnostic names the similar modules and their scores.

Wrong (the registry has `crm`, "Customer relationship management"):

```yaml
metadata:
  id: customer-hub
  name: Customer hub
  description: Keeps client companies, their contacts and the deals in progress.
```

Fix: use the existing module (add a `depends_on` to it, or extend it), or, when the new module
is genuinely different, say how in its name and description, or register it anyway:

```text
$ modreg register --allow-similar customer-hub.yaml
```
"##
        }
        Code::StrayFile => {
            r##"A file under the registry that no manifest uses: not a `module.yaml`, not a `health.yaml`,
not a file named in a manifest's `docs`. It is often a leftover or a misnamed manifest. Files
directly under the registry (other than a README) and symbolic links are reported too.

Wrong:

```text
registry/crm/module.yml        (misnamed)
registry/notes.txt             (belongs to no module)
```

Fix: rename, reference it from `docs`, or move it out of the registry.

```text
registry/crm/module.yaml
```
"##
        }
        Code::MissingManifest => {
            r##"A directory directly under the registry has no `module.yaml`, so it is not a module.
Either the manifest is missing or the directory should not be there.

Wrong:

```text
registry/reports/docs/usage.md   (no registry/reports/module.yaml)
```

Fix: create the manifest (`modreg new reports --type analytics --name Reports`) or remove the
directory.

```text
registry/reports/module.yaml
registry/reports/docs/usage.md
```
"##
        }
        Code::DeprecatedDependency => {
            r##"An `active` module depends on a module whose status is `deprecated` or `retired`. This is a
warning (`--strict` makes it an error): plan the move to the replacement named in the
target's `deprecation.replaced_by`.

Wrong (legacy-fax is deprecated, replaced by notifications):

```yaml
metadata:
  status: active
relationships:
  - { type: depends_on, target: legacy-fax }
```

Fix:

```yaml
relationships:
  - { type: depends_on, target: notifications }
```
"##
        }
        Code::SharedDataModel => {
            r##"Two active modules define a data model with the same name and neither depends on the other:
two sources of truth for one entity is usually an AI-generated duplicate. This is a warning:
make one module own the model and have the other depend on it (or rename one if they are
different things).

Wrong:

```yaml
# registry/crm/module.yaml and registry/billing/module.yaml both define
capabilities:
  data_models:
    - { name: Customer, schema: { type: object } }
```

Fix:

```yaml
# registry/billing/module.yaml: use crm's Customer
relationships:
  - { type: depends_on, target: crm }
```
"##
        }
    }
}

/// The explanation for a terminal or a plain-text field: fences removed and examples indented.
pub fn plain_text(code: Code) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in long_text(code).lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str("    ");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `docs/diagnostics.md`: every code with its severity, description and explanation.
pub fn markdown() -> String {
    let mut out = String::from(
        "<!-- Generated by `modreg explain --markdown` from src/validate/explain.rs; do not edit.\n     \
         Regenerate with `MODREG_BLESS=1 cargo test --test cli explain`. -->\n\n\
         # Diagnostics\n\n\
         Every finding of `modreg validate` has a stable code: `E…` codes are errors (exit status 1),\n\
         `W…` codes are warnings (errors under `--strict`). A code is never reused for another\n\
         meaning. `modreg explain CODE` prints the same text in the terminal.\n\n\
         | Code | Severity | Meaning |\n|---|---|---|\n",
    );
    for &code in Code::ALL {
        let _ = writeln!(
            out,
            "| [{code}](#{}) | {} | {} |",
            code.as_str().to_ascii_lowercase(),
            code.severity().as_str(),
            code.description()
        );
    }
    for &code in Code::ALL {
        out.push('\n');
        out.push_str(&section(code));
    }
    out
}

/// One code's section of `docs/diagnostics.md`.
pub fn section(code: Code) -> String {
    format!("## {code}\n\n**{}**: {}.\n\n{}", code.severity().as_str(), code.description(), long_text(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_explanation_has_an_example_and_its_fix() {
        for &code in Code::ALL {
            let text = long_text(code);
            assert!(text.contains("\nWrong"), "{code}: no wrong example");
            assert!(text.contains("\nFix"), "{code}: no fix");
            assert_eq!(text.matches("```").count(), 4, "{code}: two fenced examples");
            assert!(text.ends_with("```\n"), "{code}: ends with its fix");
        }
    }

    #[test]
    fn plain_text_has_no_fences() {
        let t = plain_text(Code::UnknownKey);
        assert!(!t.contains("```"));
        assert!(t.contains("\n    metadata:\n      id: crm\n      nmae: Customer"), "{t}");
    }
}
