//! Pure rules of the member lifecycle.

use onebook_types::{
    consortium::{MemberStatus, Role},
    rejection::Rejection,
};

/// The status a member moves to when revoked (or rotated away).
pub fn status_after_revoke(status: MemberStatus) -> Result<MemberStatus, Rejection> {
    match status {
        MemberStatus::Active => Ok(MemberStatus::Revoked),
        MemberStatus::Revoked => Err(Rejection::MemberAlreadyRevoked),
    }
}

/// Roles as they read in JSON and events, comma-separated: `org-admin,catalog-clerk`.
pub fn role_names(roles: &[Role]) -> String {
    let names: Vec<&str> = roles
        .iter()
        .map(|role| match role {
            Role::OrgAdmin => "org-admin",
            Role::CatalogClerk => "catalog-clerk",
            Role::ShareApprover => "share-approver",
            Role::DataUser => "data-user",
            Role::Registrar => "registrar",
            Role::Auditor => "auditor",
            Role::PrimaryDeveloper => "primary-developer",
            Role::SecondaryDeveloper => "secondary-developer",
        })
        .collect();
    names.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_is_revoked_once() {
        assert_eq!(status_after_revoke(MemberStatus::Active), Ok(MemberStatus::Revoked));
        assert_eq!(
            status_after_revoke(MemberStatus::Revoked),
            Err(Rejection::MemberAlreadyRevoked)
        );
    }

    #[test]
    fn role_names_read_as_in_json() {
        assert_eq!(role_names(&[Role::OrgAdmin, Role::DataUser]), "org-admin,data-user");
    }
}
