//! Members: keys bound to an org, with roles granted by the org's admin.
//!
//! ```text
//!   RegisterMember ──▶ Active ──RevokeMember──────▶ Revoked
//!                        │  ▲                          ▲
//!          SetMemberRoles└──┘    RotateMemberKey ───────┘ (old key; the new key starts Active,
//!                                                          same org, name and roles, nonce 0)
//! ```
//!
//! A key is bound once: a revoked or rotated-away key can never be registered again, so every
//! signature in the history names exactly one member. Orgs themselves are admitted, suspended
//! and reinstated by [`governance`](crate::governance).

mod apply;
mod transitions;

pub use apply::{register_member, revoke_member, rotate_member_key, set_member_roles};
pub use transitions::{role_names, status_after_revoke};

#[cfg(test)]
mod tests;
