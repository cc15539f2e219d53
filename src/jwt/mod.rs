//! JSON Web Tokens as pure functions: decoding without verification, for captures and reports;
//! RS256 keys and signing, for the mock providers' ID tokens and for forging tokens.

mod decode;
mod keys;
mod sign;

pub use decode::{DecodedJwt, decode, looks_like_jwt};
pub use keys::{KeyError, RsaSigningKey};
pub use sign::{at_hash, encode_signed, encode_unsigned, rs256_header};
