//! Addressed delivery on one process: every message of the addressed stream reaches each page of
//! its agent attached here, once, in the stream's order.
//!
//! One ordered consumer per process reads the whole stream (a consumer per page would cost each
//! idle page a subscription and its buffers). A page whose last applied position is behind the
//! process's (it moved here, or this process could not deliver to it for a while) is caught up
//! first, from the stream itself, by subject: what arrives for it meanwhile is held, then handed
//! over in order, each position once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_nats::jetstream::consumer::pull::OrderedConfig;
use async_nats::jetstream::consumer::DeliverPolicy;
use async_nats::jetstream::stream::{DirectGetErrorKind, Stream};
use futures_util::StreamExt;
use partner_events_bridge::backbone::AgentPage;
use partner_events_bridge::SendError;

use crate::addressed::{self, CheckSend, Delivery};
use crate::metrics::Metrics;
use crate::subjects::{self, Addressed};

/// What arrives for a page being caught up, held until the catch-up is done; past this many the
/// catch-up reads them from the stream instead.
const HELD_WHILE_CATCHING_UP: usize = 1024;
/// How long a router or a catch-up waits before it tries NATS again.
const RETRY_AFTER: Duration = Duration::from_millis(500);

/// The pages attached on this process, by agent, and how far the process has read the stream.
#[derive(Default)]
pub(crate) struct Routes {
    /// The position of the last message the router read; `None` until it has read the stream's
    /// state once.
    position: Option<u64>,
    agents: HashMap<Arc<str>, Vec<Entry>>,
}

struct Entry {
    page: AgentPage,
    /// The last position handed to the page's session (or the page said it applied).
    delivered: u64,
    state: State,
}

enum State {
    /// Every new message goes straight to the page.
    Live,
    /// Being caught up from the stream; what the router reads for it meanwhile is held.
    CatchingUp {
        held: Vec<(u64, Arc<Delivery>)>,
        overflowed: bool,
    },
    /// Its session had no room: nothing more until the page reconnects, when it is caught up.
    Stalled,
    /// Attached before the router knew the stream's position: starts where the router does.
    Waiting,
}

/// The router's shared part: the routes, and what a catch-up needs.
pub(crate) struct Router {
    routes: Mutex<Routes>,
    pub(crate) metrics: Arc<Metrics>,
    check: CheckSend,
    max_bytes: usize,
    stream: tokio::sync::OnceCell<Stream>,
    reconnected: Arc<tokio::sync::Notify>,
}

impl Router {
    pub(crate) fn new(
        metrics: Arc<Metrics>,
        check: CheckSend,
        max_bytes: usize,
        reconnected: Arc<tokio::sync::Notify>,
    ) -> Self {
        Router {
            reconnected,
            routes: Mutex::new(Routes::default()),
            metrics,
            check,
            max_bytes,
            stream: tokio::sync::OnceCell::new(),
        }
    }

    fn routes(&self) -> MutexGuard<'_, Routes> {
        // every update under the lock is a single insert, push or assignment
        self.routes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A page attached on this process: where its delivery starts, for its welcome (`None` while
    /// the router does not know the stream's position yet, and for a resumed page, which knows).
    pub(crate) fn attach(self: &Arc<Self>, page: AgentPage) -> Option<u64> {
        let mut routes = self.routes();
        let position = routes.position;
        let agent: Arc<str> = page.agent().into();
        let entries = routes.agents.entry(Arc::clone(&agent)).or_default();
        entries.retain(|entry| !entry.page.is_gone());
        let previous = entries
            .iter()
            .position(|entry| entry.page.page_session() == page.page_session());
        let previous = previous.map(|index| entries.swap_remove(index));
        // A page that resumed here is resent what this process handed its session (the session
        // keeps it); from there on it may need catching up, if this process had to stop.
        let start = match previous {
            Some(previous) if page.resumed() => {
                if matches!(previous.state, State::Live | State::CatchingUp { .. }) {
                    // nothing was lost: the session resends what it was handed, and a catch-up
                    // under way goes on
                    entries.push(Entry { page, ..previous });
                    return None;
                }
                Some(previous.delivered.max(page.applied().unwrap_or(0)))
            }
            _ => page.applied().or(position),
        };
        let welcome = page.applied().or(start);
        let Some(start) = start else {
            entries.push(Entry {
                page,
                delivered: 0,
                state: State::Waiting,
            });
            return None;
        };
        let behind = position.is_none_or(|position| start < position);
        if behind {
            entries.push(Entry {
                page: page.clone(),
                delivered: start,
                state: State::CatchingUp {
                    held: Vec::new(),
                    overflowed: false,
                },
            });
            drop(routes);
            let router = Arc::clone(self);
            tokio::spawn(async move { router.catch_up(agent, page).await });
        } else {
            entries.push(Entry {
                page,
                delivered: start,
                state: State::Live,
            });
        }
        welcome
    }

    /// Reads the stream from the start of the process on, for ever: reconnects and resumes
    /// after the last position read.
    pub(crate) async fn run(self: Arc<Self>, stream: Stream) {
        let _ = self.stream.set(stream.clone());
        loop {
            let mut stream = stream.clone();
            let position = self.routes().position;
            let start = match position {
                Some(position) => position + 1,
                None => match stream.info().await {
                    Ok(info) => {
                        let last = info.state.last_sequence;
                        self.started_at(last);
                        last + 1
                    }
                    Err(error) => {
                        tracing::warn!(%error, "cannot read the addressed stream's state; retrying");
                        tokio::time::sleep(RETRY_AFTER).await;
                        continue;
                    }
                },
            };
            let config = OrderedConfig {
                filter_subjects: vec![
                    format!("{}>", subjects::PAGE_PREFIX),
                    format!("{}>", subjects::SEND_PREFIX),
                ],
                deliver_policy: DeliverPolicy::ByStartSequence {
                    start_sequence: start,
                },
                // pulls that expire in 5 s, so the server's idle heartbeats come every 2.5 s and a
                // lost reader is noticed within seconds (the default is 30 s)
                max_expires: Duration::from_secs(5),
                ..Default::default()
            };
            let messages = match stream.create_consumer(config).await {
                Ok(consumer) => consumer.messages().await,
                Err(error) => {
                    tracing::warn!(%error, "cannot read the addressed stream; retrying");
                    tokio::time::sleep(RETRY_AFTER).await;
                    continue;
                }
            };
            let mut messages = match messages {
                Ok(messages) => messages,
                Err(error) => {
                    tracing::warn!(%error, "cannot read the addressed stream; retrying");
                    tokio::time::sleep(RETRY_AFTER).await;
                    continue;
                }
            };
            loop {
                let message = tokio::select! {
                    message = messages.next() => message,
                    () = self.reconnected.notified() => break,
                };
                let Some(message) = message else { break };
                match message {
                    Ok(message) => {
                        let Ok(info) = message.info() else { continue };
                        let position = info.stream_sequence;
                        self.route(position, message.subject.as_str(), &message.payload);
                    }
                    // the ordered consumer recreates itself after a gap or a lost server
                    Err(error) => tracing::debug!(%error, "the addressed stream's reader"),
                }
            }
        }
    }

    /// The router knows where the stream stood when it started: pages that attached before wait
    /// no longer.
    fn started_at(&self, last: u64) {
        let mut routes = self.routes();
        routes.position = Some(last);
        for entry in routes.agents.values_mut().flatten() {
            if matches!(entry.state, State::Waiting) {
                entry.delivered = last;
                entry.state = State::Live;
            }
        }
    }

    /// One message read from the stream, to each page of its agent here.
    fn route(&self, position: u64, subject: &str, payload: &[u8]) {
        let mut routes = self.routes();
        routes.position = Some(position);
        let kind = match Addressed::parse(subject) {
            Ok(kind) => kind,
            Err(why) => {
                drop(routes);
                self.metrics.refused(crate::metrics::Refusal::agent);
                tracing::warn!(subject, why, "an addressed message refused");
                return;
            }
        };
        let agent = match kind {
            Addressed::Page(agent) | Addressed::Send(agent) => agent,
        };
        let Some(entries) = routes.agents.get_mut(agent) else {
            self.metrics.no_page.inc();
            return;
        };
        let delivery = match addressed::read(kind, payload, self.max_bytes, self.check) {
            Ok(delivery) => Arc::new(delivery),
            Err((reason, why)) => {
                drop(routes);
                self.metrics.refused(reason);
                tracing::warn!(subject, position, why, "an addressed message refused");
                return;
            }
        };
        entries.retain_mut(|entry| self.offer(entry, position, &delivery));
        if entries.is_empty() {
            routes.agents.remove(agent);
        }
    }

    /// Offers a message to one page; `false` when the page's session is gone.
    fn offer(&self, entry: &mut Entry, position: u64, delivery: &Arc<Delivery>) -> bool {
        match &mut entry.state {
            State::Live => self.hand(entry, position, delivery),
            State::CatchingUp { held, overflowed } => {
                if held.len() < HELD_WHILE_CATCHING_UP {
                    held.push((position, Arc::clone(delivery)));
                } else {
                    *overflowed = true;
                }
                true
            }
            State::Stalled | State::Waiting => true,
        }
    }

    /// Hands a message to a live page's session, once; `false` when the session is gone.
    fn hand(&self, entry: &mut Entry, position: u64, delivery: &Delivery) -> bool {
        if position <= entry.delivered {
            return true;
        }
        let handed = match delivery {
            Delivery::Page(json) => entry.page.deliver_page(position, json),
            Delivery::Event { name, data } => entry.page.deliver_event(position, name, data),
        };
        match handed {
            Ok(()) => {
                entry.delivered = position;
                self.metrics.delivered.inc();
                true
            }
            Err(SendError::Full) => {
                // the page reconnects (its session closes it when it is this far behind) and is
                // caught up from `delivered`
                self.metrics.page_full.inc();
                entry.state = State::Stalled;
                true
            }
            Err(_) => false,
        }
    }

    /// Catches a page up from the stream, by its agent's subjects, then makes it live.
    async fn catch_up(self: Arc<Self>, agent: Arc<str>, page: AgentPage) {
        self.metrics.catch_ups.inc();
        let filter = subjects::agent_filter(&agent);
        loop {
            let Some(from) = self.catching_up_from(&agent, &page) else {
                return;
            };
            // looked up on every pass: a page that attached before the router reached NATS (a
            // process started while NATS was away) is caught up once it has
            let Some(stream) = self.stream.get() else {
                tokio::time::sleep(RETRY_AFTER).await;
                continue;
            };
            let next = stream
                .direct_get_next_for_subject(filter.as_str(), Some(from + 1))
                .await;
            match next {
                Ok(message) => {
                    let subject = message.subject.as_str();
                    let delivery = Addressed::parse(subject).map_err(|_| ()).and_then(|kind| {
                        addressed::read(kind, &message.payload, self.max_bytes, self.check)
                            .map_err(|_| ())
                    });
                    self.caught_up_through(&agent, &page, message.sequence, delivery.ok());
                }
                Err(error) if matches!(error.kind(), DirectGetErrorKind::NotFound) => {
                    if self.go_live(&agent, &page) {
                        return;
                    }
                }
                Err(error) => {
                    tracing::debug!(%error, agent = %agent, "catching a page up; retrying");
                    tokio::time::sleep(RETRY_AFTER).await;
                }
            }
        }
    }

    fn with_entry<T>(
        &self,
        agent: &str,
        page: &AgentPage,
        f: impl FnOnce(&Self, &mut Entry) -> T,
    ) -> Option<T> {
        let mut routes = self.routes();
        let entry = routes
            .agents
            .get_mut(agent)?
            .iter_mut()
            .find(|entry| same_page(&entry.page, page))?;
        Some(f(self, entry))
    }

    /// Where the catch-up reads next: `None` when the page is no longer being caught up here.
    fn catching_up_from(&self, agent: &str, page: &AgentPage) -> Option<u64> {
        self.with_entry(agent, page, |_, entry| match entry.state {
            State::CatchingUp { .. } if !entry.page.is_gone() => Some(entry.delivered),
            _ => None,
        })
        .flatten()
    }

    /// One message the catch-up read (refused ones are skipped: the router counted them).
    fn caught_up_through(
        &self,
        agent: &str,
        page: &AgentPage,
        position: u64,
        delivery: Option<Delivery>,
    ) {
        self.with_entry(agent, page, |router, entry| match delivery {
            Some(delivery) => {
                let mut live = Entry {
                    page: entry.page.clone(),
                    delivered: entry.delivered,
                    state: State::Live,
                };
                if router.hand(&mut live, position, &delivery) {
                    entry.delivered = live.delivered;
                    if matches!(live.state, State::Stalled) {
                        entry.state = State::Stalled;
                    }
                }
            }
            None => entry.delivered = entry.delivered.max(position),
        });
    }

    /// The stream has nothing more for the page: hands over what was held and makes it live;
    /// `false` when more came than could be held, and the catch-up goes on.
    fn go_live(&self, agent: &str, page: &AgentPage) -> bool {
        self.with_entry(agent, page, |router, entry| {
            let State::CatchingUp { held, overflowed } =
                std::mem::replace(&mut entry.state, State::Live)
            else {
                return true;
            };
            if overflowed {
                entry.state = State::CatchingUp {
                    held: Vec::new(),
                    overflowed: false,
                };
                return false;
            }
            for (position, delivery) in held {
                if !router.hand(entry, position, &delivery) || !matches!(entry.state, State::Live) {
                    break;
                }
            }
            true
        })
        .unwrap_or(true)
    }
}

/// The same attachment of the same page: a page that attached again since has a new entry.
fn same_page(a: &AgentPage, b: &AgentPage) -> bool {
    a.is_same_session(b)
}
