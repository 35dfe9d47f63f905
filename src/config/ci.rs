//! The `ci-*` inputs: how clones made by CI checkouts are recognised and subtracted.

use super::raw::Raw;
use super::values::{bool_input, invalid};
use super::{Ci, CiMode, Error};

/// Input `ci-checkout-pattern`'s default: the name GitHub gives an unnamed
/// `uses: actions/checkout@v4` step (`Run actions/checkout@v4`), and the usual names
/// people give it.
pub(super) const DEFAULT_PATTERNS: &str = "actions/checkout*|Run actions/checkout*|Checkout";

impl Default for Ci {
    fn default() -> Self {
        Ci { mode: CiMode::Steps, patterns: parse_patterns(DEFAULT_PATTERNS), pages_builds: true }
    }
}

fn parse_patterns(s: &str) -> Vec<String> {
    s.split('|').map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty()).collect()
}

pub(super) fn parse(raw: &Raw) -> Result<Ci, Error> {
    let mode = match raw.ci_clones.as_deref().unwrap_or("steps") {
        "steps" => CiMode::Steps,
        "runs" => CiMode::Runs,
        "off" => CiMode::Off,
        other => return Err(invalid("ci-clones", other, "use steps, runs or off")),
    };
    let patterns = match raw.ci_checkout_pattern.as_deref() {
        None => Ci::default().patterns,
        // Every step name of every run is matched against each alternative: keep it short.
        Some(p) if parse_patterns(p).is_empty() || p.len() > 500 => {
            return Err(Error::Unusable {
                input: "ci-checkout-pattern",
                problem: "is empty or too long".into(),
                fix: "give step names like `actions/checkout*|Checkout`",
            });
        }
        Some(p) => parse_patterns(p),
    };
    let pages_builds = bool_input("ci-pages-builds", raw.ci_pages_builds.as_deref(), true)?;
    Ok(Ci { mode, patterns, pages_builds })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_lower_cased_alternatives() {
        let cases: &[(&str, &[&str])] = &[
            (DEFAULT_PATTERNS, &["actions/checkout*", "run actions/checkout*", "checkout"]),
            (" A | | b* ", &["a", "b*"]),
            ("|", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(parse_patterns(text), *want, "{text:?}");
        }
    }
}
