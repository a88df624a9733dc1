//! Whom a message came from: the principal a host resolved the page's session to.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::ambient::{self, Slot};

/// Whom the message being handled came from: the principal the host resolved the page's session
/// to (the WebSocket bridge's `authorize` check; a consumer of the bridge's event stream knows the
/// key only). Its [`key`](Identity::key) is the agent the page belongs to, the identity pages are
/// addressed by; the [`principal`](Identity::principal) is the host's own type for them, where
/// the host has it.
///
/// A handler reads it in [`EventContext::identity`](crate::EventContext) (and `fallback` with
/// [`Identity::current`]):
///
/// ```
/// use partner_events::Identity;
///
/// struct Agent { id: String, team: String }
///
/// let identity = Identity::new("agent-7").with_principal(Agent { id: "agent-7".into(), team: "blue".into() });
/// assert_eq!(identity.key(), "agent-7");
/// assert_eq!(identity.principal::<Agent>().map(|agent| agent.team.as_str()), Some("blue"));
/// assert!(identity.principal::<String>().is_none(), "only as its own type");
/// ```
#[derive(Clone)]
pub struct Identity {
    key: Arc<str>,
    principal: Option<Arc<dyn Any + Send + Sync>>,
}

impl Identity {
    /// An identity known by its key only.
    pub fn new(key: impl Into<Arc<str>>) -> Self {
        Identity {
            key: key.into(),
            principal: None,
        }
    }

    /// The same identity, with the host's own value for the principal.
    pub fn with_principal<P: Any + Send + Sync>(self, principal: P) -> Self {
        Identity {
            principal: Some(Arc::new(principal)),
            ..self
        }
    }

    /// The principal's key: stable for the same agent across sessions, reloads and server
    /// processes.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The principal as its type `P`; `None` where the host has the key only, or for another
    /// type.
    pub fn principal<P: Any>(&self) -> Option<&P> {
        self.principal.as_deref()?.downcast_ref()
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // the key, and whether there is a principal: its type need not be `Debug`, and may hold
        // what a log must not
        f.debug_struct("Identity")
            .field("key", &self.key)
            .field("principal", &self.principal.is_some())
            .finish()
    }
}

/// Identities are equal when their keys are: the key is whom the principal is, stable across
/// sessions and processes, and a host derives it from the principal. So an identity a test builds
/// with its own principal value equals the one the host scoped.
impl PartialEq for Identity {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Identity {}

impl std::hash::Hash for Identity {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

std::thread_local! {
    /// The identity the future being polled on this thread handles a message of.
    static CURRENT: Slot<Identity> = const { RefCell::new(None) };
}

impl Identity {
    /// Whom the message being handled came from: what the host set with [`Identity::scope`]
    /// around routing it. Every message of an identified session has it, whatever becomes of it
    /// (a handler method's event, or what `fallback` sees). `None` where the host identifies no
    /// one (a plain decode, a bridge without an `authorize` check, the test kit).
    ///
    /// ```
    /// use partner_events::Identity;
    ///
    /// let seen = pollster::block_on(Identity::new("agent-7").scope(async { Identity::current() }));
    /// assert_eq!(seen.as_ref().map(Identity::key), Some("agent-7"));
    /// assert_eq!(Identity::current(), None, "only inside the scope");
    /// ```
    pub fn current() -> Option<Identity> {
        ambient::current(&CURRENT)
    }

    /// Runs `future` with this identity as [`Identity::current`], for a host that knows whom a
    /// message came from. Call the handler's `route` inside the future, not before: for a handler
    /// whose methods are all synchronous, `route` runs the method as it is called:
    ///
    /// ```text
    /// identity.scope(async { handler.route(message).await })   // not identity.scope(handler.route(message))
    /// ```
    pub fn scope<F: Future>(self, future: F) -> IdentityScope<F> {
        IdentityScope::new(Some(self), future)
    }
}

impl<F> IdentityScope<F> {
    /// Runs `future` with `identity` as [`Identity::current`]: `None` for a host whose session is
    /// not identified, which also hides an identity an enclosing scope set.
    pub fn new(identity: Option<Identity>, future: F) -> Self {
        IdentityScope { identity, future }
    }
}

pin_project_lite::pin_project! {
    /// A future running with an [`Identity`] in place: see [`Identity::scope`].
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    pub struct IdentityScope<F> {
        identity: Option<Identity>,
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for IdentityScope<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        ambient::with(&CURRENT, this.identity, || this.future.poll(cx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_sees_its_own_identity_and_nothing_leaks_out() {
        let outer = Identity::new("agent-1");
        let inner = Identity::new("agent-2").with_principal(7_u32);
        let seen = pollster::block_on(outer.clone().scope(async {
            let nested = inner.clone().scope(async { Identity::current() }).await;
            (nested, Identity::current())
        }));
        assert_eq!(seen, (Some(inner.clone()), Some(outer)));
        assert_eq!(seen.0.unwrap().principal::<u32>(), Some(&7));
        assert_eq!(Identity::current(), None);
    }

    #[test]
    fn a_panicking_future_puts_the_previous_identity_back() {
        let caught = std::panic::catch_unwind(|| {
            pollster::block_on(Identity::new("agent-3").scope(async { panic!("a handler bug") }))
        });
        assert!(caught.is_err());
        assert_eq!(Identity::current(), None);
    }

    #[test]
    fn identities_are_equal_by_key() {
        let with = Identity::new("a").with_principal(1_u8);
        assert_eq!(with, Identity::new("a").with_principal(2_u8));
        assert_eq!(with, Identity::new("a"));
        assert_ne!(with, Identity::new("b").with_principal(1_u8));
        assert_eq!(
            format!("{with:?} {:?}", Identity::new("b")),
            r#"Identity { key: "a", principal: true } Identity { key: "b", principal: false }"#
        );
    }

    #[test]
    fn a_scope_of_no_identity_hides_the_enclosing_one() {
        let seen = pollster::block_on(
            Identity::new("outer")
                .scope(async { IdentityScope::new(None, async { Identity::current() }).await }),
        );
        assert_eq!(seen, None);
    }
}
