//! One-shot signals for the connections' waits (the drain starting, a takeover): set once,
//! checked with one atomic load, and awaited by registering once per connection, so that a
//! connection's every wait costs no lock.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::task::AtomicWaker;
use tokio::sync::futures::OwnedNotified;
use tokio::sync::Notify;

/// Set once; a clone is the same signal.
#[derive(Debug, Clone, Default)]
pub(crate) struct Signal(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    set: AtomicBool,
    notify: Arc<Notify>,
}

impl Signal {
    pub(crate) fn set(&self) {
        self.0.set.store(true, Ordering::Release);
        self.0.notify.notify_waiters();
    }

    pub(crate) fn is_set(&self) -> bool {
        self.0.set.load(Ordering::Acquire)
    }

    /// Resolves once the signal is set. Poll it from one task: it registers that task's waker
    /// once, on its first poll, and after that only reads the flag.
    pub(crate) fn wait(&self) -> Wait {
        Wait {
            signal: self.clone(),
            notified: None,
        }
    }
}

/// [`Signal::wait`]'s future.
pub(crate) struct Wait {
    signal: Signal,
    notified: Option<Pin<Box<OwnedNotified>>>,
}

impl Future for Wait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.signal.is_set() {
            return Poll::Ready(());
        }
        if self.notified.is_none() {
            // enabled before the flag is read again, so a `set` in between is not missed
            let mut notified = Box::pin(Arc::clone(&self.signal.0.notify).notified_owned());
            notified.as_mut().enable();
            if self.signal.is_set() || notified.as_mut().poll(cx).is_ready() {
                return Poll::Ready(());
            }
            self.notified = Some(notified);
        }
        // registered with this task's waker: `set` wakes the task, and the flag says so
        Poll::Pending
    }
}

/// A one-shot signal that one task waits for (a connection, for a takeover of its session): set
/// once, checked with one atomic load. One allocation per signal and none per wait, where a
/// [`Signal`] for many waiters costs each waiter a registration: every acknowledged session
/// holds one of these for as long as it is attached.
#[derive(Debug, Clone, Default)]
pub(crate) struct Flag(Arc<FlagInner>);

#[derive(Debug, Default)]
struct FlagInner {
    set: AtomicBool,
    waiter: AtomicWaker,
}

impl Flag {
    pub(crate) fn set(&self) {
        self.0.set.store(true, Ordering::Release);
        self.0.waiter.wake();
    }

    pub(crate) fn is_set(&self) -> bool {
        self.0.set.load(Ordering::Acquire)
    }
}

/// Waits for a [`Flag`]: resolves once it is set; waiting on no flag never resolves.
pub(crate) struct FlagWait {
    flag: Option<Flag>,
}

impl FlagWait {
    pub(crate) fn on(flag: Option<Flag>) -> Self {
        FlagWait { flag }
    }
}

impl Future for FlagWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Some(flag) = &self.flag else {
            return Poll::Pending;
        };
        if flag.is_set() {
            return Poll::Ready(());
        }
        // the waker of this poll, as the contract of `poll` wants (the same one as last time
        // costs two uncontended atomic operations and no clone)
        flag.0.waiter.register(cx.waker());
        // a `set` between the load above and the registration woke no one: look again
        if flag.is_set() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn a_wait_resolves_when_the_signal_is_set_before_or_after_it_began() {
        let early = Signal::default();
        early.set();
        early.wait().await;

        let late = Signal::default();
        let mut waiting = tokio::spawn({
            let late = late.clone();
            async move { late.wait().await }
        });
        tokio::task::yield_now().await;
        assert!(
            futures_util::poll!(&mut waiting).is_pending(),
            "not set yet"
        );
        late.set();
        waiting.await.unwrap();
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_flags_waiter_wakes_when_it_is_set_before_or_after_the_wait_began() {
        let early = Flag::default();
        early.set();
        FlagWait::on(Some(early)).await;

        let late = Flag::default();
        let mut waiting = tokio::spawn(FlagWait::on(Some(late.clone())));
        tokio::task::yield_now().await;
        assert!(
            futures_util::poll!(&mut waiting).is_pending(),
            "not set yet"
        );
        late.set();
        tokio::time::timeout(std::time::Duration::from_secs(10), waiting)
            .await
            .expect("the waiter woke")
            .unwrap();
    }

    #[test]
    fn a_flag_wakes_the_waker_of_the_latest_poll() {
        let flag = Flag::default();
        let mut waiting = FlagWait::on(Some(flag.clone()));
        let (first, first_woken) = counting_waker();
        let (second, second_woken) = counting_waker();
        let mut poll_with =
            |waker: &std::task::Waker| Pin::new(&mut waiting).poll(&mut Context::from_waker(waker));
        assert!(poll_with(&first).is_pending());
        assert!(poll_with(&second).is_pending(), "moved to another task");
        flag.set();
        assert_eq!(
            (
                first_woken.load(Ordering::SeqCst),
                second_woken.load(Ordering::SeqCst)
            ),
            (0, 1)
        );
        assert!(poll_with(&second).is_ready());
        assert!(
            FlagWait::on(None).now_or_never().is_none(),
            "no flag: never"
        );
    }

    /// A waker that counts its wakes.
    fn counting_waker() -> (std::task::Waker, Arc<std::sync::atomic::AtomicUsize>) {
        struct Counting(Arc<std::sync::atomic::AtomicUsize>);
        impl std::task::Wake for Counting {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let woken = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        (Arc::new(Counting(Arc::clone(&woken))).into(), woken)
    }
}
