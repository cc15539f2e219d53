//! JSON Web Tokens as pure functions: decoding without verification, for captures and reports;
//! forging variants of a token, for negative steps.

mod decode;
mod find;
pub mod forge;

pub use decode::{DecodedJwt, decode, looks_like_jwt};
pub use find::{FoundJwt, find_jwts};
