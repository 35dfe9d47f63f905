//! The self-drawn SVG badge, for a README that should not depend on any badge service:
//! byte for byte what shields.io draws (<https://shields.io/badges/static-badge>), so the
//! two kinds of badge look alike side by side. The geometry and markup are badge-maker's
//! (npm `badge-maker` 6.0.0, github.com/badges/shields, `badge-maker/lib/badge-renderers.js`).

use crate::config::{Badges, NAMED_COLORS};

use super::verdana::preferred_width;

/// JavaScript's `String.prototype.trim` set (badge-maker trims label and message).
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// Trimmed like badge-maker, and without the characters XML 1.0 forbids even escaped
/// (C0 controls other than tab, newline, return; U+FFFE, U+FFFF), so any input makes a
/// well-formed document. The dropped controls have width 0, so geometry is unchanged.
pub(super) fn clean(text: &str) -> String {
    text.trim_matches(is_js_space)
        .chars()
        .filter(|&c| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
        .collect()
}

/// Escapes the five XML specials, in text and attribute values alike (as badge-maker).
pub(super) fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A configured color as an SVG `#hex`: a name from [`NAMED_COLORS`], or 3 or 6 hex
/// digits (a leading `#` tolerated). Anything else: `None`.
fn svg_color(color: &str) -> Option<String> {
    let color = color.trim();
    let hex = NAMED_COLORS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(color))
        .map_or_else(|| color.strip_prefix('#').unwrap_or(color), |(_, hex)| *hex);
    ((hex.len() == 3 || hex.len() == 6) && hex.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| format!("#{}", hex.to_ascii_lowercase()))
}

/// `(text, shadow)` colors for text on `background` (`#hex`), as badge-maker's
/// `colorsForBackground`: brightness `(299 r + 587 g + 114 b) / 255000`, rounded to two
/// decimals (`toFixed(2)`); at most 0.69 gets white text, brighter dark text.
fn text_colors(background: &str) -> (&'static str, &'static str) {
    let hex = background.trim_start_matches('#');
    let digit = |i: usize| hex.get(i..=i).and_then(|d| u32::from_str_radix(d, 16).ok()).unwrap_or(0);
    let [r, g, b] = if hex.len() == 3 {
        [digit(0) * 17, digit(1) * 17, digit(2) * 17]
    } else {
        [digit(0) * 16 + digit(1), digit(2) * 16 + digit(3), digit(4) * 16 + digit(5)]
    };
    let brightness = f64::from(r * 299 + g * 587 + b * 114) / 255_000.0;
    // `toFixed(2) <= 0.69` for a double x is `x <= 0.695_f64`: the double nearest 0.695
    // lies just below it, so it still rounds down.
    if brightness <= 0.695 { ("#fff", "#010101") } else { ("#333", "#ccc") }
}

/// One text (label or message) in badge-maker's flat or flat-square markup.
fn text_element(out: &mut String, text: &str, margin: i64, width: i64, background: &str, shadow: bool) {
    if text.is_empty() {
        return;
    }
    let (fill, shadow_fill) = text_colors(background);
    let fill = if fill == "#fff" { String::new() } else { format!(r#" fill="{fill}""#) };
    let x = 10 * margin + 5 * width + 50; // 10 * (margin + width / 2 + padding 5), width odd
    let length = 10 * width;
    let t = escape_xml(text);
    if shadow {
        out.push_str(&format!(
            r#"<g transform="scale(.1)"><g aria-hidden="true" fill="{shadow_fill}"><text x="{x}" y="150" fill-opacity=".8" filter="url(#blur)" textLength="{length}">{t}</text><text x="{x}" y="150" fill-opacity=".3" textLength="{length}">{t}</text></g><text x="{x}" y="140" textLength="{length}"{fill}>{t}</text></g>"#
        ));
    } else {
        out.push_str(&format!(r#"<text x="{x}" y="140" textLength="{length}" transform="scale(.1)"{fill}>{t}</text>"#));
    }
}

/// A self-contained SVG badge, byte for byte what badge-maker 6.0.0 renders for the same
/// label, message and colors in its **flat** style, or **flat-square** when
/// `badges.style` is "flat-square" (other styles render as flat): height 20, 5 px
/// padding each side of each text, text at 10x scale with `textLength`, Verdana 11px font
/// stack, flat's gradient, rounded corners (r=3) and shadow texts; label color on the
/// left, message color on the right (names mapped through [`NAMED_COLORS`]; an unusable
/// color falls back to brightgreen, an unusable label color to grey, as badge-maker);
/// `<title>`, `role="img"` and `aria-label` for screen readers. Label and message are
/// trimmed, and every text and attribute is XML-escaped.
///
/// An empty label gives a message-only badge (badge-maker does so when no label color
/// is given; with one it would draw a 10 px stub).
pub(crate) fn svg(label: &str, message: &str, badges: &Badges) -> String {
    let named = |name: &str| svg_color(name).unwrap_or_default();
    let (label, message) = (clean(label), clean(message));
    let square = badges.style == "flat-square";
    let color = svg_color(&badges.color).unwrap_or_else(|| named("brightgreen"));
    let has_label = !label.is_empty();
    let label_color =
        if has_label { svg_color(&badges.label_color).unwrap_or_else(|| named("grey")) } else { color.clone() };

    // badge-maker's `Badge` constructor, without a logo.
    let label_width = if has_label { preferred_width(&label) } else { 0 };
    let left = if has_label { label_width + 10 } else { 0 };
    let message_width = preferred_width(&message);
    let mut message_margin = left - i64::from(!message.is_empty());
    if !has_label {
        message_margin += 1;
    }
    let right = message_width + 10;
    let width = left + right;
    let accessible = escape_xml(&if has_label { format!("{label}: {message}") } else { message.clone() });

    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{accessible}"><title>{accessible}</title>"#
    );
    let rects = format!(
        r#"<rect width="{left}" height="20" fill="{label_color}"/><rect x="{left}" width="{right}" height="20" fill="{color}"/>"#
    );
    if square {
        s.push_str(&format!(r#"<g shape-rendering="crispEdges">{rects}</g>"#));
    } else {
        s.push_str(&format!(
            r##"<filter id="blur"><feGaussianBlur stdDeviation="16"/></filter><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{width}" height="20" rx="3"/></clipPath><g clip-path="url(#r)">{rects}<rect width="{width}" height="20" fill="url(#s)"/></g>"##
        ));
    }
    s.push_str(r##"<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">"##);
    text_element(&mut s, &label, 1, label_width, &label_color, !square);
    text_element(&mut s, &message, message_margin, message_width, &color, !square);
    s.push_str("</g></svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::badge::test_badges as badges;
    use crate::config::BADGE_STYLES;

    /// Why a document is not well-formed XML.
    #[derive(Debug)]
    struct Malformed(String);

    impl std::fmt::Display for Malformed {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    fn malformed<T>(why: impl Into<String>) -> Result<T, Malformed> {
        Err(Malformed(why.into()))
    }

    /// Text or an attribute value: no raw `<` or `>`, and `&` only in the five
    /// predefined entities.
    fn check_text(t: &str) -> Result<(), Malformed> {
        if t.contains('<') || t.contains('>') {
            return malformed(format!("raw markup character in {t:?}"));
        }
        let mut rest = t;
        while let Some(i) = rest.find('&') {
            rest = &rest[i..];
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].iter().find(|e| rest.starts_with(**e));
            let Some(e) = entity else {
                return malformed(format!("bad entity in {t:?}"));
            };
            rest = &rest[e.len()..];
        }
        Ok(())
    }

    fn name_ok(n: &str) -> bool {
        !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
    }

    /// The attributes of a start tag, up to its `>` or `/>`: their names pushed on
    /// `attrs`; returns what follows the tag and whether it was an empty-element tag.
    fn attributes<'a>(mut rest: &'a str, attrs: &mut Vec<String>) -> Result<(&'a str, bool), Malformed> {
        loop {
            rest = rest.trim_start_matches(' ');
            if let Some(r) = rest.strip_prefix("/>") {
                return Ok((r, true));
            }
            if let Some(r) = rest.strip_prefix('>') {
                return Ok((r, false));
            }
            let Some(eq) = rest.find('=') else { return malformed("attribute without value") };
            let attr = &rest[..eq];
            if !name_ok(attr) {
                return malformed(format!("bad attribute name {attr:?}"));
            }
            attrs.push(attr.to_string());
            let Some(value) = rest[eq + 1..].strip_prefix('"') else { return malformed("unquoted attribute") };
            let Some(close) = value.find('"') else { return malformed("unterminated attribute") };
            check_text(&value[..close])?;
            rest = &value[close + 1..];
        }
    }

    /// Well-formedness, checked without an XML crate: one root, balanced tags, attributes
    /// quoted, text and attribute values free of raw `<`, `>` and of `&` other than the
    /// five predefined entities. Returns every element name and attribute name seen.
    fn check_xml(s: &str) -> Result<(Vec<String>, Vec<String>), Malformed> {
        let (mut stack, mut elements, mut attrs) = (Vec::<String>::new(), Vec::new(), Vec::new());
        let mut roots = 0;
        let mut rest = s;
        while !rest.is_empty() {
            let Some(open) = rest.find('<') else { return malformed("text after the root") };
            let text = &rest[..open];
            if stack.is_empty() && !text.is_empty() {
                return malformed(format!("text outside the root: {text:?}"));
            }
            check_text(text)?;
            rest = &rest[open + 1..];
            if let Some(after) = rest.strip_prefix('/') {
                let Some(close) = after.find('>') else { return malformed("unclosed end tag") };
                let name = &after[..close];
                if stack.pop().as_deref() != Some(name) {
                    return malformed(format!("unbalanced </{name}>"));
                }
                rest = &after[close + 1..];
                continue;
            }
            let Some(end) = rest.find([' ', '>', '/']) else { return malformed("unclosed tag") };
            let name = &rest[..end];
            if !name_ok(name) {
                return malformed(format!("bad element name {name:?}"));
            }
            if stack.is_empty() {
                roots += 1;
            }
            elements.push(name.to_string());
            let (after, empty) = attributes(&rest[end..], &mut attrs)?;
            if !empty {
                stack.push(name.to_string());
            }
            rest = after;
        }
        if !stack.is_empty() || roots != 1 {
            return malformed(format!("unclosed {stack:?} or {roots} roots"));
        }
        Ok((elements, attrs))
    }

    #[test]
    fn the_xml_checker_catches_broken_markup() {
        assert!(check_xml("<a><b/></a>").is_ok());
        for bad in ["<a><b></a>", "<a>x<y</a>", "<a>&bogus;</a>", "<a x=1/>", "<a/><b/>", "<a x=\"<\"/>", "x<a/>"] {
            assert!(check_xml(bad).is_err(), "{bad}");
        }
    }

    /// Rendered by badge-maker 6.0.0 (`makeBadge({label, message, color, labelColor,
    /// style})`, node 20): the reference the SVG must reproduce byte for byte.
    const SHIELDS_BUILD_PASSING: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="88" height="20" role="img" aria-label="build: passing"><title>build: passing</title><filter id="blur"><feGaussianBlur stdDeviation="16"/></filter><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="88" height="20" rx="3"/></clipPath><g clip-path="url(#r)"><rect width="37" height="20" fill="#555"/><rect x="37" width="51" height="20" fill="#4c1"/><rect width="88" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110"><g transform="scale(.1)"><g aria-hidden="true" fill="#010101"><text x="195" y="150" fill-opacity=".8" filter="url(#blur)" textLength="270">build</text><text x="195" y="150" fill-opacity=".3" textLength="270">build</text></g><text x="195" y="140" textLength="270">build</text></g><g transform="scale(.1)"><g aria-hidden="true" fill="#010101"><text x="615" y="150" fill-opacity=".8" filter="url(#blur)" textLength="410">passing</text><text x="615" y="150" fill-opacity=".3" textLength="410">passing</text></g><text x="615" y="140" textLength="410">passing</text></g></g></svg>"##;
    const SHIELDS_LIGHT: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="144" height="20" role="img" aria-label="views: 12.3k (+18 24h)"><title>views: 12.3k (+18 24h)</title><filter id="blur"><feGaussianBlur stdDeviation="16"/></filter><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="144" height="20" rx="3"/></clipPath><g clip-path="url(#r)"><rect width="41" height="20" fill="#555"/><rect x="41" width="103" height="20" fill="#eee"/><rect width="144" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110"><g transform="scale(.1)"><g aria-hidden="true" fill="#010101"><text x="215" y="150" fill-opacity=".8" filter="url(#blur)" textLength="310">views</text><text x="215" y="150" fill-opacity=".3" textLength="310">views</text></g><text x="215" y="140" textLength="310">views</text></g><g transform="scale(.1)"><g aria-hidden="true" fill="#ccc"><text x="915" y="150" fill-opacity=".8" filter="url(#blur)" textLength="930">12.3k (+18 24h)</text><text x="915" y="150" fill-opacity=".3" textLength="930">12.3k (+18 24h)</text></g><text x="915" y="140" textLength="930" fill="#333">12.3k (+18 24h)</text></g></g></svg>"##;
    const SHIELDS_SQUARE_SCRIPT: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="270" height="20" role="img" aria-label="&lt;script&gt;alert(1)&lt;/script&gt;: &quot;&gt;&lt;svg onload=x&gt;"><title>&lt;script&gt;alert(1)&lt;/script&gt;: &quot;&gt;&lt;svg onload=x&gt;</title><g shape-rendering="crispEdges"><rect width="153" height="20" fill="#555"/><rect x="153" width="117" height="20" fill="#e05d44"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110"><text x="775" y="140" textLength="1430" transform="scale(.1)">&lt;script&gt;alert(1)&lt;/script&gt;</text><text x="2105" y="140" textLength="1070" transform="scale(.1)">&quot;&gt;&lt;svg onload=x&gt;</text></g></svg>"##;
    const SHIELDS_MESSAGE_ONLY: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="85" height="20" role="img" aria-label="only message"><title>only message</title><filter id="blur"><feGaussianBlur stdDeviation="16"/></filter><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="85" height="20" rx="3"/></clipPath><g clip-path="url(#r)"><rect width="0" height="20" fill="#007ec6"/><rect x="0" width="85" height="20" fill="#007ec6"/><rect width="85" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110"><g transform="scale(.1)"><g aria-hidden="true" fill="#010101"><text x="425" y="150" fill-opacity=".8" filter="url(#blur)" textLength="750">only message</text><text x="425" y="150" fill-opacity=".3" textLength="750">only message</text></g><text x="425" y="140" textLength="750">only message</text></g></g></svg>"##;

    #[test]
    fn svg_is_what_badge_maker_renders() {
        let cases = [
            ("build", "passing", badges("flat", "4c1", "555"), SHIELDS_BUILD_PASSING),
            ("views", "12.3k (+18 24h)", badges("flat", "eee", "555"), SHIELDS_LIGHT),
            (
                "<script>alert(1)</script>",
                "\"><svg onload=x>",
                badges("flat-square", "e05d44", "555"),
                SHIELDS_SQUARE_SCRIPT,
            ),
            ("", "only message", badges("flat", "007ec6", "555"), SHIELDS_MESSAGE_ONLY),
        ];
        for (label, msg, b, want) in &cases {
            assert_eq!(svg(label, msg, b), *want, "{label} | {msg}");
        }
        // Trimmed like badge-maker; named colors through NAMED_COLORS (badge-maker 6 draws
        // brightgreen as #4b0).
        let named = svg("  build\t", "passing\n", &badges("plastic", "brightgreen", "grey"));
        assert_eq!(named, SHIELDS_BUILD_PASSING.replace("#4c1", "#4b0"));
    }

    /// Total, label-part and message-part widths shields renders, from badge-maker 6.0.0
    /// with anafanafo 2.0.0 (flat; flat-square has the same geometry). "build | passing"
    /// = 88 is also the width in real shields.io SVGs quoted across the code corpus.
    const SHIELDS_WIDTHS: &[(&str, &str, i64, i64, i64)] = &[
        ("build", "passing", 88, 37, 51),
        ("views", "1,234", 82, 41, 41),
        ("clones", "12.3k (+18 24h)", 148, 45, 103),
        ("installs", "4.5M (+88 wk)", 142, 49, 93),
        ("downloads", "999 (+145 mo)", 166, 69, 97),
        ("stars", "0", 54, 37, 17),
        ("visitors", "1,234,567", 116, 49, 67),
        ("WWW", "mmm", 86, 43, 43),
        ("h\u{e9}llo w\u{f6}rld", "\u{2026}\u{b7}\u{a0}x", 104, 71, 33),
        ("\u{65e5}\u{672c}", "\u{6f22}\u{5b57}", 66, 33, 33),
        ("\u{c5}ngstr\u{f6}m", "\u{ff}\u{d7}", 92, 63, 29),
        ("<script>alert(1)</script>", "\"><svg onload=x>", 270, 153, 117),
        ("a & b", "it's \"q\"", 86, 39, 47),
    ];

    fn attr(svg: &str, prefix: &str) -> i64 {
        let at = svg.find(prefix).expect("attribute") + prefix.len();
        svg[at..].split('"').next().expect("value").parse().expect("number")
    }

    #[test]
    fn svg_widths_match_shields() {
        for style in ["flat", "flat-square"] {
            for (label, msg, total, left, right) in SHIELDS_WIDTHS {
                let s = svg(label, msg, &badges(style, "blue", "grey"));
                let w = attr(&s, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
                // The message rect starts where the label rect ends.
                let l = attr(&s, "<rect x=\"");
                let r = attr(&s[s.find("<rect x=").expect("rect")..], "width=\"");
                assert!((w - total).abs() <= 2, "{label} | {msg}: {w} vs shields {total}");
                // In fact identical, part by part.
                assert_eq!((w, l, r), (*total, *left, *right), "{label} | {msg} ({style})");
            }
        }
    }

    #[test]
    fn svg_is_well_formed_accessible_and_inert() {
        let allowed_elements =
            ["svg", "title", "filter", "feGaussianBlur", "linearGradient", "stop", "clipPath", "rect", "g", "text"];
        let labels = [
            "views",
            "",
            "<script>alert(1)</script>",
            "\"><svg onload=x>",
            "a & b ' \" < >",
            "]]><!--",
            "\u{0}\u{1b}[31mred\u{7f}\u{fffe}",
            "h\u{e9}llo \u{65e5}\u{672c} \u{1f600}",
        ];
        for style in ["flat", "flat-square", "social"] {
            for label in labels {
                for msg in ["1,234 (+18 24h)", label, ""] {
                    let s = svg(label, msg, &badges(style, "orange", "grey"));
                    let (elements, attrs) = check_xml(&s).unwrap_or_else(|e| panic!("{e}: {s}"));
                    assert!(elements.iter().all(|e| allowed_elements.contains(&e.as_str())), "{elements:?}");
                    assert!(attrs.iter().all(|a| !a.to_ascii_lowercase().starts_with("on")), "{attrs:?}");
                    assert!(s.contains("<title>") && s.contains(r#"role="img""#) && s.contains("aria-label="));
                    assert!(!s.contains("<script") && !s.contains("<svg onload"));
                }
            }
        }
        let s = svg("<script>alert(1)</script>", "\"><svg onload=x>", &Badges::default());
        assert!(s.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;: &quot;&gt;&lt;svg onload=x&gt;</title>"));
        assert_eq!(s.matches("<svg").count(), 1);
    }

    #[test]
    fn svg_colors() {
        let s = svg("views", "1", &Badges::default());
        assert!(s.contains(r##"fill="#555"/><rect x="##) && s.contains(r##"fill="#007ec6"/>"##), "{s}");
        // Unusable colors fall back like badge-maker: message brightgreen, label grey.
        let s = svg("views", "1", &badges("flat", "not a color", "#12345"));
        assert!(s.contains(r##"fill="#555"/><rect x="##) && s.contains(r##"fill="#4b0"/>"##), "{s}");
        // Hex with or without '#', any case.
        assert!(svg("a", "b", &badges("flat", "#ABCDEF", "fff")).contains(r##"fill="#abcdef""##));
        // Text color follows the background's brightness.
        assert_eq!(text_colors("#fff"), ("#333", "#ccc"));
        assert_eq!(text_colors("#007ec6"), ("#fff", "#010101"));
        assert_eq!(text_colors("#dfb317"), ("#fff", "#010101")); // brightness 0.68
        assert_eq!(text_colors("#97ca00"), ("#fff", "#010101")); // 0.61
    }

    /// The whole badge, per style shields knows (plastic, for-the-badge and social are
    /// drawn flat), for a plain metric, a compacted one with a recency suffix, a
    /// message-only badge and a stranger's markup.
    #[test]
    fn svg_snapshots_per_style() {
        let combos = [
            ("views", "1,234", "blue", "grey"),
            ("installs", "4.5M (+88 wk)", "brightgreen", "555"),
            ("", "only message", "#ABCDEF", ""),
            ("a & b <i>", "\"q\" \u{65e5}\u{672c}", "fff", "not a color"),
        ];
        for style in BADGE_STYLES {
            let drawn: Vec<String> = combos
                .iter()
                .map(|(label, msg, color, label_color)| svg(label, msg, &badges(style, color, label_color)))
                .collect();
            for s in &drawn {
                check_xml(s).unwrap_or_else(|e| panic!("{e}: {s}"));
            }
            insta::assert_snapshot!(format!("svg_{style}"), drawn.join("\n"));
        }
    }
}
