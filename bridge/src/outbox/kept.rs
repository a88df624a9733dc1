//! An acknowledged session's numbered frames that the page has not acknowledged yet: the socket
//! writes them from here, and they are sent again to the session's next connection.
//!
//! They are kept back to back in one buffer, not one allocation each: a frame is written straight
//! into the buffer, and forgetting acknowledged frames moves an offset. Kept one allocation each,
//! a frame cost an allocation and, a round trip later, a free: by then the frame had gone cold
//! under every other session's messages, and freeing a page's acknowledged frames was 7% of the
//! acknowledged protocol's user-space time on scripts/bridge-bench's load (perf, 200 sessions).
//! The buffer is reused instead.

use std::collections::VecDeque;

/// The room a session keeps once the page has acknowledged every frame, for its next frames;
/// more is let go. A busy session reuses its room instead of growing it again; a page
/// acknowledging on its 20 ms timer keeps far less than this unacknowledged.
const SPARE_BYTES: usize = 16 * 1024;

/// The least room taken when the buffer grows from nothing: room for several cards and replies
/// without growing again.
const FIRST_BYTES: usize = 1024;

/// The frames a session keeps room for once every frame is acknowledged (8 bytes each).
const SPARE_FRAMES: usize = 64;

/// Frames, oldest first, their texts back to back.
#[derive(Default)]
pub(super) struct Kept {
    /// The frames' texts, after the acknowledged ones not yet moved out of the way.
    texts: String,
    /// Where the oldest kept frame begins in `texts`.
    start: usize,
    /// Where each kept frame ends in `texts`, oldest first: a frame is found by its place.
    ends: VecDeque<usize>,
}

impl Kept {
    /// How many frames are kept.
    pub(super) fn frames(&self) -> usize {
        self.ends.len()
    }

    /// The bytes of the frames kept.
    pub(super) fn bytes(&self) -> usize {
        self.texts.len() - self.start
    }

    /// Keeps the frame that `write` appends (about `len_hint` bytes, the room reserved for it).
    /// Should `write` panic, nothing of the frame is kept.
    pub(super) fn push_with(&mut self, len_hint: usize, write: impl FnOnce(&mut String)) {
        self.make_room(len_hint);
        let begin = self.texts.len();
        let unwritten = Unwritten {
            texts: &mut self.texts,
            begin,
        };
        write(unwritten.texts);
        std::mem::forget(unwritten);
        self.ends.push_back(self.texts.len());
    }

    /// The text of the frame at `place` (0 is the oldest kept), if there is one.
    pub(super) fn get(&self, place: usize) -> Option<&str> {
        let end = *self.ends.get(place)?;
        let begin = match place.checked_sub(1) {
            Some(before) => self.ends[before],
            None => self.start,
        };
        Some(&self.texts[begin..end])
    }

    /// Moves the acknowledged frames in front out of the way when they are as many bytes as the
    /// kept ones, or half as many and the buffer would grow otherwise: each kept byte moved is
    /// paid for by half an acknowledged byte dropped, at least. Room a burst left behind is let
    /// go as it is moved: the buffer holds at most about four times what is kept, or
    /// `SPARE_BYTES`.
    fn make_room(&mut self, len_hint: usize) {
        let kept = self.bytes();
        let would_grow = self.texts.len() + len_hint > self.texts.capacity();
        if self.start > 0 && (self.start >= kept || (would_grow && 2 * self.start >= kept)) {
            self.texts.drain(..self.start);
            for end in &mut self.ends {
                *end -= self.start;
            }
            self.start = 0;
            let wanted = 2 * (kept + len_hint);
            if self.texts.capacity() > SPARE_BYTES.max(2 * wanted) {
                self.texts.shrink_to(wanted);
            }
            let frames = self.ends.len() + 1;
            if self.ends.capacity() > SPARE_FRAMES.max(4 * frames) {
                self.ends.shrink_to(2 * frames);
            }
        }
        if self.texts.capacity() == 0 {
            self.texts.reserve(len_hint.max(FIRST_BYTES));
        } else {
            self.texts.reserve(len_hint);
        }
    }

    /// Forgets the `count` oldest frames (all of them, if fewer are kept).
    pub(super) fn forget_oldest(&mut self, count: usize) {
        let count = count.min(self.ends.len());
        if let Some(&end) = count.checked_sub(1).and_then(|last| self.ends.get(last)) {
            self.start = end;
            self.ends.drain(..count);
        }
        if self.ends.is_empty() {
            self.texts.clear();
            self.start = 0;
            self.texts.shrink_to(SPARE_BYTES);
            self.ends.shrink_to(SPARE_FRAMES);
        }
    }

    /// Forgets every frame, and lets go of the buffer.
    pub(super) fn clear(&mut self) {
        *self = Kept::default();
    }

    /// The frames' texts, oldest first.
    #[cfg(test)]
    pub(super) fn iter(&self) -> impl Iterator<Item = &str> {
        let mut begin = self.start;
        self.ends.iter().map(move |&end| {
            let text = &self.texts[begin..end];
            begin = end;
            text
        })
    }
}

/// What a frame's `write` appended, cut off again should it panic (it is forgotten when it
/// returns): the buffer then holds whole frames only, each with its length.
struct Unwritten<'a> {
    texts: &'a mut String,
    begin: usize,
}

impl Drop for Unwritten<'_> {
    fn drop(&mut self) {
        self.texts.truncate(self.begin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(kept: &mut Kept, text: &str) {
        kept.push_with(text.len(), |buffer| buffer.push_str(text));
        assert_eq!(kept.get(kept.frames() - 1), Some(text));
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
    fn it_keeps_what_a_queue_of_strings_keeps_through_any_pushes_and_acknowledgements() {
        // a deterministic model check: the same steps on `Kept` and on a queue of strings
        let mut kept = Kept::default();
        let mut model = VecDeque::<String>::new();
        let mut random = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |below: u64| {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            random % below
        };
        for step in 0..20_000 {
            if next(3) == 0 {
                let count = next(8) as usize;
                kept.forget_oldest(count);
                model.drain(..count.min(model.len()));
            } else {
                // mostly small frames, now and then a burst-sized one
                let len = if next(50) == 0 { 3_000 } else { 1 + next(300) } as usize;
                let text = format!("{step}:{}", "é".repeat(len / 2));
                push(&mut kept, &text);
                model.push_back(text);
                assert!(
                    kept.texts.capacity() <= SPARE_BYTES.max(4 * (kept.bytes() + text_len_max())),
                    "{} bytes of room for {} kept",
                    kept.texts.capacity(),
                    kept.bytes()
                );
            }
            assert!(
                kept.iter().eq(model.iter().map(String::as_str)),
                "step {step}"
            );
            assert_eq!(kept.frames(), model.len());
            assert_eq!(kept.bytes(), model.iter().map(String::len).sum::<usize>());
            for place in 0..=model.len() {
                assert_eq!(kept.get(place), model.get(place).map(String::as_str));
            }
        }
    }

    /// The longest frame the model check pushes.
    fn text_len_max() -> usize {
        "19999:".len() + 2 * 1_500
    }

    #[test]
    fn acknowledged_frames_are_moved_out_of_the_way_once_as_many_as_the_kept_ones() {
        let mut kept = Kept::default();
        push(&mut kept, &"a".repeat(100));
        push(&mut kept, &"b".repeat(100));
        kept.forget_oldest(1);
        push(&mut kept, &"c".repeat(100));
        assert_eq!(kept.start, 0, "100 bytes acknowledged, 100 kept: moved");
        assert_eq!(texts(&kept), ["b".repeat(100), "c".repeat(100)]);
    }

    #[test]
    fn acknowledged_frames_are_moved_out_of_the_way_rather_than_the_buffer_grown() {
        let mut kept = Kept::default();
        for _ in 0..10 {
            push(&mut kept, &"f".repeat(100));
        }
        let room = kept.texts.capacity();
        kept.forget_oldest(4);
        // 400 acknowledged, 600 kept: not moved yet, while there is room
        let fits = room - kept.texts.len();
        push(&mut kept, &"g".repeat(fits));
        assert_eq!(kept.start, 400);
        kept.forget_oldest(1);
        // 500 acknowledged and the buffer full: moved, not grown
        push(&mut kept, &"h".repeat(100));
        assert_eq!(kept.start, 0);
        assert_eq!(kept.texts.capacity(), room);
        assert_eq!(kept.frames(), 7);
    }

    #[test]
    fn a_burst_s_room_is_let_go_while_frames_are_still_kept() {
        let mut kept = Kept::default();
        for _ in 0..256 {
            push(&mut kept, &"x".repeat(256));
        }
        kept.forget_oldest(255);
        // from here on one frame is always unacknowledged
        for _ in 0..4 {
            push(&mut kept, "a small frame");
            kept.forget_oldest(1);
        }
        assert!(
            kept.texts.capacity() <= SPARE_BYTES,
            "{} bytes kept for one small frame",
            kept.texts.capacity()
        );
        assert!(kept.ends.capacity() <= SPARE_FRAMES);
        assert_eq!(texts(&kept), ["a small frame"]);
    }

    #[test]
    fn a_session_with_nothing_kept_keeps_its_spare_room_and_no_more() {
        let mut kept = Kept::default();
        push(&mut kept, "small");
        kept.forget_oldest(1);
        assert!(
            kept.texts.capacity() >= FIRST_BYTES,
            "a small buffer is kept"
        );
        for _ in 0..1_000 {
            push(&mut kept, &"x".repeat(100));
        }
        kept.forget_oldest(1_000);
        assert!(kept.texts.capacity() <= SPARE_BYTES);
        assert!(kept.ends.capacity() <= SPARE_FRAMES);
        kept.clear();
        assert_eq!(
            kept.texts.capacity(),
            0,
            "a session that ends keeps nothing"
        );
    }

    #[test]
    fn a_frame_whose_writing_panics_is_not_kept() {
        let mut kept = Kept::default();
        push(&mut kept, "before");
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            kept.push_with(10, |buffer| {
                buffer.push_str("half a fr");
                panic!("the body could not be written");
            });
        }));
        assert!(panicked.is_err());
        push(&mut kept, "after");
        assert_eq!(texts(&kept), ["before", "after"]);
        assert_eq!(kept.bytes(), 11);
    }
}
