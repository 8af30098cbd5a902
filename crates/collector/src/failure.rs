//! What went wrong with one API call, as the error records say it: a code (access denied,
//! throttled, timeout, network, service) and a message with the whole cause chain, since the
//! SDK's own `Display` is only "service error".

use std::error::Error as StdError;

use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::http::Response;
use perimeter_model::ErrorCode;

/// A failed call, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
    /// The service's error code (`NoSuchBucketPolicy`, `AccessDenied`, …), when it sent one.
    pub service_code: Option<String>,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into(), service_code: None }
    }

    /// Whether the service said "there is none" with one of these codes.
    pub fn is_code(&self, codes: &[&str]) -> bool {
        self.service_code.as_deref().is_some_and(|c| codes.contains(&c))
    }

    /// Prefixes the message with what was being read.
    pub fn reading(mut self, what: &str) -> Failure {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "AuthorizationErrorException",
    "AllAccessDisabled",
];
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "RequestThrottled",
    "RequestThrottledException",
    "ProvisionedThroughputExceededException",
];

/// Classifies an SDK error.
pub fn classify<E>(err: &SdkError<E, Response>) -> Failure
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let message = chain(err);
    let (code, service_code) = match err {
        SdkError::TimeoutError(_) => (ErrorCode::Timeout, None),
        SdkError::DispatchFailure(f) if f.is_timeout() => (ErrorCode::Timeout, None),
        SdkError::DispatchFailure(_) => (ErrorCode::NetworkError, None),
        SdkError::ConstructionFailure(_) => (ErrorCode::Internal, None),
        SdkError::ResponseError(_) => {
            let status = err.raw_response().map(|r| r.status().as_u16());
            (if status == Some(403) { ErrorCode::AccessDenied } else { ErrorCode::ServiceError }, None)
        }
        SdkError::ServiceError(service) => {
            let code = service.err().code().map(str::to_string);
            let status = service.raw().status().as_u16();
            let kind = match code.as_deref() {
                Some(c) if ACCESS_DENIED.contains(&c) => ErrorCode::AccessDenied,
                Some(c) if THROTTLED.contains(&c) => ErrorCode::Throttled,
                _ if status == 403 => ErrorCode::AccessDenied,
                _ if status == 429 => ErrorCode::Throttled,
                _ => ErrorCode::ServiceError,
            };
            (kind, code)
        }
        _ => (ErrorCode::ServiceError, None),
    };
    Failure { code, message, service_code }
}

/// The error and every cause below it, joined.
fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}
