//! One connection's queue of frames for its socket: what a handler, the protocol and (for an
//! acknowledged session) its outbox queue, written by the connection itself.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::task::Poll;

use futures_util::task::AtomicWaker;
use partner_events::SendError;

use super::Outbox;
use crate::socket::Text;

/// One connection's frames for its socket, oldest first.
pub(crate) struct Pipe {
    queue: Mutex<Queue>,
    /// Set when a frame is queued, and the connection's task woken (unless it queued the frame
    /// itself, see `owner`), so that an idle connection writes it: a flag and a waker, no lock.
    pending: AtomicBool,
    waker: AtomicWaker,
    /// The connection's own task, once it serves ([`Pipe::served_by_this_task`]): a frame that
    /// task queues (a handler's reply, the acknowledgement) wakes no one, as the connection looks
    /// at the queue before it next waits. Waking it cost every message a second poll of the
    /// connection's task.
    owner: OnceLock<tokio::task::Id>,
    /// The acknowledged session whose numbered frames this connection writes
    /// ([`Outbox::attach`]): they are queued by number and written from where it keeps them.
    pub(super) numbered: OnceLock<Weak<Outbox>>,
}

#[derive(Default)]
struct Queue {
    frames: VecDeque<Queued>,
    /// The bytes of the texts queued (what the plain wire's bound counts).
    bytes: usize,
    /// The connection is ending: it writes nothing more.
    closed: bool,
}

/// A frame waiting for the socket.
enum Queued {
    Text(Text),
    /// An acknowledged session's numbered frame, by its number: the session keeps its text until
    /// the page acknowledges it, and the socket copies it from there. Queued as a copy, a frame
    /// cost an allocation and a copy more, and a page that stopped reading held every frame
    /// twice (now only the batch the socket took last, which after a resume is all of them).
    Numbered(u64),
}

impl Pipe {
    pub(crate) fn new() -> Arc<Pipe> {
        Arc::new(Pipe {
            queue: Mutex::new(Queue::default()),
            pending: AtomicBool::new(false),
            waker: AtomicWaker::new(),
            owner: OnceLock::new(),
            numbered: OnceLock::new(),
        })
    }

    fn queue(&self) -> MutexGuard<'_, Queue> {
        // each update is a push or a swap: a poisoned queue is still whole
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a frame, unless the connection is ending (then it writes nothing more; an
    /// acknowledged session's outbox keeps its numbered frames for the next connection).
    pub(crate) fn push(&self, text: Text) {
        {
            let mut queue = self.queue();
            if queue.closed {
                return;
            }
            queue.bytes += text.len();
            queue.frames.push_back(Queued::Text(text));
        }
        self.wake();
    }

    /// Queues numbered frame `seq` of the session this connection writes for (its outbox calls
    /// it, holding its lock: the frame is there until the socket has copied it, the page
    /// acknowledged it, or the session ended).
    pub(super) fn push_numbered(&self, seq: u64) {
        {
            let mut queue = self.queue();
            if queue.closed {
                return;
            }
            queue.frames.push_back(Queued::Numbered(seq));
        }
        self.wake();
    }

    /// Queues a frame unless `limit` bytes are queued already.
    pub(super) fn push_within(&self, text: Text, limit: usize) -> Result<(), SendError> {
        {
            let mut queue = self.queue();
            if queue.closed {
                return Err(SendError::Closed);
            }
            if queue.bytes + text.len() > limit && !queue.frames.is_empty() {
                return Err(SendError::Full);
            }
            queue.bytes += text.len();
            queue.frames.push_back(Queued::Text(text));
        }
        self.wake();
        Ok(())
    }

    /// Hands every queued frame's text, oldest first, to `write` (the socket's buffer), and
    /// empties the queue; `false` when there was none. A queue grown past a handful of frames is
    /// let go, not kept by an idle connection.
    pub(crate) fn take_each(&self, mut write: impl FnMut(&[u8])) -> bool {
        // what is queued from here on sets it again; what is queued already is taken now (a
        // stale flag would only send the connection round once more, for nothing)
        self.pending.store(false, Ordering::Release);
        if self.queue().frames.is_empty() {
            return false;
        }
        // Numbered frames are read where their session keeps them, under its lock, which a send
        // takes before this queue's: the two in that order (the queue again; only this
        // connection takes from it, and what was queued meanwhile is written too).
        let outbox = self.numbered.get().and_then(Weak::upgrade);
        let kept = outbox.as_deref().map(Outbox::state);
        let mut queue = self.queue();
        queue.bytes = 0;
        for frame in queue.frames.drain(..) {
            match frame {
                Queued::Text(text) => write(text.as_bytes()),
                Queued::Numbered(seq) => {
                    // none: the page acknowledged it meanwhile (it had it from an earlier
                    // connection), or the session is gone
                    if let Some(text) = kept.as_ref().and_then(|state| state.numbered(seq)) {
                        write(text.as_bytes());
                    }
                }
            }
        }
        if queue.frames.capacity() > 8 {
            queue.frames = VecDeque::new();
        }
        true
    }

    /// Lets go of the queue's memory while it is empty: after the acknowledged protocol's
    /// welcome, which a session that then stays idle need not keep room for (160 bytes each).
    pub(crate) fn let_go(&self) {
        let mut queue = self.queue();
        if queue.frames.is_empty() {
            queue.frames = VecDeque::new();
        }
    }

    /// Replaces each numbered frame queued with a copy of its text, as `text` gives it (none:
    /// it is dropped, as writing it would).
    pub(super) fn copy_numbered<'a>(&self, text: impl Fn(u64) -> Option<&'a str>) {
        let mut queue = self.queue();
        let Queue { frames, bytes, .. } = &mut *queue;
        frames.retain_mut(|frame| {
            let Queued::Numbered(seq) = *frame else {
                return true;
            };
            let Some(text) = text(seq) else {
                return false;
            };
            *bytes += text.len();
            *frame = Queued::Text(Text::from(text.to_owned()));
            true
        });
    }

    /// The bytes of the frames queued (for tests of the bound).
    #[cfg(test)]
    pub(crate) fn queued_bytes(&self) -> usize {
        self.queue().bytes
    }

    /// Refuses every frame from now on: the connection is ending.
    pub(crate) fn close(&self) {
        self.queue().closed = true;
    }

    /// The task this is called from is the connection's, which looks at the queue (writes it,
    /// or polls [`Pipe::queued`]) before each of its waits: every frame it queues itself is
    /// written without a wake. Outside a task (a test's `block_on`), nothing changes.
    pub(crate) fn served_by_this_task(&self) {
        if let Some(task) = tokio::task::try_id() {
            let _ = self.owner.set(task);
        }
    }

    fn wake(&self) {
        self.pending.store(true, Ordering::Release);
        if self.owner.get().is_some() && self.owner.get().copied() == tokio::task::try_id() {
            // the connection itself, handling a message: `pending` is seen before it next waits
            return;
        }
        self.waker.wake();
    }

    /// Resolves when a frame may have been queued since the last call. Poll it from the
    /// connection's task only (one waker is kept).
    pub(crate) async fn queued(&self) {
        std::future::poll_fn(|cx| {
            if self.pending.swap(false, Ordering::AcqRel) {
                return Poll::Ready(());
            }
            self.waker.register(cx.waker());
            // a push between the swap and the registration woke no one: look again
            if self.pending.swap(false, Ordering::AcqRel) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A waker that counts its wakes.
    struct CountingWake(std::sync::atomic::AtomicUsize);

    impl std::task::Wake for CountingWake {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Polls `pipe.queued()` once with a counting waker (registering it); `true` if ready.
    fn poll_queued(pipe: &Pipe, wakes: &Arc<CountingWake>) -> bool {
        let waker = std::task::Waker::from(Arc::clone(wakes));
        let mut cx = std::task::Context::from_waker(&waker);
        std::future::Future::poll(std::pin::pin!(pipe.queued()), &mut cx).is_ready()
    }

    #[tokio::test]
    async fn a_frame_the_connections_own_task_queues_wakes_no_one_and_another_tasks_does() {
        let pipe = Pipe::new();
        let wakes = Arc::new(CountingWake(Default::default()));
        let served = Arc::clone(&pipe);
        let own_wakes = Arc::clone(&wakes);
        tokio::spawn(async move {
            served.served_by_this_task();
            assert!(!poll_queued(&served, &own_wakes));
            served.push(Text::from("reply".to_owned()));
            assert_eq!(
                own_wakes.0.load(Ordering::Relaxed),
                0,
                "the task woke itself"
            );
            // it is seen all the same before the task next waits
            assert!(poll_queued(&served, &own_wakes));
        })
        .await
        .unwrap();
        // from another task: the connection is woken
        assert!(!poll_queued(&pipe, &wakes));
        let other = Arc::clone(&pipe);
        tokio::spawn(async move { other.push(Text::from("addressed".to_owned())) })
            .await
            .unwrap();
        assert_eq!(wakes.0.load(Ordering::Relaxed), 1);
        assert_eq!(written(&pipe), ["reply", "addressed"]);
    }

    #[test]
    fn taking_the_frames_clears_the_flag_that_says_some_were_queued() {
        let pipe = Pipe::new();
        let wakes = Arc::new(CountingWake(Default::default()));
        pipe.push(Text::from("one".to_owned()));
        assert_eq!(written(&pipe), ["one"]);
        assert!(!poll_queued(&pipe, &wakes), "the flag outlived the frames");
    }

    /// Takes every frame queued, as the socket would, as strings.
    pub(crate) fn written(pipe: &Pipe) -> Vec<String> {
        let mut frames = Vec::new();
        pipe.take_each(|text| frames.push(String::from_utf8(text.to_vec()).unwrap()));
        frames
    }
}
