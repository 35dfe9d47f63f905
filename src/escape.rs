//! Escaping strangers' text (repository names, referrers, popular paths and titles, API
//! error texts) for each audience: the Actions runner's workflow-command parser, a
//! terminal, and GitHub-flavoured Markdown in the job summary. The one home for it; the
//! badge's XML escaping lives in `badge`, a different language.
//!
//! What the runner does with a line (actions/runner `ActionCommand.cs`): after
//! trimming leading white space, a line starting with `::` is a command; failing that,
//! `##[` anywhere in the line starts a legacy command. Its comparisons are
//! culture-sensitive, which skips characters without collation weight (controls,
//! zero-width and bidi formatting characters): those are made visible here, so they can
//! neither hide a command from a check nor move text around on a screen.

use std::fmt::Write as _;

/// Word joiner: invisible, keeps the text as it reads, and breaks the GFM autolink
/// patterns it is put into.
const WORD_JOINER: char = '\u{2060}';

/// Characters with no glyph of their own that reorder, hide or join text: bidi
/// embeddings, overrides, isolates and marks, zero-width characters, line and paragraph
/// separators, variation selectors, tags and the other default-ignorable code points.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fffb}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// C0 and C1 controls, DEL, and the invisible characters above.
fn needs_showing(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// `c` as visible text: `\n`, `\r`, `\t`, `\0`, else `\u{1b}`.
fn push_shown(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// Controls and invisible characters shown as escapes (line breaks too, unless
/// `keep_breaks`), and the runner's legacy command prefix `##[` broken as `##\[`.
fn visible(s: &str, keep_breaks: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if keep_breaks && matches!(c, '\n' | '\r') {
            out.push(c);
        } else if needs_showing(c) {
            push_shown(&mut out, c);
        } else if c == '[' && out.ends_with("##") {
            out.push_str("\\[");
        } else {
            out.push(c);
        }
    }
    out
}

/// Workflow-command data exactly as the runner unescapes it (`%`, CR, LF), nothing else
/// changed: for `::add-mask::`, whose value must reach the runner unchanged. A
/// stranger's text goes through [`command_message`] instead.
pub(crate) fn command_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Workflow-command property values additionally escape `:` and `,`.
pub(crate) fn command_property(s: &str) -> String {
    command_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A stranger's text as workflow-command data (an annotation's message, a group's
/// title): terminal escapes and invisible characters shown, `##[` broken; line breaks
/// kept as the runner's `%0A` (an annotation may span lines, and the runner never reads
/// a command out of them).
pub(crate) fn command_message(s: &str) -> String {
    command_data(&visible(s, true))
}

/// A stranger's text as a workflow-command property value (a title): on one line.
pub(crate) fn command_title(s: &str) -> String {
    command_property(&visible(s, false))
}

/// A stranger's text quoted inside a line (never at its start; see [`terminal`]): one
/// line, controls and invisible characters shown as escapes, `##[` broken.
pub(crate) fn inline(s: &str) -> String {
    visible(s, false)
}

/// A stranger's text on a terminal or log line: one line, with controls (escape
/// sequences, CR, LF), bidi overrides and other invisible characters shown as escapes
/// (`\u{1b}`), `##[` broken, and a leading `:` (after white space) shown as `\u{3a}`, so
/// a line that starts with this text never starts with `::`: nothing in it can be
/// taken for a workflow command, move the cursor or reorder the line.
pub fn terminal(s: &str) -> String {
    let shown = inline(s);
    let body = shown.trim_start();
    match body.strip_prefix(':') {
        Some(rest) => format!("{}\\u{{3a}}{rest}", shown.strip_suffix(body).unwrap_or_default()),
        None => shown,
    }
}

/// A stranger's text in the job summary's Markdown (a table cell, a list item, a
/// heading): HTML and Markdown syntax become entities, so it cannot open a tag, link,
/// image, code span or emphasis; line breaks become spaces and other controls and
/// invisible characters visible escapes; and GFM's autolinks (`www.`, `scheme://`, bare
/// e-mail addresses, `mailto:`/`xmpp:`) and `@mentions` are broken with an invisible
/// word joiner, so `www.evil.example` reads the same but is not a link.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' => out.push_str("&#124;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            '`' => out.push_str("&#96;"),
            '*' => out.push_str("&#42;"),
            '_' => out.push_str("&#95;"),
            '~' => out.push_str("&#126;"),
            '!' => out.push_str("&#33;"),
            '#' => out.push_str("&#35;"),
            '$' => out.push_str("&#36;"),
            '\\' => out.push_str("&#92;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if needs_showing(c) => push_shown(&mut out, c),
            '@' => {
                out.push(WORD_JOINER);
                out.push('@');
                out.push(WORD_JOINER);
            }
            ':' => {
                out.push(':');
                if chars.peek() == Some(&'/') {
                    out.push(WORD_JOINER);
                }
            }
            '.' => {
                if out.len() >= 3 && out.get(out.len() - 3..).is_some_and(|w| w.eq_ignore_ascii_case("www")) {
                    out.push(WORD_JOINER);
                }
                out.push('.');
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every GFM autolink start: `www.` (any case), `scheme://`, `x@y`.
    fn autolinkable(md: &str) -> bool {
        let lower = md.to_ascii_lowercase();
        lower.contains("www.") || lower.contains("://") || md.replace("\u{2060}@\u{2060}", "").contains('@')
    }

    #[test]
    fn terminal_lines_show_controls_and_never_start_a_command() {
        let cases = [
            ("plain owner/name", "plain owner/name"),
            ("\u{1b}[2Jboom", "\\u{1b}[2Jboom"),
            ("a\u{9b}31mb", "a\\u{9b}31mb"),
            ("a\u{7f}b", "a\\u{7f}b"),
            ("evil\u{202e}txt.exe", "evil\\u{202e}txt.exe"),
            ("\u{2066}x\u{2069}", "\\u{2066}x\\u{2069}"),
            ("o/r\n::add-mask::x", "o/r\\n::add-mask::x"),
            ("::add-mask::x", "\\u{3a}:add-mask::x"),
            ("  ::stop-commands::t", "  \\u{3a}:stop-commands::t"),
            ("\u{200b}::error::x", "\\u{200b}::error::x"),
            ("x ##[add-mask]y", "x ##\\[add-mask]y"),
            ("\r::error::x", "\\r::error::x"),
            ("50% done\tok", "50% done\\tok"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert!(!inline(input).chars().any(needs_showing), "{input:?}");
            let got = terminal(input);
            assert_eq!(got, want, "{input:?}");
            assert!(!got.chars().any(needs_showing), "{got:?}");
            assert!(!got.trim_start().starts_with("::") && !got.contains("##["), "{got:?}");
        }
    }

    #[test]
    fn inline_text_keeps_colons_it_cannot_start_a_line_with() {
        assert_eq!(inline("::x\n"), "::x\\n");
        assert_eq!(terminal("::x\n"), "\\u{3a}:x\\n");
    }

    #[test]
    fn command_escaping_table() {
        // (input, exact data, property, stranger's message, stranger's title)
        let cases = [
            ("plain", "plain", "plain", "plain", "plain"),
            ("a\nb", "a%0Ab", "a%0Ab", "a%0Ab", "a\\nb"),
            (
                "o/r\n::add-mask::x",
                "o/r%0A::add-mask::x",
                "o/r%0A%3A%3Aadd-mask%3A%3Ax",
                "o/r%0A::add-mask::x",
                "o/r\\n%3A%3Aadd-mask%3A%3Ax",
            ),
            ("50%\r\n", "50%25%0D%0A", "50%25%0D%0A", "50%25%0D%0A", "50%25\\r\\n"),
            ("a,b:c", "a,b:c", "a%2Cb%3Ac", "a,b:c", "a%2Cb%3Ac"),
            ("\u{1b}[2Jboom", "\u{1b}[2Jboom", "\u{1b}[2Jboom", "\\u{1b}[2Jboom", "\\u{1b}[2Jboom"),
            ("\u{9b}2J", "\u{9b}2J", "\u{9b}2J", "\\u{9b}2J", "\\u{9b}2J"),
            ("a\u{202e}b", "a\u{202e}b", "a\u{202e}b", "a\\u{202e}b", "a\\u{202e}b"),
            ("##[add-mask]x", "##[add-mask]x", "##[add-mask]x", "##\\[add-mask]x", "##\\[add-mask]x"),
        ];
        for (input, data, prop, message, title) in cases {
            assert_eq!(command_data(input), data, "{input:?}");
            assert_eq!(command_property(input), prop, "{input:?}");
            assert_eq!(command_message(input), message, "{input:?}");
            assert_eq!(command_title(input), title, "{input:?}");
            for s in [command_message(input), command_title(input)] {
                assert_eq!(s.lines().count(), usize::from(!s.is_empty()), "{s:?}");
                assert!(!s.chars().any(needs_showing) && !s.contains("##["), "{s:?}");
            }
        }
    }

    #[test]
    fn markdown_neutralises_markup_autolinks_and_controls() {
        let wj = WORD_JOINER;
        let cases = [
            ("owner/name", "owner/name".to_string()),
            ("www.evil.example", format!("www{wj}.evil.example")),
            ("WWW.evil.example", format!("WWW{wj}.evil.example")),
            ("https://evil.example/x", format!("https:{wj}//evil.example/x")),
            ("a@evil.example", format!("a{wj}@{wj}evil.example")),
            ("mailto:a@b.example", format!("mailto:a{wj}@{wj}b.example")),
            ("/foo](javascript:alert(1))", "/foo&#93;(javascript:alert(1))".to_string()),
            ("<img src=x>", "&lt;img src=x&gt;".to_string()),
            (
                "a|b`c*d_e~f\\g![h]#1 $x$",
                "a&#124;b&#96;c&#42;d&#95;e&#126;f&#92;g&#33;&#91;h&#93;&#35;1 &#36;x&#36;".to_string(),
            ),
            ("a\nb\r\tc", "a b  c".to_string()),
            ("\u{1b}[2J\u{9b}1m\u{202e}", "\\u{1b}&#91;2J\\u{9b}1m\\u{202e}".to_string()),
            ("100% & more", "100% &amp; more".to_string()),
        ];
        for (input, want) in cases {
            let got = markdown(input);
            assert_eq!(got, want, "{input:?}");
            assert!(!autolinkable(&got), "{got:?}");
            for bad in ['<', '>', '[', ']', '|', '`', '\n', '\u{1b}', '\u{9b}', '\u{202e}'] {
                assert!(!got.contains(bad), "{bad:?} left in {got:?}");
            }
        }
        // A stranger's own word joiner is shown, so it cannot pose as ours.
        assert_eq!(markdown("a\u{2060}@b"), format!("a\\u{{2060}}{wj}@{wj}b"));
    }
}
