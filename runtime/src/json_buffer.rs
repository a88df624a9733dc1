//! Buffers kept per thread and reused by every send on it ([`with_reused`], the one rule for
//! them), and serializing to JSON text through one ([`with_json`]): a send costs no allocation of
//! its own, and its text is borrowed by whoever carries it on (which copies it into a frame).

use std::cell::RefCell;

use serde::Serialize;

/// The room a thread's buffer starts with: a catalog event, a page card or a numbered frame
/// fits, so the text is written without growing it.
const START_BYTES: usize = 512;

/// A buffer grown past this by one large message is let go afterwards, not kept for the life of
/// the thread (a runtime may have hundreds of threads that send now and then).
const KEEP_AT_MOST_BYTES: usize = 4 * 1024;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Serializes `value` and hands its JSON text to `then`.
///
/// A `Serialize` or a `then` that serializes in turn (a nested send) gets a buffer of its own,
/// as does a thread whose locals are being torn down.
#[doc(hidden)]
pub fn with_json<T, R>(value: &T, then: impl FnOnce(&str) -> R) -> Result<R, serde_json::Error>
where
    T: Serialize + ?Sized,
{
    with_reused(&BUFFER, |buffer| write(buffer, value, then))
}

/// A buffer [`with_reused`] can empty and keep: `Vec<u8>` and `String`, whose own methods these
/// are.
#[doc(hidden)]
pub trait Reusable: Default {
    /// Empties it, keeping its capacity.
    fn clear(&mut self);
    /// Makes room for at least `additional` more bytes.
    fn reserve(&mut self, additional: usize);
    /// The bytes it holds room for.
    fn capacity(&self) -> usize;
}

impl Reusable for Vec<u8> {
    fn clear(&mut self) {
        Vec::clear(self);
    }
    fn reserve(&mut self, additional: usize) {
        Vec::reserve(self, additional);
    }
    fn capacity(&self) -> usize {
        Vec::capacity(self)
    }
}

impl Reusable for String {
    fn clear(&mut self) {
        String::clear(self);
    }
    fn reserve(&mut self, additional: usize) {
        String::reserve(self, additional);
    }
    fn capacity(&self) -> usize {
        String::capacity(self)
    }
}

/// Hands `use_it` the thread's buffer behind `key`, emptied, with room for a small message; the
/// one rule for every per-thread buffer a send writes through (the bridge composes its numbered
/// frames in one too).
///
/// A buffer already in use on this thread (a nested call), or one whose thread is being torn
/// down, is not shared: `use_it` gets a fresh one. A buffer grown past
/// [`KEEP_AT_MOST_BYTES`] by one large message is let go afterwards.
#[doc(hidden)]
pub fn with_reused<B: Reusable, R>(
    key: &'static std::thread::LocalKey<RefCell<B>>,
    use_it: impl FnOnce(&mut B) -> R,
) -> R {
    let mut use_it = Some(use_it);
    let reused = key.try_with(|buffer| {
        let Ok(mut buffer) = buffer.try_borrow_mut() else {
            return None;
        };
        Reusable::clear(&mut *buffer);
        Reusable::reserve(&mut *buffer, START_BYTES);
        let result = use_it.take().expect("called once")(&mut buffer);
        if Reusable::capacity(&*buffer) > KEEP_AT_MOST_BYTES {
            *buffer = B::default();
        }
        Some(result)
    });
    match (reused, use_it) {
        (Ok(Some(result)), _) => result,
        (_, Some(use_it)) => {
            let mut fresh = B::default();
            Reusable::reserve(&mut fresh, START_BYTES);
            use_it(&mut fresh)
        }
        (_, None) => unreachable!("`use_it` is taken only where the buffer was used"),
    }
}

/// Serializes `value` into `buffer` (emptied first), and hands the text to `then`.
#[allow(unsafe_code)]
fn write<T, R>(
    buffer: &mut Vec<u8>,
    value: &T,
    then: impl FnOnce(&str) -> R,
) -> Result<R, serde_json::Error>
where
    T: Serialize + ?Sized,
{
    buffer.clear();
    serde_json::to_writer(&mut *buffer, value)?;
    debug_assert!(std::str::from_utf8(buffer).is_ok());
    // SAFETY: `buffer` holds exactly what serde_json wrote for `value` (emptied above; on an
    // error we returned). serde_json writes UTF-8 only: it writes `str`s (escaped or whole), ASCII
    // punctuation and digits, and nothing a `Serialize` could make it write otherwise (bytes are
    // written as arrays of numbers). Its own `to_string` relies on the same. Checking again cost
    // about 140 instructions a send, for every send of every session.
    let text = unsafe { std::str::from_utf8_unchecked(buffer) };
    Ok(then(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_over_the_text_and_keeps_the_buffer_for_the_next_send() {
        let first = with_json(&serde_json::json!({"a": 1}), str::to_owned).unwrap();
        assert_eq!(first, r#"{"a":1}"#);
        let kept = BUFFER.with(|buffer| buffer.borrow().capacity());
        assert!(kept >= START_BYTES);
        let second = with_json(&"b", str::to_owned).unwrap();
        assert_eq!(second, r#""b""#);
        assert_eq!(BUFFER.with(|buffer| buffer.borrow().capacity()), kept);
    }

    thread_local! {
        static TEXT: RefCell<String> = const { RefCell::new(String::new()) };
    }

    #[test]
    fn a_string_buffer_is_emptied_reused_and_let_go_by_the_same_rule() {
        let first = with_reused(&TEXT, |text| {
            text.push_str("first");
            text.as_ptr()
        });
        let (second, nested) = with_reused(&TEXT, |text| {
            assert!(text.is_empty(), "not emptied: {text:?}");
            let nested = with_reused(&TEXT, |inner| inner.as_ptr());
            (text.as_ptr(), nested)
        });
        assert_eq!(first, second, "the buffer was not reused");
        assert_ne!(nested, second, "a nested use shared the buffer");
        with_reused(&TEXT, |text| {
            text.push_str(&"x".repeat(KEEP_AT_MOST_BYTES * 2))
        });
        assert!(TEXT.with(|text| text.borrow().capacity()) <= KEEP_AT_MOST_BYTES);
    }

    #[test]
    fn a_send_within_a_send_gets_a_buffer_of_its_own() {
        let outer = with_json(&[1, 2], |outer| {
            let inner = with_json(&"inner", str::to_owned).unwrap();
            format!("{outer} {inner}")
        })
        .unwrap();
        assert_eq!(outer, r#"[1,2] "inner""#);
    }

    #[test]
    fn a_large_message_does_not_stay_in_the_buffer() {
        let large = "x".repeat(KEEP_AT_MOST_BYTES * 2);
        let length = with_json(&large, str::len).unwrap();
        assert_eq!(length, large.len() + 2);
        assert!(BUFFER.with(|buffer| buffer.borrow().capacity()) <= KEEP_AT_MOST_BYTES);
    }

    #[test]
    fn writes_what_serde_json_to_string_writes() {
        let values = serde_json::json!({
            "escaped": "a\"b\\c\n\u{1}",
            "non-ascii": "é ✓ 𝄞",
            "numbers": [1, -2.5, 1e300],
            "nested": {"null": null, "bool": true}
        });
        let written = with_json(&values, str::to_owned).unwrap();
        assert_eq!(written, serde_json::to_string(&values).unwrap());
    }

    #[test]
    fn a_panic_while_the_text_is_handed_over_leaves_the_buffer_usable() {
        let panicked = std::panic::catch_unwind(|| {
            with_json(&"first", |_| panic!("the outbox panicked")).unwrap();
        });
        assert!(panicked.is_err());
        assert_eq!(with_json(&"second", str::to_owned).unwrap(), r#""second""#);
    }

    #[test]
    fn a_failing_serialize_is_an_error_and_the_buffer_is_usable_after() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        assert!(with_json(&Fails, |_| ()).is_err());
        assert_eq!(with_json(&true, str::to_owned).unwrap(), "true");
    }
}
