use std::fmt;

/// A payload that its event's schema refuses: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadError {
    path: String,
    message: String,
    line: usize,
    column: usize,
}

impl PayloadError {
    /// A reader's error at `path` (empty for the payload itself).
    pub(crate) fn at_path(path: String, error: serde_json::Error) -> Self {
        PayloadError {
            path,
            ..PayloadError::from_json_error(error)
        }
    }

    pub(crate) fn from_json_error(error: serde_json::Error) -> Self {
        // serde_json appends " at line L column C" to its message; the position is kept apart.
        let (line, column) = (error.line(), error.column());
        let mut message = error.to_string();
        let suffix = format!(" at line {line} column {column}");
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_owned();
        }
        PayloadError {
            path: String::new(),
            message,
            line,
            column,
        }
    }

    pub(crate) fn message_only(message: String) -> Self {
        PayloadError {
            path: String::new(),
            message,
            line: 0,
            column: 0,
        }
    }

    /// The JSON path of the offending value, e.g. `messages[0].timestamp`; empty for the payload
    /// as a whole.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Line and column of the offending value in the payload text (1-based; line 0 when unknown).
    pub fn position(&self) -> (usize, usize) {
        (self.line, self.column)
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for PayloadError {}
