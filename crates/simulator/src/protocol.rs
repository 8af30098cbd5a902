//! Wire formats: reading a request as the AWS SDK for Rust sends it (the SigV4 credential scope,
//! query strings, form and JSON bodies) and writing answers and errors in the six protocols the
//! collector's services speak: awsQuery (STS, IAM, SNS, RDS), ec2Query (EC2), awsJson 1.0/1.1
//! (SQS, DynamoDB, DynamoDB Streams; Organizations, KMS, Secrets Manager, ECR, Kinesis,
//! EventBridge, CloudWatch Logs, Glue), restJson1 (Lambda, Account, Backup, CodeArtifact, SES v2,
//! Glacier, OpenSearch Service, API Gateway; EFS with its own error bodies) and restXml (S3
//! unwrapped errors, S3 Control wrapped errors).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, Method, Response, StatusCode};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// What the SigV4 `Authorization` header's credential scope says (the signature is not checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    pub access_key: String,
    pub region: String,
    pub service: String,
}

/// Reads `AWS4-HMAC-SHA256 Credential=<AKID>/<date>/<region>/<service>/aws4_request, ...`.
pub fn parse_authorization(value: &str) -> Option<Signing> {
    let rest = value.trim().strip_prefix("AWS4-HMAC-SHA256")?;
    let credential = rest.split(',').map(str::trim).find_map(|p| p.strip_prefix("Credential="))?;
    let mut parts = credential.split('/');
    let access_key = parts.next()?.to_string();
    let _date = parts.next()?;
    let region = parts.next()?.to_string();
    let service = parts.next()?.to_string();
    Some(Signing { access_key, region, service })
}

/// Decodes `a=b&c=d` (query strings and form bodies; `+` is a space).
pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decodes one component (`+` is a space).
pub fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// Percent-decodes a path segment (`+` stays a plus).
pub fn decode_segment(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// RFC 3986 unreserved characters stay; everything else is encoded (as IAM encodes documents).
const DOCUMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// URL-encodes a policy document the way IAM returns it.
pub fn url_encode(text: &str) -> String {
    utf8_percent_encode(text, DOCUMENT).to_string()
}

/// One request, read once: method, decoded path segments, query, headers, body, signature scope.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub method: Method,
    /// The raw path (still percent-encoded).
    pub path: String,
    /// The path's segments, percent-decoded, without empty ones.
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub signing: Option<Signing>,
}

impl Incoming {
    pub fn new(req: &http::Request<Bytes>) -> Incoming {
        let path = req.uri().path().to_string();
        let segments = path.split('/').filter(|s| !s.is_empty()).map(decode_segment).collect();
        let query = req.uri().query().map(parse_pairs).unwrap_or_default();
        let signing = req.headers().get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(parse_authorization);
        Incoming {
            method: req.method().clone(),
            path,
            segments,
            query,
            headers: req.headers().clone(),
            body: req.body().clone(),
            signing,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn query(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn has_query(&self, key: &str) -> bool {
        self.query.iter().any(|(k, _)| k == key)
    }

    /// The form body of an awsQuery request.
    pub fn form(&self) -> Vec<(String, String)> {
        parse_pairs(&String::from_utf8_lossy(&self.body))
    }

    /// The JSON body (`Null` when empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The query string without the SDK's `x-id` hint, sorted: part of a logical request's key.
    pub fn canonical_query(&self) -> String {
        let mut pairs: Vec<String> = self.query.iter().filter(|(k, _)| k != "x-id")
            .map(|(k, v)| if v.is_empty() { k.clone() } else { format!("{k}={v}") })
            .collect();
        pairs.sort();
        pairs.join("&")
    }
}

/// Looks a form field up.
pub fn form_get<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The wire protocol of a service, which decides how answers and errors are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// awsQuery: XML `<XResponse><XResult>`, errors `<ErrorResponse><Error>` (STS, IAM, SNS, RDS).
    AwsQuery { namespace: &'static str },
    /// ec2Query: XML `<XResponse><requestId>` without a result wrapper, errors
    /// `<Response><Errors><Error>` (EC2).
    Ec2Query { namespace: &'static str },
    /// awsJson 1.1 (Organizations, KMS, Secrets Manager, ECR, Kinesis, EventBridge, CloudWatch
    /// Logs, Glue).
    AwsJson11,
    /// awsJson 1.0 with query-compatible error codes (SQS).
    AwsJson10Sqs,
    /// awsJson 1.0 with `__type` = `<namespace>#<code>` errors (DynamoDB, DynamoDB Streams).
    AwsJson10 { namespace: &'static str },
    /// restJson1 (Lambda, Account, Backup, CodeArtifact, SES v2, Glacier, OpenSearch Service, API
    /// Gateway): the code in `x-amzn-ErrorType`, which the SDK reads first.
    RestJson,
    /// restJson1 with EFS's error bodies, `{"ErrorCode", "Message"}` (the code also in
    /// `x-amzn-ErrorType`, which the SDK reads first).
    RestJsonEfs,
    /// restXml with unwrapped `<Error>` errors (S3).
    RestXmlUnwrapped,
    /// restXml with wrapped `<ErrorResponse><Error>` errors (S3 Control).
    RestXmlWrapped,
}

/// An error answer: status, service error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError { status, code: code.to_string(), message: message.into() }
    }
}

/// A request ID for the answers that carry one.
pub fn request_id(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// Escapes text for XML content and attributes.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `<name>escaped text</name>`.
pub fn el(name: &str, text: &str) -> String {
    format!("<{name}>{}</{name}>", xml_escape(text))
}

fn response(status: u16, content_type: &str, headers: &[(&str, String)], body: String) -> Response<String> {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(http::header::CONTENT_TYPE, content_type);
    for (k, v) in headers {
        builder = builder.header(*k, v.as_str());
    }
    let fallback_body = body.clone();
    builder.body(body).unwrap_or_else(|_| Response::new(fallback_body))
}

/// An awsQuery answer: `<{op}Response xmlns=…><{op}Result>{inner}</{op}Result><ResponseMetadata>…`.
pub fn query_ok(namespace: &str, operation: &str, inner: &str, id: u64) -> Response<String> {
    let body = format!(
        "<{operation}Response xmlns=\"{namespace}\"><{operation}Result>{inner}</{operation}Result>\
         <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{operation}Response>",
        request_id(id)
    );
    response(200, "text/xml", &[("x-amzn-RequestId", request_id(id))], body)
}

/// An ec2Query answer: `<{op}Response xmlns=…><requestId>…</requestId>{inner}</{op}Response>`.
pub fn ec2_ok(namespace: &str, operation: &str, inner: &str, id: u64) -> Response<String> {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{operation}Response xmlns=\"{namespace}\">{}{inner}</{operation}Response>",
        el("requestId", &request_id(id))
    );
    response(200, "text/xml;charset=UTF-8", &[("x-amzn-RequestId", request_id(id))], body)
}

/// A JSON answer with the protocol's content type.
pub fn json_ok(protocol: Protocol, value: &Value, id: u64) -> Response<String> {
    let content_type = match protocol {
        Protocol::AwsJson11 => "application/x-amz-json-1.1",
        Protocol::AwsJson10Sqs | Protocol::AwsJson10 { .. } => "application/x-amz-json-1.0",
        _ => "application/json",
    };
    response(200, content_type, &[("x-amzn-RequestId", request_id(id))], value.to_string())
}

/// An XML answer (restXml).
pub fn xml_ok(body: String, id: u64) -> Response<String> {
    let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}");
    response(200, "application/xml", &[("x-amz-request-id", request_id(id))], body)
}

/// A raw body answer (S3 GetBucketPolicy returns the document itself).
pub fn raw_ok(content_type: &str, body: String, id: u64) -> Response<String> {
    response(200, content_type, &[("x-amz-request-id", request_id(id))], body)
}

/// Writes an error in the protocol's shape.
pub fn error_response(protocol: Protocol, err: &ApiError, id: u64) -> Response<String> {
    let rid = request_id(id);
    match protocol {
        Protocol::AwsQuery { .. } => {
            let kind = if err.status >= 500 { "Receiver" } else { "Sender" };
            let body = format!(
                "<ErrorResponse><Error><Type>{kind}</Type>{}{}</Error><RequestId>{rid}</RequestId></ErrorResponse>",
                el("Code", &err.code),
                el("Message", &err.message)
            );
            response(err.status, "text/xml", &[("x-amzn-RequestId", rid)], body)
        }
        Protocol::Ec2Query { .. } => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>{}{}</Error></Errors>{}</Response>",
                el("Code", &err.code),
                el("Message", &err.message),
                el("RequestID", &rid)
            );
            response(err.status, "text/xml;charset=UTF-8", &[("x-amzn-RequestId", rid)], body)
        }
        Protocol::AwsJson11 => {
            let body = serde_json::json!({"__type": err.code, "Message": err.message, "message": err.message});
            response(err.status, "application/x-amz-json-1.1", &[("x-amzn-RequestId", rid)], body.to_string())
        }
        Protocol::AwsJson10Sqs => {
            let body = serde_json::json!({"__type": format!("com.amazonaws.sqs#{}", err.code), "message": err.message});
            let kind = if err.status >= 500 { "Receiver" } else { "Sender" };
            response(
                err.status,
                "application/x-amz-json-1.0",
                &[("x-amzn-RequestId", rid), ("x-amzn-query-error", format!("{};{kind}", err.code))],
                body.to_string(),
            )
        }
        Protocol::AwsJson10 { namespace } => {
            let body = serde_json::json!({"__type": format!("{namespace}#{}", err.code), "message": err.message});
            response(err.status, "application/x-amz-json-1.0", &[("x-amzn-RequestId", rid)], body.to_string())
        }
        Protocol::RestJson => {
            let kind = if err.status >= 500 { "Service" } else { "User" };
            let body = serde_json::json!({"message": err.message, "Type": kind});
            response(
                err.status,
                "application/json",
                &[("x-amzn-RequestId", rid), ("x-amzn-errortype", err.code.clone())],
                body.to_string(),
            )
        }
        Protocol::RestJsonEfs => {
            let body = serde_json::json!({"ErrorCode": err.code, "Message": err.message});
            response(
                err.status,
                "application/json",
                &[("x-amzn-RequestId", rid), ("x-amzn-errortype", err.code.clone())],
                body.to_string(),
            )
        }
        Protocol::RestXmlUnwrapped => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>{}{}{}</Error>",
                el("Code", &err.code),
                el("Message", &err.message),
                el("RequestId", &rid)
            );
            response(err.status, "application/xml", &[("x-amz-request-id", rid)], body)
        }
        Protocol::RestXmlWrapped => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error>{}{}</Error>{}</ErrorResponse>",
                el("Code", &err.code),
                el("Message", &err.message),
                el("RequestId", &rid)
            );
            response(err.status, "application/xml", &[("x-amz-request-id", rid)], body)
        }
    }
}

/// Seconds since the Unix epoch (awsJson timestamps).
pub fn epoch_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// ISO 8601 in UTC with a `Z` (`2024-01-01T00:00:00Z`), as XML protocols write timestamps.
pub fn iso8601(t: SystemTime) -> String {
    let secs = epoch_seconds(t);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, (rem % 3600) / 60, rem % 60)
}

/// `iso8601` of a fixed instant: `secs` after the epoch.
pub fn iso8601_at(secs: u64) -> String {
    iso8601(UNIX_EPOCH + Duration::from_secs(secs))
}

/// Days since 1970-01-01 to (year, month, day) (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_scope_is_read() {
        let h = "AWS4-HMAC-SHA256 Credential=ASIASIM100000000003/20240101/eu-west-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        let s = parse_authorization(h).expect("scope");
        assert_eq!(s.access_key, "ASIASIM100000000003");
        assert_eq!(s.region, "eu-west-1");
        assert_eq!(s.service, "kms");
        assert!(parse_authorization("Basic abc").is_none());
    }

    #[test]
    fn pairs_and_dates() {
        let p = parse_pairs("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx&RoleSessionName=a+b&flag");
        assert_eq!(p[1].1, "arn:aws:iam::1:role/x");
        assert_eq!(p[2].1, "a b");
        assert_eq!(p[3], ("flag".to_string(), String::new()));
        assert_eq!(iso8601_at(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_at(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(url_encode(r#"{"a":"b c"}"#), "%7B%22a%22%3A%22b%20c%22%7D");
        assert_eq!(xml_escape("<a&'\">"), "&lt;a&amp;&apos;&quot;&gt;");
    }
}
