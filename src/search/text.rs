//! Text to index terms: split identifiers and prose into words, lower-case them, drop stopwords
//! and stem them with Snowball English (`rust-stemmers`, the stemmer tantivy uses), so that
//! `send_sms`, `SendSms` and "sends an SMS" all meet on `send` + `sms`, and `invoicing` on
//! `invoic`. The same pipeline runs over manifests and queries; nothing here knows the index.

use std::cell::RefCell;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

/// One word of a text: its stem, and whether it is a stopword (kept in the stream so that
/// synonym phrases such as "sign in" can still be matched, then dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub stem: String,
    pub stop: bool,
}

/// Words too common to say anything about a module. Small on purpose: function words, and the
/// filler of a request ("I need something that can…"). Matched before stemming, lower-cased.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "being",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "each",
    "either",
    "every",
    "for",
    "from",
    "get",
    "gets",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "let",
    "lets",
    "like",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "need",
    "needs",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "someone",
    "something",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "this",
    "those",
    "through",
    "to",
    "too",
    "up",
    "us",
    "use",
    "used",
    "using",
    "very",
    "via",
    "want",
    "was",
    "way",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "you",
    "your",
    "yours",
];

pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// Every token of `text`, stopwords flagged: prose, identifiers (`send_sms`, `PatientRecord`,
/// `crm-contacts`, `deal.won`) and anything in between.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for word in words(text) {
        push_word(&word, &mut out);
    }
    out
}

/// The stems of `text` without stopwords: what the index stores.
pub fn terms(text: &str) -> Vec<String> {
    tokens(text).into_iter().filter(|t| !t.stop).map(|t| t.stem).collect()
}

/// The terms of an endpoint path: `/v1/patients/{id}/visits` → patient, visit. Path parameters
/// (`{id}`, `:id`) and version segments (`v1`, `v2beta`) name nothing the module does.
pub fn path_terms(path: &str) -> Vec<String> {
    let kept: Vec<&str> =
        path.split('/').filter(|s| !s.is_empty() && !s.starts_with(['{', ':']) && !is_version(s)).collect();
    terms(&kept.join(" "))
}

/// `v1`, `V2`, `v2beta`, `v10alpha1`: a `v`, digits, then at most a pre-release word.
fn is_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix(['v', 'V']) else { return false };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && rest[digits..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Lower-cased words: split on anything but letters and digits, then at case changes
/// (`PatientRecord` → patient record, `HTTPServer` → http server). Digits stay with their word
/// (`oauth2`, `2fa`).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in text.split(|c: char| !c.is_alphanumeric()) {
        if chunk.is_empty() {
            continue;
        }
        // Most words: lower-case ASCII, one word as it stands.
        if chunk.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            out.push(chunk.to_owned());
            continue;
        }
        let chars: Vec<char> = chunk.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            // fooBar | FOOBar (the last capital starts the next word)
            if (prev.is_lowercase() && cur.is_uppercase())
                || (prev.is_uppercase() && cur.is_uppercase() && next_lower)
            {
                out.push(chars[start..i].iter().collect::<String>().to_lowercase());
                start = i;
            }
        }
        out.push(chars[start..].iter().collect::<String>().to_lowercase());
    }
    out
}

fn push_word(word: &str, out: &mut Vec<Token>) {
    // Single letters and bare numbers carry no meaning of their own (`a`, `1`, `2026`).
    if word.chars().count() < 2 || word.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    let (stem, stop) = stem(word);
    out.push(Token { stem, stop });
}

/// Word → (stem, stopword), as [`stem`] remembers them.
type Memo = RefCell<FxHashMap<Box<str>, (Box<str>, bool)>>;

thread_local! {
    /// The stemmer, and the stems of the words this thread has seen: a registry repeats its
    /// vocabulary across modules, and Snowball was most of the time of building an index.
    static STEMS: (Stemmer, Memo) =
        (Stemmer::create(Algorithm::English), RefCell::new(FxHashMap::default()));
}

/// The Snowball English stem of a lower-case word, and whether the word is a stopword.
fn stem(word: &str) -> (String, bool) {
    STEMS.with(|(stemmer, memo)| {
        if let Some((s, stop)) = memo.borrow().get(word) {
            return (s.to_string(), *stop);
        }
        let s = stemmer.stem(word).into_owned();
        let stop = is_stopword(word);
        memo.borrow_mut().insert(word.into(), (s.as_str().into(), stop));
        (s, stop)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<String> {
        terms(s)
    }

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]), "keep STOPWORDS sorted and unique");
    }

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(t("send_sms"), ["send", "sms"]);
        assert_eq!(t("PatientRecord"), ["patient", "record"]);
        assert_eq!(t("HTTPServer"), ["http", "server"]);
        assert_eq!(t("crm-contacts"), ["crm", "contact"]);
        assert_eq!(t("deal.stage_changed"), ["deal", "stage", "chang"]);
        assert_eq!(t("oauth2 2fa"), ["oauth2", "2fa"]);
    }

    #[test]
    fn paths_drop_versions_and_parameters() {
        assert_eq!(path_terms("/v1/patients/{id}"), ["patient"]);
        assert_eq!(path_terms("/api/v2beta/lab-results/:result_id/pdf"), ["api", "lab", "result", "pdf"]);
        assert_eq!(path_terms("/"), Vec::<String>::new());
        assert!(!is_version("visits") && !is_version("v") && is_version("V3"));
    }

    #[test]
    fn stemming_joins_inflections() {
        for (a, b) in [
            ("messages", "message"),
            ("invoicing", "invoice"),
            ("appointments", "appointment"),
            ("scheduling", "schedule"),
            ("notifications", "notification"),
            ("payments", "payment"),
            ("reminders", "reminder"),
        ] {
            assert_eq!(t(a), t(b), "{a} / {b}");
        }
    }

    #[test]
    fn stopwords_and_noise_are_dropped_but_flagged_in_tokens() {
        assert_eq!(
            t("I need something to track the stock of a warehouse, 2026"),
            ["track", "stock", "warehous"]
        );
        let toks = tokens("sign in");
        assert_eq!(toks.len(), 2);
        assert!(!toks[0].stop && toks[1].stop);
        assert!(t("the of and").is_empty());
    }
}
