//! Query errors.

/// Why a query was not answered.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// A parameter of the query breaks a rule; the caller can fix it.
    #[error("parameter `{parameter}`: {rule}")]
    BadInput {
        /// The parameter, as the REST API names it.
        parameter: &'static str,
        /// The rule it breaks, as a sentence.
        rule: String,
    },
    /// The query is as of a height above the tip: that block does not exist yet. The REST API
    /// answers 404 `no-block-yet`.
    #[error("no block at height {height} yet")]
    NoBlockYet {
        /// The height asked.
        height: u64,
    },
    /// The cursor is well-formed text but names no position in the listing it was given to (a
    /// cursor of another listing, or of the wrong length). The REST API answers 404
    /// `cursor-unknown`.
    #[error("cursor {cursor:?} names no position in this listing: {rule}")]
    CursorUnknown {
        /// The cursor, as given.
        cursor: String,
        /// What a position of this listing is, as a sentence.
        rule: String,
    },
    /// The node's store could not be read.
    #[error("the store could not be read")]
    Storage {
        /// Whether the store found itself damaged (a checksum refused, a value that does not
        /// decode or is missing): retrying this node cannot help. Otherwise the read may succeed
        /// later.
        damaged: bool,
        /// The store's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The query could not run to its end (its task was cancelled or panicked).
    #[error("the query did not complete: {reason}")]
    Unavailable {
        /// What happened.
        reason: String,
    },
}

impl QueryError {
    /// A [`QueryError::BadInput`].
    pub fn bad_input(parameter: &'static str, rule: impl Into<String>) -> Self {
        Self::BadInput { parameter, rule: rule.into() }
    }
}
