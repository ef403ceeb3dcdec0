//! One way through the executor to each rejection this branch added (the quality codes 180-199
//! and [`Rejection::DataAuthorityExists`]): the chain just before, and the tx it refuses.

use onebook_types::{
    action::{Action, GovernanceChange, QualityAnswer},
    catalog_records::{ORG_OPEN_OBLIGATIONS_MAX, ObligationKind, OpenObligation, OrgObligations},
    consortium::OrgLevel,
    hash::Hash32,
    ids::{ObligationId, OrgId, RegionCode, Timestamp},
    record::RecordKey,
    rejection::Rejection,
};

use super::tests::{
    AUTHORITY_CLERK, PROVIDER_CLERK, REPORTER, answer, chain, disputed_chain, fixed, report_on,
    rule,
};
use crate::{
    ports::store,
    testkit::{Chain, Reach, public, refusal},
};

/// A reach of `rejection`, for every code this module owns; `None` for any other.
pub(crate) fn reach(rejection: Rejection) -> Option<Reach> {
    let reach = match rejection {
        Rejection::DataAuthorityExists => {
            let change = GovernanceChange::AdmitOrg {
                id: OrgId::from("xm-sjj2"),
                name: "厦门市第二数据管理局".into(),
                level: OrgLevel::Bureau,
                parent: Some(OrgId::from("xm-gov")),
                region: RegionCode::from("350200"),
                data_authority: true,
                admin: public("xm-sjj2/admin"),
            };
            let rationale = "一区一主管".into();
            Reach::by(Chain::dev(), "xm-dsj/admin", Action::SubmitProposal { change, rationale })
        }
        Rejection::QualityReportUnknown => Reach::by(chain(), PROVIDER_CLERK, answer(9, fixed())),
        Rejection::QualityReportByProvider => Reach::by(chain(), REPORTER, report_on(2, "乱码")),
        Rejection::QualityReportNotAwaitingAnswer => {
            Reach::by(disputed_chain(), PROVIDER_CLERK, answer(1, fixed()))
        }
        Rejection::QualityFixWithoutNewSnapshot => {
            let mut chain = chain();
            chain.run(REPORTER, report_on(1, "乱码"));
            let same = QualityAnswer::Fixed { snapshot_digest: Hash32::ZERO };
            Reach::by(chain, PROVIDER_CLERK, answer(1, same))
        }
        Rejection::QualityReportNotDisputed => {
            let mut chain = chain();
            chain.run(REPORTER, report_on(1, "乱码"));
            Reach::by(chain, AUTHORITY_CLERK, rule(1, "xm-scjg"))
        }
        Rejection::RulerNotDataAuthority => {
            Reach::by(disputed_chain(), "xm-gaj/catalog-clerk", rule(1, "xm-scjg"))
        }
        Rejection::ResponsibleNotAParty => {
            Reach::by(disputed_chain(), AUTHORITY_CLERK, rule(1, "xm-dsj"))
        }
        Rejection::OpenObligationsFull => {
            let mut chain = chain();
            let open = (1..=ORG_OPEN_OBLIGATIONS_MAX as u64)
                .map(|id| OpenObligation {
                    id: ObligationId(id),
                    kind: ObligationKind::Correction,
                    due: Timestamp(u64::MAX),
                })
                .collect();
            let key = RecordKey::OrgObligations(OrgId::from("xm-scjg"));
            store(&mut chain.state, key, &OrgObligations { open });
            Reach::by(chain, REPORTER, report_on(1, "乱码"))
        }
        _ => return None,
    };
    Some(reach)
}

#[test]
fn every_code_of_this_branch_has_a_reach_that_yields_it() {
    let owned: Vec<Rejection> = Rejection::ALL
        .iter()
        .copied()
        .filter(|r| (180..200).contains(&r.code()) || *r == Rejection::DataAuthorityExists)
        .collect();

    let yielded: Vec<Option<Rejection>> = owned
        .iter()
        .map(|&rejection| {
            let Reach { mut chain, tx } = reach(rejection).expect("every owned code has a reach");
            refusal(&chain.block(&[tx]).receipts[0])
        })
        .collect();

    assert_eq!(owned.len(), 9);
    assert_eq!(yielded, owned.iter().copied().map(Some).collect::<Vec<_>>());
    assert!(reach(Rejection::NonceNotNext).is_none());
}
