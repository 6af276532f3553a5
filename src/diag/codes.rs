use serde::{Serialize, Serializer};

use super::Severity;

macro_rules! codes {
    ($($variant:ident = $code:literal, $sev:ident, $desc:literal;)*) => {
        /// Every diagnostic modreg can emit. Codes are stable: a code is never reused for
        /// another meaning. `docs/diagnostics.md` explains each one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];
            pub fn as_str(self) -> &'static str { match self { $(Code::$variant => $code),* } }
            pub fn severity(self) -> Severity { match self { $(Code::$variant => Severity::$sev),* } }
            /// One line on what the code means.
            pub fn description(self) -> &'static str { match self { $(Code::$variant => $desc),* } }
            pub fn parse(s: &str) -> Option<Code> {
                match s.to_ascii_uppercase().as_str() { $($code => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    Io = "E001", Error, "the file could not be read";
    Encoding = "E002", Error, "the file is not UTF-8 text";
    YamlSyntax = "E003", Error, "the file is not valid YAML";
    DuplicateKey = "E004", Error, "a mapping has the same key twice";
    Limit = "E005", Error, "the file exceeds a size, nesting or alias-expansion limit";
    Documents = "E006", Error, "the file is empty or holds more than one YAML document";
    UnsupportedYaml = "E007", Error, "the file uses a YAML feature manifests do not allow (tags, complex keys)";
    JsonSyntax = "E008", Error, "input sent as JSON (to `health record` or `register`) is not valid JSON";
    UnknownKey = "E010", Error, "a key the schema does not define (often a typo)";
    MissingKey = "E011", Error, "a required key is missing";
    WrongType = "E012", Error, "a value has the wrong type";
    InvalidValue = "E013", Error, "a value is not allowed (enum, pattern, format or range)";
    SchemaViolation = "E014", Error, "the document violates its JSON Schema in another way";
    ControlCharacter = "E015", Error, "a string holds a control character (a terminal escape, NUL, or a line break in a one-line field)";
    IdMismatch = "E020", Error, "metadata.id differs from the module's directory name";
    DuplicateId = "E021", Error, "two manifests declare the same module id";
    UnknownTarget = "E030", Error, "a relationship names a module that does not exist";
    UnknownReplacement = "E031", Error, "deprecation.replaced_by names a module that does not exist";
    UnknownEntity = "E032", Error, "an operation's entity is not a data model of the module";
    UnknownOperation = "E033", Error, "an endpoint's operation is not an operation of the module";
    UnknownDataModel = "E034", Error, "provides_data_to.data names a data model the source does not define";
    DocsPath = "E035", Error, "a docs path does not exist or leaves the module directory";
    Deprecation = "E036", Error, "the deprecation block does not fit the module's status";
    RelationshipField = "E037", Error, "a relationship carries a field its type does not take, or points at itself";
    DuplicateName = "E038", Error, "two operations, data models or endpoints of one module share a name";
    DependencyCycle = "E040", Error, "depends_on relationships form a cycle";
    PartOf = "E041", Error, "part_of is declared twice or forms a cycle";
    VersionUnsatisfied = "E042", Error, "a depends_on version requirement is not met by the target's version";
    EmbeddedSchema = "E050", Error, "an embedded JSON Schema (config or data model) is not valid";
    ConfigDefaults = "E051", Error, "config.defaults does not validate against config.schema";
    RemoteRef = "E052", Error, "an embedded schema uses a $ref modreg will not resolve (no network)";
    EndpointClash = "E060", Error, "two modules claim the same METHOD and path";
    HealthModule = "E070", Error, "health.yaml names a different module than its directory";
    HealthRecords = "E071", Error, "health.yaml has records for a data model the module does not define";
    HealthFuture = "E072", Error, "a snapshot sent to `health record` was observed more than a minute in the future";
    HealthUnknownModule = "E073", Error, "`health record` names a module that is missing or whose manifest does not load";
    RegisterExists = "E080", Error, "`register` was sent a manifest whose id is already registered";
    RegisterSimilar = "E081", Error, "`register` was sent a manifest that looks like a duplicate of a registered module";
    StrayFile = "W001", Warning, "a file under the registry that no manifest uses";
    MissingManifest = "W002", Warning, "a directory under the registry has no module.yaml";
    DeprecatedDependency = "W040", Warning, "an active module depends on a deprecated or retired module";
    SharedDataModel = "W060", Warning, "two active modules define the same data model without depending on each other";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Code::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown diagnostic code `{s}`")))
    }
}
