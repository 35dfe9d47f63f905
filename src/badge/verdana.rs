//! Text widths in Verdana 11px, the font shields.io measures badge text with, so a
//! self-drawn badge is exactly as wide as shields' own (<https://shields.io/badges>).
//! badge-maker (npm `badge-maker` 6.0.0, github.com/badges/shields) measures with
//! anafanafo's advance-width table; the part of it gtt needs is embedded here.

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
pub(crate) fn text_width(text: &str) -> f64 {
    text.chars().fold(0.0, |sum, c| sum + char_width(c))
}

/// badge-maker's `preferredWidthOf`: the width truncated to an integer (`| 0`), then
/// rounded up to odd "to increase chances of pixel grid alignment".
pub(super) fn preferred_width(text: &str) -> i64 {
    let w = text_width(text) as i64;
    if w % 2 == 0 { w + 1 } else { w }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
