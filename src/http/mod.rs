//! Talking to the target: one reqwest client per run (connections are reused), a cookie jar per
//! identity, and the [`Exchange`] record of what was sent and what came back.

mod client;
mod exchange;
mod jar;

pub use client::{ClientOptions, HttpClient, OutgoingRequest, url_as_recorded};
pub use exchange::{
    Exchange, ExchangeOutcome, RecordedRequest, Response, TransportError, TransportErrorKind,
};
pub use jar::CookieJar;
