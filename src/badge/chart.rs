//! The README chart: the last [`CHART_DAYS`] complete days of views and clones of one
//! repository, or summed over several, as one self-contained SVG. Pure: the days come
//! in, the text goes out; the last complete day is an argument, never the clock.
//!
//! What it promises a reader: a day that was not collected is a shaded band with no line
//! through it, never a zero; a partial day (a lower bound) has a hollow dot; the colours
//! follow the viewer's `prefers-color-scheme`; `<title>` and `<desc>` say in words what
//! the drawing shows; no script and no external reference (GitHub serves README images
//! through its camo proxy, which refuses neither, but a browser runs no script in an
//! `<img>` anyway); the same days give the same bytes.

use std::fmt::Write as _;

use jiff::civil::Date;

use super::message::group_digits;
use super::svg::{clean, escape_xml};
use super::verdana::preferred_width;

/// The days a chart shows: about a quarter, ending with the last complete day.
pub(crate) const CHART_DAYS: usize = 90;

/// One day's views and clones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Point {
    pub(crate) views: u64,
    pub(crate) clones: u64,
}

impl Point {
    fn add(self, o: Point) -> Point {
        Point { views: self.views.saturating_add(o.views), clones: self.clones.saturating_add(o.clones) }
    }

    fn peak(self) -> u64 {
        self.views.max(self.clones)
    }
}

/// What is known of one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Day {
    /// Before the repository's first collected day: it adds nothing to a sum.
    #[default]
    Untracked,
    /// Not collected: drawn as a gap, never as zero.
    Gap,
    /// Counts that are a lower bound: seen while the day was in progress, or a sum some
    /// repository's figures are missing from.
    Partial(Point),
    Complete(Point),
}

impl Day {
    fn point(self) -> Option<Point> {
        match self {
            Day::Partial(p) | Day::Complete(p) => Some(p),
            Day::Untracked | Day::Gap => None,
        }
    }

    /// The day summed over two repositories: untracked adds nothing; a gap beside counts
    /// makes them a lower bound (partial); the sum is complete only when both are.
    /// Commutative and associative, so a sum does not depend on the order.
    pub(crate) fn add(self, other: Day) -> Day {
        match (self, other) {
            (Day::Untracked, d) | (d, Day::Untracked) => d,
            (Day::Gap, Day::Gap) => Day::Gap,
            (Day::Gap, Day::Partial(p) | Day::Complete(p)) | (Day::Partial(p) | Day::Complete(p), Day::Gap) => {
                Day::Partial(p)
            }
            (Day::Complete(a), Day::Complete(b)) => Day::Complete(a.add(b)),
            (Day::Partial(a) | Day::Complete(a), Day::Partial(b) | Day::Complete(b)) => Day::Partial(a.add(b)),
        }
    }
}

/// The [`CHART_DAYS`] days ending with the last complete one: what one chart draws. A
/// summed chart is the windows of its repositories added together ([`Window::add`]), so
/// no caller needs every history at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Window {
    first: Date,
    days: Vec<Day>,
}

impl Window {
    /// Every day untracked, ending on `last`.
    pub(crate) fn new(last: Date) -> Window {
        let back = i32::try_from(CHART_DAYS).unwrap_or(1) - 1;
        let first = last.checked_sub(jiff::Span::new().days(back)).unwrap_or(last);
        Window { first, days: vec![Day::Untracked; CHART_DAYS] }
    }

    fn slot(&self, day: Date) -> Option<usize> {
        let offset = (day - self.first).get_days();
        usize::try_from(offset).ok().filter(|i| *i < self.days.len())
    }

    /// Sets one day; a day outside the window is ignored.
    pub(crate) fn set(&mut self, day: Date, value: Day) {
        if let Some(d) = self.slot(day).and_then(|i| self.days.get_mut(i)) {
            *d = value;
        }
    }

    /// Each day's dates, in order.
    pub(crate) fn days(&self) -> impl Iterator<Item = (Date, Day)> + '_ {
        self.first.series(jiff::Span::new().days(1)).zip(self.days.iter().copied())
    }

    /// Adds another window day by day (matched by date; days outside this one ignored).
    pub(crate) fn add(&mut self, other: &Window) {
        for (date, day) in other.days() {
            if let Some(d) = self.slot(date).and_then(|i| self.days.get_mut(i)) {
                *d = d.add(day);
            }
        }
    }

    fn last(&self) -> Date {
        self.days().last().map_or(self.first, |(d, _)| d)
    }
}

/// The figures the drawing and its description share.
#[derive(Debug, Default)]
struct Stats {
    total: Point,
    collected: usize,
    partial: usize,
    untracked: usize,
    /// Runs of uncollected days, by position in the window.
    gaps: Vec<(usize, usize)>,
    /// The largest day, and which series and day it was.
    peak: Option<(u64, &'static str, Date)>,
}

fn stats(w: &Window) -> Stats {
    let mut s = Stats::default();
    for (i, (date, day)) in w.days().enumerate() {
        match day {
            Day::Untracked => s.untracked += 1,
            Day::Gap => match s.gaps.last_mut() {
                Some((_, end)) if *end + 1 == i => *end = i,
                _ => s.gaps.push((i, i)),
            },
            Day::Partial(_) | Day::Complete(_) => s.collected += 1,
        }
        s.partial += usize::from(matches!(day, Day::Partial(_)));
        if let Some(p) = day.point() {
            s.total = s.total.add(p);
            let which = if p.views >= p.clones { "views" } else { "clones" };
            if s.peak.is_none_or(|(n, _, _)| p.peak() > n) {
                s.peak = Some((p.peak(), which, date));
            }
        }
    }
    s
}

const WIDTH: i64 = 720;
const HEIGHT: i64 = 220;
const LEFT: i64 = 52;
const RIGHT: i64 = 12;
const TOP: i64 = 52;
const BOTTOM: i64 = 26;

/// Light colours, then the dark ones (GitHub's Primer palette, so the chart sits well
/// in a README either way).
const STYLE: &str = "text{font:11px Verdana,Geneva,DejaVu Sans,sans-serif;fill:#57606a}.h{font-weight:bold;fill:#24292f}.b{fill:#fff}.g{fill:none;stroke:#d8dee4}.n{fill:#eaeef2}.l{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}.v{stroke:#0969da}.c{stroke:#1a7f37}.o{stroke-width:4}.p{fill:#fff;stroke-width:1.5}@media (prefers-color-scheme:dark){text{fill:#8b949e}.h{fill:#e6edf3}.b{fill:#0d1117}.g{stroke:#30363d}.n{fill:#21262d}.v{stroke:#58a6ff}.c{stroke:#3fb950}.p{fill:#0d1117}}";

/// A length in tenths of a pixel as SVG text: `12`, `12.5`.
fn px(tenths: i64) -> String {
    if tenths % 10 == 0 { (tenths / 10).to_string() } else { format!("{}.{}", tenths / 10, (tenths % 10).abs()) }
}

/// The x of day `i`, in tenths.
fn x_at(i: usize) -> i64 {
    let i = i64::try_from(i).unwrap_or(0);
    let span = i64::try_from(CHART_DAYS).unwrap_or(2) - 1;
    LEFT * 10 + i * (WIDTH - LEFT - RIGHT) * 10 / span
}

/// The y of `v` on a scale topped by `top`, in tenths.
fn y_at(v: u64, top: u64) -> i64 {
    let plot = u128::try_from((HEIGHT - TOP - BOTTOM) * 10).unwrap_or(0);
    let up = u128::from(v.min(top)) * plot / u128::from(top.max(1));
    (HEIGHT - BOTTOM) * 10 - i64::try_from(up).unwrap_or(0)
}

/// The y axis' step: the smallest 1, 2 or 5 times a power of ten that puts `peak` within
/// four steps.
fn scale_step(peak: u64) -> u64 {
    let need = peak.div_ceil(4).max(1);
    let mut unit = 1u64;
    loop {
        for m in [1, 2, 5] {
            let step = unit.saturating_mul(m);
            if step >= need || step == u64::MAX {
                return step;
            }
        }
        unit = unit.saturating_mul(10);
    }
}

/// The chart of `w`, titled with `subject` (a repository's name, or how many were
/// summed). Any text of the subject is escaped for XML.
pub(crate) fn chart(subject: &str, w: &Window) -> String {
    let subject = clean(subject);
    let st = stats(w);
    let step = scale_step(st.peak.map_or(0, |(n, _, _)| n));
    let title = escape_xml(&format!("{subject}: daily views and clones, {} to {}", w.first, w.last()));
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="title desc"><title id="title">{title}</title><desc id="desc">{}</desc><style>{STYLE}</style><rect class="b" width="{WIDTH}" height="{HEIGHT}" rx="6"/>"#,
        escape_xml(&describe(&subject, w, &st))
    );
    gap_bands(&mut s, &st);
    grid(&mut s, step);
    months(&mut s, w);
    line(&mut s, w, "v", |p| p.views, step.saturating_mul(4));
    line(&mut s, w, "c", |p| p.clones, step.saturating_mul(4));
    heading(&mut s, &subject, w, &st);
    if st.collected == 0 {
        let (x, y) = ((LEFT + WIDTH - RIGHT) / 2, (TOP + HEIGHT - BOTTOM) / 2);
        let _ = write!(s, r#"<text x="{x}" y="{y}" text-anchor="middle">nothing collected in these days</text>"#);
    }
    s.push_str("</svg>");
    s
}

/// The words for `<desc>`: the period, the totals, the peak, and every gap and partial
/// day, so a screen reader hears what the drawing shows.
fn describe(subject: &str, w: &Window, st: &Stats) -> String {
    let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    let mut d = format!(
        "Daily views and organic clones (CI checkouts removed) of {subject} from {} to {}: {} views and {} clones over {}.",
        w.first,
        w.last(),
        group_digits(st.total.views),
        group_digits(st.total.clones),
        n(st.collected, "collected day", "collected days")
    );
    if let Some((v, which, date)) = st.peak.filter(|(v, _, _)| *v > 0) {
        let which = if v == 1 { which.trim_end_matches('s') } else { which };
        let _ = write!(d, " Busiest day {date}: {} {which}.", group_digits(v));
    }
    if st.untracked > 0 {
        let _ = write!(d, " {} before collection began.", n(st.untracked, "day", "days"));
    }
    if !st.gaps.is_empty() {
        let dates: Vec<Date> = w.days().map(|(date, _)| date).collect();
        let runs: Vec<String> = st
            .gaps
            .iter()
            .filter_map(|(a, b)| match (dates.get(*a), dates.get(*b)) {
                (Some(a), Some(b)) if a == b => Some(a.to_string()),
                (Some(a), Some(b)) => Some(format!("{a} to {b}")),
                _ => None,
            })
            .collect();
        let days: usize = st.gaps.iter().map(|(a, b)| b - a + 1).sum();
        let _ = write!(d, " Not collected (shaded, no line): {}: {}.", n(days, "day", "days"), runs.join(", "));
    }
    if st.partial > 0 {
        let _ = write!(d, " {} partial, a lower bound (hollow dots).", n(st.partial, "day", "days"));
    }
    d
}

/// A shaded band over each run of uncollected days.
fn gap_bands(s: &mut String, st: &Stats) {
    let half = (x_at(1) - x_at(0)) / 2;
    for (a, b) in &st.gaps {
        let x0 = (x_at(*a) - half).max(LEFT * 10);
        let x1 = (x_at(*b) + half).min((WIDTH - RIGHT) * 10);
        let _ = write!(
            s,
            r#"<rect class="n" x="{}" y="{TOP}" width="{}" height="{}"/>"#,
            px(x0),
            px(x1 - x0),
            HEIGHT - TOP - BOTTOM
        );
    }
}

/// Five horizontal rules from 0 to four steps, each labelled on the left.
fn grid(s: &mut String, step: u64) {
    let mut d = String::new();
    let mut labels = String::new();
    for k in 0..=4u64 {
        let v = step.saturating_mul(k);
        let y = px(y_at(v, step.saturating_mul(4)));
        let _ = write!(d, "M{LEFT} {y}H{}", WIDTH - RIGHT);
        let _ = write!(labels, r#"<text x="{}" y="{y}" dy="4" text-anchor="end">{}</text>"#, LEFT - 6, group_digits(v));
    }
    let _ = write!(s, r#"<path class="g" d="{d}"/>{labels}"#);
}

/// A short month name under the first day of each month in the window.
fn months(s: &mut String, w: &Window) {
    const NAMES: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    for (i, (date, _)) in w.days().enumerate().filter(|(_, (d, _))| d.day() == 1) {
        let name = usize::try_from(date.month() - 1).ok().and_then(|m| NAMES.get(m)).unwrap_or(&"");
        let x = px(x_at(i));
        let _ = write!(
            s,
            r#"<path class="g" d="M{x} {}v4"/><text x="{x}" y="{}" text-anchor="middle">{name}</text>"#,
            HEIGHT - BOTTOM,
            HEIGHT - 8
        );
    }
}

/// One series: a path broken at every day without counts, a dot for a day alone between
/// two such days, and a hollow dot on each partial day.
fn line(s: &mut String, w: &Window, class: &str, value: fn(Point) -> u64, top: u64) {
    let mut d = String::new();
    let mut lone = String::new();
    let mut dots = String::new();
    let mut prev = false;
    let days: Vec<Day> = w.days().map(|(_, day)| day).collect();
    for (i, day) in days.iter().enumerate() {
        let Some(p) = day.point() else {
            prev = false;
            continue;
        };
        let (x, y) = (px(x_at(i)), px(y_at(value(p), top)));
        let next = days.get(i + 1).and_then(|n| n.point()).is_some();
        let _ = match (prev, next) {
            (false, false) => write!(lone, "M{x} {y}h0"),
            (false, true) => write!(d, "M{x} {y}"),
            (true, _) => write!(d, "L{x} {y}"),
        };
        if matches!(day, Day::Partial(_)) {
            let _ = write!(dots, r#"<circle class="p {class}" cx="{x}" cy="{y}" r="2.5"/>"#);
        }
        prev = true;
    }
    if !d.is_empty() {
        let _ = write!(s, r#"<path class="l {class}" d="{d}"/>"#);
    }
    if !lone.is_empty() {
        let _ = write!(s, r#"<path class="l o {class}" d="{lone}"/>"#);
    }
    s.push_str(&dots);
}

/// The subject and period on top, and a legend with the totals under them.
fn heading(s: &mut String, subject: &str, w: &Window, st: &Stats) {
    let right = WIDTH - RIGHT;
    let _ = write!(
        s,
        r#"<text class="h" x="{LEFT}" y="20">{}</text><text x="{right}" y="20" text-anchor="end">{} to {}</text>"#,
        escape_xml(subject),
        w.first,
        w.last()
    );
    let mut items = vec![
        ("v", format!("views {}", group_digits(st.total.views))),
        ("c", format!("clones {}", group_digits(st.total.clones))),
    ];
    if !st.gaps.is_empty() {
        items.push(("n", "not collected".into()));
    }
    if st.partial > 0 {
        items.push(("p", "partial (lower bound)".into()));
    }
    let mut x = LEFT;
    for (kind, text) in items {
        let _ = match kind {
            "n" => write!(s, r#"<rect class="n" x="{x}" y="30" width="12" height="12"/>"#),
            "p" => write!(s, r#"<circle class="p v" cx="{}" cy="36" r="3"/>"#, x + 6),
            line => write!(s, r#"<path class="l {line}" d="M{x} 36h12"/>"#),
        };
        let _ = write!(s, r#"<text x="{}" y="40">{text}</text>"#, x + 18);
        x += 18 + preferred_width(&text) + 16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().expect("date")
    }

    /// A window ending 2026-11-20: collected from 2026-09-01, a gap of two days, a lone
    /// day between gaps, a partial last day.
    fn sample() -> Window {
        let last = date("2026-11-20");
        let mut w = Window::new(last);
        for (i, (d, _)) in Window::new(last).days().enumerate() {
            if d < date("2026-09-01") {
                continue;
            }
            let n = u64::try_from(i).expect("i");
            let p = Point { views: n * 3 % 47 + 5, clones: n % 7 };
            w.set(d, Day::Complete(p));
        }
        for d in ["2026-10-10", "2026-10-11", "2026-10-13"] {
            w.set(date(d), Day::Gap);
        }
        w.set(date("2026-11-20"), Day::Partial(Point { views: 4, clones: 1 }));
        w
    }

    /// Well-formed, no script or reference outside the document, small.
    fn check(svg: &str) {
        let doc = roxmltree::Document::parse(svg).expect("well-formed");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        let names: Vec<&str> =
            root.children().filter(|n| n.is_element()).map(|n| n.tag_name().name()).take(2).collect();
        assert_eq!(names, ["title", "desc"], "accessible name and description first");
        for node in doc.descendants().filter(|n| n.is_element()) {
            assert_ne!(node.tag_name().name().to_ascii_lowercase(), "script");
            assert_ne!(node.tag_name().name(), "foreignObject");
            for a in node.attributes() {
                let name = a.name().to_ascii_lowercase();
                assert!(!name.starts_with("on") && name != "href", "attribute {name}");
            }
        }
        assert!(!svg.contains("url(") && !svg.contains("@import") && !svg.contains("javascript"));
        assert!(svg.len() < 30 * 1024, "{} bytes", svg.len());
    }

    #[test]
    fn the_chart_is_well_formed_accessible_and_small() {
        let w = sample();
        let svg = chart("octo/<hello>&\"'", &w);
        check(&svg);
        assert!(svg.contains("octo/&lt;hello&gt;&amp;&quot;&apos;"), "escaped");
        assert_eq!(svg, chart("octo/<hello>&\"'", &w.clone()), "deterministic");
        // The largest drawing: every day a lone partial day between gaps, huge counts,
        // a long name.
        let mut worst = Window::new(date("2026-11-20"));
        let all: Vec<Date> = worst.days().map(|(d, _)| d).collect();
        for (i, d) in all.into_iter().enumerate() {
            let p = Point { views: u64::MAX - i as u64, clones: u64::MAX / 3 };
            worst.set(d, if i % 2 == 0 { Day::Partial(p) } else { Day::Gap });
        }
        let largest = chart(&"x".repeat(140), &worst);
        check(&largest);
        // The figure README.md gives.
        assert!(largest.len() < 12 * 1024, "{} bytes", largest.len());
        check(&chart("\u{1}\u{fffe}a", &Window::new(date("2026-11-20"))));
    }

    #[test]
    fn gaps_break_the_line_and_partial_days_are_marked() {
        let svg = chart("octo/hello", &sample());
        let doc = roxmltree::Document::parse(&svg).expect("xml");
        let views = doc.descendants().find(|n| n.attribute("class") == Some("l v")).expect("views line");
        let d = views.attribute("d").expect("d");
        assert_eq!(d.matches('M').count(), 2, "two runs around the gaps: {d}");
        let lone = doc.descendants().find(|n| n.attribute("class") == Some("l o v")).and_then(|n| n.attribute("d"));
        assert_eq!(lone.map(|d| d.matches("h0").count()), Some(1), "the lone day between the gaps is a dot");
        assert_eq!(doc.descendants().filter(|n| n.attribute("class") == Some("n")).count(), 3, "two bands + legend");
        assert_eq!(doc.descendants().filter(|n| n.tag_name().name() == "circle").count(), 3, "two dots + legend");
        let desc = doc.descendants().find(|n| n.has_tag_name("desc")).and_then(|n| n.text()).expect("desc");
        assert!(desc.contains("2026-10-10 to 2026-10-11, 2026-10-13"), "{desc}");
        assert!(desc.contains("1 day partial") && desc.contains("before collection began"), "{desc}");
        assert!(svg.contains("prefers-color-scheme:dark"));
    }

    #[test]
    fn chart_snapshot() {
        insta::assert_snapshot!("chart", chart("octo/hello", &sample()));
    }

    #[test]
    fn sums_are_order_free_and_a_missing_day_makes_a_lower_bound() {
        let p = |v: u64| Point { views: v, clones: v };
        let days = [Day::Untracked, Day::Gap, Day::Partial(p(1)), Day::Complete(p(2))];
        for a in days {
            for b in days {
                assert_eq!(a.add(b), b.add(a));
                for c in days {
                    assert_eq!(a.add(b).add(c), a.add(b.add(c)));
                }
            }
        }
        let cases = [
            (Day::Untracked, Day::Gap, Day::Gap),
            (Day::Untracked, Day::Complete(p(2)), Day::Complete(p(2))),
            (Day::Gap, Day::Complete(p(2)), Day::Partial(p(2))),
            (Day::Partial(p(1)), Day::Complete(p(2)), Day::Partial(p(3))),
            (Day::Complete(p(1)), Day::Complete(p(2)), Day::Complete(p(3))),
        ];
        for (a, b, want) in cases {
            assert_eq!(a.add(b), want, "{a:?} + {b:?}");
        }
        let mut sum = Window::new(date("2026-11-20"));
        sum.add(&sample());
        assert_eq!(sum, sample(), "adding to an empty window");
        let mut shifted = Window::new(date("2026-11-21"));
        shifted.add(&sample());
        assert_eq!(shifted.days().next().map(|(_, d)| d), Some(Day::Untracked), "matched by date");
    }

    #[test]
    fn the_scale_is_a_round_step() {
        let cases =
            [(0, 1), (3, 1), (4, 1), (5, 2), (9, 5), (21, 10), (1337, 500), (u64::MAX, 5_000_000_000_000_000_000)];
        for (peak, step) in cases {
            assert_eq!(scale_step(peak), step, "{peak}");
        }
    }
}
