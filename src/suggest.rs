//! "Did you mean …?": the name closest to a misspelt one, for hints everywhere (schema keys,
//! enum values, module ids, diagnostic codes).

/// The allowed value closest to a misspelt one, if it is close enough to be a likely typo.
pub fn closest<'a>(got: &str, choices: &'a [String]) -> Option<&'a str> {
    let got_lower = got.to_ascii_lowercase();
    choices
        .iter()
        .map(|c| (levenshtein(&got_lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(got.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

/// Edit distance where a swap of two neighbouring characters counts as one edit (optimal
/// string alignment), so `auht` is one typo away from `auth`.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn typos_find_their_word() {
        let ids = ["auth".to_owned(), "crm".to_owned(), "analytics".to_owned()];
        assert_eq!(closest("auht", &ids), Some("auth"), "a transposition is one edit");
        assert_eq!(closest("crn", &ids), Some("crm"));
        assert_eq!(closest("analytcs", &ids), Some("analytics"));
        assert_eq!(closest("billing", &ids), None);
    }
}
