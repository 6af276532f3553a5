//! Ranking modules by how well they match a free-text description: `modreg search`, and the
//! duplicate check of `modreg register` ([`Index::similar`]).
//!
//! **Model.** BM25F (Robertson & Zaragoza, "The Probabilistic Relevance Framework", §3.4): each
//! module is a document of [`FIELDS`]; a term's frequency in each field is normalised by that
//! field's length against its average and multiplied by the field's weight, the sums are
//! saturated once per term (`tf / (K1 + tf)`) and weighted by the term's inverse document
//! frequency (Lucene's `ln(1 + (N - df + 0.5) / (df + 0.5))`, never negative). Saturating the
//! sum rather than each field is what makes a word said in the name and again in the tags
//! count for more than once, but not for twice. This is about eighty lines; the BM25 crates on
//! crates.io score one flat text per document, and flattening the fields would lose the
//! weights, so it is written here.
//!
//! **Text.** Fields and queries go through [`text`]: identifiers split (`send_sms`,
//! `PatientRecord`, `/v1/patients/{id}` → patient), stopwords dropped, Snowball English stems.
//! Each query word also looks for its [`synonyms`] at [`synonyms::SYNONYM_WEIGHT`]; a query term
//! scores the best of its alternatives, never their sum, so a synonym can stand in for a
//! word but never outweigh it.
//!
//! **Scores are normalised to 0..=1**: a module's BM25F score divided by the most the query
//! could score, every query term (at its weight) matched in its best alternative with the
//! saturation at its limit, 1. So 1 is unreachable, a module that matches every word of a short
//! query in its name, tags and elsewhere scores 0.7 to 0.95, and query words the registry has
//! never seen (which carry the highest idf) pull every score down: a description of something the registry does not have scores low
//! against everything, which is what a duplicate threshold needs. Scores are rounded to four
//! decimals; equal scores are ordered by id.

pub mod synonyms;
pub mod text;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::model::{Manifest, ModuleType, Status};
use crate::registry::Registry;

/// The score at or above which [`Index::similar`] calls a module a near-duplicate of a
/// candidate. Chosen from data, `tests/fixtures/similar/` (`tests/cli/search.rs` holds to it):
/// eight near-duplicates (modules of the shipped registry and of `examples/clinic` rewritten
/// under a new id, with a paraphrased name and description and renamed operations) scored
/// 0.170 to 0.460 against their original, which each found first; seven genuinely new modules
/// (fleet tracking, feature flags, translation, a helpdesk, vaccine fridges, e-signatures,
/// recruiting) scored at most 0.134 against anything. 0.15 sits in that gap, nearer the new
/// modules: a missed duplicate costs a second copy of a module, a false alarm only an
/// `--allow-similar`. The gap is narrow (the most paraphrased duplicate, a CRM that speaks of
/// "clients" and "opportunities", shares few words with the original); lexical similarity
/// cannot do much better, so treat a hit near the threshold as a question, not a verdict.
pub const DEFAULT_SIMILARITY_THRESHOLD: f64 = crate::model::DEFAULT_SIMILARITY_THRESHOLD;

/// BM25 saturation: how fast repeated occurrences stop adding.
const K1: f64 = 1.2;

/// The same for a candidate manifest's own words in [`Index::similar`] (BM25's `k3`): a word
/// the candidate says in many places is what it is about, a word said once in passing is not.
const K3: f64 = 1.5;

/// What is indexed of a module, by the name hits report in `matched`, with the field's weight
/// (how much one occurrence counts) and `b` (how much a long field is discounted; short
/// fields, where one word more is most of the field, less).
///
/// The id, name and tags say what a module *is*; the data models what it owns; a description
/// and the operations what it does, in more words; endpoints, events and the docs summary
/// repeat those words in passing, and mention neighbours.
pub const FIELDS: [FieldSpec; 10] = [
    FieldSpec { name: "id", weight: 3.0, b: 0.5 },
    FieldSpec { name: "name", weight: 3.0, b: 0.5 },
    FieldSpec { name: "tags", weight: 2.5, b: 0.5 },
    FieldSpec { name: "data_models", weight: 2.0, b: 0.75 },
    FieldSpec { name: "description", weight: 1.5, b: 0.75 },
    FieldSpec { name: "operations", weight: 1.2, b: 0.75 },
    FieldSpec { name: "endpoints", weight: 0.6, b: 0.75 },
    FieldSpec { name: "events", weight: 0.8, b: 0.75 },
    FieldSpec { name: "docs", weight: 1.0, b: 0.75 },
    FieldSpec { name: "details", weight: 0.5, b: 0.75 },
];

const NF: usize = FIELDS.len();

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub weight: f64,
    pub b: f64,
}

/// Which modules a search considers; an empty list allows every value.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Vec<Status>,
    pub module_type: Vec<ModuleType>,
}

impl Filter {
    fn allows(&self, status: Status, module_type: ModuleType) -> bool {
        (self.status.is_empty() || self.status.contains(&status))
            && (self.module_type.is_empty() || self.module_type.contains(&module_type))
    }
}

/// One ranked module: SPEC §8's `{"id","name","score","matched"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub name: String,
    /// 0..=1, rounded to four decimals (see the module docs).
    pub score: f64,
    /// The fields a query term (or one of its synonyms) occurs in, in [`FIELDS`] order.
    pub matched: Vec<&'static str>,
    /// The module's index in [`Registry::modules`].
    #[serde(skip)]
    pub index: usize,
}

/// The inverted index of a registry's loadable modules, built once and queried many times.
#[derive(Debug)]
pub struct Index {
    vocab: FxHashMap<String, u32>,
    /// Per term, the documents it occurs in, in document order.
    postings: Vec<Vec<Posting>>,
    docs: Vec<Doc>,
}

#[derive(Debug)]
struct Posting {
    doc: u32,
    tf: [u16; NF],
}

#[derive(Debug)]
struct Doc {
    index: usize,
    id: String,
    name: String,
    status: Status,
    module_type: ModuleType,
    /// Per field, `weight / ((1 - b) + b * len / avg_len)`: what one occurrence is worth.
    unit: [f64; NF],
}

/// A query word with the terms that may stand for it.
#[derive(Debug)]
struct QueryTerm {
    weight: f64,
    /// (term, weight relative to the word): the word itself at 1, its synonyms less.
    alternatives: Vec<(String, f64)>,
}

impl Index {
    /// Index every module of `reg` whose manifest loads whole (broken ones are left out, as
    /// every command that shows modules does). Linear in the registry's text; the
    /// tokenising runs in parallel.
    pub fn build(reg: &Registry) -> Index {
        /// Modules tokenised per parallel step: their terms are folded into the postings and
        /// dropped before the next step, so the allocator reuses their memory instead of the
        /// kernel zeroing fresh pages for every module's terms at once.
        const CHUNK: usize = 512;
        let whole: Vec<usize> = (0..reg.modules.len()).filter(|&i| !reg.modules[i].is_broken()).collect();
        let mut vocab: FxHashMap<String, u32> = FxHashMap::default();
        let mut postings: Vec<Vec<Posting>> = Vec::new();
        let mut docs = Vec::with_capacity(whole.len());
        let mut lens: Vec<[u32; NF]> = Vec::with_capacity(whole.len());
        let mut counts: FxHashMap<u32, [u16; NF]> = FxHashMap::default();
        for chunk in whole.chunks(CHUNK) {
            let fielded: Vec<[Vec<String>; NF]> =
                chunk.par_iter().map(|&i| fields_of(reg.modules[i].m())).collect();
            for (&i, fields) in chunk.iter().zip(fielded) {
                let d = docs.len();
                counts.clear();
                for (f, terms) in fields.iter().enumerate() {
                    for term in terms {
                        let id = match vocab.get(term.as_str()) {
                            Some(&id) => id,
                            None => {
                                let id = vocab.len() as u32;
                                vocab.insert(term.clone(), id);
                                postings.push(Vec::new());
                                id
                            }
                        };
                        let tf = &mut counts.entry(id).or_insert([0; NF])[f];
                        *tf = tf.saturating_add(1);
                    }
                }
                let mut ids: Vec<(u32, [u16; NF])> = counts.drain().collect();
                ids.sort_unstable_by_key(|(id, _)| *id);
                for (id, tf) in ids {
                    postings[id as usize].push(Posting { doc: d as u32, tf });
                }
                lens.push(std::array::from_fn(|f| fields[f].len() as u32));
                let m = reg.modules[i].m();
                docs.push(Doc {
                    index: i,
                    id: m.metadata.id.clone(),
                    name: m.metadata.name.clone(),
                    status: m.metadata.status,
                    module_type: m.metadata.module_type,
                    unit: [0.0; NF],
                });
            }
        }
        // Field lengths against their averages, once every document is counted.
        let mut total = [0u64; NF];
        for l in &lens {
            for f in 0..NF {
                total[f] += u64::from(l[f]);
            }
        }
        let n = docs.len().max(1) as f64;
        let avg: [f64; NF] = std::array::from_fn(|f| (total[f] as f64 / n).max(1.0));
        for (doc, l) in docs.iter_mut().zip(&lens) {
            for (f, spec) in FIELDS.iter().enumerate() {
                let norm = (1.0 - spec.b) + spec.b * f64::from(l[f]) / avg[f];
                doc.unit[f] = spec.weight / norm;
            }
        }
        Index { vocab, postings, docs }
    }

    /// How many modules are indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The modules `filter` allows that match `query`, best first, at most `limit`. An empty
    /// result for a query of only stopwords: see [`has_terms`].
    pub fn search(&self, query: &str, filter: &Filter, limit: usize) -> Vec<Hit> {
        let mut q = QueryBuilder::default();
        q.add(&text::tokens(query), 1.0);
        self.rank(&q.finish(), filter, limit)
    }

    /// Modules similar to a candidate manifest (the duplicate check of `register`): the
    /// candidate's name, description, tags, operation/data-model/endpoint/event names and docs
    /// summary form the query, each word weighted by the heaviest field it appears in (relative
    /// to the heaviest field of all). The candidate's own id, if present in the registry, is
    /// NOT excluded (the caller handles "id exists"). Every module sharing a term with the
    /// candidate, best first; the caller applies the threshold
    /// ([`DEFAULT_SIMILARITY_THRESHOLD`]).
    pub fn similar(&self, candidate: &Manifest, limit: usize) -> Vec<Hit> {
        let heaviest = FIELDS.iter().map(|f| f.weight).fold(0.0, f64::max);
        let mut q = QueryBuilder { accumulate: true, ..QueryBuilder::default() };
        for (f, terms) in fields_of(candidate).iter().enumerate() {
            let tokens: Vec<text::Token> =
                terms.iter().map(|t| text::Token { stem: t.clone(), stop: false }).collect();
            q.add(&tokens, FIELDS[f].weight / heaviest);
        }
        let mut terms = q.finish();
        for qt in &mut terms {
            qt.weight = qt.weight * (K3 + 1.0) / (K3 + qt.weight);
        }
        self.rank(&terms, &Filter::default(), limit)
    }

    fn idf(&self, df: usize) -> f64 {
        let n = self.docs.len() as f64;
        let df = df as f64;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    fn rank(&self, query: &[QueryTerm], filter: &Filter, limit: usize) -> Vec<Hit> {
        if query.is_empty() || self.docs.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut total = vec![0.0f64; self.docs.len()];
        let mut fields = vec![0u16; self.docs.len()];
        let mut bound = 0.0;
        let mut best: FxHashMap<u32, f64> = FxHashMap::default();
        for qt in query {
            let mut most = 0.0f64;
            best.clear();
            for (term, aw) in &qt.alternatives {
                let list = self.vocab.get(term).map_or(&[][..], |&id| &self.postings[id as usize][..]);
                let idf = self.idf(list.len());
                most = most.max(aw * idf);
                for p in list {
                    let doc = &self.docs[p.doc as usize];
                    if !filter.allows(doc.status, doc.module_type) {
                        continue;
                    }
                    let mut tf = 0.0;
                    for f in 0..NF {
                        if p.tf[f] > 0 {
                            tf += f64::from(p.tf[f]) * doc.unit[f];
                            fields[p.doc as usize] |= 1 << f;
                        }
                    }
                    let s = aw * idf * tf / (K1 + tf);
                    let e = best.entry(p.doc).or_insert(0.0);
                    *e = e.max(s);
                }
            }
            bound += qt.weight * most;
            for (&d, &s) in &best {
                total[d as usize] += qt.weight * s;
            }
        }
        if bound <= 0.0 {
            return Vec::new();
        }
        let mut hits: Vec<Hit> = total
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(d, s)| {
                let doc = &self.docs[d];
                Hit {
                    id: doc.id.clone(),
                    name: doc.name.clone(),
                    score: round4((s / bound).clamp(0.0, 1.0)),
                    matched: (0..NF).filter(|f| fields[d] & (1 << f) != 0).map(|f| FIELDS[f].name).collect(),
                    index: doc.index,
                }
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(limit);
        hits
    }
}

/// Whether `query` has a word that is not a stopword (an empty query, or "the of and", has
/// nothing to rank by).
pub fn has_terms(query: &str) -> bool {
    !text::terms(query).is_empty()
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Query words in order of first appearance, each with its heaviest weight and its synonyms.
#[derive(Default)]
struct QueryBuilder {
    terms: Vec<QueryTerm>,
    at: FxHashMap<String, usize>,
    /// Sum the weights of a word's occurrences (a candidate manifest) instead of keeping the
    /// heaviest (a query, where saying a word twice adds nothing).
    accumulate: bool,
}

impl QueryBuilder {
    fn add(&mut self, tokens: &[text::Token], weight: f64) {
        let expansions = synonyms::expand(tokens);
        for (tok, syns) in tokens.iter().zip(expansions) {
            if tok.stop {
                continue;
            }
            let i = *self.at.entry(tok.stem.clone()).or_insert_with(|| {
                self.terms.push(QueryTerm { weight: 0.0, alternatives: vec![(tok.stem.clone(), 1.0)] });
                self.terms.len() - 1
            });
            let qt = &mut self.terms[i];
            qt.weight = if self.accumulate { qt.weight + weight } else { qt.weight.max(weight) };
            for s in syns {
                if !qt.alternatives.iter().any(|(t, _)| *t == s) {
                    qt.alternatives.push((s, synonyms::SYNONYM_WEIGHT));
                }
            }
        }
    }

    /// The query terms; a synonym that the query also says in its own words is dropped from
    /// the other words' alternatives, so one word of a module is not rewarded twice.
    fn finish(mut self) -> Vec<QueryTerm> {
        for qt in &mut self.terms {
            let own = qt.alternatives[0].0.clone();
            qt.alternatives.retain(|(t, _)| *t == own || !self.at.contains_key(t));
        }
        self.terms
    }
}

/// The terms of each of [`FIELDS`] in a manifest.
fn fields_of(m: &Manifest) -> [Vec<String>; NF] {
    let md = &m.metadata;
    let caps = &m.capabilities;
    let many =
        |texts: &mut dyn Iterator<Item = &str>| -> Vec<String> { texts.flat_map(text::terms).collect() };
    let mut details: Vec<String> = Vec::new();
    for op in &caps.operations {
        details.extend(op.description.as_deref().map(text::terms).unwrap_or_default());
    }
    for dm in &caps.data_models {
        details.extend(dm.description.as_deref().map(text::terms).unwrap_or_default());
    }
    for bl in &caps.business_logic {
        details.extend(text::terms(&bl.name));
        details.extend(bl.description.as_deref().map(text::terms).unwrap_or_default());
    }
    [
        text::terms(&md.id),
        text::terms(&md.name),
        many(&mut md.tags.iter().map(String::as_str)),
        many(&mut caps.data_models.iter().map(|d| d.name.as_str())),
        text::terms(&md.description),
        many(&mut caps.operations.iter().map(|o| o.name.as_str())),
        caps.endpoints.iter().flat_map(|e| text::path_terms(&e.path)).collect(),
        // What a module emits is what it does; what it consumes names its neighbours.
        many(&mut caps.events.emits.iter().map(String::as_str)),
        m.docs.as_ref().and_then(|d| d.summary.as_deref()).map(text::terms).unwrap_or_default(),
        details,
    ]
}
