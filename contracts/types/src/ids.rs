//! Newtypes for every number or string with a meaning: heights, times, nonces and record ids.
//!
//! Numeric ids are assigned by the ledger in commit order, one sequence per kind of record, so
//! they are dense, deterministic and short enough for a clerk to read out. String ids (org ids,
//! catalog codes, certificate numbers) are chosen by people or derived by rule; they are checked by
//! [`check_id`] where they enter the ledger.

use std::fmt;

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::limits::ID_BYTES_MAX;

/// Declares a `u64` newtype with the derives every id shares.
macro_rules! number_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash,
            BorshSerialize, BorshDeserialize, Serialize, Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

/// Declares a `String` newtype with the derives every textual id shares.
macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash,
            BorshSerialize, BorshDeserialize, Serialize, Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }
    };
}

number_id!(
    /// A block's position in the chain. Genesis is height 0; the first block is height 1.
    Height
);
number_id!(
    /// Block time: milliseconds since 1970-01-01T00:00:00Z, set by the proposer and checked by the
    /// validators. The only clock the ledger rules ever see.
    Timestamp
);
number_id!(
    /// A signer's transaction counter: each tx carries exactly one more than the last committed.
    Nonce
);
number_id!(
    /// A version of the protocol: the ledger rules a block is judged by. A chain starts at
    /// version 1; governance schedules each later one at an activation height.
    ProtocolVersion
);
number_id!(
    /// A governance proposal.
    ProposalId
);
number_id!(
    /// A resource registered under a catalog entry.
    ResourceId
);
number_id!(
    /// A share request.
    ShareRequestId
);
number_id!(
    /// A grant issued by a share answer (or by the ledger for unconditional shares).
    GrantId
);
number_id!(
    /// A recorded data-access event.
    AccessEventId
);
number_id!(
    /// A violation: an access no valid grant covered.
    ViolationId
);
number_id!(
    /// A data quality report.
    QualityReportId
);
number_id!(
    /// A data-property registration application.
    ApplicationId
);
number_id!(
    /// An objection filed during a public notice.
    ObjectionId
);
number_id!(
    /// A deadline-bound duty (catalog update, resource registration, correction, answer).
    ObligationId
);
number_id!(
    /// An org's open-data plan for one year (开放计划).
    OpenDataPlanId
);
number_id!(
    /// A development scenario (应用场景) applied for by a development entity.
    ScenarioId
);
number_id!(
    /// A development grant: an approved scenario's permission to develop named resources.
    DevelopmentGrantId
);
number_id!(
    /// A published periodic report (通报) recorded on the ledger.
    PublishedReportId
);

text_id!(
    /// The chain's name, inside every signed body so a signature is valid on one chain only.
    ChainId
);
text_id!(
    /// An organisation, e.g. `xm-dsj` (Xiamen data bureau).
    OrgId
);
text_id!(
    /// A region code (行政区划代码), e.g. `350200` for Xiamen.
    RegionCode
);
text_id!(
    /// A catalog entry's code: region + org + sequence, assigned by the ledger.
    CatalogCode
);
text_id!(
    /// An information system that produces data.
    SystemId
);
text_id!(
    /// An entry of the governed legal-basis registry, cited by refusals and requests.
    LegalBasisCode
);
text_id!(
    /// A data-property certificate number, ending in a check digit.
    CertificateNumber
);

impl Height {
    /// The height after this one.
    pub const fn next(self) -> Self {
        Self(self.0 + 1)
    }
}

impl ProtocolVersion {
    /// The version every chain starts at.
    pub const GENESIS: Self = Self(1);

    /// The version after this one.
    pub const fn next(self) -> Self {
        Self(self.0 + 1)
    }
}

impl Nonce {
    /// The nonce after this one.
    pub const fn next(self) -> Self {
        Self(self.0 + 1)
    }
}

/// Why a textual id is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The id is empty.
    #[error("id is empty")]
    Empty,
    /// The id is too long.
    #[error("id is {len_bytes} bytes; the limit is {ID_BYTES_MAX}")]
    TooLong {
        /// Its length.
        len_bytes: usize,
    },
    /// The id holds a character outside `A-Z a-z 0-9 . _ -`.
    #[error("id holds {character:?}; only ASCII letters, digits, '.', '_' and '-' are allowed")]
    BadCharacter {
        /// The first offending character.
        character: char,
    },
}

/// Checks a textual id: 1 to [`ID_BYTES_MAX`] bytes of ASCII letters, digits, `.`, `_`, `-`.
pub fn check_id(text: &str) -> Result<(), IdError> {
    if text.is_empty() {
        return Err(IdError::Empty);
    }
    if text.len() > ID_BYTES_MAX {
        return Err(IdError::TooLong { len_bytes: text.len() });
    }
    match text.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        Some(character) => Err(IdError::BadCharacter { character }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_codes_and_refuse_spaces_and_overlong_text() {
        assert_eq!(check_id("xm-dsj.2024_01"), Ok(()));
        assert_eq!(check_id(""), Err(IdError::Empty));
        assert_eq!(check_id("a b"), Err(IdError::BadCharacter { character: ' ' }));
        assert_eq!(check_id(&"a".repeat(65)), Err(IdError::TooLong { len_bytes: 65 }));
    }

    #[test]
    fn ids_serialize_as_bare_json_values() {
        let json = serde_json::to_string(&(Height(5), OrgId::from("xm-dsj"))).expect("json");

        assert_eq!(json, r#"[5,"xm-dsj"]"#);
    }
}
