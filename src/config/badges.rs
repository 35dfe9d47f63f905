//! The badge inputs: which metrics have badges, the styles and colors shields.io draws,
//! and the label texts.

use std::fmt;

use super::raw::Raw;
use super::values::{invalid, parse_color, printable};
use super::{Badges, Error};

/// A figure gtt writes a badge for (and input `badge-labels` names). An enum, so a
/// misspelt metric is a compile error or an input error, never a badge that silently
/// shows nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Metric {
    Views,
    Clones,
    Installs,
    Downloads,
    Stars,
}

impl Metric {
    /// Every metric, in file-name order.
    pub(crate) const ALL: [Metric; 5] =
        [Metric::Views, Metric::Clones, Metric::Installs, Metric::Downloads, Metric::Stars];

    /// The name in file names, inputs and outputs.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Metric::Views => "views",
            Metric::Clones => "clones",
            Metric::Installs => "installs",
            Metric::Downloads => "downloads",
            Metric::Stars => "stars",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The badge styles shields.io draws; input `badge-style` takes one of them.
pub(crate) const BADGE_STYLES: &[&str] = &["flat", "flat-square", "plastic", "for-the-badge", "social"];
/// shields.io's named colors (and aliases) as badge-maker 6 draws them; anything else
/// must be hex.
pub(crate) const NAMED_COLORS: &[(&str, &str)] = &[
    ("brightgreen", "4b0"),
    ("green", "67ac09"),
    ("yellowgreen", "95991a"),
    ("yellow", "d8b800"),
    ("orange", "ea7233"),
    ("red", "dd4343"),
    ("blue", "007ec6"),
    ("grey", "555"),
    ("gray", "555"),
    ("lightgrey", "939393"),
    ("lightgray", "939393"),
    ("success", "4b0"),
    ("important", "ea7233"),
    ("critical", "dd4343"),
    ("informational", "007ec6"),
    ("inactive", "939393"),
];

impl Default for Badges {
    fn default() -> Self {
        Badges {
            style: "flat".into(),
            color: "blue".into(),
            label_color: "grey".into(),
            labels: Metric::ALL.iter().map(|m| (m.name().to_string(), m.name().to_string())).collect(),
            cache_seconds: 3600,
            compact_above: 100_000,
        }
    }
}

/// The `badge-*` inputs over the defaults.
pub(super) fn parse(raw: &Raw) -> Result<Badges, Error> {
    let mut b = Badges::default();
    if let Some(style) = &raw.badge_style {
        if !BADGE_STYLES.contains(&style.as_str()) {
            return Err(invalid("badge-style", style, "use flat, flat-square, plastic, for-the-badge or social"));
        }
        b.style = style.clone();
    }
    if let Some(c) = &raw.badge_color {
        b.color = parse_color("badge-color", c)?;
    }
    if let Some(c) = &raw.badge_label_color {
        b.label_color = parse_color("badge-label-color", c)?;
    }
    if let Some(labels) = &raw.badge_labels {
        parse_labels(labels, &mut b)?;
    }
    if let Some(s) = &raw.badge_cache_seconds {
        let n = s.parse().ok().filter(|n| *n <= 31_536_000);
        b.cache_seconds = n.ok_or_else(|| invalid("badge-cache-seconds", s, "use a whole number of seconds"))?;
    }
    if let Some(s) = &raw.badge_compact_above {
        let n = s.parse().ok().filter(|n| *n >= 1000);
        b.compact_above = n.ok_or_else(|| invalid("badge-compact-above", s, "use a whole number from 1000 up"))?;
    }
    Ok(b)
}

/// `views=visitors,installs=installs`: label texts over the defaults. Control
/// characters are dropped and a label is cut to 60 characters, as it ends up in SVG
/// files and workflow output.
fn parse_labels(text: &str, b: &mut Badges) -> Result<(), Error> {
    for pair in text.split([',', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((metric, label)) = pair.split_once('=') else {
            let why = "is not metric=label (e.g. views=visitors)";
            return Err(Error::BadItem { input: "badge-labels", item: printable(pair), why });
        };
        let metric = metric.trim();
        if Metric::from_name(metric).is_none() {
            return Err(Error::UnknownMetric(printable(metric)));
        }
        let label: String = label.trim().chars().filter(|c| !c.is_control()).take(60).collect();
        b.labels.insert(metric.to_string(), label);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_and_their_names_agree() {
        assert_eq!(Metric::ALL.map(Metric::name), ["views", "clones", "installs", "downloads", "stars"]);
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
        }
        assert_eq!(Metric::from_name("nope"), None);
    }
}
