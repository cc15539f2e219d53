//! The shapes one secret takes on its way into a file: as is, base64 and base64url (with and without
//! padding, alone or inside a longer base64 text such as a JWT's claims), URL-encoded and
//! JSON-escaped. Servers differ in how they encode, and a form that is missed here is a secret
//! left in a report, so each common encoder's output is listed: form encoding (`+` or `%20` for
//! spaces), RFC 3986 and Python's `quote` (which keeps `/`), JavaScript's `encodeURIComponent` and
//! `encodeURI`, each with upper- or lowercase hex; JSON as serde writes it, with `\/` (PHP), with
//! non-ASCII as `\u00e9` (Python, PHP), with `<>&` and U+2028/U+2029 as `\u003c` (Go), and with
//! those and `'"+` and backtick as `\u0027` (.NET), and `=` as `\u003d` (Gson). Any form with a
//! `/` is also listed with `\/`, as a PHP body would carry it.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// Secrets shorter than this are not masked: masking `a` or `1` everywhere would shred a report
/// and protect nothing.
pub const MIN_SECRET_LEN: usize = 4;

/// Every form of `secret` worth searching for, longest first, without duplicates.
pub fn encoded_forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned()];
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        forms.push(engine.encode(secret));
    }
    for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        forms.extend(embedded_base64(secret, engine));
    }
    // Most secrets (tokens, hex, base64url) read the same in every URL and JSON encoding: only
    // a secret with other characters has other forms, and a run learns one per captured token.
    let url_unsafe = secret
        .bytes()
        .any(|byte| !(byte.is_ascii_alphanumeric() || b"-._".contains(&byte)));
    if url_unsafe {
        // Put into another URL (a form body carried in a `next=` parameter), encoded twice.
        for once in [
            percent_encode(secret, PercentStyle::ALL[0], Hex::Upper),
            percent_encode(secret, PercentStyle::ALL[1], Hex::Upper),
        ] {
            forms.push(percent_encode(&once, PercentStyle::ALL[2], Hex::Upper));
        }
        // In the path of an http(s) URL, `\\` is a separator, and the url crate writes it as `/`.
        let as_path = secret.replace('\\', "/");
        for style in PercentStyle::ALL {
            for hex in [Hex::Upper, Hex::Lower] {
                forms.push(percent_encode(secret, style, hex));
                if as_path != secret {
                    forms.push(percent_encode(&as_path, style, hex));
                }
            }
        }
    }
    let json_unsafe = secret.chars().any(|c| {
        matches!(
            c,
            '"' | '\\' | '/' | '<' | '>' | '&' | '\'' | '+' | '`' | '='
        ) || c.is_control()
            || !c.is_ascii()
    });
    // HTML-escaped, as a form re-filled after an error shows it.
    let mut html_forms = html_escaped(secret);
    if json_unsafe {
        let serde = JsonStyle::ALL[0];
        for style in JsonStyle::ALL {
            for hex in [Hex::Upper, Hex::Lower] {
                let escaped = json_escape(secret, style, hex);
                // A server that echoes the JSON body it received inside a string of its own
                // (`"data": "{\"password\": \"p\\\"w\"}"`) escapes the escapes once more.
                if escaped.contains(['\\', '"']) {
                    forms.push(json_escape(&escaped, serde, hex));
                }
                // An error page that shows the JSON it received HTML-escapes it (`p\&quot;w`).
                html_forms.extend(html_escaped(&escaped));
                forms.push(escaped);
            }
        }
    }
    // An HTML form inside a JSON string (a page's text in a JSON body), as serde, as Python
    // (non-ASCII as `\u00e9`) or as Go (`&` as `\u0026`) writes it.
    html_forms.sort();
    html_forms.dedup();
    let python = JsonStyle {
        slash: false,
        non_ascii: true,
        html: HtmlEscapes::None,
    };
    let go = JsonStyle {
        slash: false,
        non_ascii: false,
        html: HtmlEscapes::Go,
    };
    for html in &html_forms {
        for style in [JsonStyle::ALL[0], python, go] {
            for hex in [Hex::Upper, Hex::Lower] {
                let escaped = json_escape(html, style, hex);
                if escaped != *html {
                    forms.push(escaped);
                }
            }
        }
    }
    forms.extend(html_forms);
    let slash_escaped: Vec<String> = forms
        .iter()
        .filter(|form| form.contains('/'))
        .map(|form| form.replace('/', "\\/"))
        .collect();
    forms.extend(slash_escaped);
    forms.retain(|form| form.len() >= MIN_SECRET_LEN);
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    forms.dedup();
    forms
}

/// `text` as HTML escapers write it (`&quot;` or `&#34;`; `&#x27;`, `&#39;`, `&#039;` or
/// `&apos;`); nothing when it has no character they change.
fn html_escaped(text: &str) -> Vec<String> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Vec::new();
    }
    let mut forms = Vec::with_capacity(8);
    for quote in ["&quot;", "&#34;"] {
        for apostrophe in ["&#x27;", "&#39;", "&#039;", "&apos;"] {
            let mut escaped = String::with_capacity(text.len() + 16);
            for c in text.chars() {
                match c {
                    '&' => escaped.push_str("&amp;"),
                    '<' => escaped.push_str("&lt;"),
                    '>' => escaped.push_str("&gt;"),
                    '"' => escaped.push_str(quote),
                    '\'' => escaped.push_str(apostrophe),
                    other => escaped.push(other),
                }
            }
            forms.push(escaped);
        }
    }
    forms
}

/// The secret inside a longer base64 text (a JWT's claims, a `user:password` pair): the characters
/// that encode only the secret's own bits, at each of the three offsets it can start at. Shorter
/// than [`MIN_EMBEDDED_LEN`], such a run could occur in unrelated base64 by chance and is left out.
fn embedded_base64(secret: &str, engine: &base64::engine::GeneralPurpose) -> Vec<String> {
    if secret.len() * 8 / 6 < MIN_EMBEDDED_LEN {
        return Vec::new();
    }
    (0..3)
        .filter_map(|offset| {
            let mut bytes = vec![0u8; offset];
            bytes.extend_from_slice(secret.as_bytes());
            let encoded = engine.encode(&bytes);
            // Characters that hold bits of the bytes before or after the secret are not its own.
            let first = (offset * 8).div_ceil(6);
            let last = bytes.len() * 8 / 6;
            encoded
                .get(first..last)
                .filter(|run| run.len() >= MIN_EMBEDDED_LEN)
                .map(str::to_owned)
        })
        .collect()
}

/// 48 bits: a run this long matches unrelated base64 about once in 10^14 characters.
const MIN_EMBEDDED_LEN: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hex {
    Upper,
    Lower,
}

impl Hex {
    fn digits(self) -> &'static [u8; 16] {
        match self {
            Hex::Upper => b"0123456789ABCDEF",
            Hex::Lower => b"0123456789abcdef",
        }
    }
}

/// How one URL encoder writes bytes: which it leaves as they are, and what a space becomes.
#[derive(Debug, Clone, Copy)]
struct PercentStyle {
    /// Kept as written besides ASCII letters and digits.
    unreserved: &'static [u8],
    space_as_plus: bool,
}

impl PercentStyle {
    const ALL: [PercentStyle; 10] = [
        // application/x-www-form-urlencoded, as browsers and the url crate write it.
        PercentStyle {
            unreserved: b"*-._",
            space_as_plus: true,
        },
        PercentStyle {
            unreserved: b"*-._",
            space_as_plus: false,
        },
        // RFC 3986 (Python's `quote(safe="")` and `quote_plus`).
        PercentStyle {
            unreserved: b"-._~",
            space_as_plus: false,
        },
        PercentStyle {
            unreserved: b"-._~",
            space_as_plus: true,
        },
        // Python's `quote` with its default `safe="/"`.
        PercentStyle {
            unreserved: b"-._~/",
            space_as_plus: false,
        },
        // JavaScript's `encodeURIComponent` and `encodeURI`.
        PercentStyle {
            unreserved: b"-_.!~*'()",
            space_as_plus: false,
        },
        PercentStyle {
            unreserved: b"-_.!~*'();,/?:@&=+$#",
            space_as_plus: false,
        },
        // The WHATWG URL standard (browsers, and the url crate that authprobe builds requests
        // with) encodes little: in a query …
        PercentStyle {
            unreserved: b"!$%&()*+,-./:;=?@[\\]^_`{|}~",
            space_as_plus: false,
        },
        // … in a path …
        PercentStyle {
            unreserved: b"!$%&'()*+,-./:;=@[\\]_|~",
            space_as_plus: false,
        },
        // … and in a fragment.
        PercentStyle {
            unreserved: b"!#$%&'()*+,-./:;=?@[\\]^_{|}~",
            space_as_plus: false,
        },
    ];
}

fn percent_encode(secret: &str, style: PercentStyle, hex: Hex) -> String {
    let digits = hex.digits();
    let mut encoded = String::with_capacity(secret.len() * 3);
    for &byte in secret.as_bytes() {
        if byte.is_ascii_alphanumeric() || style.unreserved.contains(&byte) {
            encoded.push(char::from(byte));
        } else if byte == b' ' && style.space_as_plus {
            encoded.push('+');
        } else {
            encoded.push('%');
            encoded.push(char::from(digits[usize::from(byte >> 4)]));
            encoded.push(char::from(digits[usize::from(byte & 0xF)]));
        }
    }
    encoded
}

/// What one JSON encoder escapes inside a string beyond `"`, `\` and control characters.
#[derive(Debug, Clone, Copy)]
struct JsonStyle {
    slash: bool,
    non_ascii: bool,
    html: HtmlEscapes,
}

/// Characters a JSON encoder writes as `\uXXXX` so that its output can sit in HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HtmlEscapes {
    None,
    /// Go's encoding/json: `<`, `>`, `&`, U+2028 and U+2029.
    Go,
    /// .NET's System.Text.Json: `<`, `>`, `&`, `'`, `"`, `+` and `` ` ``.
    DotNet,
    /// Gson's default: `<`, `>`, `&`, `=` and `'`.
    Gson,
}

impl JsonStyle {
    const ALL: [JsonStyle; 9] = [
        // serde_json, JavaScript's JSON.stringify.
        JsonStyle {
            slash: false,
            non_ascii: false,
            html: HtmlEscapes::None,
        },
        // PHP's json_encode writes `\/` …
        JsonStyle {
            slash: true,
            non_ascii: false,
            html: HtmlEscapes::None,
        },
        // … and, like Python's json.dumps, non-ASCII as `\uXXXX`.
        JsonStyle {
            slash: true,
            non_ascii: true,
            html: HtmlEscapes::None,
        },
        JsonStyle {
            slash: false,
            non_ascii: true,
            html: HtmlEscapes::None,
        },
        // Go's encoding/json escapes some characters for HTML; some encoders also escape
        // non-ASCII while doing so, as .NET's does by default.
        JsonStyle {
            slash: false,
            non_ascii: false,
            html: HtmlEscapes::Go,
        },
        JsonStyle {
            slash: false,
            non_ascii: true,
            html: HtmlEscapes::Go,
        },
        JsonStyle {
            slash: false,
            non_ascii: true,
            html: HtmlEscapes::DotNet,
        },
        // .NET with `UnicodeRanges.All` keeps non-ASCII as it is.
        JsonStyle {
            slash: false,
            non_ascii: false,
            html: HtmlEscapes::DotNet,
        },
        JsonStyle {
            slash: false,
            non_ascii: false,
            html: HtmlEscapes::Gson,
        },
    ];
}

/// The inside of a JSON string holding `secret`, as an encoder of `style` writes it.
fn json_escape(secret: &str, style: JsonStyle, hex: Hex) -> String {
    let mut escaped = String::with_capacity(secret.len() + 8);
    let unit = |code: u16, out: &mut String| {
        let digits = hex.digits();
        out.push_str("\\u");
        for shift in [12, 8, 4, 0] {
            out.push(char::from(digits[usize::from((code >> shift) & 0xF)]));
        }
    };
    for c in secret.chars() {
        let html_escaped = match style.html {
            HtmlEscapes::None => false,
            HtmlEscapes::Go => matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}'),
            HtmlEscapes::DotNet => matches!(c, '<' | '>' | '&' | '\'' | '"' | '+' | '`'),
            HtmlEscapes::Gson => matches!(c, '<' | '>' | '&' | '=' | '\''),
        };
        match c {
            c if html_escaped => unit(c as u16, &mut escaped),
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            '\u{8}' => escaped.push_str("\\b"),
            '\u{c}' => escaped.push_str("\\f"),
            '/' if style.slash => escaped.push_str("\\/"),
            c if c < ' ' => unit(c as u16, &mut escaped),
            // DEL is ASCII, but encoders that keep to ASCII escape it with the rest.
            '\u{7f}' if style.non_ascii => unit(0x7f, &mut escaped),
            c if !c.is_ascii() && style.non_ascii => {
                let mut units = [0u16; 2];
                for &code in c.encode_utf16(&mut units).iter() {
                    unit(code, &mut escaped);
                }
            }
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_listed(secret: &str, expected: &[&str]) {
        let forms = encoded_forms(secret);
        for form in expected {
            assert!(
                forms.iter().any(|listed| listed == form),
                "{form} missing from {forms:?}"
            );
        }
    }

    #[test]
    fn lists_the_forms_a_url_built_by_the_url_crate_gives_a_secret() {
        let secret = "a b\\c|[x]'^\"`{}<>é";
        for prefix in ["http://t.test/me?key=", "http://t.test/", "http://t.test/#"] {
            let url = url::Url::parse(&format!("{prefix}{secret}")).expect("a URL");
            let written = &url.as_str()[prefix.len()..];
            assert!(
                encoded_forms(secret).iter().any(|form| form == written),
                "{written} (after {prefix}) missing"
            );
        }
    }

    #[test]
    fn lists_a_json_escaped_secret_escaped_again() {
        // The body `{"password":"Hunter2\"Secret"}` echoed as a JSON string.
        let echoed = serde_json::to_string(
            &serde_json::json!({ "password": "Hunter2\"Secret" }).to_string(),
        )
        .expect("serialises");
        let forms = encoded_forms("Hunter2\"Secret");
        assert!(
            forms
                .iter()
                .any(|form| echoed.contains(form.as_str()) && form.contains("\\\\")),
            "{echoed} {forms:?}"
        );
        assert_listed("back\\slash", &["back\\\\\\\\slash"]);
    }

    #[test]
    fn lists_a_secret_escaped_for_html_and_one_encoded_twice_for_urls() {
        assert_listed(
            "a/b<c>&d\"e'f",
            &[
                "a/b&lt;c&gt;&amp;d&quot;e&#x27;f",
                "a/b&lt;c&gt;&amp;d&quot;e&#39;f",
            ],
        );
        assert_listed("Sup3r-Secret-PW!", &["Sup3r-Secret-PW%2521"]);
        // JSON-escaped, then HTML-escaped: an error page showing the JSON body it received.
        assert_listed(
            "QQQ7\"dq\"",
            &["QQQ7\\&quot;dq\\&quot;", "QQQ7\\&#34;dq\\&#34;"],
        );
        // And either inside a JSON string: the page's text in a JSON body.
        assert_listed(
            "p<a\"ss&w0rd/é",
            &[
                "p&lt;a&quot;ss&amp;w0rd/\\u00e9",
                "p&lt;a\\\\&quot;ss&amp;w0rd/é",
                "p\\u0026lt;a\\u0026quot;ss\\u0026amp;w0rd/é",
            ],
        );
    }

    #[test]
    fn lists_the_common_encodings() {
        assert_listed(
            "p@ss w/\"rd",
            &[
                "p@ss w/\"rd",
                "cEBzcyB3LyJyZA==",
                "cEBzcyB3LyJyZA",
                "p%40ss+w%2F%22rd",
                "p%40ss%20w%2F%22rd",
                "p@ss w/\\\"rd",
                "p@ss w\\/\\\"rd",
            ],
        );
    }

    #[test]
    fn lists_what_other_url_encoders_write() {
        assert_listed(
            "p@ss w/(rd)~",
            &[
                // Python's quote: `/` kept, `~` kept.
                "p%40ss%20w/%28rd%29~",
                // encodeURIComponent: `()` kept.
                "p%40ss%20w%2F(rd)~",
                // Lowercase hex, as some encoders write it.
                "p%40ss%20w%2f%28rd%29%7e",
            ],
        );
    }

    #[test]
    fn lists_what_other_json_encoders_write() {
        // Python's json.dumps (ASCII only), with the astral character as a surrogate pair.
        assert_listed("pässwörd🔑", &["p\\u00e4ssw\\u00f6rd\\ud83d\\udd11"]);
        // Go's encoding/json: `'` stays, U+2028 does not.
        assert_listed("a<b'c&d>\u{2028}", &["a\\u003cb'c\\u0026d\\u003e\\u2028"]);
        // .NET's System.Text.Json.
        assert_listed("it's+\"é\"", &["it\\u0027s\\u002B\\u0022\\u00E9\\u0022"]);
        // Gson, on a padded base64 secret.
        assert_listed("c2VjcmV0MQ==", &["c2VjcmV0MQ\\u003d\\u003d"]);
        // serde_json writes DEL as it is.
        assert_listed("x\u{7f}y\"z", &["x\u{7f}y\\\"z"]);
        // PHP's json_encode.
        assert_listed("é/ü-key", &["\\u00e9\\/\\u00fc-key"]);
    }

    #[test]
    fn lists_the_secret_as_it_reads_inside_longer_base64() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let secret = "correct horse battery";
        let forms = encoded_forms(secret);
        for prefix in ["", "{", "{\"", "{\"password\":\""] {
            let claims = URL_SAFE_NO_PAD.encode(format!("{prefix}{secret}\",\"sub\":\"1\"}}"));
            assert!(
                forms
                    .iter()
                    .any(|form| form.len() >= 8 && claims.contains(form.as_str())),
                "no form found in {claims} (prefix {prefix:?})"
            );
        }
    }

    #[test]
    fn a_plain_token_has_few_forms() {
        // Nothing to escape, nothing to pad: every encoder writes it as is, every base64 variant
        // agrees, and inside longer base64 it reads in two more ways (at the other offsets).
        let forms = encoded_forms("abcDEF123-_.");
        assert_eq!(forms.len(), 4, "{forms:?}");
        assert!(forms.iter().any(|form| form == "YWJjREVGMTIzLV8u"));
    }
}
