//! The evaluator's one error type: a policy document that cannot be analysed, with the place in
//! the document (a JSON pointer) and what was expected there.

use perimeter_model::ErrorCode;

/// Largest policy document accepted, in bytes. AWS allows 20 KB for S3 and SQS, 32 KB for KMS,
/// 20 KB for Lambda; anything far beyond is not a policy AWS would have stored.
pub const MAX_DOCUMENT_BYTES: usize = 128 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The document is not a valid IAM policy.
    #[error("{message} (at `{pointer}`)")]
    Parse { pointer: String, message: String },
    /// The document is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("the policy document is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
}

impl Error {
    pub(crate) fn parse(pointer: &str, message: impl Into<String>) -> Error {
        Error::Parse { pointer: pointer.to_string(), message: message.into() }
    }

    /// A parse error at a place of the document.
    pub(crate) fn at(place: &Place<'_>, message: impl Into<String>) -> Error {
        Error::Parse { pointer: place.pointer(), message: message.into() }
    }

    /// The error code reported in the findings' `error` column.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Parse { .. } => ErrorCode::ParseError,
            Error::TooLarge { .. } => ErrorCode::LimitExceeded,
        }
    }

    /// The JSON pointer of the offending place (empty for the whole document).
    pub fn pointer(&self) -> &str {
        match self {
            Error::Parse { pointer, .. } => pointer,
            Error::TooLarge { .. } => "",
        }
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
fn segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// A place in a document: the chain of keys and indexes from the root. Its JSON pointer is
/// written only when an error names it, so reading a valid document builds no pointer text.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    parent: Option<&'a Place<'a>>,
    step: Step<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Place<'a> {
    /// The whole document.
    pub const ROOT: Place<'static> = Place { parent: None, step: Step::Root };

    /// The member `key` of the object here.
    pub fn key(&'a self, key: &'a str) -> Place<'a> {
        Place { parent: Some(self), step: Step::Key(key) }
    }

    /// The element `index` of the list here.
    pub fn index(&'a self, index: usize) -> Place<'a> {
        Place { parent: Some(self), step: Step::Index(index) }
    }

    /// The JSON pointer of this place (RFC 6901): empty for the root.
    pub fn pointer(&self) -> String {
        let mut steps = Vec::new();
        let mut place = Some(self);
        while let Some(p) = place {
            match p.step {
                Step::Root => {}
                Step::Key(k) => steps.push(segment(k)),
                Step::Index(i) => steps.push(i.to_string()),
            }
            place = p.parent;
        }
        steps.iter().rev().map(|s| format!("/{s}")).collect()
    }
}
