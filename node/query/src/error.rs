//! Query errors.

use onebook_storage::StorageError;

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
    /// The node's store could not be read.
    #[error("the store could not be read")]
    Storage(#[source] StorageError),
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

impl From<StorageError> for QueryError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::InvalidCursor => {
                Self::bad_input("cursor", "is not a cursor this listing gave")
            }
            other => Self::Storage(other),
        }
    }
}
