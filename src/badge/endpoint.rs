//! The shields.io endpoint file: JSON that `https://img.shields.io/endpoint?url=<URL>`
//! renders as a badge (<https://shields.io/badges/endpoint-badge>). shields refuses a file
//! its schema rejects and shows an "invalid response data" badge instead, so every file
//! gtt writes passes [`validate_endpoint`], a check at least as strict as shields' own.

use serde_json::{Map, Value};

use crate::config::{BADGE_STYLES, Badges};

/// Joi's `number()` rejects integers beyond JavaScript's safe range.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The keys shields' endpoint schema knows; it rejects any other.
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

/// shields.io endpoint JSON, exactly
/// `{"schemaVersion":1,"label":..,"message":..,"color":..,"labelColor":..,"style":..,"cacheSeconds":..}`:
/// only keys shields accepts, and always a file [`validate_endpoint`] accepts (an empty
/// or blank message becomes `n/a`, an empty color the default, an unknown style `flat`).
pub(crate) fn endpoint_json(label: &str, message: &str, badges: &Badges) -> String {
    let defaults = Badges::default();
    let or = |v: &str, d: &str| if v.is_empty() { d.to_string() } else { v.to_string() };
    let message = if message.trim().is_empty() { "n/a" } else { message };
    let style = if BADGE_STYLES.contains(&badges.style.as_str()) { badges.style.as_str() } else { "flat" };
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

/// Why shields would refuse an endpoint file. The text names the key, as shields'
/// "invalid response data" does not.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error("not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    #[error("not a JSON object")]
    NotAnObject,
    #[error("unknown key `{0}`")]
    UnknownKey(String),
    #[error("`{0}` is missing")]
    Missing(&'static str),
    #[error("`{0}` is empty")]
    Empty(&'static str),
    #[error("`{0}` must be a string")]
    NotAString(&'static str),
    #[error("`{0}` must be a number")]
    NotANumber(&'static str),
    #[error("`{0}` is not a safe number")]
    UnsafeNumber(&'static str),
    #[error("`schemaVersion` must be 1, not {0}")]
    SchemaVersion(Value),
    #[error("`isError` must be a boolean")]
    IsErrorNotBoolean,
    #[error("`namedLogo` and `logoSvg` are exclusive")]
    TwoLogos,
    #[error("`{0}` is only allowed with `namedLogo`")]
    NeedsNamedLogo(&'static str),
    #[error("`{0}` is only allowed with `namedLogo` or `logoSvg`")]
    NeedsLogo(&'static str),
    #[error("`style` must be one of {}", BADGE_STYLES.join(", "))]
    Style,
    #[error("`cacheSeconds` must be an integer >= 0")]
    CacheSeconds,
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
pub fn validate_endpoint(json: &str) -> Result<(), EndpointError> {
    let value: Value = serde_json::from_str(json).map_err(EndpointError::NotJson)?;
    let Value::Object(obj) = value else {
        return Err(EndpointError::NotAnObject);
    };
    if let Some(key) = obj.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Err(EndpointError::UnknownKey(key.clone()));
    }
    match obj.get("schemaVersion") {
        None => return Err(EndpointError::Missing("schemaVersion")),
        Some(Value::Number(n)) if n.as_f64() == Some(1.0) => {}
        Some(v) => return Err(EndpointError::SchemaVersion(v.clone())),
    }
    if string(&obj, "label", true)?.is_none() {
        return Err(EndpointError::Missing("label"));
    }
    if string(&obj, "message", false)?.is_none() {
        return Err(EndpointError::Missing("message"));
    }
    string(&obj, "color", false)?;
    string(&obj, "labelColor", false)?;
    match obj.get("isError") {
        None | Some(Value::Bool(_)) => {}
        Some(_) => return Err(EndpointError::IsErrorNotBoolean),
    }
    check_logo(&obj)?;
    if string(&obj, "style", false)?.is_some_and(|style| !BADGE_STYLES.contains(&style)) {
        return Err(EndpointError::Style);
    }
    if number(&obj, "cacheSeconds")?.is_some_and(|secs| secs < 0.0 || secs.fract() != 0.0) {
        return Err(EndpointError::CacheSeconds);
    }
    Ok(())
}

/// The logo keys: `namedLogo` xor `logoSvg`; `logoColor` and `logoSize` only with
/// `namedLogo`; `logoWidth` and `logoPosition` only with either.
fn check_logo(obj: &Map<String, Value>) -> Result<(), EndpointError> {
    let named = string(obj, "namedLogo", false)?.is_some();
    let svg = string(obj, "logoSvg", false)?.is_some();
    if named && svg {
        return Err(EndpointError::TwoLogos);
    }
    for key in ["logoColor", "logoSize"] {
        if obj.contains_key(key) && !named {
            return Err(EndpointError::NeedsNamedLogo(key));
        }
        string(obj, key, false)?;
    }
    for key in ["logoWidth", "logoPosition"] {
        if obj.contains_key(key) && !(named || svg) {
            return Err(EndpointError::NeedsLogo(key));
        }
        number(obj, key)?;
    }
    Ok(())
}

/// An optional string key; Joi's `string()` refuses `""` unless allowed.
fn string<'a>(
    obj: &'a Map<String, Value>,
    key: &'static str,
    allow_empty: bool,
) -> Result<Option<&'a str>, EndpointError> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if s.is_empty() && !allow_empty => Err(EndpointError::Empty(key)),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(EndpointError::NotAString(key)),
    }
}

/// An optional number key, within JavaScript's safe integer range.
fn number(obj: &Map<String, Value>, key: &'static str) -> Result<Option<f64>, EndpointError> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.abs() <= MAX_SAFE_INTEGER as f64 => Ok(Some(f)),
            _ => Err(EndpointError::UnsafeNumber(key)),
        },
        Some(_) => Err(EndpointError::NotANumber(key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::badge::test_badges as badges;

    /// Fails with the reason, so a refused file says why.
    fn assert_valid(json: &str) {
        if let Err(e) = validate_endpoint(json) {
            panic!("{e}: {json}");
        }
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
            assert_valid(&json);
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
            assert_valid(json);
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
        let mut reasons = String::new();
        for json in bad {
            let e = validate_endpoint(json).expect_err(json);
            reasons.push_str(&format!("{json}\n  -> {e}\n"));
        }
        // The reasons a user reads when a file is refused.
        insta::assert_snapshot!("refusals", reasons);
    }

    #[test]
    fn endpoint_json_snapshots() {
        let mut long_cache = badges("for-the-badge", "#1f6feb", "");
        long_cache.cache_seconds = u64::MAX;
        let cases = [
            ("views", "1,234 (+18 24h)", Badges::default()),
            ("", "only message", badges("flat-square", "brightgreen", "555")),
            ("clones", " ", badges("social", "", "")),
            ("a \"quoted\"\nlabel\\ <b>", "x\u{0}y \u{65e5}", badges("plastic", "ff69b4", "000")),
            ("installs", "4.5M (+88 wk)", badges("no-such-style", "red", "grey")),
            ("stars", "1", long_cache),
        ];
        let files: Vec<String> = cases.iter().map(|(label, msg, b)| endpoint_json(label, msg, b)).collect();
        for json in &files {
            assert_valid(json);
        }
        insta::assert_snapshot!("endpoint_json", files.join("\n"));
    }
}
