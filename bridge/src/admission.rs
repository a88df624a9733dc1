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

/// At most `per_second` handshakes from one address in each one-second window.
///
/// The windows are the table's, not each address's: a window starts at the first handshake after
/// the previous one ended, and its counts are forgotten when the next starts. A handshake is one
/// hash look-up under the lock (the map's own `RandomState` keeps addresses an attacker picks from
/// colliding), and forgetting a window is one `clear`, which keeps the allocation: no handshake
/// scans the table. Fixed windows need only the current window's counts, so there is no second
/// generation: as with a window per address, an address can open `per_second` handshakes at the
/// end of one window and as many at the start of the next.
///
/// The table holds at most `addresses` addresses in a window. Past that, an address it does not
/// hold is refused until the window ends (and the operator is told, once per window), rather
/// than counted in a bucket shared with other unknown addresses or let through. Trade-off: a flood
/// from more addresses than the table holds keeps new addresses out for at most a second (pages
/// retry with back-off and get in with the next window), while addresses already counted in the
/// window keep their own limit; letting unknown addresses through instead would leave a flood
/// from many addresses unlimited, and a shared bucket would refuse new addresses just the same,
/// with one more counter to explain. Memory stays bounded: a table of 10,000 addresses is about
/// 410 KB (16,384 buckets of 24 bytes), kept from one window to the next.
#[derive(Debug)]
pub(crate) struct HandshakeRate {
    per_second: u32,
    addresses: usize,
    window: Mutex<Window>,
}

#[derive(Debug, Default)]
struct Window {
    /// When the current window began; `None` before the first handshake.
    started: Option<Instant>,
    counts: HashMap<IpAddr, u32>,
    /// Whether this window refused an address because the table was full (logged once).
    overflowed: bool,
}

/// A window's length.
const WINDOW: Duration = Duration::from_secs(1);

/// Addresses a window holds at most, by default.
const REMEMBERED_ADDRESSES: usize = 10_000;

impl HandshakeRate {
    pub(crate) fn new(per_second: u32) -> Self {
        HandshakeRate::holding(per_second, REMEMBERED_ADDRESSES)
    }

    /// A limit whose windows hold at most `addresses` addresses.
    fn holding(per_second: u32, addresses: usize) -> Self {
        HandshakeRate {
            per_second,
            addresses,
            window: Mutex::new(Window::default()),
        }
    }

    /// Whether `address` may open another handshake now (and counts it).
    pub(crate) fn allow(&self, address: IpAddr, now: Instant) -> bool {
        let address = rate_key(address);
        // each update leaves the window whole: a poisoned lock's window is still good
        let mut window = self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // `now` can be a little before `started` (read before another handshake took the lock):
        // it is then in the current window
        let ended = window
            .started
            .is_none_or(|started| now.saturating_duration_since(started) >= WINDOW);
        if ended {
            window.started = Some(now);
            window.counts.clear();
            window.overflowed = false;
        }
        let full = window.counts.len() >= self.addresses;
        match window.counts.get_mut(&address) {
            Some(count) => {
                *count = count.saturating_add(1);
                *count <= self.per_second
            }
            None if full => {
                if !window.overflowed {
                    window.overflowed = true;
                    tracing::warn!(
                        addresses = self.addresses,
                        "handshakes from more addresses in one second than the rate limit's table holds: new addresses are refused (429) until the second ends"
                    );
                }
                false
            }
            None => {
                window.counts.insert(address, 1);
                self.per_second >= 1
            }
        }
    }
}

/// Whose handshakes count together: an IPv4 address, or an IPv6 address's /64, the block one
/// subscriber or host is given (one client can take any address in it, and would otherwise fill
/// the table alone). An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is that IPv4 address.
fn rate_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(
                u128::from(v6) & !(u128::from(u64::MAX)),
            )),
        },
        v4 => v4,
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

    fn address(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_ipv6_block_counts_as_one_address() {
        let rate = HandshakeRate::new(2);
        let now = Instant::now();
        let in_block =
            |last: u16| IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 7, 0, 0, 0, last));
        assert!(rate.allow(in_block(1), now));
        assert!(rate.allow(in_block(2), now));
        assert!(!rate.allow(in_block(3), now), "the third from the same /64");
        let other_block = IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 8, 0, 0, 0, 1));
        assert!(rate.allow(other_block, now));
        // an IPv4 address written as IPv6 is that address
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert!(rate.allow(v4, now));
        assert!(rate.allow(mapped, now));
        assert!(!rate.allow(v4, now));
    }

    #[test]
    fn within_a_window_each_address_has_its_own_count() {
        let rate = HandshakeRate::new(3);
        let start = Instant::now();
        let (a, b) = (address("10.0.0.1"), address("2001:db8::1"));
        let at = |ms| start + Duration::from_millis(ms);
        let a_answers: Vec<_> = [0, 1, 500, 998, 999].map(|ms| rate.allow(a, at(ms))).into();
        assert_eq!(a_answers, [true, true, true, false, false]);
        assert!(rate.allow(b, at(999)), "another address has its own count");
        assert!(rate.allow(b, at(999)) && rate.allow(b, at(999)));
        assert!(!rate.allow(b, at(999)));
    }

    #[test]
    fn a_window_ends_a_second_after_it_started_and_the_next_starts_at_the_next_handshake() {
        let rate = HandshakeRate::new(2);
        let start = Instant::now();
        let a = address("10.0.0.1");
        let at = |ms| start + Duration::from_millis(ms);
        assert!(rate.allow(a, at(0)) && rate.allow(a, at(10)));
        assert!(!rate.allow(a, at(999)), "still the first window");
        // the first window ends at 1000 ms; the next starts at this handshake, 1500 ms
        assert!(rate.allow(a, at(1500)) && rate.allow(a, at(1500)));
        assert!(
            !rate.allow(a, at(2499)),
            "the second window lasts until 2500 ms"
        );
        assert!(rate.allow(a, at(2500)), "a third window");
        // an instant read just before the window began (another handshake took the lock first)
        // belongs to the current window
        assert!(rate.allow(a, at(2499)));
        assert!(!rate.allow(a, at(2499)));
        // a long quiet spell: a fresh window
        assert!(rate.allow(a, at(60_000)));
    }

    #[test]
    fn no_handshakes_at_all_with_a_limit_of_zero() {
        let rate = HandshakeRate::new(0);
        let now = Instant::now();
        assert!(!rate.allow(address("10.0.0.1"), now));
        assert!(!rate.allow(address("10.0.0.1"), now + WINDOW));
    }

    #[test]
    fn a_full_table_refuses_new_addresses_until_the_window_ends_and_keeps_counting_the_others() {
        let rate = HandshakeRate::holding(2, 3);
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        let known = ["10.0.0.1", "10.0.0.2", "10.0.0.3"].map(address);
        for a in known {
            assert!(rate.allow(a, at(0)));
        }
        let late = address("10.0.0.4");
        assert!(!rate.allow(late, at(1)), "the table is full");
        assert!(!rate.allow(late, at(999)));
        // the addresses it holds keep their limit: one more each, then refused
        assert!(rate.allow(known[0], at(2)));
        assert!(!rate.allow(known[0], at(3)));
        // the next window forgets them all, and the late address gets its place
        assert!(rate.allow(late, at(1000)));
        assert!(rate.allow(late, at(1001)));
        assert!(!rate.allow(late, at(1002)));
        assert_eq!(rate.window.lock().unwrap().counts.len(), 1);
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
