//! `/meta`, `/rate_limit`, and the unauthenticated raw gist downloads.

use serde_json::json;

use super::*;

impl State {
    /// `GET /user`: the gists' owner, refused to the workflow token.
    pub(crate) fn user(&self, ctx: &Ctx<'_>) -> Answer {
        match ctx.kind {
            TokenKind::WorkflowToken => Answer::json(
                403,
                &message(
                    "Resource not accessible by integration",
                    "https://docs.github.com/rest/users/users#get-the-authenticated-user",
                    403,
                ),
            ),
            _ => Answer::json(200, &user_json(GIST_OWNER)),
        }
    }

    pub(crate) fn raw(&self, method: &str, segs: &[String]) -> Option<Answer> {
        if !method.eq_ignore_ascii_case("GET") && !method.eq_ignore_ascii_case("HEAD") {
            return None;
        }
        let text = |status: u16, body: Vec<u8>| Answer {
            status,
            body,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            rate_limited: false,
        };
        // Pinned: /raw/{gist}/{version}/{file}
        if segs.len() == 4 && segs[0] == "raw" {
            let found = self
                .gists
                .get(&segs[1])
                .and_then(|g| g.revisions.iter().find(|r| r.version == segs[2]))
                .and_then(|r| r.files.get(&segs[3]));
            return Some(match found {
                Some(content) => text(200, content.clone().into_bytes()),
                None => text(404, b"404: Not Found".to_vec()),
            });
        }
        // Latest: /{owner}/{gist}/raw/{file}
        if segs.len() == 4 && segs[2] == "raw" {
            let g = self.gists.get(&segs[1]).filter(|g| g.owner.eq_ignore_ascii_case(&segs[0]))?;
            return Some(match g.latest().and_then(|r| r.files.get(&segs[3])) {
                Some(content) => text(200, content.clone().into_bytes()),
                None => text(404, b"404: Not Found".to_vec()),
            });
        }
        None
    }

    pub(crate) fn meta(&self) -> Answer {
        if self.enterprise {
            Answer::json(
                200,
                &json!({
                    "verifiable_password_authentication": true,
                    "installed_version": ENTERPRISE_VERSION,
                }),
            )
        } else {
            Answer::json(
                200,
                &json!({
                    "verifiable_password_authentication": false,
                    "ssh_key_fingerprints": {
                        "SHA256_ED25519": "+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU"
                    },
                    "hooks": ["192.30.252.0/22"],
                    "web": ["192.30.252.0/22"],
                    "api": ["192.30.252.0/22"],
                    "domains": { "website": ["*.github.com"] },
                }),
            )
        }
    }

    pub(crate) fn rate_limit(&self, ctx: &Ctx<'_>) -> Answer {
        let token = ctx.req.header("authorization").and_then(|v| v.split_once(' ').map(|(_, t)| t.trim().to_owned()));
        let Some(ts) = token.and_then(|t| self.tokens.get(&t)) else {
            return not_found(DOC_REST);
        };
        let core = json!({
            "limit": ts.limit,
            "remaining": ts.limit.saturating_sub(ts.used),
            "reset": ts.reset,
            "used": ts.used,
            "resource": "core",
        });
        Answer::json(200, &json!({ "resources": { "core": core.clone() }, "rate": core }))
    }
}
