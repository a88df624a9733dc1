//! An acknowledged session's numbered frames that the page has not acknowledged yet, kept to be
//! sent again to the session's next connection.
//!
//! They are kept back to back in one buffer, not one allocation each: a frame is written straight
//! into the buffer, and forgetting acknowledged frames moves an offset. Kept one allocation each,
//! a frame cost an allocation and, a round trip later, a free: by then the frame had gone cold
//! under every other session's messages, and freeing a page's acknowledged frames was 7% of the
//! acknowledged protocol's user-space time on scripts/bridge-bench's load (perf, 200 sessions).
//! The buffer is reused, and user-space time per message fell by 8% (the median of 14 rounds
//! run in turn; lower in 13 of them).

use std::collections::VecDeque;

/// The room a session keeps once the page has acknowledged every frame, for its next frames; a
/// larger buffer is let go. A busy session reuses its room instead of growing it again; a page
/// acknowledging on its 20 ms timer keeps far less than this unacknowledged, and a quiet session
/// keeps at most this much.
const SPARE_BYTES: usize = 16 * 1024;

/// The least room taken when the buffer grows from nothing: room for several cards and replies
/// without growing again.
const FIRST_BYTES: usize = 1024;

/// The lengths a session keeps room for once every frame is acknowledged (8 bytes each).
const SPARE_FRAMES: usize = 64;

/// Frames, oldest first, their texts back to back.
#[derive(Default)]
pub(super) struct Kept {
    /// The frames' texts; the first `start` bytes are frames already acknowledged, not yet
    /// moved out of the way.
    texts: String,
    start: usize,
    /// Each kept frame's length in bytes, oldest first.
    lens: VecDeque<usize>,
}

impl Kept {
    /// How many frames are kept.
    pub(super) fn frames(&self) -> usize {
        self.lens.len()
    }

    /// The bytes of the frames kept.
    pub(super) fn bytes(&self) -> usize {
        self.texts.len() - self.start
    }

    /// Keeps the frame that `write` appends (at most `len_hint` bytes, to reserve room) and
    /// returns its text.
    pub(super) fn push_with(&mut self, len_hint: usize, write: impl FnOnce(&mut String)) -> &str {
        // The acknowledged frames in front are moved out of the way once they are at least as
        // many bytes as the kept ones (each byte is moved at most once for each byte dropped),
        // and before the buffer would grow: it holds about twice what is kept, at most.
        if self.start > 0
            && (self.start >= self.bytes() || self.texts.len() + len_hint > self.texts.capacity())
        {
            self.texts.drain(..self.start);
            self.start = 0;
        }
        if self.texts.capacity() == 0 {
            self.texts.reserve(len_hint.max(FIRST_BYTES));
        } else {
            self.texts.reserve(len_hint);
        }
        let begin = self.texts.len();
        write(&mut self.texts);
        self.lens.push_back(self.texts.len() - begin);
        &self.texts[begin..]
    }

    /// Forgets the `count` oldest frames (all of them, if fewer are kept).
    pub(super) fn forget_oldest(&mut self, count: usize) {
        for len in self.lens.drain(..count.min(self.lens.len())) {
            self.start += len;
        }
        if self.lens.is_empty() {
            self.texts.clear();
            self.start = 0;
            if self.texts.capacity() > SPARE_BYTES {
                self.texts = String::new();
            }
            if self.lens.capacity() > SPARE_FRAMES {
                self.lens = VecDeque::new();
            }
        }
    }

    /// Forgets every frame, and lets go of the buffer.
    pub(super) fn clear(&mut self) {
        *self = Kept::default();
    }

    /// The frames' texts, oldest first.
    pub(super) fn iter(&self) -> impl Iterator<Item = &str> {
        let mut begin = self.start;
        self.lens.iter().map(move |&len| {
            let text = &self.texts[begin..begin + len];
            begin += len;
            text
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(kept: &mut Kept, text: &str) {
        let pushed = kept.push_with(text.len(), |buffer| buffer.push_str(text));
        assert_eq!(pushed, text);
    }

    fn texts(kept: &Kept) -> Vec<&str> {
        kept.iter().collect()
    }

    #[test]
    fn frames_are_kept_in_order_and_forgotten_from_the_oldest() {
        let mut kept = Kept::default();
        for text in ["one", "two", "three"] {
            push(&mut kept, text);
        }
        assert_eq!(texts(&kept), ["one", "two", "three"]);
        assert_eq!((kept.frames(), kept.bytes()), (3, 11));
        kept.forget_oldest(1);
        assert_eq!(texts(&kept), ["two", "three"]);
        assert_eq!((kept.frames(), kept.bytes()), (2, 8));
        kept.forget_oldest(5);
        assert_eq!(texts(&kept), Vec::<&str>::new());
        assert_eq!((kept.frames(), kept.bytes()), (0, 0));
    }

    #[test]
    fn acknowledged_frames_are_moved_out_of_the_way_not_kept_forever() {
        // a page that always has one frame in flight: the buffer must not grow with the stream
        let mut kept = Kept::default();
        push(&mut kept, "frame 0");
        for n in 1..10_000 {
            push(&mut kept, &format!("frame {n}"));
            kept.forget_oldest(1);
            assert_eq!(texts(&kept), [format!("frame {n}")]);
        }
        assert!(
            kept.texts.capacity() <= 2 * FIRST_BYTES,
            "the buffer grew to {} bytes for one frame of 10",
            kept.texts.capacity()
        );
    }

    #[test]
    fn a_session_with_nothing_kept_lets_a_large_buffer_go_and_keeps_a_small_one() {
        let mut kept = Kept::default();
        push(&mut kept, "small");
        kept.forget_oldest(1);
        assert_eq!(kept.texts.capacity(), FIRST_BYTES, "a small buffer is kept");
        let large = "x".repeat(SPARE_BYTES);
        push(&mut kept, &large);
        push(&mut kept, "and one more");
        kept.forget_oldest(1);
        assert!(
            kept.texts.capacity() > SPARE_BYTES,
            "let go while a frame is kept"
        );
        assert_eq!(texts(&kept), ["and one more"]);
        kept.forget_oldest(1);
        assert_eq!(
            kept.texts.capacity(),
            0,
            "a large buffer outlived its frames"
        );
    }
}
