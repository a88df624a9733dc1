//! Who may open a session: the page's origin, and the partner's token check.
//!
//! Browsers send an `Origin` header with every WebSocket handshake and let any page open a socket
//! to any server, so the origin is what keeps another site's page from talking to the bridge as
//! the agent. A handshake without one is not from a browser page and is refused too; a non-browser
//! client states the origin it speaks for.

use axum::http::header::{HOST, ORIGIN};
use axum::http::HeaderMap;

/// The origins a bridge accepts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origins {
    /// Exact origins, normalised (lower case, no trailing `/`). Empty: the bridge's own origin.
    allowed: Vec<String>,
}

impl Origins {
    pub(crate) fn allow(&mut self, origin: &str) {
        self.allowed.push(normalise(origin));
    }

    /// `Ok` if the handshake's origin may open a session, else why not.
    pub(crate) fn check(&self, headers: &HeaderMap) -> Result<(), String> {
        let Some(origin) = headers.get(ORIGIN) else {
            return Err("the handshake has no Origin header; the bridge accepts the partner's pages, which browsers send with their origin".into());
        };
        let Ok(origin) = origin.to_str() else {
            return Err("the Origin header is not text".into());
        };
        let origin = normalise(origin);
        let allowed = if self.allowed.is_empty() {
            // same origin only: the page was served by the host this handshake is addressed to
            headers
                .get(HOST)
                .and_then(|host| host.to_str().ok())
                .is_some_and(|host| {
                    let host = host.to_ascii_lowercase();
                    origin == format!("http://{host}") || origin == format!("https://{host}")
                })
        } else {
            self.allowed.contains(&origin)
        };
        if allowed {
            Ok(())
        } else if self.allowed.is_empty() {
            Err(format!(
                "origin `{origin}` is not this server's; allow it with `Bridge::allow_origin`"
            ))
        } else {
            Err(format!(
                "origin `{origin}` is not allowed; the allowed origins are {}",
                self.allowed.join(", ")
            ))
        }
    }
}

fn normalise(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn by_default_only_the_same_origin() {
        let origins = Origins::default();
        let same = headers(&[
            ("host", "localhost:8080"),
            ("origin", "http://localhost:8080"),
        ]);
        assert_eq!(origins.check(&same), Ok(()));
        let other = headers(&[
            ("host", "localhost:8080"),
            ("origin", "http://evil.example"),
        ]);
        assert_eq!(
            origins.check(&other),
            Err("origin `http://evil.example` is not this server's; allow it with `Bridge::allow_origin`".into())
        );
        assert!(origins
            .check(&headers(&[("host", "localhost:8080")]))
            .is_err());
    }

    #[test]
    fn allowed_origins_match_exactly_ignoring_case_and_a_trailing_slash() {
        let mut origins = Origins::default();
        origins.allow("http://localhost:3000/");
        origins.allow("http://127.0.0.1:3000");
        for ok in [
            "http://localhost:3000",
            "HTTP://LOCALHOST:3000",
            "http://127.0.0.1:3000",
        ] {
            assert_eq!(origins.check(&headers(&[("origin", ok)])), Ok(()), "{ok}");
        }
        for refused in [
            "http://localhost:3001",
            "https://localhost:3000",
            "http://localhost",
        ] {
            assert!(
                origins.check(&headers(&[("origin", refused)])).is_err(),
                "{refused}"
            );
        }
        // the list replaces same-origin
        let same = headers(&[("host", "example.com"), ("origin", "http://example.com")]);
        assert!(origins.check(&same).is_err());
    }
}
