//! A YAML document as a tree whose every node knows where it came from.
//!
//! serde_yaml stops at the first error and forgets positions once a value is built, but a catalog
//! maintainer needs *every* problem with its line and column. So the catalog is read in two steps:
//! this module turns the text into a [`Node`] tree with positions, and `load` walks that tree,
//! collecting diagnostics as it goes.
//!
//! The tree is built from yaml-rust2's event stream with an explicit stack rather than its
//! recursive `load`, so hostile input cannot overflow the stack, and three limits keep memory
//! bounded: input size, nesting depth and node count. Anchors and aliases are refused outright:
//! the catalog has named shapes for sharing, and refusing aliases makes "billion laughs" inputs
//! fail at the first `*alias` instead of expanding.

use std::fmt;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Largest catalog accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;
/// Deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 64;
/// Most nodes (scalars, mappings, sequences) accepted in one document.
pub const MAX_NODES: usize = 2_000_000;

/// A place in the catalog source: 1-based line and column, and the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// 0-based byte offset into the source.
    pub offset: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// Where the node starts.
    pub position: Position,
}

/// The content of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or an empty value.
    Null,
    /// Any other scalar, as written (YAML 1.2 core schema types are not applied: `1.0.0`,
    /// `2025-03-26` and `true` all stay text, and the loader decides what each key means).
    Scalar(String),
    /// A sequence, in source order.
    Sequence(Vec<Node>),
    /// A mapping, in source order; duplicate keys are kept so the loader can report them.
    Mapping(Vec<(Node, Node)>),
}

impl Value {
    /// A word for the kind of value, for messages such as "expected a mapping, found a sequence".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Scalar(_) => "a scalar",
            Value::Sequence(_) => "a sequence",
            Value::Mapping(_) => "a mapping",
        }
    }
}

/// Why the text could not be read as a YAML tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where reading stopped.
    pub position: Position,
    /// What went wrong.
    pub message: String,
}

/// Turns yaml-rust2's markers (which count characters) into positions, walking forward from the
/// previous marker: markers arrive almost always in order, so a whole document costs one pass
/// over the text instead of one pass per node.
struct Locator<'s> {
    source: &'s str,
    char_index: usize,
    position: Position,
    /// Character index and position of the start of the current line: a block mapping's start
    /// is marked at its first `:`, after its first key, so markers step back within a line.
    line_start: (usize, Position),
}

impl<'s> Locator<'s> {
    fn new(source: &'s str) -> Self {
        let start = Position {
            line: 1,
            column: 1,
            offset: 0,
        };
        Locator {
            source,
            char_index: 0,
            position: start,
            line_start: (0, start),
        }
    }

    fn locate(&mut self, marker: &Marker) -> Position {
        let target = marker.index();
        if target < self.char_index {
            if target >= self.line_start.0 {
                (self.char_index, self.position) = self.line_start;
            } else {
                *self = Locator::new(self.source);
            }
        }
        let rest = &self.source[self.position.offset..];
        for c in rest.chars() {
            if self.char_index == target {
                break;
            }
            self.char_index += 1;
            self.position.offset += c.len_utf8();
            if c == '\n' {
                self.position.line += 1;
                self.position.column = 1;
                self.line_start = (self.char_index, self.position);
            } else {
                self.position.column += 1;
            }
        }
        self.position
    }
}

/// The 1-based line and column of a byte offset.
pub fn position_at(source: &str, offset: usize) -> Position {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    Position {
        line,
        column,
        offset,
    }
}

enum Frame {
    Sequence(Position, Vec<Node>),
    Mapping(Position, Vec<(Node, Node)>, Option<Node>),
}

/// Parses one YAML document into a positioned tree.
///
/// An empty document gives `Ok(None)`.
pub fn parse(source: &str) -> Result<Option<Node>, SyntaxError> {
    if source.len() > MAX_INPUT_BYTES {
        return Err(SyntaxError {
            position: position_at(source, 0),
            message: format!(
                "the file is {} bytes; catalogs larger than {MAX_INPUT_BYTES} bytes are refused",
                source.len()
            ),
        });
    }
    let mut parser = Parser::new_from_str(source);
    let mut locator = Locator::new(source);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut nodes = 0usize;
    let mut documents = 0usize;
    loop {
        let (event, marker) = parser.next_token().map_err(|e| SyntaxError {
            position: locator.locate(e.marker()),
            message: e.info().to_owned(),
        })?;
        let at = locator.locate(&marker);
        let refuse = |message: String| {
            Err(SyntaxError {
                position: at,
                message,
            })
        };
        let node = match event {
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => continue,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return refuse("the catalog must be a single YAML document".into());
                }
                continue;
            }
            Event::Alias(_) => {
                return refuse(
                    "YAML aliases (`*name`) are not allowed in a catalog; use a named shape under \
                     `shapes:` to share a payload"
                        .into(),
                )
            }
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _)
                if anchor != 0 =>
            {
                return refuse(
                    "YAML anchors (`&name`) are not allowed in a catalog; use a named shape under \
                     `shapes:` to share a payload"
                        .into(),
                )
            }
            Event::Scalar(_, _, _, Some(tag))
            | Event::SequenceStart(_, Some(tag))
            | Event::MappingStart(_, Some(tag)) => {
                return refuse(format!(
                    "YAML tags (`{}{}`) are not allowed in a catalog",
                    tag.handle, tag.suffix
                ))
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                nodes += 1;
                if stack.len() >= MAX_DEPTH {
                    return refuse(format!("nesting deeper than {MAX_DEPTH} levels is refused"));
                }
                if nodes > MAX_NODES {
                    return refuse(format!("more than {MAX_NODES} YAML nodes are refused"));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Sequence(at, Vec::new())
                } else {
                    Frame::Mapping(at, Vec::new(), None)
                });
                continue;
            }
            Event::Scalar(text, style, _, None) => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return refuse(format!("more than {MAX_NODES} YAML nodes are refused"));
                }
                let is_null = style == TScalarStyle::Plain
                    && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL");
                Node {
                    value: if is_null {
                        Value::Null
                    } else {
                        Value::Scalar(text)
                    },
                    position: at,
                }
            }
            // A block collection's start event is marked where the scanner noticed it (for a
            // mapping, at the first `:`), so the node starts at its first child when that is
            // earlier.
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Sequence(start, items)) => Node {
                    position: items
                        .first()
                        .map_or(start, |first| first.position.min(start)),
                    value: Value::Sequence(items),
                },
                _ => return refuse("unbalanced sequence end".into()),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Mapping(start, entries, None)) => Node {
                    position: entries
                        .first()
                        .map_or(start, |first| first.0.position.min(start)),
                    value: Value::Mapping(entries),
                },
                _ => return refuse("unbalanced mapping end".into()),
            },
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Sequence(_, items)) => items.push(node),
            Some(Frame::Mapping(_, entries, pending_key)) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(node: &Node) -> &str {
        match &node.value {
            Value::Scalar(s) => s,
            other => panic!("not a scalar: {other:?}"),
        }
    }

    #[test]
    fn positions_are_one_based_line_and_column() {
        let root = parse("a: 1\nbb:\n  - x\n  - é: y\n").unwrap().unwrap();
        let Value::Mapping(entries) = &root.value else {
            panic!()
        };
        assert_eq!(
            entries[0].0.position,
            Position {
                line: 1,
                column: 1,
                offset: 0
            }
        );
        assert_eq!(
            (entries[0].1.position.line, entries[0].1.position.column),
            (1, 4)
        );
        assert_eq!(scalar(&entries[1].0), "bb");
        let Value::Sequence(items) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!((items[0].position.line, items[0].position.column), (3, 5));
        let Value::Mapping(inner) = &items[1].value else {
            panic!()
        };
        // the value after a two-byte character is still counted in characters
        assert_eq!(
            (inner[0].1.position.line, inner[0].1.position.column),
            (4, 8)
        );
    }

    #[test]
    fn plain_null_forms_become_null_but_quoted_ones_stay_text() {
        let root = parse("a: ~\nb:\nc: 'null'\nd: 1.0.0\n").unwrap().unwrap();
        let Value::Mapping(entries) = root.value else {
            panic!()
        };
        assert_eq!(entries[0].1.value, Value::Null);
        assert_eq!(entries[1].1.value, Value::Null);
        assert_eq!(entries[2].1.value, Value::Scalar("null".into()));
        assert_eq!(entries[3].1.value, Value::Scalar("1.0.0".into()));
    }

    #[test]
    fn empty_document_is_none() {
        assert_eq!(parse("# only a comment\n").unwrap(), None);
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.position.line >= 1, "{err:?}");
        assert!(!err.message.is_empty());
    }

    #[test]
    fn alias_bomb_is_refused_at_the_first_alias() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n";
        let err = parse(bomb).unwrap_err();
        assert!(err.message.contains("anchors"), "{}", err.message);
        assert_eq!(err.position.line, 1);
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&deep).unwrap_err();
        assert!(
            err.message.contains("nesting") || err.message.contains("recursion"),
            "{}",
            err.message
        );
        let deep_block: String = (0..200).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let err = parse(&deep_block).unwrap_err();
        assert!(
            err.message.contains("nesting deeper than 64"),
            "{}",
            err.message
        );
    }

    #[test]
    fn second_document_is_refused() {
        let err = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err.message.contains("single YAML document"));
    }
}
