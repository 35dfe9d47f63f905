//! Parsers for the small inputs: one value each (a bool, a number, a URL, a time, a
//! color, a choice), and the helpers every group uses to report a bad value.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;

use super::raw::{Raw, nonempty};
use super::{Command, Error, Format, MAX_CONCURRENCY, NAMED_COLORS};

const DEFAULT_API: &str = "https://api.github.com";

/// Shows user input in an error line without letting it break the line or start a
/// workflow command.
pub(super) fn printable(s: &str) -> String {
    s.chars().take(80).map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// [`Error::Invalid`] for `value`, made printable.
pub(super) fn invalid(input: &'static str, value: &str, fix: &'static str) -> Error {
    Error::Invalid { input, value: printable(value), fix }
}

/// The items of a list input: separated by commas, spaces or newlines (a YAML block
/// scalar in a workflow), empty items dropped.
pub(super) fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty())
}

pub(super) fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

pub(super) fn bool_input(name: &'static str, v: Option<&str>, default: bool) -> Result<bool, Error> {
    match v {
        None => Ok(default),
        Some(v) => parse_bool(v).ok_or_else(|| invalid(name, v, "use true or false")),
    }
}

pub(super) fn command(v: Option<&str>) -> Result<Command, Error> {
    Ok(match v.unwrap_or("collect") {
        "collect" => Command::Collect,
        "export" => Command::Export,
        "dashboard" => Command::Dashboard,
        "doctor" => Command::Doctor,
        "init" => Command::Init,
        "backfill" => Command::Backfill,
        "help" => Command::Help,
        "version" => Command::Version,
        other => {
            let names = super::inputs::COMMANDS.iter().map(|(n, _)| *n);
            let suggestion = super::inputs::closest(other, names);
            return Err(Error::UnknownCommand { name: printable(other), suggestion });
        }
    })
}

/// Input `action`: the repository that publishes the gtt action, `owner/name`; unset,
/// the one the build names (`built`), if that is an `owner/name` itself.
pub(super) fn action_home(v: Option<&str>, built: Option<&str>) -> Result<Option<String>, Error> {
    match v {
        Some(v) if super::is_full_name(v) => Ok(Some(v.to_string())),
        Some(v) => Err(Error::NotA {
            input: "action",
            value: printable(v),
            what: "owner/name",
            fix: "name the repository that publishes the gtt action, e.g. `--action acme/gtt` (no @version: init pins the major version)",
        }),
        None => Ok(built.map(str::trim).filter(|b| super::is_full_name(b)).map(String::from)),
    }
}

pub(super) fn format(v: Option<&str>) -> Result<Format, Error> {
    match v.unwrap_or("csv") {
        "csv" => Ok(Format::Csv),
        "json" => Ok(Format::Json),
        "ndjson" => Ok(Format::Ndjson),
        other => Err(invalid("format", other, "use csv, json or ndjson")),
    }
}

/// Input `max-wait`: at most six hours, as long as a job on a GitHub-hosted runner may
/// run at all
/// (<https://docs.github.com/en/actions/learn-github-actions/usage-limits-billing-and-administration#usage-limits>).
pub(super) fn max_wait(v: Option<&str>) -> Result<Duration, Error> {
    let Some(s) = v else { return Ok(Duration::from_secs(600)) };
    let secs = s.parse::<u64>().ok().filter(|n| *n <= 6 * 3600);
    secs.map(Duration::from_secs).ok_or_else(|| invalid("max-wait", s, "use a number of seconds from 0 to 21600"))
}

/// Input `concurrency`. Unset: 16, shared by a run's repositories; the most,
/// [`MAX_CONCURRENCY`], for a run that names one repository alone, whose first
/// collection asks two requests per new workflow run (its jobs and its workflow file)
/// in one wave after the runs listing: 14 days of daily runs are 28.
pub(super) fn concurrency(v: Option<&str>, one_repository: bool) -> Result<usize, Error> {
    let Some(s) = v else { return Ok(if one_repository { MAX_CONCURRENCY } else { 16 }) };
    let n = s.parse::<usize>().ok().filter(|n| (1..=MAX_CONCURRENCY).contains(n));
    n.ok_or_else(|| invalid("concurrency", s, "use a number from 1 to 32"))
}

/// Input `from`: what backfill imports; backfill needs at least one.
pub(super) fn sources(v: Option<&str>, command: Command) -> Result<Vec<String>, Error> {
    let from: Vec<String> = items(v.unwrap_or("")).map(String::from).collect();
    if command == Command::Backfill && from.is_empty() {
        let fix = "name what to import, e.g. `gtt backfill --from state.json` or a gist id";
        return Err(Error::Unusable { input: "from", problem: "is empty".into(), fix });
    }
    Ok(from)
}

/// Input `api-url`, else `GITHUB_API_URL` (set on every runner, GitHub Enterprise
/// Server included), else github.com's.
pub(super) fn api_url(raw: &Raw, env: &BTreeMap<String, String>) -> Result<String, Error> {
    let url = raw.api_url.clone().or_else(|| nonempty(env, "GITHUB_API_URL"));
    parse_api_url(&url.unwrap_or_else(|| DEFAULT_API.to_string()))
}

/// The API base must be https, except on loopback (tests, local proxies), so a token is
/// never sent in clear over a network.
pub(crate) fn parse_api_url(s: &str) -> Result<String, Error> {
    let url = s.trim().trim_end_matches('/');
    let rest =
        url.strip_prefix("https://").or_else(|| url.strip_prefix("http://").filter(|r| is_loopback_authority(r)));
    match rest {
        Some(r) if !r.is_empty() && !r.contains(['?', '#', ' ', '@']) => Ok(url.to_string()),
        _ => Err(Error::NotA {
            input: "api-url",
            value: printable(s),
            what: "an https URL",
            fix: "use e.g. https://api.github.com or https://HOST/api/v3",
        }),
    }
}

fn is_loopback_authority(rest: &str) -> bool {
    let host = rest.split('/').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// An RFC 3339 timestamp, or a date meaning 00:00 UTC of that day.
pub(crate) fn parse_now(s: &str) -> Result<Timestamp, Error> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>()
        && let Ok(z) = d.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return Ok(z.timestamp());
    }
    Err(Error::NotA {
        input: "now",
        value: printable(s),
        what: "a time",
        fix: "use RFC 3339 (2026-11-01T06:00:00Z) or a date (2026-11-01)",
    })
}

/// A shields color name, or hex digits (3 or 6, `#` optional), returned without `#`.
pub(crate) fn parse_color(input: &'static str, v: &str) -> Result<String, Error> {
    let lower = v.trim().to_ascii_lowercase();
    if NAMED_COLORS.iter().any(|(n, _)| *n == lower) {
        return Ok(lower);
    }
    let hex = lower.strip_prefix('#').unwrap_or(&lower);
    if matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(hex.to_string());
    }
    Err(invalid(input, v, "use a shields color name (blue, brightgreen, orange, red, grey, ...) or hex like #1f6feb"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_url_allows_http_only_on_loopback() {
        assert!(parse_api_url("http://127.0.0.1:8080").is_ok());
        assert!(parse_api_url("http://localhost:1/api").is_ok());
        assert!(parse_api_url("http://[::1]:9").is_ok());
        assert!(parse_api_url("http://127.0.0.1.evil.example").is_err());
        assert!(parse_api_url("https://user@api.github.com").is_err());
    }

    #[test]
    fn the_concurrency_limit_in_the_message_is_the_constant() {
        let e = concurrency(Some("0"), false).expect_err("0 is refused").to_string();
        assert!(e.ends_with(&format!("from 1 to {MAX_CONCURRENCY}")), "{e}");
        assert_eq!(concurrency(Some(&MAX_CONCURRENCY.to_string()), false).ok(), Some(MAX_CONCURRENCY));
    }

    #[test]
    fn concurrency_defaults_to_the_most_for_one_repository_and_a_given_value_wins() {
        for (given, one, want) in
            [(None, false, 16), (None, true, MAX_CONCURRENCY), (Some("4"), true, 4), (Some("20"), false, 20)]
        {
            assert_eq!(concurrency(given, one).ok(), Some(want), "{given:?} {one}");
        }
    }
}
