//! Why the ledger refused a transaction inside a block. Receipts keep [`Rejection::code`], so a
//! code is fixed forever: append new ones, never renumber or reuse. Code 0 means accepted.
//! (Borsh and serde would store a variant's position, so receipts store the code instead.)

/// A rule a transaction broke. The name states the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, thiserror::Error)]
#[repr(u16)]
pub enum Rejection {
    /// The nonce is not one more than the signer's last committed nonce.
    #[error("nonce is not the signer's next nonce")]
    NonceNotNext = 1,
    /// The signer's roles do not allow the action.
    #[error("the signer's roles do not allow this action")]
    RoleMissing = 2,
    /// The signer is not a member of the consortium.
    #[error("the signer is not a registered member")]
    SignerUnknown = 3,
    /// The signer's key was revoked or rotated away.
    #[error("the signer's key is revoked")]
    SignerRevoked = 4,
    /// The signer's org is suspended.
    #[error("the signer's org is suspended")]
    OrgSuspended = 5,
    /// The chain passed the tx's `valid_until` height.
    #[error("the tx expired before this height")]
    TxExpired = 6,
    /// A text field exceeds its length limit.
    #[error("a text field is longer than its limit")]
    TextTooLong = 7,
    /// A list exceeds its item limit.
    #[error("a list holds more items than its limit")]
    ListTooLong = 8,
    /// An id is empty, too long, or holds a forbidden character.
    #[error("an id is malformed")]
    IdMalformed = 9,
}

impl Rejection {
    /// The stable code stored in receipts.
    pub const fn code(self) -> u16 {
        self as u16
    }

    /// Every rejection, in code order.
    pub const ALL: [Self; 9] = [
        Self::NonceNotNext,
        Self::RoleMissing,
        Self::SignerUnknown,
        Self::SignerRevoked,
        Self::OrgSuspended,
        Self::TxExpired,
        Self::TextTooLong,
        Self::ListTooLong,
        Self::IdMalformed,
    ];

    /// The rejection with `code`, if any.
    pub fn from_code(code: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|rejection| rejection.code() == code)
    }

    /// The variant's name, used as the stable slug in REST problem types.
    pub fn name(self) -> String {
        format!("{self:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_nonzero_and_listed_in_order() {
        let codes: Vec<u16> = Rejection::ALL.iter().map(|r| r.code()).collect();

        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(codes[0] > 0);
        for rejection in Rejection::ALL {
            assert_eq!(Rejection::from_code(rejection.code()), Some(rejection));
        }
    }
}
