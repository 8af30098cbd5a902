//! The simulator's one error type: what can go wrong while serving (never an AWS error answer,
//! which is a normal response).

/// A failure of the server itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The connection is closed without an answer on purpose (an injected fault).
    #[error("connection dropped by fault injection")]
    Dropped,
    #[error("cannot read the request body: {0}")]
    Body(#[from] hyper::Error),
    #[error("cannot build the response: {0}")]
    Http(#[from] http::Error),
}
