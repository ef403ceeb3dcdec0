//! Lineage: where a developed product came from, and which grants an onward grant derives from.
//!
//! A node puts the lineage records beside the records it belongs to (`docs/formats.md` §29):
//! for a certificate or application of a product, the product under its digest (or its
//! absence), its development grant and the scenario that yielded it; for an onward grant, its
//! lineage and close-out, and each grant above it with its lineage and close-out (or their
//! absence). [`check`] holds every such record to the ledger's rules, restated here because the
//! verifier depends on no ledger code: a product names its grant and developer, the grant its
//! approved scenario, and each onward grant sits within its parent (same request, provider and
//! entry; items within the parent's; a term no longer; granted on by the parent's grantee, one
//! level below it, and listed among its onward grants). [`Verdict::development`] and
//! [`Verdict::onward_chain`] read the proved lineage; [`ended_above`] judges whether a grant
//! above an onward grant had stopped covering use at a block time.

use onebook_types::{
    action::PropertySubject,
    development_records::{
        DevelopedProduct, DevelopmentGrant, DevelopmentScenario, ScenarioStatus,
    },
    hash::Hash32,
    ids::{CertificateNumber, GrantId, Timestamp},
    lifecycle_records::{GrantCloseOut, GrantLineage},
    limits::ONWARD_DEPTH_MAX,
    record::RecordKey,
    sharing_records::{Grant, GrantStatus},
};

use crate::{ProvenRecord, RecordValue, Verdict, VerifyError, error::Result};

/// Where a proved product certificate's product came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Development {
    /// The product was recorded under this development grant, from this approved scenario.
    Granted {
        /// The developed product.
        product: Box<DevelopedProduct>,
        /// Its development grant.
        grant: Box<DevelopmentGrant>,
        /// The scenario whose approval yielded the grant.
        scenario: Box<DevelopmentScenario>,
    },
    /// No developed product is recorded under the digest (a product registered before
    /// development grants existed): the bundle proves its absence.
    NotRecorded {
        /// The product's digest.
        digest: Hash32,
    },
}

impl Development {
    /// The development grant, if the product was recorded under one.
    pub fn grant(&self) -> Option<&DevelopmentGrant> {
        match self {
            Self::Granted { grant, .. } => Some(grant),
            Self::NotRecorded { .. } => None,
        }
    }
}

/// One grant of an onward chain as the bundle proves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainLevel {
    /// The grant.
    pub grant: Grant,
    /// Its lineage (the default, depth 0 and no parent, for the grant issued on the share
    /// request when it is proved without one).
    pub lineage: GrantLineage,
    /// Its close-out, if recorded; `None` when the bundle proves there is none.
    pub close_out: Option<GrantCloseOut>,
}

impl ChainLevel {
    /// The block time at which this grant stopped covering use by a tx (its revocation or its
    /// close-out, the earlier), if it did.
    pub fn ended_at(&self) -> Option<Timestamp> {
        let revoked = match &self.grant.status {
            GrantStatus::Revoked { at, .. } => Some(*at),
            GrantStatus::Active => None,
        };
        let closed = self.close_out.as_ref().map(|record| record.ended_at);
        match (revoked, closed) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

impl Verdict {
    /// Where the product of the proved certificate `number` came from, if it is a product
    /// certificate whose product the bundle proves (present or absent).
    pub fn development(&self, number: &CertificateNumber) -> Option<Development> {
        let key = RecordKey::Certificate(number.clone());
        let Some(RecordValue::Certificate(certificate)) = self.value(&key) else { return None };
        self.development_of(&certificate.subject)
    }

    /// Where the product of `subject` came from, if it is a product the bundle proves.
    pub fn development_of(&self, subject: &PropertySubject) -> Option<Development> {
        let PropertySubject::Product { digest, .. } = subject else { return None };
        match self.value(&RecordKey::Product(*digest))? {
            RecordValue::Absent => Some(Development::NotRecorded { digest: *digest }),
            RecordValue::Product(product) => {
                let Some(RecordValue::DevelopmentGrant(grant)) =
                    self.value(&RecordKey::DevelopmentGrant(product.grant))
                else {
                    return None;
                };
                let Some(RecordValue::Scenario(scenario)) =
                    self.value(&RecordKey::Scenario(grant.scenario))
                else {
                    return None;
                };
                Some(Development::Granted {
                    product: product.clone(),
                    grant: grant.clone(),
                    scenario: scenario.clone(),
                })
            }
            _ => None,
        }
    }

    /// The proved chain of `grant`: the grant first, then each grant it derives from up to the
    /// one issued on the share request. Just the grant when the bundle proves no lineage for
    /// it (a grant issued on a share request, or a bundle cut before onward grants); `None`
    /// when the bundle does not prove the grant.
    pub fn onward_chain(&self, grant: GrantId) -> Option<Vec<ChainLevel>> {
        let mut chain = Vec::new();
        let mut next = Some(grant);
        while let Some(id) = next {
            let Some(RecordValue::Grant(grant)) = self.value(&RecordKey::Grant(id)) else {
                return if chain.is_empty() { None } else { Some(chain) };
            };
            let lineage = match self.value(&RecordKey::GrantLineage(id)) {
                Some(RecordValue::GrantLineage(lineage)) => lineage.as_ref().clone(),
                _ => GrantLineage::default(),
            };
            let close_out = match self.value(&RecordKey::GrantCloseOut(id)) {
                Some(RecordValue::GrantCloseOut(record)) => Some(record.as_ref().clone()),
                _ => None,
            };
            next = lineage.parent;
            chain.push(ChainLevel { grant: grant.as_ref().clone(), lineage, close_out });
            if chain.len() > usize::from(ONWARD_DEPTH_MAX) {
                break;
            }
        }
        Some(chain)
    }
}

/// The earliest block time at which one of the grants above the first level of `chain`
/// stopped covering use, if one did: an onward grant covers nothing from then on.
pub fn ended_above(chain: &[ChainLevel]) -> Option<Timestamp> {
    chain.iter().skip(1).filter_map(ChainLevel::ended_at).min()
}

/// Checks every lineage record the bundle proves against the records it links (see the
/// module doc); `records` are the proved records in bundle order.
pub(crate) fn check(records: &[ProvenRecord]) -> Result<()> {
    let value = |key: &RecordKey| {
        records.iter().find(|record| record.key == *key).map(|record| &record.value)
    };
    for (index, record) in records.iter().enumerate() {
        let fail = |detail: String| Err(VerifyError::Lineage { index, detail });
        match (&record.key, &record.value) {
            (RecordKey::Certificate(_), RecordValue::Certificate(certificate)) => {
                let PropertySubject::Product { digest, .. } = &certificate.subject else {
                    continue;
                };
                if let Some(RecordValue::Product(product)) = value(&RecordKey::Product(*digest))
                    && product.developer != certificate.holder
                    && certificate.parent.is_none()
                    && certificate.transfers.is_empty()
                {
                    return fail(format!(
                        "certificate {} is held by {}, but product {digest} was developed by {}",
                        certificate.number, certificate.holder, product.developer
                    ));
                }
            }
            (RecordKey::Product(digest), RecordValue::Product(product)) => {
                if product.digest != *digest {
                    return fail(format!("product {digest} holds product {}", product.digest));
                }
                match value(&RecordKey::DevelopmentGrant(product.grant)) {
                    Some(RecordValue::DevelopmentGrant(grant)) => {
                        if grant.developer != product.developer {
                            return fail(format!(
                                "product {digest} was developed by {}, but development grant {} \
                                 is {}'s",
                                product.developer, grant.id, grant.developer
                            ));
                        }
                    }
                    _ => {
                        return fail(format!(
                            "product {digest} names development grant {}, which the bundle \
                             does not prove",
                            product.grant
                        ));
                    }
                }
            }
            (RecordKey::DevelopmentGrant(id), RecordValue::DevelopmentGrant(grant)) => {
                if grant.id != *id {
                    return fail(format!("development grant {id} holds grant {}", grant.id));
                }
                let Some(RecordValue::Scenario(scenario)) =
                    value(&RecordKey::Scenario(grant.scenario))
                else {
                    return fail(format!(
                        "development grant {id} names scenario {}, which the bundle does not \
                         prove",
                        grant.scenario
                    ));
                };
                let approved = scenario.status == ScenarioStatus::Approved { grant: *id };
                if scenario.id != grant.scenario
                    || !approved
                    || scenario.developer != grant.developer
                    || scenario.draft.scenario_type != grant.scenario_type
                {
                    return fail(format!(
                        "scenario {} is not the approved scenario of {}'s development grant {id}",
                        scenario.id, grant.developer
                    ));
                }
            }
            (RecordKey::GrantLineage(id), RecordValue::GrantLineage(lineage)) => {
                check_onward(*id, lineage, &value).or_else(fail)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks the onward grant `id` with `lineage` against its parent, which must be proved.
fn check_onward<'a>(
    id: GrantId,
    lineage: &GrantLineage,
    value: &impl Fn(&RecordKey) -> Option<&'a RecordValue>,
) -> std::result::Result<(), String> {
    let Some(parent_id) = lineage.parent else {
        return if lineage.depth == 0 && lineage.granted_by.is_none() {
            Ok(())
        } else {
            Err(format!("grant {id}'s lineage names no parent but depth {}", lineage.depth))
        };
    };
    let Some(RecordValue::Grant(child)) = value(&RecordKey::Grant(id)) else {
        return Err(format!("the lineage of grant {id} is proved without the grant"));
    };
    let Some(RecordValue::Grant(parent)) = value(&RecordKey::Grant(parent_id)) else {
        return Err(format!("grant {id} derives from grant {parent_id}, which is not proved"));
    };
    let parent_lineage = match value(&RecordKey::GrantLineage(parent_id)) {
        Some(RecordValue::GrantLineage(lineage)) => lineage.as_ref().clone(),
        _ => return Err(format!("grant {id}'s parent {parent_id} is proved without its lineage")),
    };
    if value(&RecordKey::GrantCloseOut(parent_id)).is_none() {
        return Err(format!(
            "grant {id}'s parent {parent_id} is proved without its close-out or its absence"
        ));
    }
    let same = child.request == parent.request
        && child.provider == parent.provider
        && child.entry == parent.entry
        && child.starts == parent.starts;
    if !same {
        return Err(format!(
            "grant {id} answers another request, provider, entry or start than its parent \
             {parent_id}"
        ));
    }
    let items_within = parent.is_entry_scoped()
        || (!child.is_entry_scoped() && child.items.iter().all(|item| parent.items.contains(item)));
    if !items_within {
        return Err(format!("grant {id}'s items exceed its parent {parent_id}'s"));
    }
    if child.expires_at > parent.expires_at {
        return Err(format!("grant {id} outlasts its parent {parent_id}"));
    }
    if lineage.granted_by.as_ref() != Some(&parent.grantee) {
        return Err(format!("grant {id} was not granted on by its parent's grantee"));
    }
    if lineage.depth != parent_lineage.depth + 1 || lineage.depth > ONWARD_DEPTH_MAX {
        return Err(format!(
            "grant {id} sits at depth {} below a parent at depth {}",
            lineage.depth, parent_lineage.depth
        ));
    }
    if !parent_lineage.children.contains(&id) {
        return Err(format!("grant {parent_id} does not list grant {id} among its onward grants"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use onebook_types::{
        development_records::{DeveloperLevel, ScenarioDraft},
        ids::{
            CatalogCode, DevelopmentGrantId, Height, OrgId, ResourceId, ScenarioId, ShareRequestId,
        },
        keys::PublicKey,
        time::Date,
    };

    use super::*;

    fn grant(id: u64, grantee: &str, items: &[&str], expires_at: u64) -> Grant {
        Grant {
            id: GrantId(id),
            request: ShareRequestId(1),
            grantee: OrgId::from(grantee),
            provider: OrgId::from("fj-sjj"),
            entry: CatalogCode::from("E"),
            items: items.iter().map(|item| (*item).to_owned()).collect(),
            starts: Date(20_000),
            expires_at: Timestamp(expires_at),
            conditions: String::new(),
            exception: false,
            status: GrantStatus::Active,
            legal_basis: None,
        }
    }

    fn record(key: RecordKey, value: RecordValue) -> ProvenRecord {
        ProvenRecord { key, value }
    }

    /// Grant 1 to `xm-dsj`, passed on as grant 2 to `xm-smq` with `items` until `expires_at`.
    fn chain(items: &[&str], expires_at: u64) -> Vec<ProvenRecord> {
        let parent =
            GrantLineage { parent: None, granted_by: None, depth: 0, children: vec![GrantId(2)] };
        let child = GrantLineage {
            parent: Some(GrantId(1)),
            granted_by: Some(OrgId::from("xm-dsj")),
            depth: 1,
            children: vec![],
        };
        vec![
            record(
                RecordKey::Grant(GrantId(2)),
                RecordValue::Grant(Box::new(grant(2, "xm-smq", items, expires_at))),
            ),
            record(RecordKey::GrantLineage(GrantId(2)), RecordValue::GrantLineage(Box::new(child))),
            record(RecordKey::GrantCloseOut(GrantId(2)), RecordValue::Absent),
            record(
                RecordKey::Grant(GrantId(1)),
                RecordValue::Grant(Box::new(grant(1, "xm-dsj", &["a", "b"], 1_000))),
            ),
            record(
                RecordKey::GrantLineage(GrantId(1)),
                RecordValue::GrantLineage(Box::new(parent)),
            ),
            record(RecordKey::GrantCloseOut(GrantId(1)), RecordValue::Absent),
        ]
    }

    fn refusal(records: &[ProvenRecord]) -> String {
        match check(records) {
            Err(VerifyError::Lineage { detail, .. }) => detail,
            other => panic!("not a lineage refusal: {other:?}"),
        }
    }

    #[test]
    fn an_onward_grant_within_its_parent_passes_and_one_wider_or_longer_is_refused() {
        assert!(check(&chain(&["b"], 1_000)).is_ok());

        let wider = refusal(&chain(&["b", "c"], 1_000));
        let longer = refusal(&chain(&["b"], 1_001));
        let mut hidden = chain(&["b"], 1_000);
        hidden.retain(|record| record.key != RecordKey::GrantCloseOut(GrantId(1)));

        assert!(wider.contains("items exceed its parent 1's"), "{wider}");
        assert!(longer.contains("outlasts its parent 1"), "{longer}");
        assert!(refusal(&hidden).contains("without its close-out or its absence"));
    }

    fn development(developer: &str, approved_as: u64) -> Vec<ProvenRecord> {
        let digest = Hash32([5; 32]);
        let product = DevelopedProduct {
            digest,
            name: "p".into(),
            description: String::new(),
            grant: DevelopmentGrantId(1),
            developer: OrgId::from("xm-jypt"),
            resources: vec![ResourceId(1)],
            signer: PublicKey([1; 32]),
            recorded_at: Height(3),
        };
        let grant = DevelopmentGrant {
            id: DevelopmentGrantId(1),
            scenario: ScenarioId(1),
            scenario_type: "t".into(),
            developer: OrgId::from(developer),
            level: DeveloperLevel::Primary,
            resources: vec![ResourceId(1)],
            starts: Date(20_000),
            ends: Date(20_100),
            approved_by: OrgId::from("xm-dsj"),
            approved_at: Timestamp(1),
        };
        let scenario = DevelopmentScenario {
            id: ScenarioId(1),
            developer: OrgId::from(developer),
            applicant: PublicKey([1; 32]),
            level: DeveloperLevel::Primary,
            draft: ScenarioDraft {
                scenario_type: "t".into(),
                name: "s".into(),
                description: String::new(),
                resources: vec![ResourceId(1)],
                starts: Date(20_000),
                ends: Date(20_100),
            },
            authority: OrgId::from("xm-dsj"),
            applied_at: Timestamp(1),
            status: ScenarioStatus::Approved { grant: DevelopmentGrantId(approved_as) },
        };
        vec![
            record(RecordKey::Product(digest), RecordValue::Product(Box::new(product))),
            record(
                RecordKey::DevelopmentGrant(DevelopmentGrantId(1)),
                RecordValue::DevelopmentGrant(Box::new(grant)),
            ),
            record(RecordKey::Scenario(ScenarioId(1)), RecordValue::Scenario(Box::new(scenario))),
        ]
    }

    #[test]
    fn a_product_must_name_its_developers_grant_and_the_grant_its_approved_scenario() {
        assert!(check(&development("xm-jypt", 1)).is_ok());

        let other_developer = refusal(&development("xm-dsjgs", 1));
        let other_approval = refusal(&development("xm-jypt", 2));
        let mut no_scenario = development("xm-jypt", 1);
        no_scenario.pop();

        assert!(other_developer.contains("was developed by xm-jypt"), "{other_developer}");
        assert!(other_approval.contains("is not the approved scenario"), "{other_approval}");
        assert!(refusal(&no_scenario).contains("which the bundle does not prove"));
    }
}
