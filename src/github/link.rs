//! Link-header pagination. A list endpoint answers one page and, when there are more,
//! a `Link` header naming the others by relation: `rel="next"`, `rel="last"`,
//! `rel="first"`, `rel="prev"`. GitHub asks clients to follow these URLs rather than
//! build page URLs themselves, and the last page has no `rel="next"`
//! (<https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api>).

/// The `rel="next"` target of a `Link` header, if there is one.
pub(crate) fn parse_link_next(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim();
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| url.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_next_is_found_in_githubs_format() {
        let cases = [
            (
                r#"<https://api.github.com/repositories/1/releases?page=2>; rel="next", <https://api.github.com/repositories/1/releases?page=5>; rel="last""#,
                Some("https://api.github.com/repositories/1/releases?page=2"),
            ),
            (r#"<https://x/a?page=1>; rel="prev", <https://x/a?page=3>; rel="next""#, Some("https://x/a?page=3")),
            (r#"<https://x/a?page=1>; rel="first", <https://x/a?page=1>; rel="prev""#, None),
            ("", None),
            ("garbage", None),
        ];
        for (h, want) in cases {
            assert_eq!(parse_link_next(h).as_deref(), want, "{h}");
        }
    }
}
