//! Why a message could not be decoded, and the words of each reason.

use super::*;

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input is not JSON (or nests deeper than 128 levels).
    Json {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What serde_json says.
        message: String,
    },
    /// The input is larger than the decoder's limit.
    TooLarge {
        /// The input's size in bytes.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// JSON, but not an SDK message: `type` or `message` missing or of the wrong type.
    NotSdkMessage {
        /// What is wrong.
        reason: String,
    },
    /// A catalog event whose payload its schema refuses.
    InvalidPayload {
        /// The event name.
        event: String,
        /// The schema version it was checked against.
        schema_version: String,
        /// Where and why.
        error: PayloadError,
    },
    /// An event past its sunset date, under [`SunsetPolicy::Reject`].
    Sunset {
        /// The event name.
        event: String,
        /// Its sunset date.
        sunset: CatalogDate,
        /// Its replacement, if any.
        replaced_by: Option<&'static str>,
    },
    /// A `getEvents` response whose value is not a map of event names to lists of versions.
    InvalidResponse {
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Json {
                line,
                column,
                message,
            } => write!(f, "not JSON: {message} at line {line} column {column}"),
            DecodeError::TooLarge { bytes, limit } => {
                write!(f, "message of {bytes} bytes is over the {limit}-byte limit")
            }
            DecodeError::NotSdkMessage { reason } => write!(f, "not an SDK message: {reason}"),
            DecodeError::InvalidPayload {
                event,
                schema_version,
                error,
            } => write!(f, "`{event}` {schema_version} payload refused {error}"),
            DecodeError::Sunset {
                event,
                sunset,
                replaced_by,
            } => {
                write!(f, "`{event}` was sunset on {sunset}")?;
                match replaced_by {
                    Some(replacement) => write!(f, "; use `{replacement}`"),
                    None => Ok(()),
                }
            }
            DecodeError::InvalidResponse { reason } => {
                write!(f, "invalid getEvents response: {reason}")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

pub(super) fn not_sdk(reason: String) -> DecodeError {
    DecodeError::NotSdkMessage { reason }
}

pub(super) fn json_error(error: &serde_json::Error) -> DecodeError {
    DecodeError::Json {
        line: error.line(),
        column: error.column(),
        message: strip_position(error),
    }
}

/// serde_json's message without its " at line L column C" suffix.
pub(super) fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

/// "an array", "a string", ... for messages about the wrong kind of JSON.
pub(super) fn json_kind(json: &str) -> &'static str {
    match json.trim_start().as_bytes().first() {
        Some(b'{') => "an object of another shape",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}
