//! Who a session belongs to. The partner's [`Bridge::authorize`](crate::Bridge::authorize) check
//! resolves a page's token to a principal of the partner's own type (an agent, with whatever the
//! partner knows of them), or refuses it with a reason. The session carries the principal
//! ([`Session::principal`](crate::Session::principal)), and its key
//! ([`Session::agent`](crate::Session::agent)) is the identity pages are addressed by.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use partner_events::Identity;

/// A principal: whom a session's token belongs to. Implement it for the partner's own type;
/// `String` is one whose key is itself.
///
/// ```
/// use partner_events_bridge::Principal;
///
/// struct Agent { id: String, team: String }
///
/// impl Principal for Agent {
///     fn key(&self) -> &str { &self.id }
/// }
/// ```
pub trait Principal: Send + Sync + 'static {
    /// The key the principal's pages are addressed by: stable for the same agent across
    /// sessions, reloads and server processes. 1 to 64 characters of `[A-Za-z0-9_-]` (so that it
    /// can stand in a message subject or a URL as it is); a session whose principal's key is not
    /// one is refused, and the bridge logs why.
    fn key(&self) -> &str;
}

impl Principal for String {
    fn key(&self) -> &str {
        self
    }
}

/// A token the partner's check refused, and why. The reason goes to the page (in the 401 body on
/// the plain wire, in the error frame before close code 4401 in the acknowledged protocol) and to
/// the bridge's log: say what the page can act on, nothing secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unauthorized {
    reason: String,
}

impl Unauthorized {
    /// A refusal with `reason`.
    pub fn new(reason: impl Into<String>) -> Self {
        Unauthorized {
            reason: reason.into(),
        }
    }

    /// Why the token was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for Unauthorized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the session's token was refused: {}", self.reason)
    }
}

impl std::error::Error for Unauthorized {}

/// Resolves a principal to the session's identity: its key checked, its value erased (so that a
/// [`Session`](crate::Session) names no type parameter) and read back typed with
/// [`Identity::principal`].
fn identify<P: Principal>(principal: P) -> Result<Identity, String> {
    let key = principal.key();
    check_key(key)?;
    Ok(Identity::new(key).with_principal(principal))
}

/// Whether `key` may address pages: 1 to 64 characters of `[A-Za-z0-9_-]`. Dots, wildcards
/// (`*`, `>`) and spaces would change a subject's meaning, so they are refused, not escaped.
pub(crate) fn check_key(key: &str) -> Result<(), String> {
    if is_id(key, 1..=64) {
        Ok(())
    } else {
        // its length only: a key that is a token by mistake must not reach the log
        Err(format!(
            "the principal's key ({} bytes) is not 1 to 64 characters of [A-Za-z0-9_-]",
            key.len()
        ))
    }
}

/// Whether `id` is `length` characters of `[A-Za-z0-9_-]`: the ids the bridge lets a page or a
/// partner choose (a page's session id, a principal's key), safe in a URL, a log line and a
/// message subject as they are.
pub(crate) fn is_id(id: &str, length: std::ops::RangeInclusive<usize>) -> bool {
    length.contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

type Checked = Pin<Box<dyn Future<Output = Result<Identity, Unauthorized>> + Send>>;

/// The partner's check, with its principal type erased.
pub(crate) type Authorize = dyn Fn(Option<String>) -> Checked + Send + Sync;

/// Wraps the partner's check: the identity of its principal, or why not. A principal whose key cannot
/// address pages is a mistake in the partner's code: it is refused, and logged as an error.
pub(crate) fn erase<P, C, Fut>(check: C) -> Box<Authorize>
where
    P: Principal,
    C: Fn(Option<String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<P, Unauthorized>> + Send + 'static,
{
    Box::new(move |token| {
        let checking = check(token);
        Box::pin(async move {
            let principal = checking.await?;
            identify(principal).map_err(|why| {
                tracing::error!("{why}; the session is refused (fix the partner's Principal::key)");
                Unauthorized::new("the server could not identify this session")
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_could_change_a_subjects_meaning_are_refused() {
        for good in ["agent-7", "A_b-9", &"x".repeat(64)] {
            assert!(check_key(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "agent.7",
            "agent*",
            "agent>",
            "a b",
            "é",
            &"x".repeat(65),
        ] {
            assert!(check_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_principal_reads_back_as_its_own_type_only() {
        let identity = identify("agent-7".to_owned()).unwrap();
        assert_eq!(identity.key(), "agent-7");
        assert_eq!(
            identity.principal::<String>().map(String::as_str),
            Some("agent-7")
        );
        struct Other;
        impl Principal for Other {
            fn key(&self) -> &str {
                "other"
            }
        }
        assert!(identity.principal::<Other>().is_none());
        assert!(
            identify("agent.7".to_owned()).is_err(),
            "a key that cannot address pages"
        );
    }
}
