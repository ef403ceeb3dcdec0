//! Throughput of the ledger rules alone: 10,000 mixed, signed and already verified txs executed
//! by `apply_block` over an in-memory state, in blocks of 1,000. No signature check, no state
//! tree, no disk: this is the ceiling the rules put on a node.
//!
//! Run with `cargo bench -p onebook-ledger --bench rules`. Every tx of the mix is meant to be
//! accepted; the bench prints how many were, so a mix that silently turned into refusals (which
//! are cheaper) shows.
#![allow(clippy::disallowed_methods, reason = "a benchmark measures wall-clock time")]

use std::time::Instant;

use onebook_genesis::{GenesisFile, dev_secret};
use onebook_ledger::{BlockContext, MemState, apply_block};
use onebook_types::{
    action::{
        AccessDraft, AccessOperation, Action, CatalogEntryDraft, DataItem, Grade, OpenType,
        PropertyApplicationDraft, PropertySubject, ResourceDraft, ReviewDecision, RightKind,
        ShareAnswer, ShareRequestDraft, ShareType,
    },
    consortium::Role,
    hash::Hash32,
    ids::{
        CatalogCode, ChainId, GrantId, Height, LegalBasisCode, Nonce, ResourceId, ShareRequestId,
        SystemId, Timestamp,
    },
    keys::SecretKey,
    time::{DAY_MS, Date},
    tx::{TxBody, VerifiedTx},
};

const TXS: usize = 10_000;
const BLOCK_TXS: usize = 1_000;
const START_MS: u64 = 1_772_409_600_000; // 2026-03-02 08:00 in Xiamen (UTC+8).

/// Signs each signer's txs with consecutive nonces.
struct Signers {
    secrets: Vec<(String, SecretKey, u64)>,
}

impl Signers {
    fn sign(&mut self, label: &str, action: Action) -> VerifiedTx {
        let index = match self.secrets.iter().position(|(name, ..)| name == label) {
            Some(index) => index,
            None => {
                self.secrets.push((label.to_owned(), dev_secret(label), 0));
                self.secrets.len() - 1
            }
        };
        let (_, secret, nonce) = &mut self.secrets[index];
        *nonce += 1;
        let body = TxBody {
            chain_id: ChainId::from("onebook-dev-1"),
            signer: secret.public_key(),
            nonce: Nonce(*nonce),
            valid_until: Height(u64::MAX),
            action,
        };
        body.sign(secret).verify().expect("a freshly signed tx verifies")
    }
}

fn entry(name: &str, share_type: ShareType) -> CatalogEntryDraft {
    CatalogEntryDraft {
        name: name.into(),
        description: "本市市场主体的设立、变更、注销登记信息".into(),
        items: ["统一社会信用代码", "企业名称", "法定代表人"]
            .iter()
            .map(|item| DataItem {
                name: (*item).into(),
                data_element: format!("DE-{item}"),
                personal_information: *item == "法定代表人",
                sensitivity: Grade::General,
            })
            .collect(),
        classification: "市场监管".into(),
        grade: Grade::General,
        security_level: 2,
        share_type,
        open_type: OpenType::ConditionallyOpen,
        update_frequency: "daily".into(),
        system: SystemId::from("xm-scjg-djxt"),
    }
}

fn code(sequence: u32) -> CatalogCode {
    CatalogCode::from(format!("350200-xm-scjg-{sequence:04}").as_str())
}

/// Publishes an unconditional entry (0001) and a conditional one (0002) of xm-scjg, each with a
/// resource (1 and 2).
fn setup(signers: &mut Signers) -> Vec<VerifiedTx> {
    let clerk = "xm-scjg/catalog-clerk";
    let mut txs = vec![
        signers.sign(
            clerk,
            Action::DraftCatalogEntry { draft: entry("无条件", ShareType::Unconditional) },
        ),
        signers.sign(
            clerk,
            Action::DraftCatalogEntry {
                draft: entry("有条件", ShareType::Conditional { conditions: "依法履职".into() }),
            },
        ),
    ];
    for sequence in 1..=2 {
        txs.push(signers.sign(clerk, Action::SubmitCatalogEntry { code: code(sequence) }));
        txs.push(signers.sign(
            "xm-dsj/catalog-clerk",
            Action::ReviewCatalogEntry { code: code(sequence), decision: ReviewDecision::Approve },
        ));
        txs.push(signers.sign(clerk, Action::PublishCatalogEntry { code: code(sequence) }));
        let draft = ResourceDraft {
            system: SystemId::from("xm-scjg-djxt"),
            snapshot_digest: Hash32([7; 32]),
            record_count: 1_000,
            items: vec!["企业名称".into()],
            authoritative: false,
        };
        txs.push(signers.sign(clerk, Action::RegisterResource { entry: code(sequence), draft }));
    }
    txs
}

fn share(entry: u32, day: Date) -> ShareRequestDraft {
    ShareRequestDraft {
        entry: code(entry),
        items: vec!["企业名称".into()],
        purpose: "依法履职核查".into(),
        legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
        starts: day,
        ends: Date(day.0 + 30),
        exception: false,
    }
}

/// The mix, in execution order: grants by the ledger, accesses under them, requests answered
/// by an approver, resource updates, member registrations, catalog drafts, duty changes,
/// quality reports and property applications.
fn mix(signers: &mut Signers) -> Vec<VerifiedTx> {
    let day = Date::of_timestamp(Timestamp(START_MS), 480);
    let mut txs = Vec::with_capacity(TXS);
    // Request 1 is granted in the first round, so grant 1 exists before any access.
    let mut requests = 0u64;
    let mut pending = Vec::new();
    for n in 0..TXS {
        let tx = match n % 10 {
            0 => {
                requests += 1;
                signers.sign("xm-gaj/gateway", Action::RequestShare { draft: share(1, day) })
            }
            1 => {
                let gateway = dev_secret("xm-gaj/gateway").public_key();
                let events = (0..5)
                    .map(|i| AccessDraft {
                        grant: Some(GrantId(1)),
                        member: gateway,
                        resource: ResourceId(1),
                        items: vec!["企业名称".into()],
                        operation: AccessOperation::Query,
                        record_count: i + 1,
                        request_digest: Hash32([9; 32]),
                        accessed_at: Timestamp(START_MS),
                    })
                    .collect();
                signers.sign("xm-gaj/gateway", Action::RecordAccesses { events })
            }
            2 => {
                requests += 1;
                pending.push(requests);
                signers.sign("xm-jypt/data-user", Action::RequestShare { draft: share(2, day) })
            }
            3 => {
                let request = ShareRequestId(pending.pop().expect("a request waits"));
                let answer = ShareAnswer::Approve {
                    items: vec!["企业名称".into()],
                    expires_at: Timestamp(START_MS + 20 * DAY_MS),
                    conditions: "仅限本次核查".into(),
                    legal_basis: None,
                };
                signers.sign("xm-scjg/share-approver", Action::AnswerShare { request, answer })
            }
            4 => {
                let action = Action::UpdateResource {
                    resource: ResourceId(1),
                    snapshot_digest: Hash32([(n % 251) as u8; 32]),
                    record_count: n as u64,
                };
                signers.sign("xm-scjg/catalog-clerk", action)
            }
            5 => {
                let key = dev_secret(&format!("bench/member-{n}")).public_key();
                let action = Action::RegisterMember {
                    key,
                    name: "网关".into(),
                    roles: vec![Role::DataUser],
                };
                signers.sign("xm-gaj/admin", action)
            }
            6 => signers.sign(
                "xm-gaj/catalog-clerk",
                Action::DraftCatalogEntry {
                    draft: entry("户籍人口信息", ShareType::Unconditional),
                },
            ),
            7 => signers
                .sign("xm-gaj/admin", Action::RecordDutyChange { description: "三定调整".into() }),
            8 => {
                let action = Action::ReportQualityIssue {
                    resource: ResourceId(1),
                    description: "企业名称字段存在乱码".into(),
                    evidence_digest: Hash32([3; 32]),
                };
                signers.sign("xm-jypt/data-user", action)
            }
            _ => {
                let mut digest = [0u8; 32];
                digest[..8].copy_from_slice(&(n as u64).to_le_bytes());
                let draft = PropertyApplicationDraft {
                    right: RightKind::Holding,
                    subject: PropertySubject::Product {
                        name: "企业信用画像数据集".into(),
                        description: "基于公共数据加工的企业信用画像".into(),
                        digest: Hash32(digest),
                        inputs: Vec::new(),
                    },
                    evidence_digests: vec![Hash32([5; 32])],
                    valid_from: day,
                    valid_until: Date(day.0 + 365),
                };
                signers.sign("xm-jypt/admin", Action::ApplyForProperty { draft })
            }
        };
        txs.push(tx);
    }
    txs
}

fn context(height: u64) -> BlockContext {
    BlockContext {
        chain_id: ChainId::from("onebook-dev-1"),
        height: Height(height),
        time: Timestamp(START_MS + height * 1_000),
        suite: onebook_types::suite::Suite::Ed25519Blake3,
    }
}

fn main() {
    let genesis =
        GenesisFile::from_json_validated(include_bytes!("../../../genesis/networks/dev.json"))
            .expect("the dev genesis is valid");
    let mut state = MemState::from_records(genesis.initial_state());
    let mut signers = Signers { secrets: Vec::new() };
    let setup = setup(&mut signers);
    let outcome = apply_block(&state, &context(1), &setup);
    assert!(outcome.receipts.iter().all(|r| r.rejection().is_none()), "setup is accepted");
    state.apply_changes(&outcome.changes);
    let txs = mix(&mut signers);

    let mut accepted = 0usize;
    let start = Instant::now();
    for (index, block) in txs.chunks(BLOCK_TXS).enumerate() {
        let outcome = apply_block(&state, &context(index as u64 + 2), block);
        accepted += outcome.receipts.iter().filter(|r| r.rejection().is_none()).count();
        state.apply_changes(&outcome.changes);
    }
    let elapsed = start.elapsed();

    let per_s = TXS as f64 / elapsed.as_secs_f64();
    println!(
        "ledger_rules txs={TXS} block_txs={BLOCK_TXS} accepted={accepted} seconds={:.3} txs_per_s={per_s:.0}",
        elapsed.as_secs_f64()
    );
    assert_eq!(accepted, TXS, "every tx of the mix is accepted");
}
