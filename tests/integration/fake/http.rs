//! The HTTP/1.1 transport: the accept loop, one thread per connection with keep-alive,
//! request parsing (`Content-Length` and chunked bodies, size limits) and replies.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::json;

use super::util::*;
use super::*;

pub(crate) const MAX_HEADER_BYTES: usize = 64 * 1024;

pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

pub(crate) fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let id = shared.next_conn.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.conns).insert(id, clone);
        }
        let conn_shared = Arc::clone(shared);
        let spawned = std::thread::Builder::new().name(format!("fake-github-conn-{id}")).spawn(move || {
            serve_connection(stream, &conn_shared);
            lock(&conn_shared.conns).remove(&id);
        });
        if let Ok(handle) = spawned {
            let mut workers = lock(&shared.workers);
            workers.retain(|w| !w.is_finished());
            workers.push(handle);
        }
    }
}

pub(crate) struct HttpRequest {
    pub(crate) method: String,
    pub(crate) target: String,
    /// Lower-cased names.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) close: bool,
}

impl HttpRequest {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

pub(crate) enum ReadOutcome {
    Request(HttpRequest),
    Eof,
    Bad(u16, &'static str),
}

pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

pub(crate) enum Outcome {
    Respond(Reply),
    Drop,
}

pub(crate) fn serve_connection(stream: TcpStream, shared: &Shared) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let req = match read_request(&mut reader, &mut writer) {
            Ok(ReadOutcome::Request(req)) => req,
            Ok(ReadOutcome::Eof) | Err(_) => break,
            Ok(ReadOutcome::Bad(status, message)) => {
                let reply = Reply {
                    status,
                    headers: vec![("content-type".into(), "application/json; charset=utf-8".into())],
                    body: json_bytes(&json!({ "message": message })),
                };
                let _ = write_reply(&mut writer, &reply, "", true);
                break;
            }
        };
        let outcome = shared.police(&req).map_or_else(|| shared.handle(&req), Outcome::Respond);
        shared.leave(&req);
        match outcome {
            Outcome::Respond(reply) => {
                if write_reply(&mut writer, &reply, &req.method, req.close).is_err() || req.close {
                    break;
                }
            }
            Outcome::Drop => {
                let _ = writer.shutdown(Shutdown::Both);
                break;
            }
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
}

pub(crate) fn read_line_limited(reader: &mut BufReader<TcpStream>, budget: &mut usize) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let limit = u64::try_from(*budget).unwrap_or(u64::MAX);
    let n = reader.by_ref().take(limit).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    *budget = budget.saturating_sub(n);
    if buf.last() != Some(&b'\n') {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long or truncated"));
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    String::from_utf8(buf).map(Some).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "header is not UTF-8"))
}

pub(crate) fn read_request(reader: &mut BufReader<TcpStream>, writer: &mut TcpStream) -> io::Result<ReadOutcome> {
    let mut budget = MAX_HEADER_BYTES;
    // Skip empty lines between requests (RFC 9112 section 2.2).
    let request_line = loop {
        match read_line_limited(reader, &mut budget) {
            Ok(None) => return Ok(ReadOutcome::Eof),
            Ok(Some(line)) if line.is_empty() => continue,
            Ok(Some(line)) => break line,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Ok(ReadOutcome::Bad(400, "Bad request line"));
            }
            Err(e) => return Err(e),
        }
    };
    let mut parts = request_line.split_ascii_whitespace();
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(ReadOutcome::Bad(400, "Bad request line"));
    };
    if !version.starts_with("HTTP/1.") || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Ok(ReadOutcome::Bad(400, "Bad request line"));
    }
    let http10 = version == "HTTP/1.0";
    let mut headers = Vec::new();
    loop {
        let line = match read_line_limited(reader, &mut budget) {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(ReadOutcome::Eof),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Ok(ReadOutcome::Bad(431, "Request header fields too large"));
            }
            Err(e) => return Err(e),
        };
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Ok(ReadOutcome::Bad(400, "Bad header line"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v): &(String, String)| v.clone());
    let connection = get("connection").unwrap_or_default().to_ascii_lowercase();
    let close = connection.contains("close") || (http10 && !connection.contains("keep-alive"));
    if get("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let chunked = get("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        match read_chunked(reader)? {
            Some(b) => b,
            None => return Ok(ReadOutcome::Bad(400, "Bad chunked body")),
        }
    } else if let Some(len) = get("content-length") {
        let Ok(len) = len.parse::<usize>() else {
            return Ok(ReadOutcome::Bad(400, "Bad Content-Length"));
        };
        if len > MAX_BODY_BYTES {
            return Ok(ReadOutcome::Bad(413, "Request body too large"));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        body
    } else {
        Vec::new()
    };
    Ok(ReadOutcome::Request(HttpRequest { method: method.to_owned(), target: target.to_owned(), headers, body, close }))
}

/// `Ok(None)` on a malformed body.
pub(crate) fn read_chunked(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Vec<u8>>> {
    let mut body = Vec::new();
    loop {
        let mut budget = 1024;
        let Some(line) = read_line_limited(reader, &mut budget)? else {
            return Ok(None);
        };
        let size_text = line.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            return Ok(None);
        };
        if size == 0 {
            // Trailers, up to the empty line.
            let mut budget = MAX_HEADER_BYTES;
            loop {
                match read_line_limited(reader, &mut budget)? {
                    Some(l) if !l.is_empty() => continue,
                    _ => return Ok(Some(body)),
                }
            }
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Ok(None);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Ok(None);
        }
    }
}

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

pub(crate) fn write_reply(w: &mut TcpStream, reply: &Reply, method: &str, close: bool) -> io::Result<()> {
    let mut out = Vec::with_capacity(reply.body.len() + 512);
    out.extend_from_slice(format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status)).as_bytes());
    for (name, value) in &reply.headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    let bodiless = reply.status == 304 || reply.status == 204 || reply.status < 200;
    if !bodiless {
        out.extend_from_slice(format!("content-length: {}\r\n", reply.body.len()).as_bytes());
    }
    if close {
        out.extend_from_slice(b"connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !bodiless && !method.eq_ignore_ascii_case("HEAD") {
        out.extend_from_slice(&reply.body);
    }
    w.write_all(&out)?;
    w.flush()
}
