//! Who may open a session: the page's origin, the partner's token check, and how many: a cap on
//! concurrent sessions and on handshakes per second from one address.
//!
//! Browsers send an `Origin` header with every WebSocket handshake and let any page open a socket
//! to any server, so the origin is what keeps another site's page from talking to the bridge as
//! the agent. A handshake without one is not from a browser page and is refused too; a non-browser
//! client states the origin it speaks for.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::header::{HOST, ORIGIN};
use axum::http::HeaderMap;

/// A cap on sessions open at once: a place is taken at the handshake and given back when the
/// connection ends (or the upgrade never happens: the place is a guard).
#[derive(Debug, Default)]
pub(crate) struct SessionCap {
    open: Arc<AtomicUsize>,
    max: Option<usize>,
}

/// One place under the cap.
pub(crate) struct Place(Option<Arc<AtomicUsize>>);

impl Drop for Place {
    fn drop(&mut self) {
        if let Some(open) = &self.0 {
            open.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl SessionCap {
    pub(crate) fn new(max: Option<usize>) -> Self {
        SessionCap {
            open: Arc::default(),
            max,
        }
    }

    /// A place, or `Err(max)` when every place is taken.
    pub(crate) fn take(&self) -> Result<Place, usize> {
        let Some(max) = self.max else {
            return Ok(Place(None));
        };
        if self.open.fetch_add(1, Ordering::AcqRel) >= max {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return Err(max);
        }
        Ok(Place(Some(Arc::clone(&self.open))))
    }
}

/// At most `per_second` handshakes from one address in any one-second window.
#[derive(Debug)]
pub(crate) struct HandshakeRate {
    per_second: u32,
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// Addresses remembered at most; past it, windows that have ended are forgotten.
const REMEMBERED_ADDRESSES: usize = 10_000;

impl HandshakeRate {
    pub(crate) fn new(per_second: u32) -> Self {
        HandshakeRate {
            per_second,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `address` may open another handshake now.
    pub(crate) fn allow(&self, address: IpAddr, now: Instant) -> bool {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() >= REMEMBERED_ADDRESSES {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(1));
        }
        let (start, count) = windows.entry(address).or_insert((now, 0));
        if now.duration_since(*start) >= Duration::from_secs(1) {
            *start = now;
            *count = 0;
        }
        *count += 1;
        *count <= self.per_second
    }
}

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
                "origin `{}` is not this server's; allow it with `Bridge::allow_origin`",
                shown(&origin)
            ))
        } else {
            // The allowed origins are the operator's to know, not any caller's: the log names
            // them, the answer does not.
            let origin = shown(&origin);
            tracing::warn!(
                %origin,
                allowed = %self.allowed.join(", "),
                "handshake refused: its origin is not allowed"
            );
            Err(format!(
                "origin `{origin}` is not allowed here; the server's operator allows an origin with `Bridge::allow_origin`"
            ))
        }
    }
}

fn normalise(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// A caller's origin as an answer or a log line repeats it: at most 200 characters.
fn shown(origin: &str) -> String {
    const AT_MOST: usize = 200;
    if origin.chars().count() <= AT_MOST {
        origin.to_owned()
    } else {
        format!("{}…", origin.chars().take(AT_MOST).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cap_gives_places_back() {
        let cap = SessionCap::new(Some(2));
        let first = cap.take().unwrap();
        let _second = cap.take().unwrap();
        assert_eq!(cap.take().err(), Some(2));
        drop(first);
        assert!(cap.take().is_ok());
        assert!(SessionCap::new(None).take().is_ok());
    }

    #[test]
    fn handshakes_per_second_are_counted_per_address_and_window() {
        let rate = HandshakeRate::new(3);
        let now = Instant::now();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        assert!((0..3).all(|_| rate.allow(a, now)));
        assert!(!rate.allow(a, now));
        assert!(rate.allow(b, now), "another address has its own window");
        assert!(
            rate.allow(a, now + Duration::from_millis(1001)),
            "a new window"
        );
    }

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

    #[test]
    fn a_refusal_names_the_callers_origin_and_no_allowed_one() {
        let mut origins = Origins::default();
        origins.allow("https://partner.example.com");
        origins.allow("https://staging.partner.example.com");
        let refused = origins.check(&headers(&[("origin", "https://evil.example")]));
        assert_eq!(
            refused,
            Err("origin `https://evil.example` is not allowed here; the server's operator allows an origin with `Bridge::allow_origin`".into())
        );
        // a caller's long origin is cut short in the answer
        let long = format!("https://{}.example", "a".repeat(500));
        let refused = origins.check(&headers(&[("origin", &long)])).unwrap_err();
        assert!(
            refused.contains(&format!("`{}…`", &long[..200])),
            "{refused}"
        );
        assert!(refused.len() < 400, "{refused}");
    }
}
