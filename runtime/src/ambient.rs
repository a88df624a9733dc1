//! What a host puts in place around routing a message, for the handler's context to read: the
//! delivery ([`DeliveryId::scope`](crate::DeliveryId::scope)) and whom the message came from
//! ([`Identity::scope`](crate::Identity::scope)). One mechanism for both: a thread-local slot
//! that holds the value only while the host's future is polled, so that futures of other
//! messages polled on the same thread in between see their own.

use std::cell::RefCell;
use std::thread::LocalKey;

/// A thread's current value of one kind.
pub(crate) type Slot<T> = RefCell<Option<T>>;

/// The thread's current value in `slot`, if a scope put one in place.
pub(crate) fn current<T: Clone + 'static>(slot: &'static LocalKey<Slot<T>>) -> Option<T> {
    // `try_with`: the slot is gone while the thread exits (a future dropped then reads nothing)
    slot.try_with(|current| current.borrow().clone())
        .ok()
        .flatten()
}

/// Runs `poll` with `value` in place as the thread's current value in `slot`; the previous value
/// is put back after, also when `poll` panics.
pub(crate) fn with<T: 'static, R>(
    slot: &'static LocalKey<Slot<T>>,
    value: &mut Option<T>,
    poll: impl FnOnce() -> R,
) -> R {
    /// While alive, the thread's current value and the one it holds are exchanged.
    struct Swap<'a, T: 'static> {
        slot: &'static LocalKey<Slot<T>>,
        value: &'a mut Option<T>,
    }
    impl<T: 'static> Drop for Swap<'_, T> {
        fn drop(&mut self) {
            let _ = self
                .slot
                .try_with(|current| std::mem::swap(&mut *current.borrow_mut(), self.value));
        }
    }
    let _ = slot.try_with(|current| std::mem::swap(&mut *current.borrow_mut(), value));
    let _in_place = Swap { slot, value };
    poll()
}
