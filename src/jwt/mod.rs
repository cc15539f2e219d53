//! JSON Web Tokens as pure functions: decoding without verification, for captures and reports.

mod decode;
mod find;

pub use decode::{DecodedJwt, decode, looks_like_jwt};
pub use find::{FoundJwt, find_jwts};
