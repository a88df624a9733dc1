//! Where in a payload a read failed: the JSON path of a [`PayloadError`](crate::PayloadError),
//! e.g. `messages[1].timestamp`.
//!
//! A path-tracking deserializer (serde_path_to_error) would give the same path, but it is a second
//! deserializer type: every payload type's reader would be compiled twice, once for the one-pass
//! decoder and once for the path, which was most of the size of a wasm module that decodes every
//! event. Instead the generated readers record the path themselves, on the error path only: a
//! field, an array item or a map value that fails pushes its key or index as the error travels
//! out, innermost first. Only an untagged union swallows errors (it tries each alternative), so
//! its reader drops what its failed attempts recorded.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt::Write as _;

enum Segment {
    Key(Cow<'static, str>),
    Index(usize),
}

thread_local! {
    /// The failing read's path, innermost segment first.
    static PATH: RefCell<Vec<Segment>> = const { RefCell::new(Vec::new()) };
}

/// Records the struct field or map key whose value failed.
pub(crate) fn push_key(key: impl Into<Cow<'static, str>>) {
    PATH.with(|path| path.borrow_mut().push(Segment::Key(key.into())));
}

/// Records the array index whose item failed.
pub(crate) fn push_index(index: usize) {
    PATH.with(|path| path.borrow_mut().push(Segment::Index(index)));
}

/// How much is recorded, to [`truncate`] back to.
pub(crate) fn mark() -> usize {
    PATH.with(|path| path.borrow().len())
}

/// Forgets what was recorded since `mark`.
pub(crate) fn truncate(mark: usize) {
    PATH.with(|path| path.borrow_mut().truncate(mark));
}

/// Starts a read: nothing recorded.
pub(crate) fn reset() {
    truncate(0);
}

/// The recorded path, outermost first, as serde_path_to_error writes it (`messages[1].timestamp`;
/// empty for the payload itself); the record is left empty.
pub(crate) fn take() -> String {
    let segments = PATH.with(|path| std::mem::take(&mut *path.borrow_mut()));
    let mut text = String::new();
    for segment in segments.iter().rev() {
        match segment {
            Segment::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Segment::Index(index) => {
                let _ = write!(text, "[{index}]");
            }
        }
    }
    text
}
