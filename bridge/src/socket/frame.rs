//! RFC 6455 frames, read and written: functions over bytes only, so that every rule is tested
//! without a socket.

use std::fmt;

/// A frame's opcode (RFC 6455 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpCode {
    Continuation,
    Text,
    Binary,
    Close,
    Ping,
    Pong,
}

impl OpCode {
    fn of(bits: u8) -> Option<OpCode> {
        Some(match bits {
            0x0 => OpCode::Continuation,
            0x1 => OpCode::Text,
            0x2 => OpCode::Binary,
            0x8 => OpCode::Close,
            0x9 => OpCode::Ping,
            0xA => OpCode::Pong,
            _ => return None,
        })
    }

    fn bits(self) -> u8 {
        match self {
            OpCode::Continuation => 0x0,
            OpCode::Text => 0x1,
            OpCode::Binary => 0x2,
            OpCode::Close => 0x8,
            OpCode::Ping => 0x9,
            OpCode::Pong => 0xA,
        }
    }

    /// Close, ping and pong: never fragmented, at most 125 bytes, allowed between the fragments
    /// of a message.
    pub(crate) fn is_control(self) -> bool {
        matches!(self, OpCode::Close | OpCode::Ping | OpCode::Pong)
    }
}

/// What a client's frame header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    /// The last frame of its message.
    pub(crate) fin: bool,
    pub(crate) opcode: OpCode,
    /// The key the client masked the payload with.
    pub(crate) mask: [u8; 4],
    /// Where the payload starts, from the header's first byte.
    pub(crate) payload_at: usize,
    pub(crate) payload_len: usize,
}

impl Header {
    /// The whole frame's length: header and payload.
    pub(crate) fn frame_len(&self) -> usize {
        self.payload_at + self.payload_len
    }
}

/// A frame no client may send: the connection cannot go on after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FrameError {
    /// A reserved bit is set, and no extension was agreed that would give it a meaning.
    ReservedBits,
    UnknownOpcode(u8),
    /// A client must mask every frame (RFC 6455 §5.1).
    Unmasked,
    /// A close, ping or pong frame split in fragments, or longer than 125 bytes.
    BadControl,
    /// The frame, or the message it continues, is longer than the bridge takes.
    TooLarge {
        len: u64,
        max: usize,
    },
    /// A continuation with no message to continue, or a new message before the last one ended.
    Fragments,
    /// A text message that is not UTF-8.
    NotUtf8,
    /// A close frame of one byte, with a code no endpoint may send, or with a reason not UTF-8.
    BadClose,
}

impl FrameError {
    /// The close code RFC 6455 §7.4.1 gives it: 1007 for text that is not UTF-8, 1009 for too
    /// large a message, 1002 (a protocol error) for the rest.
    pub(crate) fn close_code(&self) -> u16 {
        match self {
            FrameError::NotUtf8 => 1007,
            FrameError::TooLarge { .. } => 1009,
            _ => 1002,
        }
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::ReservedBits => f.write_str("a frame with a reserved bit set"),
            FrameError::UnknownOpcode(bits) => {
                write!(f, "a frame with the unknown opcode {bits:#x}")
            }
            FrameError::Unmasked => f.write_str("an unmasked frame (a client masks every frame)"),
            FrameError::BadControl => {
                f.write_str("a close, ping or pong frame in fragments or longer than 125 bytes")
            }
            FrameError::TooLarge { len, max } => {
                write!(f, "a message of {len} bytes, over the limit of {max}")
            }
            FrameError::Fragments => {
                f.write_str("a continuation frame out of place (fragments out of order)")
            }
            FrameError::NotUtf8 => f.write_str("a text message that is not UTF-8"),
            FrameError::BadClose => f.write_str("a close frame with an invalid code or reason"),
        }
    }
}

/// Reads the header of the frame at the start of `data`: `Ok(None)` while it is incomplete. A
/// data frame whose payload is longer than `max_payload` is refused as soon as its length is
/// read, before any of it is.
pub(crate) fn read_header(data: &[u8], max_payload: usize) -> Result<Option<Header>, FrameError> {
    let [first, second, ..] = *data else {
        return Ok(None);
    };
    if first & 0x70 != 0 {
        return Err(FrameError::ReservedBits);
    }
    let opcode = OpCode::of(first & 0x0F).ok_or(FrameError::UnknownOpcode(first & 0x0F))?;
    let fin = first & 0x80 != 0;
    if second & 0x80 == 0 {
        return Err(FrameError::Unmasked);
    }
    let (len, mask_at) = match second & 0x7F {
        126 => match data.get(2..4) {
            Some(bytes) => (u64::from(u16::from_be_bytes([bytes[0], bytes[1]])), 4),
            None => return Ok(None),
        },
        127 => match data.get(2..10) {
            Some(bytes) => {
                let mut be = [0; 8];
                be.copy_from_slice(bytes);
                (u64::from_be_bytes(be), 10)
            }
            None => return Ok(None),
        },
        short => (u64::from(short), 2),
    };
    if opcode.is_control() && (!fin || len > 125) {
        return Err(FrameError::BadControl);
    }
    // the limit is a message's: a control frame, at most 125 bytes, is never refused by it; the
    // whole frame's length must be a `usize` too, whatever the limit
    let payload_len = match usize::try_from(len) {
        Ok(len)
            if (opcode.is_control() || len <= max_payload)
                && len.checked_add(mask_at + 4).is_some() =>
        {
            len
        }
        _ => {
            return Err(FrameError::TooLarge {
                len,
                max: max_payload,
            })
        }
    };
    let Some(key) = data.get(mask_at..mask_at + 4) else {
        return Ok(None);
    };
    Ok(Some(Header {
        fin,
        opcode,
        mask: [key[0], key[1], key[2], key[3]],
        payload_at: mask_at + 4,
        payload_len,
    }))
}

/// Unmasks a payload in place: eight bytes at a time, then the rest.
pub(crate) fn unmask(payload: &mut [u8], mask: [u8; 4]) {
    let wide = u64::from_ne_bytes([
        mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3],
    ]);
    let mut words = payload.chunks_exact_mut(8);
    for word in &mut words {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        word.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ wide).to_ne_bytes());
    }
    // the rest starts at a multiple of 8, so at the key's first byte
    for (byte, key) in words.into_remainder().iter_mut().zip(mask.iter().cycle()) {
        *byte ^= key;
    }
}

/// Appends a server frame's header (final, unmasked) for a payload of `len` bytes.
pub(crate) fn write_header(out: &mut Vec<u8>, opcode: OpCode, len: usize) {
    out.push(0x80 | opcode.bits());
    if len < 126 {
        out.push(len as u8);
    } else if let Ok(len) = u16::try_from(len) {
        out.push(126);
        out.extend_from_slice(&len.to_be_bytes());
    } else {
        out.push(127);
        out.extend_from_slice(&(len as u64).to_be_bytes());
    }
}

/// Appends a whole server frame.
pub(crate) fn write_frame(out: &mut Vec<u8>, opcode: OpCode, payload: &[u8]) {
    write_header(out, opcode, payload.len());
    out.extend_from_slice(payload);
}

/// Appends a close frame with `code` and `reason` (cut to fit 125 bytes at a character boundary).
pub(crate) fn write_close(out: &mut Vec<u8>, code: u16, reason: &str) {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    write_header(out, OpCode::Close, 2 + end);
    out.extend_from_slice(&code.to_be_bytes());
    out.extend_from_slice(&reason.as_bytes()[..end]);
}

/// Checks a close frame's payload (RFC 6455 §5.5.1, §7.4): empty, or a code an endpoint may send
/// and a UTF-8 reason.
pub(crate) fn check_close(payload: &[u8]) -> Result<(), FrameError> {
    match payload {
        [] => Ok(()),
        [high, low, reason @ ..] => {
            let code = u16::from_be_bytes([*high, *low]);
            let sendable = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
            if sendable && std::str::from_utf8(reason).is_ok() {
                Ok(())
            } else {
                Err(FrameError::BadClose)
            }
        }
        [_] => Err(FrameError::BadClose),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A client's frame: masked with `mask`, as a browser sends it.
    pub(crate) fn client_frame(first: u8, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
        let mut frame = vec![first];
        let len = payload.len();
        if len < 126 {
            frame.push(0x80 | len as u8);
        } else if len <= 0xFFFF {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(len as u64).to_be_bytes());
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().zip(mask.iter().cycle()).map(|(b, k)| b ^ k));
        frame
    }

    #[test]
    fn reads_each_length_encoding_and_unmasks() {
        for len in [0, 1, 7, 8, 9, 125, 126, 300, 65535, 65536] {
            let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut frame = client_frame(0x81, &payload, [0xA1, 0x02, 0xF3, 0x44]);
            let header = read_header(&frame, 1 << 20).unwrap().unwrap();
            assert!(header.fin);
            assert_eq!(header.opcode, OpCode::Text);
            assert_eq!(header.payload_len, len);
            assert_eq!(header.frame_len(), frame.len());
            // every prefix of the header is "not yet"
            for cut in 0..header.payload_at {
                assert_eq!(
                    read_header(&frame[..cut], 1 << 20),
                    Ok(None),
                    "{len}: {cut}"
                );
            }
            let at = header.payload_at;
            unmask(&mut frame[at..], header.mask);
            assert_eq!(&frame[at..], &payload[..], "{len}");
        }
    }

    #[test]
    fn refuses_what_no_client_may_send() {
        let mask = [1, 2, 3, 4];
        let refused = |frame: &[u8]| read_header(frame, 1024).unwrap_err();
        assert_eq!(
            refused(&client_frame(0xC1, b"x", mask)),
            FrameError::ReservedBits
        );
        assert_eq!(
            refused(&client_frame(0x83, b"x", mask)),
            FrameError::UnknownOpcode(3)
        );
        assert_eq!(refused(&[0x81, 0x01, b'x']), FrameError::Unmasked);
        assert_eq!(
            refused(&client_frame(0x09, b"", mask)),
            FrameError::BadControl
        );
        assert_eq!(
            refused(&client_frame(0x89, &[0; 126], mask)),
            FrameError::BadControl
        );
        assert_eq!(
            refused(&client_frame(0x81, &[b'x'; 1025], mask)[..4]),
            FrameError::TooLarge {
                len: 1025,
                max: 1024
            },
            "refused from the length alone"
        );
        assert!(read_header(&client_frame(0x81, &[b'x'; 1024], mask), 1024)
            .unwrap()
            .is_some());
        // a length of 2^63 and more
        let huge = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0];
        assert!(matches!(refused(&huge), FrameError::TooLarge { .. }));
        // whatever the limit, a frame whose length with its header is no `usize` is refused
        let most = [
            0x82, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4,
        ];
        assert!(matches!(
            read_header(&most, usize::MAX),
            Err(FrameError::TooLarge { .. })
        ));
        // the limit is a message's: a close, ping or pong frame is not held to it
        let close = client_frame(
            0x88,
            &[&1000u16.to_be_bytes()[..], &[b'x'; 40]].concat(),
            mask,
        );
        assert!(read_header(&close, 16).unwrap().is_some());
    }

    #[test]
    fn writes_server_frames_that_clients_read() {
        for len in [0, 125, 126, 65535, 65536] {
            let payload = vec![b'a'; len];
            let mut out = Vec::new();
            write_frame(&mut out, OpCode::Text, &payload);
            assert_eq!(out[0], 0x81);
            let (length, at) = match out[1] {
                126 => (u16::from_be_bytes([out[2], out[3]]) as usize, 4),
                127 => (
                    u64::from_be_bytes(out[2..10].try_into().unwrap()) as usize,
                    10,
                ),
                short => (short as usize, 2),
            };
            assert_eq!((length, &out[at..]), (len, &payload[..]));
        }
        let mut out = Vec::new();
        write_close(&mut out, 4001, &"é".repeat(100));
        assert_eq!(out[1] as usize, out.len() - 2);
        assert!(out.len() - 2 <= 125);
        assert_eq!(u16::from_be_bytes([out[2], out[3]]), 4001);
        assert!(std::str::from_utf8(&out[4..]).is_ok(), "cut at a character");
    }

    #[test]
    fn checks_close_payloads() {
        assert_eq!(check_close(b""), Ok(()));
        assert_eq!(check_close(&1000u16.to_be_bytes()), Ok(()));
        assert_eq!(check_close(&[0x0F, 0xA1, b'o', b'k']), Ok(()), "4001");
        assert_eq!(check_close(&[0x03]), Err(FrameError::BadClose));
        for code in [999u16, 1004, 1005, 1006, 1015, 2999, 5000] {
            assert_eq!(
                check_close(&code.to_be_bytes()),
                Err(FrameError::BadClose),
                "{code}"
            );
        }
        assert_eq!(check_close(&[0x03, 0xE8, 0xFF]), Err(FrameError::BadClose));
    }
}
