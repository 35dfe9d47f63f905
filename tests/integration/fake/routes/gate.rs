//! Before any route: the policing of limits and latency, the User-Agent check,
//! injected faults, authentication and the primary rate limit; after it, conditional
//! requests (ETags) and the rate-limit headers.

use std::sync::atomic::Ordering;

use serde_json::json;

use super::*;

pub(crate) const SECONDARY_MESSAGE: &str =
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
pub(crate) const SECONDARY_DOC: &str =
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";
pub(crate) const PRIMARY_DOC: &str =
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits";
pub(crate) const UA_MESSAGE: &str = "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.";

/// `owner/name` of a `/repos/owner/name...` path.
fn repo_of(path: &str) -> Option<String> {
    let mut parts = path.strip_prefix("/repos/")?.split(['/', '?']);
    Some(format!("{}/{}", parts.next()?, parts.next()?))
}

impl Shared {
    /// Ends a request [`Shared::police`] counted.
    pub(crate) fn leave(&self, req: &HttpRequest) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(repo) = repo_of(&req.target) {
            let mut ls = lock(&self.limit_state);
            if let Some((now, _)) = ls.per_repo.get_mut(&repo) {
                *now = now.saturating_sub(1);
            }
        }
    }

    /// Counts the request in flight, applies the latency, and answers a secondary
    /// rate limit when the caller exceeds the concurrency or per-window cap.
    /// Holds a request matching the set [`Hold`] until enough others wait with it, or
    /// its patience runs out (then every held request goes on, and later ones pass).
    fn wait_for_company(&self, req: &HttpRequest) {
        let mut guard = lock(&self.hold);
        let Some(hold) = guard.as_mut().filter(|h| !h.released && (h.matches)(&req.target)) else {
            return;
        };
        hold.waiting += 1;
        hold.most_together = hold.most_together.max(hold.waiting);
        let deadline = std::time::Instant::now() + hold.patience;
        loop {
            let Some(hold) = guard.as_mut() else { return };
            if hold.waiting >= hold.count || std::time::Instant::now() >= deadline {
                hold.released = true;
                self.hold_changed.notify_all();
            }
            if hold.released {
                hold.waiting -= 1;
                return;
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            guard = self.hold_changed.wait_timeout(guard, left).map_or_else(|p| p.into_inner().0, |(g, _)| g);
        }
    }

    pub(crate) fn police(&self, req: &HttpRequest) -> Option<Reply> {
        let now_in_flight = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.wait_for_company(req);
        let limits = lock(&self.limits).clone();
        let refusal = {
            let mut ls = lock(&self.limit_state);
            if let Some(repo) = repo_of(&req.target) {
                let (now, peak) = ls.per_repo.entry(repo).or_default();
                *now += 1;
                *peak = (*peak).max(*now);
            }
            ls.stats.peak_in_flight = ls.stats.peak_in_flight.max(now_in_flight);
            if limits.max_concurrent.is_some_and(|m| now_in_flight > m) {
                ls.stats.concurrent_violations += 1;
                Some(1)
            } else if let Some((max, window)) = limits.per_window {
                let now = std::time::Instant::now();
                let start = *ls.window_start.get_or_insert(now);
                if now.duration_since(start) >= window {
                    ls.window_start = Some(now);
                    ls.window_count = 0;
                }
                ls.window_count += 1;
                if ls.window_count > max {
                    ls.stats.window_violations += 1;
                    let left = window.saturating_sub(now.duration_since(ls.window_start.unwrap_or(now)));
                    Some(left.as_secs().max(1) + u64::from(left.subsec_nanos() > 0))
                } else {
                    None
                }
            } else {
                None
            }
        };
        if !limits.latency.is_zero() {
            std::thread::sleep(limits.latency);
        }
        let retry_after = refusal?;
        let mut st = lock(&self.state);
        let a = Answer::json(403, &message(SECONDARY_MESSAGE, SECONDARY_DOC, 403))
            .with_header("retry-after", retry_after.to_string());
        let reply = finish(a, vec![("date".to_owned(), http_date(st.now))], None);
        st.requests.push(Recorded {
            method: req.method.clone(),
            path: req.target.clone(),
            headers: req.headers.clone(),
            status: 403,
            body: String::from_utf8_lossy(&req.body).into_owned(),
        });
        Some(reply)
    }

    pub(crate) fn handle(&self, req: &HttpRequest) -> Outcome {
        let mut st = lock(&self.state);
        // A bug in the fake (or a panicking test closure) answers 500 instead of killing the connection.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| st.dispatch(req, &self.base_url)))
            .unwrap_or_else(|_| {
                let a = Answer::json(500, &json!({ "message": "fake GitHub: internal error (see the panic above)" }));
                Outcome::Respond(finish(a, vec![("date".to_owned(), http_date(st.now))], None))
            });
        let status = match &outcome {
            Outcome::Respond(r) => r.status,
            Outcome::Drop => 0,
        };
        st.requests.push(Recorded {
            method: req.method.clone(),
            path: req.target.clone(),
            headers: req.headers.clone(),
            status,
            body: String::from_utf8_lossy(&req.body).into_owned(),
        });
        outcome
    }
}

impl State {
    pub(crate) fn dispatch(&mut self, req: &HttpRequest, base_url: &str) -> Outcome {
        let mut headers = vec![("date".to_owned(), http_date(self.now))];
        if req.header("user-agent").is_none_or(str::is_empty) {
            let a = Answer::json(403, &json!({ "message": UA_MESSAGE }));
            return Outcome::Respond(finish(a, headers, None));
        }
        let (path, query) = split_target(&req.target);

        // Faults come first.
        if let Some(fault) = self.take_fault(&req.method, &req.target) {
            return self.fault_answer(fault, req, headers);
        }

        let segs: Option<Vec<String>> = path.strip_prefix('/').unwrap_or(path).split('/').map(pct_decode).collect();
        let Some(mut segs) = segs else {
            let a = Answer::json(400, &message("Bad path encoding", DOC_REST, 400));
            return Outcome::Respond(finish(a, headers, None));
        };

        // raw_url downloads need no auth.
        if let Some(a) = self.raw(&req.method, &segs) {
            return Outcome::Respond(finish(a, headers, None));
        }

        let mut api_base = base_url.to_owned();
        if segs.len() >= 2 && segs[0] == "api" && segs[1] == "v3" {
            segs.drain(..2);
            api_base.push_str("/api/v3");
        }
        if self.enterprise {
            headers.push(("x-github-enterprise-version".into(), ENTERPRISE_VERSION.into()));
        }

        let (token, kind) = match self.authenticate(req, &segs) {
            Ok(known) => known,
            Err((a, rl)) => return Outcome::Respond(finish(a, headers, rl)),
        };
        let ctx = Ctx { method: &req.method, segs, query: parse_query(query), api_base, kind, req };
        let mut answer = self.route(&ctx);
        if req.method.eq_ignore_ascii_case("GET") && answer.status == 200 {
            conditional(req, &mut answer);
            if answer.status == 304 && self.no_link_on_304 {
                answer.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("link"));
            }
        }

        let rl = if answer.rate_limited {
            let ts = self.tokens.get_mut(&token);
            ts.map(|ts| {
                if answer.status != 304 {
                    ts.used += 1;
                }
                rate_headers(ts)
            })
        } else {
            None
        };
        Outcome::Respond(finish(answer, headers, rl))
    }

    /// The caller's known token and its kind, its rate-limit window rolled on; or the
    /// refusal: 401 (counted against the anonymous limit) or the primary limit's 403.
    fn authenticate(&mut self, req: &HttpRequest, segs: &[String]) -> Result<(String, TokenKind), Refusal> {
        let token = req.header("authorization").and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token"))
                .then(|| rest.trim().to_owned())
        });
        let now_s = self.now.as_second();
        let known = token.as_ref().filter(|t| self.tokens.contains_key(*t)).cloned();
        let Some(token) = known else {
            let msg = if req.header("authorization").is_none() { "Requires authentication" } else { "Bad credentials" };
            let a = Answer::json(401, &message(msg, DOC_REST, 401));
            self.anon.roll(now_s);
            self.anon.used += 1;
            return Err((a, Some(rate_headers(&self.anon))));
        };
        let Some(ts) = self.tokens.get_mut(&token) else {
            return Err((not_found(DOC_REST), None));
        };
        ts.roll(now_s);
        let kind = ts.kind.unwrap_or(TokenKind::Full);
        if ts.used >= ts.limit && !(segs.len() == 1 && segs[0] == "rate_limit") {
            let a = Answer::json(403, &message("API rate limit exceeded for user ID 1.", PRIMARY_DOC, 403));
            return Err((a, Some(rate_headers(ts))));
        }
        Ok((token, kind))
    }

    pub(crate) fn take_fault(&mut self, method: &str, target: &str) -> Option<FaultKind> {
        let f = self.faults.iter_mut().find(|f| {
            f.times > 0
                && (f.method == "*" || f.method.eq_ignore_ascii_case(method))
                && target.contains(&f.path_contains)
        })?;
        f.times -= 1;
        Some(f.kind)
    }

    pub(crate) fn fault_answer(
        &mut self,
        kind: FaultKind,
        req: &HttpRequest,
        headers: Vec<(String, String)>,
    ) -> Outcome {
        let now_s = self.now.as_second();
        // Rate-limit headers of the caller's token, when it is one we know.
        let token = req.header("authorization").and_then(|v| v.split_once(' ').map(|(_, t)| t.trim().to_owned()));
        let mut rl = token.and_then(|t| self.tokens.get_mut(&t)).map(|ts| {
            ts.roll(now_s);
            ts.used = (ts.used + 1).min(ts.limit);
            rate_headers(ts)
        });
        let answer = match kind {
            FaultKind::DropConnection => return Outcome::Drop,
            FaultKind::Body { status, body } => Answer {
                status,
                body: body.as_bytes().to_vec(),
                content_type: "application/json; charset=utf-8",
                headers: Vec::new(),
                rate_limited: true,
            },
            FaultKind::Status(s) => {
                let msg = if s >= 500 { "Server Error" } else { reason(s) };
                Answer::json(s, &json!({ "message": msg }))
            }
            FaultKind::SecondaryLimit { retry_after } => {
                Answer::json(403, &message(SECONDARY_MESSAGE, SECONDARY_DOC, 403))
                    .with_header("retry-after", retry_after.to_string())
            }
            FaultKind::SecondaryNoHeader => Answer::json(403, &message(SECONDARY_MESSAGE, SECONDARY_DOC, 403)),
            FaultKind::PrimaryExhausted { reset_in } => {
                let reset = now_s.saturating_add(i64::try_from(reset_in).unwrap_or(i64::MAX));
                rl = Some(vec![
                    ("x-ratelimit-limit".into(), RATE_LIMIT.to_string()),
                    ("x-ratelimit-remaining".into(), "0".into()),
                    ("x-ratelimit-reset".into(), reset.to_string()),
                    ("x-ratelimit-used".into(), RATE_LIMIT.to_string()),
                    ("x-ratelimit-resource".into(), "core".into()),
                ]);
                Answer::json(
                    403,
                    &message(
                        "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID FAKE:0000:0000000:0000000:00000000.",
                        PRIMARY_DOC,
                        403,
                    ),
                )
            }
        };
        Outcome::Respond(finish(answer, headers, rl))
    }
}

/// An answer refusing the request, with the rate-limit headers it carries.
type Refusal = (Answer, Option<Vec<(String, String)>>);

/// Path and query of a request target in origin form, or in absolute form (scheme and
/// authority stripped).
fn split_target(target: &str) -> (&str, &str) {
    let target = match target.find("://") {
        Some(i) => {
            let rest = &target[i + 3..];
            rest.find('/').map_or("/", |j| &rest[j..])
        }
        None => target,
    };
    target.split_once('?').unwrap_or((target, ""))
}

/// A conditional GET: the answer's ETag, and 304 with no body when `if-none-match` has it.
fn conditional(req: &HttpRequest, answer: &mut Answer) {
    // A route may name its answer itself (contents: by the file's blob).
    let own = answer.headers.iter().position(|(k, _)| k.eq_ignore_ascii_case("etag"));
    let etag = own.map_or_else(|| etag_of(&answer.body), |i| answer.headers.remove(i).1);
    let matches = req.header("if-none-match").is_some_and(|inm| {
        let ours = etag.trim_start_matches("W/");
        inm.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == ours)
    });
    answer.headers.push(("etag".into(), etag));
    if matches {
        answer.status = 304;
        answer.body.clear();
    }
}

pub(crate) fn rate_headers(ts: &TokenState) -> Vec<(String, String)> {
    vec![
        ("x-ratelimit-limit".into(), ts.limit.to_string()),
        ("x-ratelimit-remaining".into(), ts.limit.saturating_sub(ts.used).to_string()),
        ("x-ratelimit-reset".into(), ts.reset.to_string()),
        ("x-ratelimit-used".into(), ts.used.to_string()),
        ("x-ratelimit-resource".into(), "core".into()),
    ]
}
