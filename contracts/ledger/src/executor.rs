//! The block executor: judges each verified tx in order and collects receipts and changes.
//!
//! Per tx, in this order: the chain id ([`Rejection::WrongChain`]), expiry
//! ([`Rejection::TxExpired`]), the signer is a member ([`Rejection::SignerUnknown`]), still
//! active ([`Rejection::SignerRevoked`]), of an active org ([`Rejection::OrgSuspended`]), and the
//! nonce is the signer's next ([`Rejection::NonceNotNext`]); then the action's own rules.
//!
//! # Nonces
//! A tx refused before or at the nonce check changes nothing. A tx that passes the nonce check
//! bumps the signer's nonce even if its action is then refused. So the same signed tx can never
//! be judged twice (a refused tx cannot be replayed later, when the state might accept it), and
//! the signer's sequence keeps moving: its next tx need not wait for, or reuse the number of, a
//! refused one. The nonce record [`RecordKey::Nonce`] holds the last committed [`Nonce`]; absent
//! means 0, so a key's first tx carries 1.
//!
//! # Policy
//! The state tree keeps every version of the [`Policy`] record, so each height has one. A block
//! is judged by the policy in the state before it ([`TxContext::policy`]): a policy change passed
//! in a block governs the blocks after it.
//!
//! # Protocol versions
//! Governance schedules each protocol version after the first at an activation height
//! ([`RecordKey::Protocol`]); [`protocol_version`] gives the version that judges a height, and
//! handlers read it as [`TxContext::protocol`]. A block below the activation height is judged by
//! the old rules whichever release judges it, so every node replays history to the same state.
//! Version 2 enables [`GovernanceChange::RotateValidatorKey`](onebook_types::action::GovernanceChange::RotateValidatorKey);
//! version 3 the grant lifecycle of [`crate::lifecycle`] (close-out obligations on every grant
//! issued, `CloseOutGrant`, `GrantOnward`, `SetLifecyclePolicy`).
//! This release implements the versions up to [`PROTOCOL_VERSION_MAX`]; the node refuses to
//! judge a block of a later one.

use onebook_types::{
    action::Action,
    block::{Event, Receipt},
    consortium::{Member, MemberStatus, Org, OrgStatus, Policy, ProtocolSchedule},
    ids::{ChainId, Height, Nonce, OrgId, ProtocolVersion, Timestamp},
    record::RecordKey,
    rejection::Rejection,
    suite::Suite,
    tx::{TxBody, VerifiedTx},
};

use crate::{
    consortium, governance,
    overlay::Overlay,
    ports::{StateRead, StateWrite, load, store},
};

/// The last protocol version whose rules this release implements.
pub const PROTOCOL_VERSION_MAX: ProtocolVersion = ProtocolVersion(3);

/// The protocol schedule in `state`: empty until governance schedules an upgrade.
pub fn protocol_schedule(state: &(impl StateRead + ?Sized)) -> ProtocolSchedule {
    load(state, &RecordKey::Protocol).unwrap_or_default()
}

/// The protocol version that judges the block at `height`, given `state`, the state before it.
pub fn protocol_version(state: &(impl StateRead + ?Sized), height: Height) -> ProtocolVersion {
    protocol_schedule(state).version_at(height)
}

/// What the rules know about the block being executed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockContext {
    /// The chain; txs naming another are refused.
    pub chain_id: ChainId,
    /// The block's height.
    pub height: Height,
    /// The block's time, the only clock the rules see.
    pub time: Timestamp,
    /// The chain's cryptographic suite, fixed in its genesis: every key the rules check and
    /// every record key they hash is read in it.
    pub suite: Suite,
}

/// What executing a block produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockOutcome {
    /// One receipt per tx, in block order.
    pub receipts: Vec<Receipt>,
    /// The block's net record changes, sorted by key: `Some` stores, `None` deletes.
    pub changes: Vec<(RecordKey, Option<Vec<u8>>)>,
    /// Per tx, in block order, what it touched, for the node's indexes.
    pub touched: Vec<TxTouched>,
}

/// The records a tx wrote and the orgs it concerns. Empty for a tx refused before its nonce
/// check; only the nonce and the signer's org for a tx whose action was refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxTouched {
    /// Keys written, sorted, each once.
    pub records: Vec<RecordKey>,
    /// Orgs concerned (the signer's, and those the action names), sorted, each once.
    pub orgs: Vec<OrgId>,
}

/// What a handler sees of the tx it judges.
#[derive(Clone, Debug)]
pub struct TxContext<'c> {
    /// The block.
    pub block: &'c BlockContext,
    /// The policy in force for this block: the one in the state before it.
    pub policy: &'c Policy,
    /// The protocol version that judges this block.
    pub protocol: ProtocolVersion,
    /// The signer, checked active and of an active org.
    pub signer: Member,
}

impl TxContext<'_> {
    /// Refuses with [`Rejection::RoleMissing`] unless the signer holds `role`.
    pub fn require_role(&self, role: onebook_types::consortium::Role) -> Result<(), Rejection> {
        if self.signer.can(role) { Ok(()) } else { Err(Rejection::RoleMissing) }
    }
}

/// What an accepted action produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// Events for the receipt.
    pub events: Vec<Event>,
    /// Orgs the action concerns besides the signer's.
    pub orgs: Vec<OrgId>,
}

/// Why a handler refused its tx: the rule broken and, where the rule names what stood in the way
/// (the resource already holding an authoritative source, say), the attributes saying so, which
/// the receipt carries as its one [`Receipt::REFUSED`] event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The rule broken.
    pub rejection: Rejection,
    /// What stood in the way; empty when the code says it all.
    pub detail: Vec<(String, String)>,
}

impl Refusal {
    /// A refusal by `rejection` naming what stood in the way with `detail`.
    pub fn naming(rejection: Rejection, detail: &[(&str, String)]) -> Self {
        let detail = detail.iter().map(|(name, value)| ((*name).to_owned(), value.clone()));
        Self { rejection, detail: detail.collect() }
    }
}

impl From<Rejection> for Refusal {
    fn from(rejection: Rejection) -> Self {
        Self { rejection, detail: Vec::new() }
    }
}

impl Effects {
    /// Adds an event `kind` with `attributes`.
    pub fn event(&mut self, kind: &str, attributes: &[(&str, String)]) {
        let attributes =
            attributes.iter().map(|(name, value)| ((*name).to_owned(), value.clone())).collect();
        self.events.push(Event { kind: kind.to_owned(), attributes });
    }
}

/// Executes `txs` in order over `state` (the state after the previous block) and returns the
/// receipts and the changes; `state` itself is not modified.
///
/// The block is judged by the rules of [`protocol_version`] at its height. A node checks that
/// this is at most [`PROTOCOL_VERSION_MAX`] before it builds, verifies or commits a block, and
/// refuses the block otherwise: these rules would judge a later version's block wrongly.
///
/// # Panics
/// If `state` holds no policy: genesis stores one and nothing deletes it.
pub fn apply_block(state: &impl StateRead, ctx: &BlockContext, txs: &[VerifiedTx]) -> BlockOutcome {
    let policy: Policy = load(state, &RecordKey::Policy).expect("genesis stores the policy");
    let protocol = protocol_version(state, ctx.height);
    let mut overlay = Overlay::new(state);
    let mut receipts = Vec::with_capacity(txs.len());
    let mut touched = Vec::with_capacity(txs.len());
    for tx in txs {
        let (receipt, tx_touched) = apply_tx(&mut overlay, ctx, &policy, protocol, tx);
        receipts.push(receipt);
        touched.push(tx_touched);
    }
    BlockOutcome { receipts, changes: overlay.into_changes(), touched }
}

fn apply_tx<S: StateRead>(
    overlay: &mut Overlay<'_, S>,
    block: &BlockContext,
    policy: &Policy,
    protocol: ProtocolVersion,
    tx: &VerifiedTx,
) -> (Receipt, TxTouched) {
    let signer = match admit(overlay, block, tx.body()) {
        Ok(signer) => signer,
        Err(rejection) => {
            overlay.discard_tx();
            return (Receipt::rejected(tx.hash(), rejection), TxTouched::default());
        }
    };
    let mut records = overlay.commit_tx();
    let mut orgs = vec![signer.org.clone()];
    let ctx = TxContext { block, policy, protocol, signer };
    let receipt = match dispatch(overlay, &ctx, &tx.body().action) {
        Ok(effects) => {
            records.extend(overlay.commit_tx());
            orgs.extend(effects.orgs);
            Receipt::accepted(tx.hash(), effects.events)
        }
        Err(Refusal { rejection, detail }) if detail.is_empty() => {
            overlay.discard_tx();
            Receipt::rejected(tx.hash(), rejection)
        }
        Err(Refusal { rejection, mut detail }) => {
            overlay.discard_tx();
            detail.insert(0, ("rejection".to_owned(), rejection.name()));
            Receipt::refused(tx.hash(), rejection, detail)
        }
    };
    records.sort();
    records.dedup();
    orgs.sort();
    orgs.dedup();
    (receipt, TxTouched { records, orgs })
}

/// The checks every tx passes before its action, ending with the nonce bump.
fn admit(
    state: &mut impl StateWrite,
    block: &BlockContext,
    body: &TxBody,
) -> Result<Member, Rejection> {
    let signer = check_signer(state, block, body)?;
    let nonce_key = RecordKey::Nonce(body.signer);
    let last: Nonce = load(state, &nonce_key).unwrap_or_default();
    if body.nonce != last.next() {
        return Err(Rejection::NonceNotNext);
    }
    store(state, nonce_key, &body.nonce);
    Ok(signer)
}

/// The checks before the nonce, in the executor's order: the chain, the tx's expiry, and a
/// signer who is an active member of an active org. A mempool runs them on admission, so a tx
/// that no block could judge is turned away before it waits for one.
pub fn check_signer(
    state: &(impl StateRead + ?Sized),
    block: &BlockContext,
    body: &TxBody,
) -> Result<Member, Rejection> {
    if body.chain_id != block.chain_id {
        return Err(Rejection::WrongChain);
    }
    if body.valid_until < block.height {
        return Err(Rejection::TxExpired);
    }
    let signer: Member =
        load(state, &RecordKey::Member(body.signer)).ok_or(Rejection::SignerUnknown)?;
    if signer.status != MemberStatus::Active {
        return Err(Rejection::SignerRevoked);
    }
    let org: Org = load(state, &RecordKey::Org(signer.org.clone()))
        .expect("a member's org exists: genesis and admission create the org first");
    if org.status != OrgStatus::Active {
        return Err(Rejection::OrgSuspended);
    }
    Ok(signer)
}

/// Routes an action to its handler. Every action is listed, so a new one does not compile until
/// it is decided here.
fn dispatch(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    action: &Action,
) -> Result<Effects, Refusal> {
    let result = match action {
        Action::RegisterMember { key, name, roles } => {
            consortium::register_member(state, ctx, *key, name, roles)
        }
        Action::SetMemberRoles { key, roles } => {
            consortium::set_member_roles(state, ctx, *key, roles)
        }
        Action::RotateMemberKey { new_key } => consortium::rotate_member_key(state, ctx, *new_key),
        Action::RevokeMember { key, reason } => consortium::revoke_member(state, ctx, *key, reason),
        Action::SubmitProposal { change, rationale } => {
            governance::submit_proposal(state, ctx, change, rationale)
        }
        Action::VoteProposal { proposal, approve } => {
            governance::vote_proposal(state, ctx, *proposal, *approve)
        }
        // Catalog, resources and obligations:
        Action::RecordDutyChange { description } => {
            crate::catalog::record_duty_change(state, ctx, description)
        }
        Action::DraftCatalogEntry { draft } => {
            crate::catalog::draft_catalog_entry(state, ctx, draft)
        }
        Action::SubmitCatalogEntry { code } => {
            crate::catalog::submit_catalog_entry(state, ctx, code)
        }
        Action::ReviewCatalogEntry { code, decision } => {
            crate::catalog::review_catalog_entry(state, ctx, code, decision)
        }
        Action::PublishCatalogEntry { code } => {
            crate::catalog::publish_catalog_entry(state, ctx, code)
        }
        Action::ReviseCatalogEntry { code, draft } => {
            crate::catalog::revise_catalog_entry(state, ctx, code, draft)
        }
        Action::DeprecateCatalogEntry { code, reason } => {
            crate::catalog::deprecate_catalog_entry(state, ctx, code, reason)
        }
        // The one handler whose refusal names what stood in the way.
        Action::RegisterResource { entry, draft } => {
            return crate::catalog::register_resource(state, ctx, entry, draft);
        }
        Action::UpdateResource { resource, snapshot_digest, record_count } => {
            crate::catalog::update_resource(state, ctx, *resource, *snapshot_digest, *record_count)
        }
        // Sharing, grants and access events:
        Action::RequestShare { draft } => crate::sharing::request_share(state, ctx, draft),
        Action::AnswerShare { request, answer } => {
            crate::sharing::answer_share(state, ctx, *request, answer)
        }
        Action::WithdrawShareRequest { request } => {
            crate::sharing::withdraw_share_request(state, ctx, *request)
        }
        Action::RevokeGrant { grant, reason } => {
            crate::sharing::revoke_grant(state, ctx, *grant, reason)
        }
        Action::RecordAccesses { events } => crate::sharing::record_accesses(state, ctx, events),
        // Quality feedback:
        Action::ReportQualityIssue { resource, description, evidence_digest } => {
            crate::quality::report_quality_issue(
                state,
                ctx,
                *resource,
                description,
                *evidence_digest,
            )
        }
        Action::AnswerQualityIssue { report, answer } => {
            crate::quality::answer_quality_issue(state, ctx, *report, answer)
        }
        Action::RuleQualityIssue { report, responsible, ruling } => {
            crate::quality::rule_quality_issue(state, ctx, *report, responsible, ruling)
        }
        // Data-property registration:
        Action::ApplyForProperty { draft } => {
            crate::property::apply_for_property(state, ctx, draft)
        }
        Action::ReviewPropertyApplication { application, decision } => {
            crate::property::review_property_application(state, ctx, *application, decision)
        }
        Action::FileObjection { application, grounds, evidence_digests } => {
            crate::property::file_objection(state, ctx, *application, grounds, evidence_digests)
        }
        Action::RuleObjection { objection, upheld, reasons } => {
            crate::property::rule_objection(state, ctx, *objection, *upheld, reasons)
        }
        Action::IssueCertificate { application } => {
            crate::property::issue_certificate(state, ctx, *application)
        }
        Action::TransferCertificate { certificate, to } => {
            crate::property::transfer_certificate(state, ctx, certificate, to)
        }
        Action::LicenseRight { certificate, licensee, starts, ends } => {
            crate::property::license_right(state, ctx, certificate, licensee, *starts, *ends)
        }
        Action::RenewCertificate { certificate, valid_until } => {
            crate::property::renew_certificate(state, ctx, certificate, *valid_until)
        }
        Action::RecordReads { reads } => crate::reads::record_reads(state, ctx, reads),
        Action::CancelCertificate { certificate, reason } => {
            crate::property::cancel_certificate(state, ctx, certificate, reason)
        }
        Action::AnchorCheckpoint { checkpoint, cosignatures, extension, next_witnesses } => {
            crate::anchoring::anchor_checkpoint(
                state,
                ctx,
                checkpoint,
                cosignatures,
                extension.as_ref(),
                next_witnesses.as_ref(),
            )
        }
        // Grant lifecycle:
        Action::CloseOutGrant { grant, disposition, attestation_digest } => {
            crate::lifecycle::close_out_grant(state, ctx, *grant, disposition, attestation_digest)
        }
        Action::GrantOnward { parent, grantee, items, expires_at, conditions } => {
            crate::lifecycle::grant_onward(
                state,
                ctx,
                *parent,
                grantee,
                items,
                *expires_at,
                conditions,
            )
        }
        // Open data and development:
        Action::RecordOpenDataPlan { year, openings } => {
            crate::development::record_open_data_plan(state, ctx, *year, openings)
        }
        Action::ApplyForScenario { draft } => {
            crate::development::apply_for_scenario(state, ctx, draft)
        }
        Action::ReviewScenario { scenario, decision } => {
            crate::development::review_scenario(state, ctx, *scenario, decision)
        }
        Action::RecordProduct { grant, name, description, digest } => {
            crate::development::record_product(state, ctx, *grant, name, description, digest)
        }
        // Periodic reports:
        Action::PublishReport { scope, period, height, digest } => {
            crate::reports::publish_report(state, ctx, scope, *period, *height, digest)
        }
    };
    result.map_err(Refusal::from)
}

#[cfg(test)]
mod tests {
    use onebook_genesis::dev_secret;
    use onebook_types::{
        consortium::Role,
        ids::{ChainId, Height, Nonce},
        keys::PublicKey,
    };

    use super::*;
    use crate::testkit::{Chain, public, refusal, signed};

    fn register(label: &str) -> Action {
        Action::RegisterMember {
            key: public(label),
            name: "网关".into(),
            roles: vec![Role::DataUser],
        }
    }

    fn nonce(chain: &Chain, key: PublicKey) -> Option<Nonce> {
        load(&chain.state, &RecordKey::Nonce(key))
    }

    #[test]
    fn a_tx_for_another_chain_is_refused_and_changes_nothing() {
        let mut chain = Chain::dev();
        let admin = dev_secret("xm-dsj/admin");
        let mut body = signed(&admin, 1, register("a")).into_inner().body;
        body.chain_id = ChainId::from("onebook-other");
        let tx = body.sign(&admin).verify().expect("verifies");

        let outcome = chain.block(&[tx]);

        assert_eq!(refusal(&outcome.receipts[0]), Some(Rejection::WrongChain));
        assert!(outcome.changes.is_empty());
        assert_eq!(outcome.touched, vec![TxTouched::default()]);
    }

    #[test]
    fn a_tx_past_its_valid_until_height_is_refused() {
        let mut chain = Chain::dev();
        let admin = dev_secret("xm-dsj/admin");
        chain.height = Height(5);
        let mut body = signed(&admin, 1, register("a")).into_inner().body;
        body.valid_until = Height(5);
        let tx = body.sign(&admin).verify().expect("verifies");

        let outcome = chain.block(&[tx]);

        assert_eq!(refusal(&outcome.receipts[0]), Some(Rejection::TxExpired));
        assert!(outcome.changes.is_empty());
    }

    #[test]
    fn a_stranger_cannot_sign() {
        let mut chain = Chain::dev();

        let receipt = chain.run("nobody", register("a"));

        assert_eq!(refusal(&receipt), Some(Rejection::SignerUnknown));
        assert_eq!(nonce(&chain, public("nobody")), None);
    }

    #[test]
    fn a_wrong_nonce_is_refused_without_bumping_the_nonce() {
        let mut chain = Chain::dev();
        let admin = dev_secret("xm-dsj/admin");

        let outcome = chain.block(&[signed(&admin, 2, register("a"))]);

        assert_eq!(refusal(&outcome.receipts[0]), Some(Rejection::NonceNotNext));
        assert_eq!(nonce(&chain, admin.public_key()), None);
    }

    #[test]
    fn a_refused_action_still_bumps_the_nonce_and_nothing_else() {
        let mut chain = Chain::dev();
        let clerk = public("xm-dsj/catalog-clerk");

        let outcome = chain.block(&[signed(&dev_secret("xm-dsj/catalog-clerk"), 1, register("a"))]);

        assert_eq!(refusal(&outcome.receipts[0]), Some(Rejection::RoleMissing));
        assert_eq!(
            outcome.changes,
            vec![(RecordKey::Nonce(clerk), Some(onebook_types::codec::encode(&Nonce(1))))]
        );
        assert_eq!(outcome.touched[0].records, vec![RecordKey::Nonce(clerk)]);
        assert_eq!(outcome.touched[0].orgs, vec![OrgId::from("xm-dsj")]);
    }

    #[test]
    fn an_accepted_tx_replayed_in_a_later_block_is_refused() {
        let mut chain = Chain::dev();
        let tx = signed(&dev_secret("xm-dsj/admin"), 1, register("a"));
        chain.block(std::slice::from_ref(&tx));

        let replay = chain.block(&[tx]);

        assert_eq!(refusal(&replay.receipts[0]), Some(Rejection::NonceNotNext));
        assert!(replay.changes.is_empty());
    }

    #[test]
    fn txs_of_one_signer_run_in_order_within_a_block() {
        let mut chain = Chain::dev();
        let admin = dev_secret("xm-dsj/admin");
        let txs = [
            signed(&admin, 1, register("a")),
            signed(&admin, 2, register("b")),
            signed(&admin, 2, register("c")),
        ];

        let outcome = chain.block(&txs);

        let codes: Vec<_> = outcome.receipts.iter().map(refusal).collect();
        assert_eq!(codes, [None, None, Some(Rejection::NonceNotNext)]);
        assert_eq!(nonce(&chain, admin.public_key()), Some(Nonce(2)));
    }
}
