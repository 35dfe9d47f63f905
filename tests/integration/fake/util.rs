//! Small helpers: times, hashes and deterministic ids, percent-encoding, queries, and
//! pieces of JSON shared by several areas.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

pub(crate) fn json_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

pub(crate) fn iso(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(crate) fn http_date(t: Timestamp) -> String {
    jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&t).unwrap_or_default()
}

pub(crate) fn utc_date(t: Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

pub(crate) fn midnight(d: Date) -> Option<Timestamp> {
    d.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
}

pub(crate) fn fnv1a(data: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

pub(crate) fn etag_of(body: &[u8]) -> String {
    format!("W/\"{:016x}{:016x}\"", fnv1a(body, 0), fnv1a(body, 0x9e37_79b9_7f4a_7c15))
}

pub(crate) fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Deterministic hex string of `len` digits derived from `seed`.
pub(crate) fn hex_id(seed: u64, len: usize) -> String {
    let mut s = String::new();
    let mut i = 0u64;
    while s.len() < len {
        s.push_str(&format!("{:016x}", splitmix(seed.wrapping_mul(31).wrapping_add(i))));
        i += 1;
    }
    s.truncate(len);
    s
}

pub(crate) fn pct_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub(crate) fn pct_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |x: &str| pct_decode(&x.replace('+', " ")).unwrap_or_else(|| x.to_owned());
            (dec(k), dec(v))
        })
        .collect()
}

pub(crate) fn query_get<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

pub(crate) fn cut_at_char_boundary(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

pub(crate) fn file_type(name: &str) -> (&'static str, Value) {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("json") => ("application/json", json!("JSON")),
        Some("md") => ("text/markdown", json!("Markdown")),
        Some("csv") => ("text/csv", json!("CSV")),
        Some("svg") => ("image/svg+xml", json!("SVG")),
        Some("html") => ("text/html", json!("HTML")),
        Some("txt") => ("text/plain", json!("Text")),
        _ => ("text/plain", Value::Null),
    }
}

/// Lines added and deleted between two file sets (multiset line diff).
pub(crate) fn diff_stats(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> (u64, u64) {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let (mut add, mut del) = (0u64, 0u64);
    for name in names {
        let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
        if let Some(o) = old.get(name) {
            for l in o.lines() {
                *counts.entry(l).or_default() -= 1;
            }
        }
        if let Some(n) = new.get(name) {
            for l in n.lines() {
                *counts.entry(l).or_default() += 1;
            }
        }
        for c in counts.values() {
            if *c > 0 {
                add += c.unsigned_abs();
            } else {
                del += c.unsigned_abs();
            }
        }
    }
    (add, del)
}

pub(crate) fn user_json(login: &str) -> Value {
    let id = fnv1a(login.as_bytes(), 7) % 10_000_000 + 1;
    json!({
        "login": login,
        "id": id,
        "node_id": format!("U_fake{id}"),
        "type": "User",
        "site_admin": false,
        "html_url": format!("https://github.com/{login}"),
    })
}

pub(crate) fn message(msg: &str, doc: &str, status: u16) -> Value {
    json!({ "message": msg, "documentation_url": doc, "status": status.to_string() })
}
