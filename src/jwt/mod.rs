//! JSON Web Tokens as pure functions: decoding without verification, for captures and reports.

mod decode;

pub use decode::{DecodedJwt, decode, looks_like_jwt};
