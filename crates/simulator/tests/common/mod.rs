//! Test helpers: signed-looking requests (the simulator reads the credential scope only).

#![allow(dead_code)]

use bytes::Bytes;
use perimeter_simulator::{Outcome, Request, Simulator};

pub const BASE_KEY: &str = "testing";

pub fn request(method: &str, uri: &str, service: &str, region: &str, key: &str, headers: &[(&str, &str)], body: &str) -> Request {
    let mut b = http::Request::builder().method(method).uri(uri).header(
        "authorization",
        format!("AWS4-HMAC-SHA256 Credential={key}/20240101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=00"),
    );
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Bytes::from(body.to_string())).expect("request")
}

pub fn query(service: &str, key: &str, body: &str) -> Request {
    request("POST", "/", service, "us-east-1", key, &[("content-type", "application/x-www-form-urlencoded")], body)
}

pub fn json(service: &str, target: &str, region: &str, key: &str, body: &str) -> Request {
    let content_type = if service == "sqs" || service == "dynamodb" { "application/x-amz-json-1.0" } else { "application/x-amz-json-1.1" };
    request("POST", "/", service, region, key, &[("x-amz-target", target), ("content-type", content_type)], body)
}

/// The answer's status and body; panics on Drop and Hang.
pub fn answer(sim: &Simulator, req: Request) -> (u16, String, http::HeaderMap) {
    match sim.handle(req) {
        Outcome::Respond { response, .. } => {
            let (parts, body) = response.into_parts();
            (parts.status.as_u16(), body, parts.headers)
        }
        other => panic!("expected an answer, got {other:?}"),
    }
}

pub fn ok_json(sim: &Simulator, req: Request) -> serde_json::Value {
    let (status, body, _) = answer(sim, req);
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("JSON answer")
}

/// The text of every `<tag>…</tag>` in `xml`, in order.
pub fn tags(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(&close) else { break };
        out.push(after[..j].to_string());
        rest = &after[j + close.len()..];
    }
    out
}

pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}
