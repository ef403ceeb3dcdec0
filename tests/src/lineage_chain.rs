//! A variant of the proof chain ([`crate::proof_chain`]) that also holds lineage records of
//! protocol version 3, for the lineage bundles of `docs/formats.md` section 29 and their golden
//! vectors. Besides the proof chain's own records it writes:
//!
//! | height | records |
//! |---|---|
//! | 1 | certificate [`PRODUCT_CERTIFICATE`] of a developed product, the product under its digest, its development grant 1 and scenario 1; grants 2 (`xm-gaj` to `xm-smq`) and 3 (`xm-smq` to `xm-smq-sjj`) passed on from grant 1, and the lineage of all three |
//! | 2 ([`ACCESS_HEIGHT`]) | access event 2 under grant 3, covered |
//! | 5 ([`REVOKE_HEIGHT`]) | grant 1 revoked |
//! | 9 ([`CUT_OFF_HEIGHT`]) | access event 3 under grant 3, a violation: its parent ended |
//!
//! Both dev witnesses cosign the checkpoint at [`CHECKPOINT_HEIGHT`], as in the proof chain.

use onebook_genesis::{GenesisFile, dev_secret};
use onebook_storage::{RecordChange, Store, Tip};
use onebook_types::{
    action::{PropertySubject, RightKind},
    codec,
    development_records::{
        DevelopedProduct, DeveloperLevel, DevelopmentGrant, DevelopmentScenario, ScenarioDraft,
        ScenarioStatus,
    },
    hash::Hash32,
    ids::{
        AccessEventId, CertificateNumber, DevelopmentGrantId, GrantId, Height, OrgId, ResourceId,
        ScenarioId, Timestamp, ViolationId,
    },
    lifecycle_records::GrantLineage,
    property_records::{Certificate, CertificateStatus, subject_hash},
    record::RecordKey,
    sharing_records::{AccessEvent, Grant, GrantStatus},
};

pub use crate::proof_chain::{ACCESS_HEIGHT, CHECKPOINT_HEIGHT};
use crate::proof_chain::{WITNESSES, access_event, block_time, cosign, date, extend_with, grant};

/// The certificate of a developed product, held by its developer `xm-jypt`.
pub const PRODUCT_CERTIFICATE: &str = "350200-2026-0000052";
/// The height of the block that revokes grant 1, the top of the onward chain.
pub const REVOKE_HEIGHT: Height = Height(5);
/// The height of the block that records an access under grant 3 after grant 1's revocation.
pub const CUT_OFF_HEIGHT: Height = Height(9);

/// The developed product's digest.
pub fn product_digest() -> Hash32 {
    Hash32([0x5a; 32])
}

/// The product certificate.
pub fn product_certificate() -> Certificate {
    let subject = PropertySubject::Product {
        name: "小微企业信用分".into(),
        description: "普惠金融场景下开发的企业信用评分".into(),
        digest: product_digest(),
        inputs: vec![],
    };
    Certificate {
        number: CertificateNumber::from(PRODUCT_CERTIFICATE),
        application: Some(onebook_types::ids::ApplicationId(5)),
        right: RightKind::Holding,
        subject_hash: subject_hash(&subject),
        subject,
        holder: OrgId::from("xm-jypt"),
        parent: None,
        issuer: OrgId::from("xm-djzx"),
        valid_from: date(2026, 4, 30),
        valid_until: date(2028, 4, 29),
        issued_at: block_time(Height(1)),
        transfers: vec![],
        status: CertificateStatus::Active,
    }
}

/// The product under its digest.
pub fn product() -> DevelopedProduct {
    DevelopedProduct {
        digest: product_digest(),
        name: "小微企业信用分".into(),
        description: "按月更新的小微企业信用评分".into(),
        grant: DevelopmentGrantId(1),
        developer: OrgId::from("xm-jypt"),
        resources: vec![ResourceId(1)],
        signer: dev_secret("xm-jypt/developer").public_key(),
        recorded_at: Height(1),
    }
}

/// Development grant 1, of scenario 1.
pub fn development_grant() -> DevelopmentGrant {
    DevelopmentGrant {
        id: DevelopmentGrantId(1),
        scenario: ScenarioId(1),
        scenario_type: "普惠金融".into(),
        developer: OrgId::from("xm-jypt"),
        level: DeveloperLevel::Primary,
        resources: vec![ResourceId(1)],
        starts: date(2026, 4, 30),
        ends: date(2027, 4, 29),
        approved_by: OrgId::from("xm-dsj"),
        approved_at: block_time(Height(1)),
    }
}

/// Scenario 1, approved as development grant 1.
pub fn scenario() -> DevelopmentScenario {
    DevelopmentScenario {
        id: ScenarioId(1),
        developer: OrgId::from("xm-jypt"),
        applicant: dev_secret("xm-jypt/developer").public_key(),
        level: DeveloperLevel::Primary,
        draft: ScenarioDraft {
            scenario_type: "普惠金融".into(),
            name: "小微企业信用评估".into(),
            description: "基于企业登记信息的授信模型".into(),
            resources: vec![ResourceId(1)],
            starts: date(2026, 4, 30),
            ends: date(2027, 4, 29),
        },
        authority: OrgId::from("xm-dsj"),
        applied_at: block_time(Height(1)),
        status: ScenarioStatus::Approved { grant: DevelopmentGrantId(1) },
    }
}

/// Onward grant `id` (2 or 3) to `grantee`, for `name` only, ending `days_less` days before
/// grant 1.
fn onward(id: u64, grantee: &str, days_less: u64) -> Grant {
    let parent = grant();
    Grant {
        id: GrantId(id),
        grantee: OrgId::from(grantee),
        items: vec!["name".into()],
        expires_at: Timestamp(parent.expires_at.0 - days_less * 86_400_000),
        ..parent
    }
}

/// The lineage of grant `id`.
pub fn lineage(id: u64) -> GrantLineage {
    match id {
        1 => GrantLineage { parent: None, granted_by: None, depth: 0, children: vec![GrantId(2)] },
        2 => GrantLineage {
            parent: Some(GrantId(1)),
            granted_by: Some(OrgId::from("xm-gaj")),
            depth: 1,
            children: vec![GrantId(3)],
        },
        _ => GrantLineage {
            parent: Some(GrantId(2)),
            granted_by: Some(OrgId::from("xm-smq")),
            depth: 2,
            children: vec![],
        },
    }
}

/// Access event `id` under grant 3 by `xm-smq-sjj`, recorded at `height`: the proof chain's
/// access event, moved.
pub fn onward_access(id: u64, height: Height) -> AccessEvent {
    let gateway = dev_secret("xm-smq-sjj/gateway").public_key();
    let mut event = access_event();
    event.id = AccessEventId(id);
    event.org = OrgId::from("xm-smq-sjj");
    event.gateway = gateway;
    event.access.grant = Some(GrantId(3));
    event.access.member = gateway;
    event.access.accessed_at = Timestamp(block_time(height).0 - 500);
    event.recorded_at = block_time(height);
    event.violation = (height == CUT_OFF_HEIGHT).then_some(ViolationId(1));
    event
}

fn lineage_changes(height: Height) -> Vec<RecordChange> {
    let change = |key: RecordKey, value: Vec<u8>| RecordChange { key, value: Some(value) };
    match height {
        Height(1) => vec![
            change(
                RecordKey::Certificate(CertificateNumber::from(PRODUCT_CERTIFICATE)),
                codec::encode(&product_certificate()),
            ),
            change(RecordKey::Product(product_digest()), codec::encode(&product())),
            change(
                RecordKey::DevelopmentGrant(DevelopmentGrantId(1)),
                codec::encode(&development_grant()),
            ),
            change(RecordKey::Scenario(ScenarioId(1)), codec::encode(&scenario())),
            change(RecordKey::Grant(GrantId(2)), codec::encode(&onward(2, "xm-smq", 1))),
            change(RecordKey::Grant(GrantId(3)), codec::encode(&onward(3, "xm-smq-sjj", 2))),
            change(RecordKey::GrantLineage(GrantId(1)), codec::encode(&lineage(1))),
            change(RecordKey::GrantLineage(GrantId(2)), codec::encode(&lineage(2))),
            change(RecordKey::GrantLineage(GrantId(3)), codec::encode(&lineage(3))),
        ],
        ACCESS_HEIGHT | CUT_OFF_HEIGHT => {
            let event = onward_access(if height == ACCESS_HEIGHT { 2 } else { 3 }, height);
            vec![change(RecordKey::AccessEvent(event.id), codec::encode(&event))]
        }
        REVOKE_HEIGHT => {
            let mut revoked = grant();
            revoked.status = GrantStatus::Revoked {
                at: block_time(REVOKE_HEIGHT),
                reason: "发现超范围调用".into(),
            };
            vec![change(RecordKey::Grant(GrantId(1)), codec::encode(&revoked))]
        }
        _ => vec![],
    }
}

/// Opens the genesis state of `genesis` in `store`, commits this chain's blocks 1 to
/// [`crate::proof_chain::TIP_HEIGHT`] and has both dev witnesses cosign the checkpoint at
/// [`CHECKPOINT_HEIGHT`].
pub fn build(store: &Store, genesis: &GenesisFile) -> eyre::Result<Tip> {
    store.init_genesis_state(genesis.hash(), genesis.initial_state())?;
    let tip = extend_with(store, genesis, crate::proof_chain::TIP_HEIGHT, &lineage_changes)?;
    cosign(store, CHECKPOINT_HEIGHT, &WITNESSES)?;
    Ok(tip)
}
