//! The HTTP face: a hyper 1.x HTTP/1.1 server that answers every request with
//! [`Simulator::handle`], after sleeping the configured latency; a dropped request closes the
//! connection without an answer, and a hanging one is never answered.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::{Error, Outcome, Simulator};

/// Serves `sim` on `listener` until the task is dropped (one task per connection).
/// The path of the simulator's counters (requests, per operation, made twice, unsupported), as JSON.
pub const STATS_PATH: &str = "/_simulator/stats";

pub async fn serve(sim: Arc<Simulator>, listener: TcpListener) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait a little rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let sim = Arc::clone(&sim);
        tokio::spawn(async move {
            let service = service_fn(move |req| answer(Arc::clone(&sim), req));
            // A dropped request ends the connection with an error: nothing to do about it.
            let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn answer(sim: Arc<Simulator>, req: hyper::Request<Incoming>) -> Result<hyper::Response<Full<Bytes>>, Error> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes();
    // The simulator's own counters, for a benchmark that runs it as a process: not an AWS
    // request, not counted, no latency.
    if parts.method == http::Method::GET && parts.uri.path() == STATS_PATH {
        let stats = serde_json::json!({
            "requests": sim.total(),
            "counts": sim.counts(),
            "repeated": sim.repeated(),
            "unsupported": sim.unsupported(),
            "resources": sim.resource_count(),
        });
        return Ok(hyper::Response::new(Full::new(Bytes::from(stats.to_string()))));
    }
    match sim.handle(http::Request::from_parts(parts, body)) {
        Outcome::Respond { response, delay } => {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Ok(response.map(|b| Full::new(Bytes::from(b))))
        }
        Outcome::Drop => {
            let latency = sim.config().latency;
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
            Err(Error::Dropped)
        }
        Outcome::Hang => {
            // Dropped with the connection when the client gives up (hyper notices the EOF).
            let _guard = sim.ledger().hang_guard();
            std::future::pending::<Infallible>().await;
            Err(Error::Dropped)
        }
    }
}
