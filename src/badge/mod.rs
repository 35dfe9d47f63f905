//! Badges: shields.io endpoint files and self-rendered SVGs. Everything here is pure: no
//! I/O, no clock; the caller hands in the history and the day.
//!
//! Two kinds of badge, both static files in storage the user owns:
//! - a shields.io **endpoint** file ([`endpoint_json`]), rendered by
//!   `https://img.shields.io/endpoint?url=<raw gist URL>`; [`validate_endpoint`] checks a
//!   file the way shields does before it is written;
//! - a self-contained **SVG** ([`svg`]) in shields' flat (or flat-square) style, for a
//!   README that should not depend on any badge service. Its geometry is badge-maker's
//!   (badges/shields, npm `badge-maker` 6.0.0, `lib/badge-renderers.js`), measured with
//!   the same Verdana 11px width table, so it is as wide as shields' own badge.
//!
//! The message ([`message`]) carries a cascading recency suffix like ghtraf's:
//! ` (+N 24h)` if the last complete day had activity, else ` (+N wk)`, else ` (+N mo)`.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::config::{Badges, NAMED_COLORS};

/// Activity in the most recent window that had any, for the message suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recency {
    /// The last complete day (yesterday, UTC) had this many.
    Day(u64),
    /// The last 7 complete days had this many (yesterday had none).
    Week(u64),
    /// The last 30 complete days had this many (the last 7 had none).
    Month(u64),
    /// Nothing in the last 30 complete days.
    None,
}

/// From per-day counts (a day absent = no data, counts as 0) and `today` (UTC; today
/// itself is partial and ignored): `Day(n)` if the last complete day (today-1) had n>0;
/// else `Week(n)` if the 7 complete days today-7..=today-1 sum to n>0; else `Month(n)` for
/// the 30 complete days today-30..=today-1; else `None`.
pub fn recency(daily: &BTreeMap<Date, u64>, today: Date) -> Recency {
    let last = |days: i64| -> u64 {
        let start = today.checked_sub(jiff::Span::new().days(days)).unwrap_or(Date::MIN);
        daily.range(start..today).fold(0u64, |sum, (_, n)| sum.saturating_add(*n))
    };
    match (last(1), last(7), last(30)) {
        (n, _, _) if n > 0 => Recency::Day(n),
        (_, n, _) if n > 0 => Recency::Week(n),
        (_, _, n) if n > 0 => Recency::Month(n),
        _ => Recency::None,
    }
}

/// `"1,234"` below `compact_above`, `"12.3k"` / `"4.5M"` / `"1.2B"` at or above it (one
/// decimal, rounded half up, a trailing `.0` dropped: `"12k"`; a value that rounds to 1000
/// of a unit moves to the next unit: 999,950 is `"1M"`, never `"1000k"`), then the
/// suffix `" (+18 24h)"`, `" (+88 wk)"`, `" (+145 mo)"` (N formatted the same way), or
/// nothing.
pub fn message(total: u64, recency: &Recency, compact_above: u64) -> String {
    let n = |v: u64| if v >= compact_above { compact(v) } else { group_digits(v) };
    let mut s = n(total);
    match recency {
        Recency::Day(v) => s.push_str(&format!(" (+{} 24h)", n(*v))),
        Recency::Week(v) => s.push_str(&format!(" (+{} wk)", n(*v))),
        Recency::Month(v) => s.push_str(&format!(" (+{} mo)", n(*v))),
        Recency::None => {}
    }
    s
}

/// `1234567` -> `"1,234,567"`.
fn group_digits(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Units for compact numbers; past the last one the integer part just grows (u64::MAX is
/// "18,446,744.1T").
const UNITS: &[(u64, &str)] = &[(1_000, "k"), (1_000_000, "M"), (1_000_000_000, "B"), (1_000_000_000_000, "T")];

/// `123456` -> `"123.5k"`; below 1000, the plain number.
fn compact(v: u64) -> String {
    let Some(mut i) = UNITS.iter().rposition(|(unit, _)| v >= *unit) else {
        return v.to_string();
    };
    while let Some(&(unit, suffix)) = UNITS.get(i) {
        // Tenths of the unit, rounded half up, in u128 so nothing overflows.
        let unit = u128::from(unit);
        let tenths = (u128::from(v) * 10 + unit / 2) / unit;
        if tenths >= 10_000 && i + 1 < UNITS.len() {
            i += 1;
            continue;
        }
        let whole = u64::try_from(tenths / 10).unwrap_or(u64::MAX);
        let frac = tenths % 10;
        return if frac == 0 {
            format!("{}{suffix}", group_digits(whole))
        } else {
            format!("{}.{frac}{suffix}", group_digits(whole))
        };
    }
    v.to_string()
}

/// The styles shields knows; anything else is written as flat.
const STYLES: &[&str] = &["flat", "flat-square", "plastic", "for-the-badge", "social"];
/// Joi's `number()` rejects integers beyond JavaScript's safe range.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// shields.io endpoint JSON, exactly
/// `{"schemaVersion":1,"label":..,"message":..,"color":..,"labelColor":..,"style":..,"cacheSeconds":..}`:
/// only keys shields accepts, and always a file [`validate_endpoint`] accepts (an empty
/// or blank message becomes `n/a`, an empty color the default, an unknown style `flat`).
pub fn endpoint_json(label: &str, message: &str, badges: &Badges) -> String {
    let defaults = Badges::default();
    let or = |v: &str, d: &str| if v.is_empty() { d.to_string() } else { v.to_string() };
    let message = if message.trim().is_empty() { "n/a" } else { message };
    let style = if STYLES.contains(&badges.style.as_str()) { badges.style.as_str() } else { "flat" };
    let js = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
    format!(
        r#"{{"schemaVersion":1,"label":{},"message":{},"color":{},"labelColor":{},"style":{},"cacheSeconds":{}}}"#,
        js(label),
        js(message),
        js(&or(&badges.color, &defaults.color)),
        js(&or(&badges.label_color, &defaults.label_color)),
        js(style),
        badges.cache_seconds.min(MAX_SAFE_INTEGER),
    )
}

/// Validates an endpoint file the way shields does (its Joi `endpointSchema` in
/// `services/endpoint-common.js`, unknown keys rejected): `schemaVersion` must be 1;
/// `label` a string (may be empty); `message` a non-empty string; optional `color`,
/// `labelColor`, `namedLogo`, `logoSvg` non-empty strings (Joi strings refuse `""`),
/// `namedLogo` xor `logoSvg`, `logoColor`/`logoSize` only with `namedLogo`, `logoWidth`/
/// `logoPosition` (numbers, still accepted by shields for compatibility) only with a
/// logo, `isError` a boolean, `style` one of flat, flat-square, plastic, for-the-badge,
/// social, `cacheSeconds` an integer >= 0. Any other key is rejected.
///
/// Stricter than shields where shields would coerce or silently ignore: `"true"` or
/// `"300"` strings (Joi converts them), and an unknown `style` (shields renders flat), are
/// rejected, so whatever passes here passes shields.
pub fn validate_endpoint(json: &str) -> Result<(), String> {
    use serde_json::Value;
    let value: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(obj) = value else {
        return Err("not a JSON object".into());
    };
    let string = |key: &str, allow_empty: bool| -> Result<Option<&str>, String> {
        match obj.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() && !allow_empty => Err(format!("`{key}` is empty")),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(format!("`{key}` must be a string")),
        }
    };
    let number = |key: &str| -> Result<Option<f64>, String> {
        match obj.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(f) if f.abs() <= MAX_SAFE_INTEGER as f64 => Ok(Some(f)),
                _ => Err(format!("`{key}` is not a safe number")),
            },
            Some(_) => Err(format!("`{key}` must be a number")),
        }
    };

    for key in obj.keys() {
        const KEYS: &[&str] = &[
            "schemaVersion",
            "label",
            "message",
            "color",
            "labelColor",
            "isError",
            "namedLogo",
            "logoSvg",
            "logoColor",
            "logoSize",
            "logoWidth",
            "logoPosition",
            "style",
            "cacheSeconds",
        ];
        if !KEYS.contains(&key.as_str()) {
            return Err(format!("unknown key `{key}`"));
        }
    }
    match obj.get("schemaVersion") {
        None => return Err("`schemaVersion` is missing".into()),
        Some(Value::Number(n)) if n.as_f64() == Some(1.0) => {}
        Some(v) => return Err(format!("`schemaVersion` must be 1, not {v}")),
    }
    if string("label", true)?.is_none() {
        return Err("`label` is missing".into());
    }
    if string("message", false)?.is_none() {
        return Err("`message` is missing".into());
    }
    string("color", false)?;
    string("labelColor", false)?;
    match obj.get("isError") {
        None | Some(Value::Bool(_)) => {}
        Some(_) => return Err("`isError` must be a boolean".into()),
    }
    let named = string("namedLogo", false)?.is_some();
    let svg = string("logoSvg", false)?.is_some();
    if named && svg {
        return Err("`namedLogo` and `logoSvg` are exclusive".into());
    }
    for key in ["logoColor", "logoSize"] {
        if obj.contains_key(key) && !named {
            return Err(format!("`{key}` is only allowed with `namedLogo`"));
        }
        string(key, false)?;
    }
    for key in ["logoWidth", "logoPosition"] {
        if obj.contains_key(key) && !(named || svg) {
            return Err(format!("`{key}` is only allowed with `namedLogo` or `logoSvg`"));
        }
        number(key)?;
    }
    if string("style", false)?.is_some_and(|style| !STYLES.contains(&style)) {
        return Err(format!("`style` must be one of {}", STYLES.join(", ")));
    }
    if number("cacheSeconds")?.is_some_and(|secs| secs < 0.0 || secs.fract() != 0.0) {
        return Err("`cacheSeconds` must be an integer >= 0".into());
    }
    Ok(())
}

/// Advance widths in px of the printable ASCII characters U+0020..=U+007E in Verdana
/// 11px, the table shields measures badge text with.
///
/// Source: anafanafo 2.0.0 (npm `anafanafo`, github.com/metabolize/anafanafo),
/// `data/verdana-11px-normal.json`, the table badge-maker 6.0.0 (badges/shields) uses
/// for its `'11px Verdana'` measurements; copied verbatim, one entry per code point.
const VERDANA_11_ASCII: [f64; 95] = [
    3.87, 4.33, 5.05, 9.0, 6.99, 11.84, 7.99, 2.95, // ' '..='\''
    5.0, 5.0, 6.99, 9.0, 4.0, 5.0, 4.0, 5.0, // '('..='/'
    6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, // '0'..='7'
    6.99, 6.99, 5.0, 5.0, 9.0, 9.0, 9.0, 6.0, // '8'..='?'
    11.0, 7.52, 7.54, 7.68, 8.48, 6.96, 6.32, 8.53, // '@'..='G'
    8.27, 4.63, 5.0, 7.62, 6.12, 9.27, 8.23, 8.66, // 'H'..='O'
    6.63, 8.66, 7.65, 7.52, 6.78, 8.05, 7.52, 10.88, // 'P'..='W'
    7.54, 6.77, 7.54, 5.0, 5.0, 5.0, 9.0, 6.99, // 'X'..='_'
    6.99, 6.61, 6.85, 5.73, 6.85, 6.55, 3.87, 6.85, // '`'..='g'
    6.96, 3.02, 3.79, 6.51, 3.02, 10.7, 6.96, 6.68, // 'h'..='o'
    6.85, 6.85, 4.69, 5.73, 4.33, 6.96, 6.51, 9.0, // 'p'..='w'
    6.51, 6.51, 5.78, 6.98, 5.0, 6.98, 9.0, // 'x'..='~'
];

/// More of the same table (same source): Latin-1 Supplement (U+00A0 no-break space ..
/// U+00FE; U+00FF is absent there too), some punctuation and arrows, and the CJK
/// Unified Ideographs block (one range of width 11), as (first, last, width), sorted.
const VERDANA_11_MORE: &[(char, char, f64)] = &[
    ('\u{a0}', '\u{a0}', 3.87),
    ('\u{a1}', '\u{a1}', 4.33),
    ('\u{a2}', '\u{a5}', 6.99),
    ('\u{a6}', '\u{a6}', 5.0),
    ('\u{a7}', '\u{a8}', 6.99),
    ('\u{a9}', '\u{a9}', 11.0),
    ('\u{aa}', '\u{aa}', 6.0),
    ('\u{ab}', '\u{ab}', 7.09),
    ('\u{ac}', '\u{ac}', 9.0),
    ('\u{ad}', '\u{ad}', 0.0),
    ('\u{ae}', '\u{ae}', 11.0),
    ('\u{af}', '\u{af}', 6.99),
    ('\u{b0}', '\u{b0}', 5.96),
    ('\u{b1}', '\u{b1}', 9.0),
    ('\u{b2}', '\u{b3}', 5.96),
    ('\u{b4}', '\u{b4}', 6.99),
    ('\u{b5}', '\u{b5}', 7.06),
    ('\u{b6}', '\u{b6}', 6.99),
    ('\u{b7}', '\u{b7}', 4.0),
    ('\u{b8}', '\u{b8}', 6.99),
    ('\u{b9}', '\u{b9}', 5.96),
    ('\u{ba}', '\u{ba}', 6.0),
    ('\u{bb}', '\u{bb}', 7.09),
    ('\u{bc}', '\u{be}', 11.0),
    ('\u{bf}', '\u{bf}', 6.0),
    ('\u{c0}', '\u{c5}', 7.52),
    ('\u{c6}', '\u{c6}', 10.83),
    ('\u{c7}', '\u{c7}', 7.68),
    ('\u{c8}', '\u{cb}', 6.96),
    ('\u{cc}', '\u{cf}', 4.63),
    ('\u{d0}', '\u{d0}', 8.53),
    ('\u{d1}', '\u{d1}', 8.23),
    ('\u{d2}', '\u{d6}', 8.66),
    ('\u{d7}', '\u{d7}', 9.0),
    ('\u{d8}', '\u{d8}', 8.66),
    ('\u{d9}', '\u{dc}', 8.05),
    ('\u{dd}', '\u{dd}', 6.77),
    ('\u{de}', '\u{de}', 6.66),
    ('\u{df}', '\u{df}', 6.82),
    ('\u{e0}', '\u{e5}', 6.61),
    ('\u{e6}', '\u{e6}', 10.51),
    ('\u{e7}', '\u{e7}', 5.73),
    ('\u{e8}', '\u{eb}', 6.55),
    ('\u{ec}', '\u{ef}', 3.02),
    ('\u{f0}', '\u{f0}', 6.73),
    ('\u{f1}', '\u{f1}', 6.96),
    ('\u{f2}', '\u{f6}', 6.68),
    ('\u{f7}', '\u{f7}', 9.0),
    ('\u{f8}', '\u{f8}', 6.68),
    ('\u{f9}', '\u{fc}', 6.96),
    ('\u{fd}', '\u{fd}', 6.51),
    ('\u{fe}', '\u{fe}', 6.85),
    ('\u{2013}', '\u{2013}', 6.99),
    ('\u{2014}', '\u{2014}', 11.0),
    ('\u{2018}', '\u{2019}', 2.95),
    ('\u{201c}', '\u{201d}', 5.05),
    ('\u{2022}', '\u{2022}', 6.0),
    ('\u{2026}', '\u{2026}', 9.0),
    ('\u{20ac}', '\u{20ac}', 6.99),
    ('\u{2191}', '\u{2191}', 5.5),
    ('\u{2192}', '\u{2192}', 11.0),
    ('\u{2193}', '\u{2193}', 5.5),
    ('\u{25b2}', '\u{25b2}', 10.89),
    ('\u{25bc}', '\u{25bc}', 10.89),
    ('\u{2605}', '\u{2605}', 11.0),
    ('\u{4e00}', '\u{9ffe}', 11.0),
];

/// Width of "m", which the width table's consumer (char-width-table-consumer) uses for
/// any character the table lacks.
const EM_WIDTH: f64 = 10.7;

fn char_width(c: char) -> f64 {
    let code = u32::from(c);
    // Control characters take no space (char-width-table-consumer's `isControlChar`).
    if code <= 31 || code == 127 {
        return 0.0;
    }
    if let Some(w) = code.checked_sub(32).and_then(|i| VERDANA_11_ASCII.get(i as usize)) {
        return *w;
    }
    VERDANA_11_MORE.iter().find(|(lo, hi, _)| (*lo..=*hi).contains(&c)).map_or(EM_WIDTH, |(_, _, w)| *w)
}

/// Width in px of `text` in Verdana 11px, as shields computes it: badge-maker sums
/// anafanafo's `verdana-11px-normal` advance widths per code point, in order (so the
/// floating-point sum is the same), control characters counting 0 and characters outside
/// the table the width of "m". Characters outside the part of the table embedded here
/// (see [`VERDANA_11_MORE`]) also count as "m", which may differ from shields for them.
pub fn text_width(text: &str) -> f64 {
    text.chars().fold(0.0, |sum, c| sum + char_width(c))
}

/// badge-maker's `preferredWidthOf`: the width truncated to an integer (`| 0`), then
/// rounded up to odd "to increase chances of pixel grid alignment".
fn preferred_width(text: &str) -> i64 {
    let w = text_width(text) as i64;
    if w % 2 == 0 { w + 1 } else { w }
}

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
fn clean(text: &str) -> String {
    text.trim_matches(is_js_space)
        .chars()
        .filter(|&c| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
        .collect()
}

/// Escapes the five XML specials, in text and attribute values alike (as badge-maker).
fn escape_xml(s: &str) -> String {
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
pub fn svg(label: &str, message: &str, badges: &Badges) -> String {
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

    fn date(s: &str) -> Date {
        s.parse().expect("date")
    }

    #[test]
    fn recency_cascade_table() {
        let today = date("2026-03-31");
        // (days before today with a count, expected)
        let cases: &[(&[(i64, u64)], Recency)] = &[
            (&[(1, 18), (2, 5)], Recency::Day(18)),
            (&[(0, 500), (1, 3)], Recency::Day(3)), // today is partial: ignored
            (&[(0, 500)], Recency::None),
            (&[(1, 0), (2, 40), (7, 48), (8, 1000)], Recency::Week(88)),
            (&[(3, 1)], Recency::Week(1)),
            (&[(8, 100), (30, 45), (31, 9)], Recency::Month(145)),
            (&[(31, 9), (-1, 4)], Recency::None), // older than 30 days, or in the future
            (&[], Recency::None),
            (&[(1, 0), (5, 0), (20, 0)], Recency::None), // zeros are no activity
            (&[(2, u64::MAX), (3, u64::MAX)], Recency::Week(u64::MAX)), // saturates
        ];
        for (days, want) in cases {
            let daily: BTreeMap<Date, u64> = days
                .iter()
                .map(|(back, n)| (today.checked_sub(jiff::Span::new().days(*back)).expect("day"), *n))
                .collect();
            assert_eq!(recency(&daily, today), *want, "{days:?}");
        }
        // Gaps (absent days) count as 0 and do not stop the window.
        let daily = BTreeMap::from([(date("2026-03-25"), 7)]);
        assert_eq!(recency(&daily, today), Recency::Week(7));
        // Near the start of the calendar, nothing panics.
        assert_eq!(recency(&BTreeMap::from([(Date::MIN, 2)]), Date::MIN), Recency::None);
        assert_eq!(recency(&BTreeMap::from([(Date::MIN, 2)]), Date::MIN.tomorrow().expect("d")), Recency::Day(2));
    }

    #[test]
    fn message_formatting_table() {
        let c = 100_000;
        let cases: &[(u64, Recency, u64, &str)] = &[
            (0, Recency::None, c, "0"),
            (999, Recency::None, c, "999"),
            (1000, Recency::None, c, "1,000"),
            (1234, Recency::None, c, "1,234"),
            (99_999, Recency::None, c, "99,999"),
            (100_000, Recency::None, c, "100k"),
            (123_456, Recency::None, c, "123.5k"),
            (999_949, Recency::None, c, "999.9k"),
            (999_950, Recency::None, c, "1M"),
            (999_950, Recency::None, 1000, "1M"),
            (99_950, Recency::None, 1000, "100k"),
            (12_345, Recency::None, 1000, "12.3k"),
            (12_000, Recency::None, 1000, "12k"),
            (12_049, Recency::None, 1000, "12k"),
            (1_234_567, Recency::None, c, "1.2M"),
            (1_250_000, Recency::None, c, "1.3M"),
            (999_999_999, Recency::None, c, "1B"),
            (1_234_567_890, Recency::None, c, "1.2B"),
            (1_234_567, Recency::None, u64::MAX, "1,234,567"),
            (5, Recency::None, 0, "5"),
            (1234, Recency::Day(18), c, "1,234 (+18 24h)"),
            (1234, Recency::Week(88), c, "1,234 (+88 wk)"),
            (1234, Recency::Month(145), c, "1,234 (+145 mo)"),
            (4_500_000, Recency::Day(123_456), c, "4.5M (+123.5k 24h)"),
            (4_500_000, Recency::Week(1_500), c, "4.5M (+1,500 wk)"),
            (u64::MAX - 1, Recency::None, u64::MAX, "18,446,744,073,709,551,614"),
            (u64::MAX, Recency::None, u64::MAX, "18,446,744.1T"),
            (u64::MAX, Recency::Month(u64::MAX), c, "18,446,744.1T (+18,446,744.1T mo)"),
        ];
        for (total, rec, compact_above, want) in cases {
            assert_eq!(message(*total, rec, *compact_above), *want, "{total} {rec:?} {compact_above}");
        }
    }

    fn badges(style: &str, color: &str, label_color: &str) -> Badges {
        Badges { style: style.into(), color: color.into(), label_color: label_color.into(), ..Badges::default() }
    }

    #[test]
    fn endpoint_json_is_exact_and_valid() {
        let b = Badges::default();
        assert_eq!(
            endpoint_json("views", "1,234 (+18 24h)", &b),
            r#"{"schemaVersion":1,"label":"views","message":"1,234 (+18 24h)","color":"blue","labelColor":"grey","style":"flat","cacheSeconds":3600}"#
        );
        let mut huge = badges("flat-square", "1f6feb", "555");
        huge.cache_seconds = u64::MAX;
        let cases = [
            ("views", "1,234", Badges::default()),
            ("", "only message", Badges::default()),
            ("views", "", Badges::default()),
            ("views", " \t", Badges::default()),
            ("a \"quoted\"\nlabel\\ <b>", "x\u{0}y", badges("plastic", "ff69b4", "000")),
            ("visitors", "12.3k", badges("no-such-style", "", "")),
            ("stars", "1", huge),
        ];
        for (label, msg, b) in &cases {
            let json = endpoint_json(label, msg, b);
            assert_eq!(validate_endpoint(&json), Ok(()), "{json}");
            let v: serde_json::Value = serde_json::from_str(&json).expect("json");
            assert_eq!(v["label"], *label);
            assert!(!v["message"].as_str().expect("message").is_empty());
        }
    }

    #[test]
    fn validate_endpoint_table() {
        let ok = [
            r#"{"schemaVersion":1,"label":"","message":"x"}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","color":"blue","labelColor":"555","isError":true,"style":"social","cacheSeconds":0}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","namedLogo":"github","logoColor":"white","logoSize":"auto","logoWidth":14}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","logoSvg":"<svg/>","logoPosition":3}"#,
            r#"{"schemaVersion":1.0,"label":"a","message":" ","cacheSeconds":300.0}"#,
        ];
        for json in ok {
            assert_eq!(validate_endpoint(json), Ok(()), "{json}");
        }
        let bad = [
            r#"{"schemaVersion":2,"label":"a","message":"x"}"#,
            r#"{"schemaVersion":"1","label":"a","message":"x"}"#,
            r#"{"label":"a","message":"x"}"#,
            r#"{"schemaVersion":1,"message":"x"}"#,
            r#"{"schemaVersion":1,"label":3,"message":"x"}"#,
            r#"{"schemaVersion":1,"label":"a"}"#,
            r#"{"schemaVersion":1,"label":"a","message":""}"#,
            r#"{"schemaVersion":1,"label":"a","message":7}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","link":"https://example.com"}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","namedLogo":"github","logoSvg":"<svg/>"}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","logoColor":"white"}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","logoSize":"auto"}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","logoWidth":14}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","cacheSeconds":-1}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","cacheSeconds":1.5}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","cacheSeconds":"300"}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","cacheSeconds":1e300}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","isError":"true"}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","style":"fancy"}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","color":""}"#,
            r#"{"schemaVersion":1,"label":"a","message":"x","color":null}"#,
            r#"[{"schemaVersion":1,"label":"a","message":"x"}]"#,
            "schemaVersion: 1",
            "",
        ];
        for json in bad {
            assert!(validate_endpoint(json).is_err(), "{json}");
        }
    }

    #[test]
    fn text_width_uses_the_verdana_table() {
        let cases: &[(&str, f64)] = &[
            ("", 0.0),
            ("build", 26.7),
            ("m", 10.7),
            ("\u{1f600}", 10.7), // not in the table: the width of "m"
            ("\u{ff}", 10.7),    // absent from anafanafo's table too
            ("a\u{7}b", 6.61 + 6.85),
            ("\u{a0}\u{b7}\u{2026}", 3.87 + 4.0 + 9.0),
            ("\u{65e5}", 11.0),
        ];
        for (text, want) in cases {
            assert!((text_width(text) - want).abs() < 1e-9, "{text:?}: {}", text_width(text));
        }
        assert_eq!(preferred_width("build"), 27);
        assert_eq!(preferred_width("passing"), 41);
        assert_eq!(preferred_width(""), 1);
    }

    /// Well-formedness, checked without an XML crate: one root, balanced tags, attributes
    /// quoted, text and attribute values free of raw `<`, `>` and of `&` other than the
    /// five predefined entities. Returns every element name and attribute name seen.
    fn check_xml(s: &str) -> Result<(Vec<String>, Vec<String>), String> {
        fn check_text(t: &str) -> Result<(), String> {
            if t.contains('<') || t.contains('>') {
                return Err(format!("raw markup character in {t:?}"));
            }
            let mut rest = t;
            while let Some(i) = rest.find('&') {
                rest = &rest[i..];
                let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].iter().find(|e| rest.starts_with(**e));
                let e = entity.ok_or_else(|| format!("bad entity in {t:?}"))?;
                rest = &rest[e.len()..];
            }
            Ok(())
        }
        let name_ok = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':');
        let (mut stack, mut elements, mut attrs) = (Vec::<String>::new(), Vec::new(), Vec::new());
        let mut roots = 0;
        let mut rest = s;
        while !rest.is_empty() {
            let Some(open) = rest.find('<') else {
                return Err("text after the root".into());
            };
            let text = &rest[..open];
            if stack.is_empty() && !text.is_empty() {
                return Err(format!("text outside the root: {text:?}"));
            }
            check_text(text)?;
            rest = &rest[open + 1..];
            if let Some(after) = rest.strip_prefix('/') {
                let close = after.find('>').ok_or("unclosed end tag")?;
                let name = &after[..close];
                if stack.pop().as_deref() != Some(name) {
                    return Err(format!("unbalanced </{name}>"));
                }
                rest = &after[close + 1..];
                continue;
            }
            let end = rest.find([' ', '>', '/']).ok_or("unclosed tag")?;
            let name = &rest[..end];
            if !name_ok(name) {
                return Err(format!("bad element name {name:?}"));
            }
            if stack.is_empty() {
                roots += 1;
            }
            elements.push(name.to_string());
            rest = &rest[end..];
            loop {
                rest = rest.trim_start_matches(' ');
                if let Some(r) = rest.strip_prefix("/>") {
                    rest = r;
                    break;
                }
                if let Some(r) = rest.strip_prefix('>') {
                    stack.push(name.to_string());
                    rest = r;
                    break;
                }
                let eq = rest.find('=').ok_or("attribute without value")?;
                let attr = &rest[..eq];
                if !name_ok(attr) {
                    return Err(format!("bad attribute name {attr:?}"));
                }
                attrs.push(attr.to_string());
                let value = rest[eq + 1..].strip_prefix('"').ok_or("unquoted attribute")?;
                let close = value.find('"').ok_or("unterminated attribute")?;
                check_text(&value[..close])?;
                rest = &value[close + 1..];
            }
        }
        if !stack.is_empty() || roots != 1 {
            return Err(format!("unclosed {stack:?} or {roots} roots"));
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
}
