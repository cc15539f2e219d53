//! JSON Web Tokens as pure functions: decoding without verification, for captures and reports;
//! forging variants of a token, for negative steps; RS256 keys and signing, for the mock
//! providers' ID tokens.

mod decode;
mod find;
pub mod forge;
mod keys;
mod sign;

pub use decode::{DecodedJwt, claim_date, decode, looks_like_jwt};
pub use find::{FoundJwt, find_jwts};
pub use keys::{KeyError, RsaSigningKey};
pub use sign::{at_hash, encode_signed, encode_unsigned, rs256_header};
