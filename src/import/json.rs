//! Reading fields of the JSON formats (ghtraf, traffic-to-badge, github-clone-count-badge,
//! gtt's export), with the path of the field in every error (`dailyHistory[3].clones`), so
//! a user can find the value in a file of thousands of entries.
//!
//! Counts are whole numbers, 0 or more; a float that is whole (`12.0`) and a numeric
//! string (`"12"`) are accepted, since JavaScript and hand edits write them. `null` is
//! the same as an absent field.

use serde_json::{Map, Value};

use super::error::{Ctx, Error, Problem, show_json};
use super::table::whole;

pub(crate) type Object = Map<String, Value>;

pub(crate) fn json_count(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| whole(*f)).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The refusal of a value that is not a count.
pub(crate) fn not_a_count(v: &Value) -> Problem {
    Problem::NotACount { shown: show_json(v) }
}

/// `path.key`, or `key` at the root.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

pub(crate) fn opt_count(ctx: &Ctx<'_>, o: &Object, path: &str, key: &str) -> Result<Option<u64>, Error> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => json_count(v).map(Some).ok_or_else(|| ctx.field(&join(path, key), not_a_count(v))),
    }
}

pub(crate) fn req_count(ctx: &Ctx<'_>, o: &Object, path: &str, key: &str) -> Result<u64, Error> {
    opt_count(ctx, o, path, key)?.ok_or_else(|| ctx.field(&join(path, key), Problem::Missing))
}

pub(crate) fn opt_str<'v>(ctx: &Ctx<'_>, o: &'v Object, path: &str, key: &str) -> Result<Option<&'v str>, Error> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(ctx.field(&join(path, key), Problem::NotAString(show_json(v)))),
    }
}

pub(crate) fn req_str<'v>(ctx: &Ctx<'_>, o: &'v Object, path: &str, key: &str) -> Result<&'v str, Error> {
    opt_str(ctx, o, path, key)?.ok_or_else(|| ctx.field(&join(path, key), Problem::Missing))
}

pub(crate) fn as_object<'v>(ctx: &Ctx<'_>, v: &'v Value, path: &str) -> Result<&'v Object, Error> {
    v.as_object().ok_or_else(|| ctx.field(path, Problem::NotAnObject(show_json(v))))
}

pub(crate) fn as_array<'v>(ctx: &Ctx<'_>, v: &'v Value, path: &str) -> Result<&'v Vec<Value>, Error> {
    v.as_array().ok_or_else(|| ctx.field(path, Problem::NotAList(show_json(v))))
}
