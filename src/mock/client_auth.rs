//! Client authentication at a token endpoint, as both providers accept it: `Authorization: Basic`
//! (raw or form-encoded credentials) or `client_id` and `client_secret` in the body (a form, or
//! GitHub's JSON). Each provider turns the outcome into its own error bodies.

use super::calls::ClientAuth;
use super::config::Client;
use super::http::Incoming;

/// What the token request proved about its client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ClientCheck<'a> {
    Authenticated {
        client: &'a Client,
        method: ClientAuth,
    },
    /// No `client_id` anywhere.
    NoClientId,
    UnknownClient {
        id: String,
        method: ClientAuth,
    },
    /// The client is known but sent no secret.
    MissingSecret {
        id: String,
    },
    WrongSecret {
        id: String,
        method: ClientAuth,
    },
}

impl ClientCheck<'_> {
    /// The client id the request named, if any.
    pub fn client_id(&self) -> Option<&str> {
        match self {
            ClientCheck::Authenticated { client, .. } => Some(&client.id),
            ClientCheck::NoClientId => None,
            ClientCheck::UnknownClient { id, .. }
            | ClientCheck::MissingSecret { id }
            | ClientCheck::WrongSecret { id, .. } => Some(id),
        }
    }

    pub fn method(&self) -> Option<ClientAuth> {
        match self {
            ClientCheck::Authenticated { method, .. }
            | ClientCheck::UnknownClient { method, .. }
            | ClientCheck::WrongSecret { method, .. } => Some(*method),
            ClientCheck::MissingSecret { .. } => Some(ClientAuth::None),
            ClientCheck::NoClientId => None,
        }
    }
}

/// Checks the request's client credentials against `clients`. Basic wins when both are sent.
pub(crate) fn authenticate<'a>(incoming: &Incoming, clients: &'a [Client]) -> ClientCheck<'a> {
    let find = |id: &str| clients.iter().find(|client| client.id == id);
    if let Some(basic) = incoming.basic_credentials() {
        let id = basic.client_id(|id| find(id).is_some()).to_owned();
        return match find(&id) {
            None => ClientCheck::UnknownClient {
                id,
                method: ClientAuth::Basic,
            },
            Some(client) if basic.matches(&client.id, &client.secret) => {
                ClientCheck::Authenticated {
                    client,
                    method: ClientAuth::Basic,
                }
            }
            Some(_) => ClientCheck::WrongSecret {
                id,
                method: ClientAuth::Basic,
            },
        };
    }
    // A secret only in the URL is told apart from one in the body.
    let body_method =
        if incoming.form("client_secret").is_none() && incoming.query("client_secret").is_some() {
            ClientAuth::Query
        } else if incoming.json_body {
            ClientAuth::Json
        } else {
            ClientAuth::Post
        };
    let Some(id) = incoming.param("client_id") else {
        return ClientCheck::NoClientId;
    };
    let Some(client) = find(id) else {
        return ClientCheck::UnknownClient {
            id: id.to_owned(),
            method: body_method,
        };
    };
    match incoming.param("client_secret") {
        None => ClientCheck::MissingSecret { id: id.to_owned() },
        Some(secret) if secret == client.secret => ClientCheck::Authenticated {
            client,
            method: body_method,
        },
        Some(_) => ClientCheck::WrongSecret {
            id: id.to_owned(),
            method: body_method,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn clients() -> Vec<Client> {
        vec![Client {
            id: "web app".to_owned(),
            secret: "s3cret+/".to_owned(),
            redirect_uris: Vec::new(),
        }]
    }

    fn with_basic(user: &str, password: &str) -> Incoming {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        Incoming {
            headers: vec![("authorization".to_owned(), format!("Basic {encoded}"))],
            ..Incoming::default()
        }
    }

    #[test]
    fn basic_auth_is_accepted_raw_and_form_encoded() {
        let clients = clients();
        let raw = authenticate(&with_basic("web app", "s3cret+/"), &clients);
        assert!(matches!(
            raw,
            ClientCheck::Authenticated {
                method: ClientAuth::Basic,
                ..
            }
        ));
        let encoded = authenticate(&with_basic("web+app", "s3cret%2B%2F"), &clients);
        assert!(
            matches!(
                encoded,
                ClientCheck::Authenticated {
                    method: ClientAuth::Basic,
                    ..
                }
            ),
            "{encoded:?}"
        );
        let wrong = authenticate(&with_basic("web app", "nope"), &clients);
        assert_eq!(wrong.client_id(), Some("web app"));
        assert!(matches!(wrong, ClientCheck::WrongSecret { .. }));
    }

    #[test]
    fn body_credentials_tell_missing_unknown_and_wrong_apart() {
        let clients = clients();
        let body = |pairs: &[(&str, &str)]| Incoming {
            form: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..Incoming::default()
        };
        assert!(matches!(
            authenticate(
                &body(&[("client_id", "web app"), ("client_secret", "s3cret+/")]),
                &clients
            ),
            ClientCheck::Authenticated {
                method: ClientAuth::Post,
                ..
            }
        ));
        assert!(matches!(
            authenticate(&body(&[("client_id", "web app")]), &clients),
            ClientCheck::MissingSecret { .. }
        ));
        assert!(matches!(
            authenticate(&body(&[("client_id", "other")]), &clients),
            ClientCheck::UnknownClient { .. }
        ));
        assert_eq!(authenticate(&body(&[]), &clients), ClientCheck::NoClientId);
    }

    #[test]
    fn a_secret_in_the_url_is_told_apart_from_one_in_the_body() {
        let clients = clients();
        let in_query = Incoming {
            query: vec![
                ("client_id".to_owned(), "web app".to_owned()),
                ("client_secret".to_owned(), "s3cret+/".to_owned()),
            ],
            ..Incoming::default()
        };
        assert!(matches!(
            authenticate(&in_query, &clients),
            ClientCheck::Authenticated {
                method: ClientAuth::Query,
                ..
            }
        ));
    }
}
