//! The WebSocket handshake (RFC 6455 §4.2): an axum extractor that checks the request, and the
//! `101 Switching Protocols` answer that hands the connection to a [`Socket`].

use std::future::Future;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hyper::upgrade::OnUpgrade;
use sha1::{Digest, Sha1};

use super::Socket;
use crate::wire::ACKED_PROTOCOL;

/// The GUID RFC 6455 §1.3 appends to the client's key.
const ACCEPT_GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// A request for a WebSocket, checked: what the answer needs, and the connection to take over.
pub(crate) struct Upgrade {
    accept: HeaderValue,
    /// Whether the client offered the acknowledged protocol (`Sec-WebSocket-Protocol`, in any of
    /// its headers).
    offered_acked: bool,
    on_upgrade: OnUpgrade,
}

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let bad = |why: &'static str| (StatusCode::BAD_REQUEST, why).into_response();
        if parts.method != Method::GET {
            return Err((
                StatusCode::METHOD_NOT_ALLOWED,
                "a WebSocket handshake is a GET",
            )
                .into_response());
        }
        let headers = &parts.headers;
        if !has_token(headers, header::CONNECTION, "upgrade") {
            return Err(bad("this path takes WebSocket connections only: the `Connection` header must include `upgrade`"));
        }
        if !has_token(headers, header::UPGRADE, "websocket") {
            return Err(bad("this path takes WebSocket connections only: the `Upgrade` header must be `websocket`"));
        }
        if headers
            .get(header::SEC_WEBSOCKET_VERSION)
            .map(HeaderValue::as_bytes)
            != Some(b"13")
        {
            // RFC 6455 §4.4: 426, naming the version the server speaks
            return Err((
                StatusCode::UPGRADE_REQUIRED,
                [
                    (header::UPGRADE, "websocket"),
                    (header::SEC_WEBSOCKET_VERSION, "13"),
                ],
                "the `Sec-WebSocket-Version` header must be 13",
            )
                .into_response());
        }
        let key = headers
            .get(header::SEC_WEBSOCKET_KEY)
            .ok_or_else(|| bad("the `Sec-WebSocket-Key` header is missing"))?;
        let on_upgrade = parts.extensions.remove::<OnUpgrade>().ok_or_else(|| {
            (
                StatusCode::UPGRADE_REQUIRED,
                // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to
                [(header::UPGRADE, "websocket")],
                "this connection cannot be upgraded to a WebSocket (HTTP/1.1 only)",
            )
                .into_response()
        })?;
        Ok(Upgrade {
            accept: accept_key(key.as_bytes()),
            offered_acked: offers_acked(headers),
            on_upgrade,
        })
    }
}

impl Upgrade {
    /// Whether the client offered the acknowledged protocol ([`ACKED_PROTOCOL`]).
    pub(crate) fn offers_acked(&self) -> bool {
        self.offered_acked
    }

    /// The `101` answer, choosing `protocol` when given; once it is sent, `serve` runs on its own
    /// task with the connection, whose messages may be up to `max_message` bytes.
    pub(crate) fn answer<F, Fut>(
        self,
        protocol: Option<&'static str>,
        max_message: usize,
        serve: F,
    ) -> Response
    where
        F: FnOnce(Socket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let on_upgrade = self.on_upgrade;
        tokio::spawn(async move {
            // an upgrade that fails (the client left before it) has nothing to serve
            if let Ok(upgraded) = on_upgrade.await {
                let io = hyper_util::rt::TokioIo::new(upgraded);
                serve(Socket::new(io, max_message)).await;
            }
        });
        let mut response = (
            StatusCode::SWITCHING_PROTOCOLS,
            [
                (header::CONNECTION, HeaderValue::from_static("upgrade")),
                (header::UPGRADE, HeaderValue::from_static("websocket")),
                (header::SEC_WEBSOCKET_ACCEPT, self.accept),
            ],
        )
            .into_response();
        if let Some(protocol) = protocol {
            response.headers_mut().insert(
                header::SEC_WEBSOCKET_PROTOCOL,
                HeaderValue::from_static(protocol),
            );
        }
        response
    }
}

/// A header's comma-separated values, over all its lines.
fn list(headers: &HeaderMap, name: header::HeaderName) -> impl Iterator<Item = &str> {
    headers
        .get_all(name)
        .into_iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
}

/// Whether the client offered the acknowledged protocol, in any `Sec-WebSocket-Protocol` line;
/// compared exactly, as a subprotocol's name is (the client checks the answer's the same way).
fn offers_acked(headers: &HeaderMap) -> bool {
    list(headers, header::SEC_WEBSOCKET_PROTOCOL).any(|one| one == ACKED_PROTOCOL)
}

/// Whether a header's list includes `token`, ignoring case (as `Connection` and `Upgrade` are
/// read).
fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    list(headers, name).any(|one| one.eq_ignore_ascii_case(token))
}

/// `Sec-WebSocket-Accept`: the client's key and the GUID, hashed with SHA-1, in base64.
fn accept_key(key: &[u8]) -> HeaderValue {
    let mut sha1 = Sha1::new();
    sha1.update(key);
    sha1.update(ACCEPT_GUID);
    let encoded = base64::engine::general_purpose::STANDARD.encode(sha1.finalize());
    HeaderValue::from_str(&encoded).expect("base64 is a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accept_key_is_rfc_6455s_example() {
        // RFC 6455 §1.3
        assert_eq!(
            accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn header_tokens_are_read_from_lists_in_any_case() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, Upgrade"),
        );
        assert!(has_token(&headers, header::CONNECTION, "upgrade"));
        assert!(!has_token(&headers, header::UPGRADE, "websocket"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("h2c"));
        assert!(!has_token(&headers, header::UPGRADE, "websocket"));
        // a list may come in several lines
        headers.append(
            header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_static("chat"),
        );
        headers.append(
            header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_static("x, partner-events.v1"),
        );
        assert!(has_token(
            &headers,
            header::SEC_WEBSOCKET_PROTOCOL,
            ACKED_PROTOCOL
        ));
    }
}
