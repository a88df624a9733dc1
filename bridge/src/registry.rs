//! The sessions of the acknowledged protocol, by the page's session id: a page that reconnects to
//! this process within the resume window gets its session back, handler value and all; a page
//! whose session is unknown here (a new process, or a window that passed) gets a fresh one.
//!
//! A session id is the page's to choose, so it proves nothing: resuming also takes the key the
//! server gave that session in its welcome (random, 128 bits), and the same token.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::OwnedMutexGuard;

use crate::outbox::Outbox;
use crate::session::Session;
use crate::signal::Flag;

/// What a connection holds while it is attached: the handler and how far it has got.
pub(crate) struct Core<H> {
    pub(crate) handler: H,
    /// Every page number up to this one has been handled.
    pub(crate) handled: u64,
    /// Handled events whose store (see [`crate::backbone`]) has not finished, oldest first: the
    /// page's numbers from the first of them on are not acknowledged yet. Kept with the session,
    /// so that a page that resumes here finds them still going.
    pub(crate) storing: std::collections::VecDeque<(u64, crate::backbone::Storing)>,
}

impl<H> Core<H> {
    /// Every page number up to this one is handled, and stored when events are: what the page
    /// may forget.
    pub(crate) fn acknowledgeable(&self) -> u64 {
        self.storing
            .front()
            .map_or(self.handled, |(seq, _)| seq - 1)
    }
}

/// One session of the acknowledged protocol.
pub(crate) struct Slot<H> {
    pub(crate) page_session: Arc<str>,
    pub(crate) key: String,
    /// (its token, which a resuming hello must give again, is the session's: one copy)
    pub(crate) session: Session,
    pub(crate) outbox: Arc<Outbox>,
    core: Arc<tokio::sync::Mutex<Core<H>>>,
    /// Cancels the connection attached now, for one that takes over.
    attached: Mutex<Option<Flag>>,
    /// Counts attachments, so that an expiry scheduled at a detach knows whether the session was
    /// taken up again since.
    attachments: AtomicU64,
}

/// Why a hello was refused.
pub(crate) enum Refusal {
    /// The id is another page's: the key or the token does not match.
    Foreign,
    /// The connection attached now did not let go in time.
    Busy,
}

pub(crate) struct Registry<H> {
    sessions: Mutex<HashMap<Arc<str>, Arc<Slot<H>>>>,
    pub(crate) resume_window: Duration,
}

/// A session attached to a connection.
pub(crate) struct Attached<H> {
    pub(crate) slot: Arc<Slot<H>>,
    pub(crate) core: OwnedMutexGuard<Core<H>>,
    pub(crate) resumed: bool,
    /// Cancelled when a newer connection takes the session over.
    pub(crate) taken_over: Flag,
}

impl<H: Send + 'static> Registry<H> {
    pub(crate) fn new(resume_window: Duration) -> Self {
        Registry {
            sessions: Mutex::new(HashMap::new()),
            resume_window,
        }
    }

    fn sessions(&self) -> MutexGuard<'_, HashMap<Arc<str>, Arc<Slot<H>>>> {
        // each update is one insert or remove: a poisoned map is still whole
        self.sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Attaches the session `page_session` (resuming it with `key`, or making a new one with
    /// `make`).
    pub(crate) async fn attach(
        &self,
        page_session: &str,
        key: Option<&str>,
        token: Option<&str>,
        takeover_within: Duration,
        make: impl FnOnce(Arc<str>) -> Result<(Session, Arc<Outbox>, H), String>,
    ) -> Result<Result<Attached<H>, Refusal>, String> {
        let existing = self.sessions().get(page_session).cloned();
        if let Some(slot) = existing {
            // both compared, in constant time, so the answer's timing tells nothing of either
            let key_matches = same_secret(key, Some(slot.key.as_str()));
            let token_matches = same_secret(token, slot.session.token());
            if !(key_matches & token_matches) {
                return Ok(Err(Refusal::Foreign));
            }
            let core = match Arc::clone(&slot.core).try_lock_owned() {
                Ok(core) => core,
                Err(_) => {
                    // a connection the page has given up on, which the server has not noticed
                    // yet: it lets go after the message it is handling
                    if let Some(previous) = slot.lock_attached().take() {
                        previous.set();
                    }
                    match tokio::time::timeout(takeover_within, Arc::clone(&slot.core).lock_owned())
                        .await
                    {
                        Ok(core) => core,
                        Err(_) => return Ok(Err(Refusal::Busy)),
                    }
                }
            };
            // The session may have ended while this hello waited for it (its handler panicked,
            // or its resume window passed): then it is not resumed, whose handler may be broken
            // and whose outbox is closed, but started afresh below.
            if self.is_current(&slot) {
                let taken_over = Flag::default();
                *slot.lock_attached() = Some(taken_over.clone());
                slot.attachments.fetch_add(1, Ordering::Relaxed);
                return Ok(Ok(Attached {
                    slot,
                    core,
                    resumed: true,
                    taken_over,
                }));
            }
        }

        let id: Arc<str> = page_session.into();
        let (session, outbox, handler) = make(Arc::clone(&id))?;
        let core = Arc::new(tokio::sync::Mutex::new(Core {
            handler,
            handled: 0,
            storing: std::collections::VecDeque::new(),
        }));
        let guard = Arc::clone(&core)
            .try_lock_owned()
            .map_err(|_| "a new session's lock is free".to_owned())?;
        let taken_over = Flag::default();
        let slot = Arc::new(Slot {
            page_session: Arc::clone(&id),
            key: new_key(),
            session,
            outbox,
            core,
            attached: Mutex::new(Some(taken_over.clone())),
            attachments: AtomicU64::new(1),
        });
        // Two connections racing to create the same new id: the later one wins the map; the
        // earlier one's session lives on with its connection until it ends.
        self.sessions().insert(id, Arc::clone(&slot));
        Ok(Ok(Attached {
            slot,
            core: guard,
            resumed: false,
            taken_over,
        }))
    }

    /// The connection let go of `slot`: keep it for the resume window, then forget it unless a
    /// connection took it up again.
    pub(crate) fn detached(self: &Arc<Self>, slot: &Arc<Slot<H>>) {
        let attachments = slot.attachments.load(Ordering::Relaxed);
        let registry = Arc::clone(self);
        let slot = Arc::clone(slot);
        tokio::spawn(async move {
            tokio::time::sleep(registry.resume_window).await;
            if slot.attachments.load(Ordering::Relaxed) == attachments {
                registry.remove(&slot);
            }
        });
    }

    /// Forgets `slot` now (its handler panicked, or its resume window passed), if it is still
    /// the one under its id: what its handler's clones of the session send from now on fails.
    pub(crate) fn remove(&self, slot: &Arc<Slot<H>>) {
        slot.outbox.close();
        let mut sessions = self.sessions();
        if sessions
            .get(&slot.page_session)
            .is_some_and(|current| Arc::ptr_eq(current, slot))
        {
            sessions.remove(&slot.page_session);
        }
    }

    /// Whether `slot` is still the session under its id.
    fn is_current(&self, slot: &Arc<Slot<H>>) -> bool {
        self.sessions()
            .get(&slot.page_session)
            .is_some_and(|current| Arc::ptr_eq(current, slot))
    }
}

impl<H> Slot<H> {
    fn lock_attached(&self) -> MutexGuard<'_, Option<Flag>> {
        self.attached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether a secret the page gave (a resume key, a token) is the one the session keeps, in time
/// that does not depend on where they differ: `!=` stops at the first differing byte, which lets
/// an attacker who can time the answers find a key byte by byte. The lengths are not secret (a
/// key is 32 hex digits), so differing lengths answer at once.
fn same_secret(given: Option<&str>, kept: Option<&str>) -> bool {
    use subtle::ConstantTimeEq;
    match (given, kept) {
        (Some(given), Some(kept)) => given.as_bytes().ct_eq(kept.as_bytes()).into(),
        (None, None) => true,
        (Some(_), None) | (None, Some(_)) => false,
    }
}

/// A random resume key: 128 bits from the operating system, as 32 hex digits.
fn new_key() -> String {
    let mut bytes = [0u8; 16];
    // Without the OS's randomness the key falls back to the clock and a counter: still unique,
    // but guessable, so say so in the log.
    if getrandom::fill(&mut bytes).is_err() {
        tracing::warn!("no OS randomness for a session key; using the clock");
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        bytes[..8].copy_from_slice(&nanos.to_le_bytes());
        bytes[8..].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A session id the page may choose: 16 to 64 characters of `[A-Za-z0-9_-]`.
pub(crate) fn check_page_session(id: &str) -> Result<(), String> {
    if crate::principal::is_id(id, 16..=64) {
        Ok(())
    } else {
        Err(format!(
            "the hello's session id must be 16 to 64 characters of A-Z, a-z, 0-9, `-` and `_` (a random id the page keeps), not {:?}",
            id.chars().take(80).collect::<String>()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::Limits;

    fn fresh(page_session: Arc<str>) -> Result<(Session, Arc<Outbox>, ()), String> {
        let outbox = Arc::new(Outbox::new(Limits::default(), Arc::default()));
        let session = Session::new(1, Some(page_session), None, None, Arc::clone(&outbox) as _);
        Ok((session, outbox, ()))
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_session_that_ends_while_a_takeover_waits_is_started_afresh_not_resumed() {
        let registry = Arc::new(Registry::<()>::new(Duration::from_secs(30)));
        const ID: &str = "a-page-session-000001";
        let Ok(Ok(first)) = registry
            .attach(ID, None, None, Duration::from_secs(10), fresh)
            .await
        else {
            panic!("a new session attaches");
        };
        let key = first.slot.key.clone();
        // the page comes back while its connection is still inside a message
        let waiting = tokio::spawn({
            let registry = Arc::clone(&registry);
            async move {
                registry
                    .attach(ID, Some(&key), None, Duration::from_secs(10), fresh)
                    .await
            }
        });
        // on this one thread, the spawned hello runs until it waits for the session's lock
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "the takeover waits for the lock");
        // ... and that message's handler panics: the session is removed, then let go
        registry.remove(&first.slot);
        drop(first);
        let Ok(Ok(second)) = waiting.await.unwrap() else {
            panic!("the hello attaches");
        };
        assert!(!second.resumed, "a fresh session, not the removed one");
        assert!(registry.is_current(&second.slot));
    }

    #[test]
    fn secrets_match_only_when_equal() {
        let key = "0123456789abcdef0123456789abcdef";
        let copy = String::from(key); // equal bytes elsewhere in memory
        assert!(same_secret(Some(key), Some(copy.as_str())));
        assert!(same_secret(None, None), "no token given, none kept");
        for refused in [
            "0123456789abcdef0123456789abcdee", // the last digit
            "1123456789abcdef0123456789abcdef", // the first digit
            "0123456789ABCDEF0123456789ABCDEF",
            "0123456789abcdef0123456789abcde", // a prefix
            "0123456789abcdef0123456789abcdef0",
            "",
        ] {
            assert!(!same_secret(Some(refused), Some(key)), "{refused:?}");
            assert!(!same_secret(Some(key), Some(refused)), "{refused:?}");
        }
        assert!(!same_secret(None, Some(key)), "no key given");
        assert!(
            !same_secret(Some("agent-7"), None),
            "a token given, none kept"
        );
        // a fresh key is itself, and not another fresh key
        let fresh = new_key();
        assert!(same_secret(Some(&fresh), Some(&fresh.clone())));
        assert!(!same_secret(Some(&fresh), Some(&new_key())));
    }
}
