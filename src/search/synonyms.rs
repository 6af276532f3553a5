//! The domain vocabulary people and AIs paraphrase with: a small table of groups of words that
//! mean the same thing to someone looking for a module ("a client" is a customer, "alert" is a
//! notification, "fx" is an exchange rate). A query word found in a group also looks for every
//! other member, at [`SYNONYM_WEIGHT`] of its own weight, so an exact word still wins.
//!
//! Kept small and general on purpose: each group is a concept that recurs across business
//! software, not a patch for one query. A member may be a phrase ("exchange rate", "sign in");
//! it is matched as consecutive words of the query, stopwords included. Members go through the
//! same pipeline as every text (`text::tokens`), so inflections need no entries.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::text;

/// How much a synonym counts against the word the query used.
pub const SYNONYM_WEIGHT: f64 = 0.6;

/// The groups. Add a group for a concept, not for a query.
const GROUPS: &[&[&str]] = &[
    // parties
    &["customer", "client", "contact", "account", "buyer", "prospect", "lead"],
    &["company", "organisation", "organization", "business", "firm"],
    &["user", "member", "staff", "employee"],
    &["patient", "client"],
    &["doctor", "physician", "clinician", "practitioner", "provider"],
    // money
    &["bill", "invoice", "payment", "charge", "pay", "receivable"],
    &["quote", "estimate", "proposal", "offer"],
    &["deal", "opportunity"],
    &["price", "pricing", "cost", "discount"],
    &["currency", "money", "exchange rate", "fx", "foreign exchange", "conversion"],
    &["insurance", "insurer", "claim", "coverage", "payer"],
    &["refund", "reimbursement"],
    // messages
    &["notify", "notification", "alert", "message", "remind", "reminder", "warn", "warning"],
    &["email", "mail", "e-mail", "newsletter"],
    &["sms", "text message", "text"],
    &["fax", "facsimile"],
    &["call", "phone", "telephone"],
    &["video", "telehealth", "telemedicine", "virtual visit", "video call"],
    &["chat", "messaging", "conversation"],
    // time
    &["appointment", "booking", "book", "schedule", "scheduling", "reservation", "visit", "slot"],
    &["calendar", "availability", "roster", "rota", "shift"],
    &["reception", "receptionist", "front desk", "front office"],
    // access
    &[
        "auth",
        "login",
        "log in",
        "logon",
        "sign in",
        "signin",
        "sso",
        "authentication",
        "identity",
        "credential",
    ],
    &["permission", "role", "access", "authorization", "rbac", "privilege"],
    &["password", "mfa", "2fa", "otp"],
    // goods
    &["stock", "inventory", "warehouse", "goods", "supply"],
    &["product", "item", "sku", "catalog", "catalogue"],
    &["order", "purchase", "checkout"],
    // insight
    &["report", "analytics", "dashboard", "metric", "kpi", "insight", "statistic", "bi"],
    &["search", "find", "lookup", "look up"],
    // records and health care
    &["document", "file", "attachment", "pdf", "record"],
    &["prescription", "medication", "medicine", "drug", "rx", "pharmacy"],
    &["lab", "laboratory", "test result", "blood test"],
    &["diagnosis", "condition"],
    &["chart", "medical record", "ehr", "emr", "health record"],
    // platform
    &["event", "webhook", "hook"],
    &["workflow", "pipeline"],
    &["translate", "translation", "localisation", "localization", "i18n", "language"],
    &["track", "trace", "monitor"],
];

/// The groups stemmed once: a single-word member by its stem, a phrase by its stems.
struct Table {
    /// Stem → the groups it belongs to.
    single: FxHashMap<String, Vec<usize>>,
    /// (stems of a phrase, its group).
    phrases: Vec<(Vec<String>, usize)>,
    /// Each group's members as stem sequences.
    members: Vec<Vec<Vec<String>>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Table { single: FxHashMap::default(), phrases: Vec::new(), members: Vec::new() };
        for (g, group) in GROUPS.iter().enumerate() {
            let mut members = Vec::new();
            for member in *group {
                let stems: Vec<String> = text::tokens(member).into_iter().map(|t| t.stem).collect();
                match stems.len() {
                    0 => continue,
                    1 => t.single.entry(stems[0].clone()).or_default().push(g),
                    _ => t.phrases.push((stems.clone(), g)),
                }
                members.push(stems);
            }
            t.members.push(members);
        }
        t
    })
}

/// For the word at each position of `tokens` (a query, stopwords included), the terms its
/// synonyms add: every non-stopword stem of every other member of each group the word, or a
/// phrase starting or ending at it, belongs to. Result `[i]` is empty for a word without
/// synonyms; it never contains the word itself.
pub fn expand(tokens: &[text::Token]) -> Vec<Vec<String>> {
    let t = table();
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); tokens.len()];
    for (i, tok) in tokens.iter().enumerate() {
        if !tok.stop
            && let Some(gs) = t.single.get(&tok.stem)
        {
            groups[i].extend(gs);
        }
    }
    for (stems, g) in &t.phrases {
        for start in 0..tokens.len().saturating_sub(stems.len() - 1) {
            if tokens[start..start + stems.len()].iter().zip(stems).all(|(tok, s)| &tok.stem == s) {
                // The phrase's meaning goes to its first content word, which the query keeps.
                if let Some(i) = (start..start + stems.len()).find(|&i| !tokens[i].stop) {
                    groups[i].push(*g);
                }
            }
        }
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(i, gs)| {
            let mut out: Vec<String> = Vec::new();
            for g in gs {
                for member in &t.members[g] {
                    for s in member {
                        if *s != tokens[i].stem && !text::is_stopword(s) && !out.contains(s) {
                            out.push(s.clone());
                        }
                    }
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(query: &str) -> Vec<Vec<String>> {
        expand(&text::tokens(query))
    }

    #[test]
    fn a_word_brings_its_group() {
        let e = of("clients");
        assert!(e[0].contains(&"custom".to_owned()), "{e:?}");
        assert!(e[0].contains(&"patient".to_owned()), "client belongs to two groups: {e:?}");
        assert!(!e[0].contains(&"client".to_owned()), "not the word itself");
    }

    #[test]
    fn phrases_match_consecutive_words() {
        let e = of("the exchange rate of today");
        assert!(e[1].contains(&"currenc".to_owned()), "{e:?}");
        let e = of("users sign in");
        assert!(e[1].contains(&"auth".to_owned()), "{e:?}");
        // "sign" alone is not a login.
        assert!(!of("sign the contract")[0].contains(&"auth".to_owned()));
    }

    #[test]
    fn every_member_survives_the_pipeline() {
        for group in GROUPS {
            for member in *group {
                assert!(!text::terms(member).is_empty(), "{member:?} is all stopwords");
            }
        }
    }
}
