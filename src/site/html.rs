//! The HTML building blocks every page shares: escaping, page names and the links between
//! pages, badges, the page frame, and Markdown rendered and sanitised.
//!
//! Everything a manifest says reaches a page through [`esc`] (text and attribute values alike),
//! and every link the site makes itself is relative ([`Depth`]), so the site works from
//! `file://` and under any base path. Markdown docs are the one place where HTML is produced
//! from manifest-adjacent text: [`markdown`] renders it with pulldown-cmark and passes the
//! result through ammonia, which keeps only a known-safe subset of tags and attributes.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;

/// `text` with the five characters that can end a text node or an attribute value (`& < > " '`)
/// as character references; control characters other than tab and line feed (which HTML would
/// reject or render invisibly) as U+FFFD. Safe in element content and in quoted attributes.
pub fn esc(text: &str) -> Cow<'_, str> {
    let bad =
        |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || (c.is_control() && !matches!(c, '\n' | '\t'));
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The file name of a module's page. Module ids are lowercase words joined by hyphens, which
/// are safe in a URL and a file name as they are; any other byte (an id the schema would reject
/// but a broken registry may still hold) is written `_xx` in hex, and `_` itself `_5f`, so
/// distinct ids never share a page and no id can name a path outside `modules/`.
pub fn page_name(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 5);
    for b in id.bytes() {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "_{b:02x}");
        }
    }
    if out.is_empty() || out.starts_with('-') {
        out.insert(0, '_');
    }
    out.push_str(".html");
    out
}

/// Where a page sits: at the root of the site (`index.html`) or one directory down
/// (`modules/ID.html`). Links are written relative to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    Root,
    Module,
}

impl Depth {
    /// The prefix that leads from this page to the root of the site.
    pub fn root(self) -> &'static str {
        match self {
            Depth::Root => "",
            Depth::Module => "../",
        }
    }

    /// The relative link to the page of module `id`.
    pub fn module(self, id: &str) -> String {
        match self {
            Depth::Root => format!("modules/{}", page_name(id)),
            Depth::Module => page_name(id),
        }
    }
}

/// A badge: `<span class="badge KIND-VALUE">value</span>`. `value` is one of modreg's own
/// names (a status, a type, a health state), so it is a safe class name; it is escaped anyway.
pub fn badge(kind: &str, value: &str) -> String {
    format!("<span class=\"badge {kind}-{v}\">{v}</span>", v = esc(value))
}

/// The page frame: head, the site's header with its navigation, `body`, and the footer.
/// `title` is the page's own title (escaped here); `site_title` the site's.
pub struct Frame<'a> {
    pub site_title: &'a str,
    pub title: &'a str,
    pub depth: Depth,
    /// Which navigation entry is the current page: `index`, `graph` or `stats`.
    pub current: &'a str,
    /// Load the script (only the index needs it).
    pub script: bool,
}

impl Frame<'_> {
    pub fn render(&self, body: &str) -> String {
        let root = self.depth.root();
        let mut s = String::with_capacity(body.len() + 1200);
        s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        s.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
        // No network: nothing but the site's own files may load, and no inline script runs.
        s.push_str(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'; \
             script-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'\">\n",
        );
        s.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
        let _ = writeln!(s, "<meta name=\"generator\" content=\"modreg {}\">", env!("CARGO_PKG_VERSION"));
        if self.title == self.site_title {
            let _ = writeln!(s, "<title>{}</title>", esc(self.title));
        } else {
            let _ = writeln!(s, "<title>{} · {}</title>", esc(self.title), esc(self.site_title));
        }
        let _ = writeln!(s, "<link rel=\"stylesheet\" href=\"{root}assets/site.css\">");
        if self.script {
            let _ = writeln!(s, "<script src=\"{root}assets/site.js\" defer></script>");
        }
        s.push_str("</head>\n<body>\n<header class=\"top\">\n");
        let _ = writeln!(s, "<a class=\"brand\" href=\"{root}index.html\">{}</a>", esc(self.site_title));
        s.push_str("<nav>");
        for (key, href, label) in [
            ("index", "index.html", "Modules"),
            ("graph", "graph.html", "Graph"),
            ("stats", "stats.html", "Stats"),
        ] {
            let current = if key == self.current { " aria-current=\"page\"" } else { "" };
            let _ = write!(s, "<a href=\"{root}{href}\"{current}>{label}</a>");
        }
        s.push_str("</nav>\n</header>\n<main>\n");
        s.push_str(body);
        s.push_str("</main>\n<footer>Generated by <a href=\"https://github.com/modreg/modreg\" rel=\"noopener noreferrer\">modreg</a> from the registry's files; change a module through its manifest, <code>modreg new</code> or <code>modreg register</code>, and review.</footer>\n</body>\n</html>\n");
        s
    }
}

/// Markdown rendered to HTML, then sanitised: only ammonia's default tags and attributes (no
/// script, style, form, iframe or event handler), no images (a page must load nothing from the
/// network), links only to `http`, `https` and `mailto` URLs or to a fragment of the same page;
/// every link opens with `rel="noopener noreferrer"`. Relative links to other files are removed
/// (their targets are not part of the site).
pub fn markdown(text: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut raw = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(text, options));
    sanitizer().clean(&raw).to_string()
}

fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["img"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Custom(Box::new(fragment_only)))
        .link_rel(Some("noopener noreferrer"));
    b
}

/// A relative URL in a doc is kept only when it points into the same page.
fn fragment_only(url: &str) -> Option<Cow<'_, str>> {
    url.starts_with('#').then_some(Cow::Borrowed(url))
}

/// An external link from a manifest (`metadata.links`): only `http` and `https` URLs become
/// links; anything else (`javascript:`, a relative path) is shown as text.
pub fn external_link(title: &str, url: &str) -> String {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        format!("<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>", esc(url.trim_start()), esc(title))
    } else {
        format!("{} <code>{}</code>", esc(title), esc(url))
    }
}

/// A number with thousands separators (`10,000`), as the pages show counts.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(esc("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(esc(r#"a"b'c&d"#), "a&quot;b&#39;c&amp;d");
        assert_eq!(esc("x\u{0}y\u{1b}z\n"), "x\u{fffd}y\u{fffd}z\n");
        assert!(matches!(esc("plain — café"), Cow::Borrowed(_)));
        for code in 0u32..0x200 {
            let Some(c) = char::from_u32(code) else { continue };
            let out = esc(&c.to_string()).into_owned();
            assert!(!out.contains(['<', '>', '"', '\'']), "U+{code:04X} -> {out}");
        }
    }

    #[test]
    fn page_names_stay_in_their_directory() {
        assert_eq!(page_name("crm"), "crm.html");
        assert_eq!(page_name("sales-suite"), "sales-suite.html");
        assert_eq!(page_name("../../etc/passwd"), "_2e_2e_2f_2e_2e_2fetc_2fpasswd.html");
        assert_eq!(page_name("A_b"), "_41_5fb.html");
        assert_eq!(page_name(""), "_.html");
        assert_eq!(page_name("-x"), "_-x.html");
        assert_ne!(page_name("a_2f"), page_name("a/"));
        for id in ["<script>", "a b", "x?y#z", "ü", "a/b\\c"] {
            let name = page_name(id);
            assert!(
                name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'),
                "{name}"
            );
            assert!(!name.contains(".."), "{name}");
        }
    }

    #[test]
    fn links_are_relative_to_the_page() {
        assert_eq!(Depth::Root.module("crm"), "modules/crm.html");
        assert_eq!(Depth::Module.module("crm"), "crm.html");
        assert_eq!(Depth::Module.root(), "../");
        let page = Frame { site_title: "R", title: "crm", depth: Depth::Module, current: "", script: false }
            .render("");
        assert!(page.contains("href=\"../assets/site.css\""));
        assert!(page.contains("href=\"../index.html\""));
        assert!(!page.contains("href=\"/"), "no absolute link: {page}");
    }

    #[test]
    fn markdown_cannot_inject_script() {
        let doc = "# Usage\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n\
                   [click](javascript:alert(1)) [up](../../secret.md) [web](https://example.com/a) \
                   [here](#usage)\n\n<a href=\"https://x\" onclick=\"alert(1)\">x</a>\n\n\
                   <iframe src=\"https://evil\"></iframe><style>body{}</style>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let html = markdown(doc);
        for bad in ["<script", "onerror", "javascript:", "<img", "onclick", "<iframe", "<style", "secret.md"]
        {
            assert!(!html.contains(bad), "{bad} survived:\n{html}");
        }
        assert!(html.contains("<h1>Usage</h1>"), "{html}");
        assert!(html.contains("href=\"https://example.com/a\""), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
        assert!(html.contains("href=\"#usage\""), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }

    #[test]
    fn external_links_only_for_the_web() {
        assert!(external_link("Run", "https://wiki/x").starts_with("<a href=\"https://wiki/x\""));
        let js = external_link("x", "javascript:alert(1)");
        assert!(!js.contains("<a"), "{js}");
        assert!(!external_link("x", "JaVaScRiPt:alert(1)").contains("href"));
        assert!(external_link("<b>", "http://\"onmouseover=\"x").contains("&quot;onmouseover=&quot;"));
    }

    #[test]
    fn counts_have_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(10_000), "10,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }
}
