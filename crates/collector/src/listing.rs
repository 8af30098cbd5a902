//! The one shape every resource type's reader shares: page through a listing to the end, read
//! each item with a bounded number in flight, and turn a failure into an error record as narrow
//! as the failure (a failed listing: the whole scope; a failed item: that resource). A scope is
//! reported finished only by the code that read it to the end.

use std::future::Future;

use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::http::Response;
use futures::stream::{self, StreamExt};
use perimeter_model::ResourceType;

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::{classify, Failure};
use crate::pacing::Api;

/// Every item of every page of a listing, or the failure of the first page that failed
/// (prefixed with the operation's name). Each page request is paced as `api`; the paginator is
/// made (by `pages`) when the first page may be asked for (an unpolled one holds 10 KB).
pub async fn all_pages<O, E, T>(
    ctx: &AccountCtx,
    api: Api<'_>,
    mut pages: impl FnMut() -> PaginationStream<Result<O, SdkError<E, Response>>>,
    mut items: impl FnMut(O) -> Vec<T>,
) -> Result<Vec<T>, Failure>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut out = Vec::new();
    let mut stream = None;
    loop {
        let (slot, make) = (&mut stream, &mut pages);
        let next = ctx.call(api, move || {
            let slot: &mut Option<_> = slot;
            slot.get_or_insert_with(make).next()
        });
        let Some(page) = next.await else { break };
        let page = page.map_err(|e| classify(&e).reading(api.operation()))?;
        out.extend(items(page));
    }
    Ok(out)
}

/// Every item of every page of a listing whose SDK operation has no paginator: `send` sends
/// one page request with the previous page's token, `items` takes a page's items and its next
/// token. A token the service sent before ends the listing with a failure (a service that pages
/// in a circle would otherwise never end).
pub async fn token_pages<O, E, T, F, Fut>(
    ctx: &AccountCtx,
    api: Api<'_>,
    mut send: F,
    mut items: impl FnMut(O) -> (Vec<T>, Option<String>),
) -> Result<Vec<T>, Failure>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<O, SdkError<E, Response>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let operation = api.operation();
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = ctx.call(api, || send(token.clone())).await.map_err(|e| classify(&e).reading(operation))?;
        let (page_items, next) = items(page);
        out.extend(page_items);
        match next.filter(|t| !t.is_empty()) {
            Some(t) if seen.contains(&t) => {
                return Err(Failure::new(perimeter_model::ErrorCode::Internal, format!("{operation}: the service sent the page token `{t}` twice")));
            }
            Some(t) => {
                seen.push(t.clone());
                token = Some(t);
            }
            None => return Ok(out),
        }
    }
}

/// A policy document as a service returned it, or `None` for none: an absent, blank or `{}`
/// document (some services answer `{}` for a resource without a policy). The text is not parsed
/// here: the evaluator reads it once, and names any error.
pub fn policy_text(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    // `{}` with any whitespace inside; the evaluator reads (and judges) everything else.
    let empty_object = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')).is_some_and(|inner| inner.trim().is_empty());
    (!text.is_empty() && !empty_object).then(|| text.to_string())
}

/// Reads each item of `items` with at most `fan_out` reads in flight.
pub async fn each<T, F, Fut>(items: Vec<T>, fan_out: usize, read: F) -> Vec<Fut::Output>
where
    F: FnMut(T) -> Fut,
    Fut: Future,
{
    stream::iter(items.into_iter().map(read)).buffer_unordered(fan_out.max(1)).collect().await
}

/// The whole reading of one (account, region, type) scope: the listing's failure is one error
/// record for the scope; otherwise each item is read (a failed read is an error record of that
/// resource) and the scope is reported finished.
pub async fn scope<T, F, Fut>(
    ctx: &AccountCtx,
    region: &str,
    resource_type: ResourceType,
    listing: Result<Vec<T>, Failure>,
    fan_out: usize,
    read: F,
) -> Collected
where
    F: FnMut(T) -> Fut,
    Fut: Future<Output = Read>,
{
    let mut out = Collected::default();
    match listing {
        Ok(items) => {
            out.absorb(each(items, fan_out, read).await);
            out.finish(ctx, region, resource_type);
        }
        Err(f) => out.errors.push(ctx.error(Some(region), Some(resource_type), None, f)),
    }
    out
}

/// The answer of one read where the service's "there is none" (`none`: `NoSuchBucketPolicy`,
/// `ResourceNotFoundException`, …) is an answer: `Ok(None)`; any other failure is the failure,
/// prefixed with the operation's name.
pub fn unless_absent<O, E>(result: Result<O, SdkError<E, Response>>, none: &[&str], operation: &str) -> Result<Option<O>, Failure>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match result {
        Ok(o) => Ok(Some(o)),
        Err(e) => {
            let f = classify(&e);
            if f.is_code(none) { Ok(None) } else { Err(f.reading(operation)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::policy_text;

    #[test]
    fn blank_and_empty_object_documents_are_no_policy() {
        for none in [None, Some(""), Some("  \n"), Some("{}"), Some(" { \n } ")] {
            assert_eq!(policy_text(none), None, "{none:?}");
        }
        let doc = r#"{"Version":"2012-10-17","Statement":[]}"#;
        assert_eq!(policy_text(Some(&format!(" {doc}\n"))).as_deref(), Some(doc));
        // Not a document at all: kept, for the evaluator to name the error.
        assert_eq!(policy_text(Some("{oops")).as_deref(), Some("{oops"));
    }
}
