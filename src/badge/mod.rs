//! Badges: shields.io endpoint files and self-rendered SVGs. Everything here is pure: no
//! I/O, no clock; the caller hands in the history and the day.
//!
//! Two kinds of badge, both static files in storage the user owns:
//! - a shields.io **endpoint** file ([`endpoint_json`]), rendered by
//!   `https://img.shields.io/endpoint?url=<raw gist URL>`
//!   (<https://shields.io/badges/endpoint-badge>); [`validate_endpoint`] checks a file the
//!   way shields does before it is written;
//! - a self-contained **SVG** ([`svg()`]) in shields' flat (or flat-square) style, for a
//!   README that should not depend on any badge service. Its geometry is badge-maker's
//!   (badges/shields, npm `badge-maker` 6.0.0, `lib/badge-renderers.js`), measured with
//!   the same Verdana 11px width table ([`verdana::text_width`]), so it is as wide as shields' own
//!   badge.
//!
//! The message ([`message()`]) carries a cascading recency suffix like ghtraf's:
//! ` (+N 24h)` if the last complete day had activity, else ` (+N wk)`, else ` (+N mo)`.
//!
//! Beside the badges, a **chart** ([`chart()`]) of the last 90 complete days of views
//! and clones, for a README too.
//!
//! Rooms: `message` (numbers and the recency suffix), `endpoint` (the JSON and its
//! check), `svg` (drawing), `chart` (the 90-day chart), `verdana` (the width table).

mod chart;
mod endpoint;
mod message;
mod svg;
mod verdana;

pub(crate) use crate::config::Metric;
pub(crate) use chart::{Day, Point, Window, chart};
pub(crate) use endpoint::endpoint_json;
pub use endpoint::{EndpointError, validate_endpoint};
pub use message::group_digits;
pub(crate) use message::{message, recency};
pub(crate) use svg::svg;

use crate::config::Badges;

/// The label a badge for `metric` shows: the configured text (input `badge-labels`), or
/// the metric's name.
pub(crate) fn label(cfg: &Badges, metric: Metric) -> &str {
    cfg.labels.get(metric.name()).map_or(metric.name(), String::as_str)
}

/// Badge settings for tests: a style and two colors, the rest default.
#[cfg(test)]
pub(crate) fn test_badges(style: &str, color: &str, label_color: &str) -> Badges {
    Badges { style: style.into(), color: color.into(), label_color: label_color.into(), ..Badges::default() }
}
