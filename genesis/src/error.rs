//! Why a genesis file could not be read, or breaks a rule.

use std::fmt;

use onebook_types::limits::GENESIS_BYTES_MAX;

/// Why genesis bytes could not be turned into a valid [`GenesisFile`](crate::GenesisFile).
#[derive(Debug, thiserror::Error)]
pub enum GenesisError {
    /// The input is larger than [`GENESIS_BYTES_MAX`]; it was not parsed.
    #[error("genesis file is {size_bytes} bytes; the limit is {GENESIS_BYTES_MAX}")]
    TooLarge {
        /// Size of the input.
        size_bytes: usize,
    },
    /// The input is not a genesis file in JSON (syntax, a missing or unknown field, a bad value).
    #[error("genesis file is not valid JSON for its format")]
    Json(#[from] serde_json::Error),
    /// Dev keys were asked of a file that is not `dev_only`.
    #[error("genesis file is not dev_only; only a dev network's keys can be derived again")]
    NotDevOnly,
    /// The file parsed but breaks validation rules.
    #[error(transparent)]
    Invalid(#[from] GenesisErrors),
}

/// One broken rule: the field at fault and a sentence naming it and the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The path of the field, e.g. `orgs[2].parent`.
    pub field: String,
    /// The full sentence, starting with the field, e.g. ``orgs[2].parent names `xm-xx`, which is
    /// not an org in this file``.
    pub sentence: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence)
    }
}

/// Every problem [`GenesisFile::validate`](crate::GenesisFile::validate) found, in field order.
/// Never empty.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct GenesisErrors {
    /// The problems, at least one.
    pub problems: Vec<Problem>,
}

impl GenesisErrors {
    /// Whether some problem concerns `field` or a field inside it.
    pub fn mentions(&self, field: &str) -> bool {
        self.problems.iter().any(|problem| {
            problem.field == field
                || problem
                    .field
                    .strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        })
    }
}

impl fmt::Display for GenesisErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        write!(f, "genesis file breaks {count} rule{}", if count == 1 { "" } else { "s" })?;
        for problem in &self.problems {
            write!(f, "\n- {problem}")?;
        }
        Ok(())
    }
}
