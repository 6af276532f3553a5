//! How many tokens a text costs an LLM, estimated without a tokenizer (`context --max-tokens`).
//!
//! The estimate follows the first half of a BPE tokenizer exactly and guesses the second. Text is
//! split into pre-tokens the way OpenAI's cl100k_base (and o200k_base, nearly) splits it before
//! merging bytes: a word with the one space or punctuation mark before it (`␠"id`, `_score`),
//! digits in threes, a run of punctuation with the line breaks after it (`",⏎`), a line break,
//! a run of spaces. Byte-pair merging never crosses those boundaries, so every pre-token is at
//! least one token; what it adds inside a pre-token is guessed from its length (a word of up to
//! [`WORD`] ASCII letters is one token, like most words and identifier parts in the vocabulary;
//! a run of punctuation costs one token per [`PUNCT`] marks; other characters one each).
//!
//! No vocabulary, one pass, no allocation: linear in the text, and additive: the estimate of a
//! text is the sum of the estimates of its parts whenever the parts meet where a pre-token
//! ends, which is what lets `context` price each module once and sum. A test holds it within
//! ±15% of cl100k_base on the shipped registry's bundle in every format and detail level.

/// ASCII letters one token covers in a word.
pub const WORD: usize = 7;
/// Punctuation marks one token covers in a run of them.
pub const PUNCT: usize = 4;

/// The estimated token count of `text`. A long text is cut into pieces that are estimated in
/// parallel: a cut right after a line break that is not followed by another is always where a
/// pre-token ends, so the pieces add up to the same count.
pub fn estimate(text: &str) -> usize {
    use rayon::prelude::*;
    const PIECE: usize = 1 << 20;
    let b = text.as_bytes();
    if b.len() < 2 * PIECE {
        return estimate_one(text);
    }
    let mut cuts = vec![0];
    let mut at = PIECE;
    while at < b.len() {
        let found = b[at..].windows(2).position(|w| w[0] == b'\n' && !matches!(w[1], b'\n' | b'\r'));
        let Some(k) = found else { break };
        cuts.push(at + k + 1);
        at += k + 1 + PIECE;
    }
    cuts.push(b.len());
    cuts.par_windows(2).map(|w| estimate_one(&text[w[0]..w[1]])).sum()
}

fn estimate_one(text: &str) -> usize {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut tokens = 0;
    while i < n {
        let (c, len) = char_at(text, i);
        // A word, with at most one leading character that is neither a letter, a digit nor a
        // line break (a space, a quote, an underscore).
        let lead = !is_letter(c) && !is_number(c) && c != '\n' && c != '\r';
        let word_start = if is_letter(c) {
            Some(i)
        } else if lead && i + len < n && is_letter(char_at(text, i + len).0) {
            Some(i + len)
        } else {
            None
        };
        if let Some(start) = word_start {
            let (mut j, mut ascii, mut other) = (start, 0usize, 0usize);
            while j < n {
                let (d, l) = char_at(text, j);
                if !is_letter(d) {
                    break;
                }
                if d.is_ascii() {
                    ascii += 1
                } else {
                    other += 1
                }
                j += l;
            }
            tokens += ascii.div_ceil(WORD).max(usize::from(other == 0)) + other;
            i = j;
            continue;
        }
        if is_number(c) {
            // Digits go in threes.
            let mut j = i;
            let mut k = 0;
            while j < n && k < 3 {
                let (d, l) = char_at(text, j);
                if !is_number(d) {
                    break;
                }
                j += l;
                k += 1;
            }
            tokens += 1;
            i = j;
            continue;
        }
        // Punctuation (after at most one space), with the line breaks that follow it.
        let punct_start = if !c.is_whitespace() {
            Some(i)
        } else if c == ' ' && i + 1 < n {
            let (d, _) = char_at(text, i + 1);
            (!d.is_whitespace() && !is_letter(d) && !is_number(d)).then_some(i + 1)
        } else {
            None
        };
        if let Some(start) = punct_start {
            let (mut j, mut marks, mut wide) = (start, 0usize, 0usize);
            while j < n {
                let (d, l) = char_at(text, j);
                if d.is_whitespace() || is_letter(d) || is_number(d) {
                    break;
                }
                if d.is_ascii() {
                    marks += 1
                } else {
                    wide += 1
                }
                j += l;
            }
            while j < n && matches!(b[j], b'\n' | b'\r') {
                j += 1;
            }
            tokens += marks.div_ceil(PUNCT) + wide;
            i = j;
            continue;
        }
        // Whitespace: up to and including the last line break of the run, or else all but the
        // last space before a non-space (that space leads the next pre-token).
        let mut j = i;
        let mut last_break = None;
        while j < n {
            let (d, l) = char_at(text, j);
            if !d.is_whitespace() {
                break;
            }
            if d == '\n' || d == '\r' {
                last_break = Some(j + l);
            }
            j += l;
        }
        i = match last_break {
            Some(end) => end,
            None if j < n && j - i > 1 => j - 1,
            None => j,
        };
        tokens += 1;
    }
    tokens
}

/// The character at byte `i` (a char boundary) and its length in bytes.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        return (b as char, 1);
    }
    let c = text[i..].chars().next().unwrap_or('\u{fffd}');
    (c, c.len_utf8())
}

#[inline]
fn is_letter(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphabetic() } else { c.is_alphabetic() }
}

#[inline]
fn is_number(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_digit() } else { c.is_numeric() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_tokens_as_cl100k_splits_them() {
        assert_eq!(estimate(""), 0);
        assert_eq!(estimate("hello"), 1);
        assert_eq!(estimate(" hello world"), 2);
        // `    "id": "crm",⏎` is [3 spaces][␠"][id][":][␠"][crm][",⏎]: quote marks count half.
        assert_eq!(estimate("    \"id\": \"crm\",\n"), 1 + 1 + 1 + 1 + 1 + 1 + 1);
        assert_eq!(estimate("1234567"), 3);
        assert_eq!(estimate("lead_score_threshold"), 1 + 1 + 2);
        assert_eq!(estimate("\n\n"), 1);
        assert_eq!(estimate("é"), 1);
        assert_eq!(estimate("日本語"), 3);
    }

    #[test]
    fn long_texts_count_the_same_in_pieces() {
        let line = "  {\"name\": \"lead_score\", \"values\": [1, 22, 333]},\n\n\tCafé — 日本語 ok.\r\n";
        let text = line.repeat(3 * (1 << 20) / line.len());
        assert!(text.len() > 2 << 20);
        assert_eq!(estimate(&text), estimate_one(&text));
    }

    #[test]
    fn additive_where_pre_tokens_end() {
        let parts = ["{\n", "  \"estimated_tokens\": ", "1234", "\n}\n"];
        let whole: String = parts.concat();
        assert_eq!(estimate(&whole), parts.iter().map(|p| estimate(p)).sum::<usize>());
    }
}
