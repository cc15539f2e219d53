//! JSON Web Tokens as pure functions: decoding without verification, for captures and reports;
//! forging variants of a token, for negative steps.

mod decode;
pub mod forge;

pub use decode::{DecodedJwt, decode, looks_like_jwt};
