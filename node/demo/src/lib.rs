//! Demo data for a development network, driven through the REST API only.
//!
//! [`seed`] fills a running devnet of the embedded development network
//! (`genesis/networks/dev.json`, whose member keys are public dev keys derived from labels such
//! as `xm-scjg/catalog-clerk`) with what its users would have recorded: governance admitting
//! the Siming district bodies and a state-owned data company, members and their roles, fifty
//! catalog entries taken through every stage of their lifecycle (some to a second version),
//! resources, share requests in every state with their grants, batches of accesses including
//! uncovered ones that become violations, quality reports with their answers and rulings, and
//! data-property applications through public notice, objections, certificates, a transfer, a
//! licence, a renewal and a cancellation. Governance then schedules protocol version 3, and the
//! seed records what it enables (`lifecycle.rs`): an open-data plan and its revision, development
//! scenarios approved, returned and pending, products under the development grant and a
//! product's certificate citing it, a provincial grant passed on to the city and the district and
//! revoked (ending the onward cover, so an access becomes a violation), and close-outs destroyed,
//! retained on a legal basis, late, and one left overdue. It signs each action with the dev key of the member a
//! clerk would use, submits it with `POST /v1/txs` and waits for its receipt; it reads ids back
//! from the receipts' events and checks every outcome.
//!
//! # The public notice
//! A certificate is issued only once its application's public notice (公示) has ended, and the
//! notice lasts `public_notice_days` of block time (15 on the dev network). The rules refuse a
//! notice of 0 days (a policy change must be positive), and a real node's block time is its
//! clock. So the seed shortens the notice to one day by a governance proposal the validator
//! orgs vote on, has the applications it will certify accepted into that one-day notice, waits
//! (at most [`SeedOptions::notice_wait`]) until block time has passed the notice's end, issues
//! the certificates, and restores the notice of the embedded genesis by a second proposal, so
//! the ledger records why its notice changed. A day of block time passes in bounded time only
//! on a devnet whose clock runs faster than the wall clock (`onebook testnet --clock-rate 1440`,
//! a day a minute; `ONEBOOK_DEVNET_CLOCK_RATE=1440 scripts/devnet.sh`). On a wall-clock devnet
//! the seed sees early that the day cannot pass in time, leaves those applications in notice,
//! and says so in the summary's `skipped` lines.
//!
//! # Running it again
//! A second run adds a second round: fresh catalog entries (the ledger assigns new codes),
//! resources, requests, accesses, reports and applications. What exists once (the admitted
//! orgs, the legal basis added to the registry, the members of the genesis orgs) is skipped
//! when the ledger already holds it.

mod client;
mod data;
mod lifecycle;

use std::{
    collections::BTreeMap,
    fmt,
    time::{Duration, Instant},
};

use eyre::{bail, eyre};
use onebook_types::{
    action::{
        AccessDraft, AccessOperation, Action, CatalogEntryDraft, DataItem, GovernanceChange, Grade,
        PolicyParameter, PropertyApplicationDraft, PropertySubject, QualityAnswer, ResourceDraft,
        ReviewDecision, RightKind, ShareAnswer, ShareRequestDraft, ShareType,
    },
    catalog_records::SourceKey,
    consortium::{LegalBasis, OrgLevel, Role},
    hash::Hash32,
    ids::{
        ApplicationId, CatalogCode, CertificateNumber, GrantId, LegalBasisCode, ObjectionId, OrgId,
        ProposalId, QualityReportId, RegionCode, ResourceId, ShareRequestId, SystemId, Timestamp,
    },
    keys::PublicKey,
    suite::Suite,
    time::Date,
};

pub use client::{Client, Receipt, Signed, Turned, accepted, numbers, signed};
use data::{ENTRIES, EntrySpec, Share, Stage, XM_PLAN_BASIS, XM_PLAN_TITLE, reviewer_of};

/// The dev network's local time offset (China Standard Time).
const UTC_OFFSET_MINUTES: i16 = 480;
/// The admins of the dev network's validator orgs, who propose and vote.
const VOTERS: [&str; 3] = ["fj-sjj/admin", "xm-dsj/admin", "xm-gaj/admin"];
/// The member who reads restricted records: receipts (a node withholds the events of
/// accesses, violations, unpublished applications and pending objections from readers outside
/// their audience, and an auditor is inside every audience) and the summary's lists. The dev
/// network's auditor, a public dev key.
pub const AUDITOR: &str = "xm-dsj/auditor";
/// The public notice of the embedded dev genesis, restored after the certificates.
const NOTICE_DAYS_GENESIS: u16 = 15;

/// How a seed run may wait.
#[derive(Clone, Debug)]
pub struct SeedOptions {
    /// The longest wall-clock wait for a one-day public notice to end.
    pub notice_wait: Duration,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self { notice_wait: Duration::from_secs(180) }
    }
}

/// What a seed run did and what the ledger holds after it.
#[derive(Clone, Debug, Default)]
pub struct SeedSummary {
    /// The node's address.
    pub node: String,
    /// The committed height before and after the run.
    pub heights: (u64, u64),
    /// Records of each kind on the ledger after the run, by the API's lists.
    pub totals: BTreeMap<String, usize>,
    /// For catalog entries, share requests, applications and certificates: how many are in each
    /// status.
    pub statuses: BTreeMap<String, BTreeMap<String, usize>>,
    /// What this run created, by kind.
    pub created: BTreeMap<String, usize>,
    /// Txs this run had refused on purpose, so the trail shows refusals too.
    pub refusals: usize,
    /// A few records to open in an explorer: (what, API path).
    pub samples: Vec<(String, String)>,
    /// What this run left out, and why.
    pub skipped: Vec<String>,
    /// Records of protocol version 3 this run made, each named by what it shows, as
    /// `<kind>:<id>` (the form `GET /v1/proofs/records/{key}` takes).
    pub records: BTreeMap<String, String>,
}

impl SeedSummary {
    /// Records of `kind` (`catalog_entries`, `share_requests`, ...) on the ledger.
    pub fn total(&self, kind: &str) -> usize {
        self.totals.get(kind).copied().unwrap_or(0)
    }

    /// Records of `kind` in `status` (`published`, `under-review`, ...).
    pub fn in_status(&self, kind: &str, status: &str) -> usize {
        self.statuses.get(kind).and_then(|counts| counts.get(status)).copied().unwrap_or(0)
    }
}

impl fmt::Display for SeedSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "seeded {} from height {} to {}", self.node, self.heights.0, self.heights.1)?;
        writeln!(f, "\non the ledger now (created by this run):")?;
        for (kind, total) in &self.totals {
            let created = self.created.get(kind).copied().unwrap_or(0);
            writeln!(f, "  {kind:24} {total:6}  (+{created})")?;
        }
        for (kind, counts) in &self.statuses {
            let counts: Vec<String> =
                counts.iter().map(|(status, count)| format!("{status} {count}")).collect();
            writeln!(f, "  {kind:24} {}", counts.join(", "))?;
        }
        writeln!(f, "  {:24} {:6}", "refused on purpose", self.refusals)?;
        writeln!(f, "\nto open:")?;
        for (what, path) in &self.samples {
            writeln!(f, "  {what:32} http://{}{path}", self.node)?;
        }
        if !self.records.is_empty() {
            writeln!(f, "\nrecords of protocol version 3 (GET /v1/proofs/records/<key>):")?;
        }
        for (what, key) in &self.records {
            writeln!(f, "  {what:40} {key}")?;
        }
        for line in &self.skipped {
            writeln!(f, "\nskipped: {line}")?;
        }
        Ok(())
    }
}

/// Fills the devnet whose node listens at `node_addr` (`host:port`) with demo data, with the
/// default [`SeedOptions`].
pub fn seed(node_addr: &str) -> eyre::Result<SeedSummary> {
    seed_with(node_addr, &SeedOptions::default())
}

/// Fills the devnet whose node listens at `node_addr` with demo data.
pub fn seed_with(node_addr: &str, options: &SeedOptions) -> eyre::Result<SeedSummary> {
    let client = Client::connect(node_addr)?;
    // The dev keys are derived in the chain's suite: the suite whose xm-dsj/admin is a member.
    let mut suite = None;
    for candidate in Suite::ALL {
        let admin = onebook_genesis::dev_secret_in(candidate, "xm-dsj/admin").public_key();
        if client.exists(&format!("/v1/members/{admin}"))? {
            suite = Some(candidate);
            break;
        }
    }
    let Some(suite) = suite else {
        bail!(
            "the node at {node_addr} does not serve the development network \
             (genesis/networks/dev.json): its members do not include the dev key xm-dsj/admin \
             of either suite"
        );
    };
    let client = client.with_suite(suite);
    let mut run = Run::start(&client, options)?;
    run.governance()?;
    run.upgrade()?;
    run.members()?;
    run.catalog()?;
    run.resources()?;
    run.revisions()?;
    run.sharing()?;
    run.data_return()?;
    run.accesses()?;
    run.quality()?;
    run.development()?;
    run.property()?;
    run.late_close_out()?;
    run.closing()?;
    run.summary()
}

/// The state of one seed run: the ids it created, by what it calls them.
struct Run<'a> {
    client: &'a Client,
    options: &'a SeedOptions,
    /// Distinguishes this run's digests and member labels from earlier runs'.
    tag: u64,
    started: Instant,
    start_height: u64,
    start_time: u64,
    /// The code of each entry of [`ENTRIES`], by index.
    codes: Vec<Option<CatalogCode>>,
    /// The resource of each entry holding all its items, by index: its authoritative source
    /// unless another entry's resource was the source of one of its data elements first.
    resources: BTreeMap<usize, ResourceId>,
    /// Grants by the name of the request that obtained them.
    grants: BTreeMap<&'static str, GrantId>,
    /// Records per kind before the run.
    before: BTreeMap<String, usize>,
    /// What the steps of protocol version 3 made.
    lifecycle: lifecycle::Lifecycle,
    summary: SeedSummary,
}

impl<'a> Run<'a> {
    fn start(client: &'a Client, options: &'a SeedOptions) -> eyre::Result<Self> {
        let (height, time) = client.tip()?;
        let (before, _) = record_counts(client)?;
        Ok(Self {
            client,
            options,
            tag: height,
            started: Instant::now(),
            start_height: height,
            start_time: time,
            codes: vec![None; ENTRIES.len()],
            resources: BTreeMap::new(),
            grants: BTreeMap::new(),
            before,
            lifecycle: lifecycle::Lifecycle::default(),
            summary: SeedSummary { node: client.addr().to_owned(), ..SeedSummary::default() },
        })
    }

    fn sample(&mut self, what: &str, path: String) {
        self.summary.samples.push((what.to_owned(), path));
    }

    /// A digest standing for a dataset, snapshot or piece of evidence kept off the ledger.
    fn digest(&self, what: &str) -> Hash32 {
        let text = format!("onebook-demo/{}/{what}", self.tag);
        Hash32(*blake3::hash(text.as_bytes()).as_bytes())
    }

    /// Today's local date by the tip's block time.
    fn today(&self) -> eyre::Result<Date> {
        let (_, time) = self.client.tip()?;
        Ok(Date::of_timestamp(Timestamp(time), UTC_OFFSET_MINUTES))
    }

    fn index(name: &str) -> eyre::Result<usize> {
        ENTRIES
            .iter()
            .position(|entry| entry.name == name)
            .ok_or_else(|| eyre!("the demo has no catalog entry named {name}"))
    }

    fn code(&self, name: &str) -> eyre::Result<CatalogCode> {
        self.codes[Self::index(name)?].clone().ok_or_else(|| eyre!("{name} was not drafted"))
    }

    fn resource(&self, name: &str) -> eyre::Result<ResourceId> {
        self.resources
            .get(&Self::index(name)?)
            .copied()
            .ok_or_else(|| eyre!("{name} has no resource"))
    }

    fn grant(&self, request: &str) -> eyre::Result<GrantId> {
        self.grants.get(request).copied().ok_or_else(|| eyre!("request {request} was not granted"))
    }

    /// Submits `txs` that the rules are meant to refuse, each with the rejection named beside
    /// it, and checks that they were.
    fn refuse(&mut self, txs: Vec<(Signed, &str)>) -> eyre::Result<()> {
        let expected: Vec<&str> = txs.iter().map(|(_, rejection)| *rejection).collect();
        let receipts = self.client.submit_all(txs.into_iter().map(|(tx, _)| tx).collect())?;
        for (receipt, rejection) in receipts.iter().zip(expected) {
            if receipt.rejection.as_deref() != Some(rejection) {
                bail!(
                    "tx {} was meant to be refused with {rejection}: {receipt:?}",
                    receipt.tx_hash
                );
            }
        }
        self.summary.refusals += receipts.len();
        Ok(())
    }

    /// Submits proposals of `changes` by the first validator org's admin and has the validator
    /// orgs vote them through; their ids.
    fn pass(&mut self, changes: Vec<(GovernanceChange, &str)>) -> eyre::Result<Vec<ProposalId>> {
        let submissions = changes
            .into_iter()
            .map(|(change, rationale)| {
                signed(
                    VOTERS[0],
                    Action::SubmitProposal { change, rationale: rationale.to_owned() },
                )
            })
            .collect();
        let receipts = self.client.commit_all(submissions, "submitting a proposal")?;
        let ids: Vec<ProposalId> = numbers(&receipts, "proposal.submitted", "proposal")?
            .into_iter()
            .map(ProposalId)
            .collect();
        let votes = ids
            .iter()
            .flat_map(|&proposal| {
                VOTERS.map(|voter| signed(voter, Action::VoteProposal { proposal, approve: true }))
            })
            .collect();
        let receipts = self.client.commit_all(votes, "voting a proposal")?;
        for (chunk, id) in receipts.chunks(VOTERS.len()).zip(&ids) {
            if !chunk.iter().any(|receipt| receipt.event("proposal.passed").is_some()) {
                bail!("proposal {id} did not pass with the votes of {VOTERS:?}");
            }
        }
        Ok(ids)
    }

    fn set_notice_days(&mut self, days: u16, rationale: &str) -> eyre::Result<()> {
        let parameter = PolicyParameter::PublicNoticeDays(days);
        self.pass(vec![(GovernanceChange::SetPolicy { parameter }, rationale)])?;
        Ok(())
    }

    /// Governance: the district bodies and the data company are admitted, and the Xiamen plan
    /// joins the legal-basis registry, once.
    fn governance(&mut self) -> eyre::Result<()> {
        let mut first = Vec::new();
        if !self.client.exists("/v1/orgs/xm-smq")? {
            first.push((
                admit(
                    self.client.suite(),
                    "xm-smq",
                    "厦门市思明区人民政府",
                    OrgLevel::District,
                    "xm-gov",
                    "350203",
                    false,
                ),
                "思明区人民政府接入全市一体化公共数据体系，作为区级节点",
            ));
        }
        if !self.client.exists("/v1/orgs/xm-dsjgs")? {
            first.push((
                admit(
                    self.client.suite(),
                    "xm-dsjgs",
                    "厦门市大数据有限公司",
                    OrgLevel::Enterprise,
                    "xm-dsj",
                    "350200",
                    false,
                ),
                "市属国有数据企业，承担公共数据授权运营",
            ));
        }
        if !self.legal_basis_added()? {
            let basis = LegalBasis {
                code: LegalBasisCode::from(XM_PLAN_BASIS),
                title: XM_PLAN_TITLE.to_owned(),
            };
            first.push((
                GovernanceChange::SetPolicy { parameter: PolicyParameter::AddLegalBasis(basis) },
                "将本市一体化公共数据体系建设方案纳入共享依据目录",
            ));
        }
        if !first.is_empty() {
            let ids = self.pass(first)?;
            self.sample("a passed proposal", format!("/v1/proposals/{}", ids[0]));
        }
        // The district data bureau sits under the district government, which must exist first.
        if !self.client.exists("/v1/orgs/xm-smq-sjj")? {
            let change = admit(
                self.client.suite(),
                "xm-smq-sjj",
                "厦门市思明区数据管理局",
                OrgLevel::Bureau,
                "xm-smq",
                "350203",
                true,
            );
            self.pass(vec![(change, "设立思明区数据主管部门，负责区级目录审核")])?;
        }
        self.sample("an admitted district bureau", "/v1/orgs/xm-smq-sjj".to_owned());
        Ok(())
    }

    /// Whether a passed proposal added the Xiamen plan to the registry.
    fn legal_basis_added(&self) -> eyre::Result<bool> {
        let proposals = self.client.list_all("/v1/proposals?status=passed", None, 100)?;
        Ok(proposals
            .iter()
            .any(|view| view["record"]["change"]["parameter"]["value"]["code"] == XM_PLAN_BASIS))
    }

    /// Members: the clerks, approvers and gateways the demo's orgs need (once), and one clerk's
    /// whole lifecycle (every run).
    fn members(&mut self) -> eyre::Result<()> {
        const NEEDED: &[(&str, &str, &str, Role)] = &[
            ("fj-sjj", "catalog-clerk", "目录编制人员", Role::CatalogClerk),
            ("fj-sjj", "share-approver", "共享审核人", Role::ShareApprover),
            ("xm-smq", "catalog-clerk", "目录编制人员", Role::CatalogClerk),
            ("xm-smq", "share-approver", "共享审核人", Role::ShareApprover),
            ("xm-smq-sjj", "catalog-clerk", "目录编制人员", Role::CatalogClerk),
            ("xm-smq-sjj", "share-approver", "共享审核人", Role::ShareApprover),
            ("xm-smq-sjj", "gateway", "共享网关", Role::DataUser),
            ("xm-dsj", "gateway", "共享网关", Role::DataUser),
            ("xm-scjg", "gateway", "共享网关", Role::DataUser),
            ("xm-dsjgs", "data-user", "数据使用方", Role::DataUser),
            ("xm-jypt", "developer", "一级开发主体", Role::PrimaryDeveloper),
            ("xm-dsjgs", "developer", "二级开发主体", Role::SecondaryDeveloper),
        ];
        let mut txs = Vec::new();
        for &(org, role_label, title, role) in NEEDED {
            let label = format!("{org}/{role_label}");
            let key = self.client.dev_secret(&label).public_key();
            if self.client.exists(&format!("/v1/members/{key}"))? {
                continue;
            }
            let name = format!("{} {title}", org_name(org));
            let action = Action::RegisterMember { key, name, roles: vec![role] };
            txs.push(signed(format!("{org}/admin"), action));
        }
        self.client.commit_all(txs, "registering a member")?;

        let clerk = format!("xm-scjg/clerk-{}", self.tag);
        let rotated = format!("{clerk}-rotated");
        let key = key_of(self.client.suite(), &clerk);
        let register = Action::RegisterMember {
            key,
            name: "厦门市市场监督管理局 目录编制人员（临时）".to_owned(),
            roles: vec![Role::CatalogClerk],
        };
        self.client.commit("xm-scjg/admin", register, "registering a clerk")?;
        let roles = Action::SetMemberRoles { key, roles: vec![Role::CatalogClerk, Role::DataUser] };
        self.client.commit("xm-scjg/admin", roles, "granting the clerk a role")?;
        let rotate = Action::RotateMemberKey { new_key: key_of(self.client.suite(), &rotated) };
        self.client.commit(&clerk, rotate, "rotating the clerk's key")?;
        let revoke = Action::RevokeMember {
            key: key_of(self.client.suite(), &rotated),
            reason: "人员调岗，收回目录编制权限".to_owned(),
        };
        self.client.commit("xm-scjg/admin", revoke, "revoking the clerk")?;
        self.sample(
            "a revoked member",
            format!("/v1/members/{}", key_of(self.client.suite(), &rotated)),
        );
        Ok(())
    }

    /// The catalog: a duty change, then fifty entries drafted, submitted, reviewed and
    /// published according to their stage.
    fn catalog(&mut self) -> eyre::Result<()> {
        let duty = Action::RecordDutyChange {
            description: "根据机构改革方案，新增知识产权质押登记职责，相应更新数据目录".to_owned(),
        };
        self.client.commit("xm-scjg/admin", duty, "recording a duty change")?;

        let drafts = ENTRIES
            .iter()
            .map(|entry| {
                signed(clerk(entry.org), Action::DraftCatalogEntry { draft: draft(entry, 1) })
            })
            .collect();
        let receipts = self.client.commit_all(drafts, "drafting an entry")?;
        for (index, receipt) in receipts.iter().enumerate() {
            self.codes[index] = Some(CatalogCode(receipt.id("catalog.drafted", "entry")?));
        }

        let submissions = self.each_entry(
            |entry| entry.stage.submitted(),
            |entry, code| signed(clerk(entry.org), Action::SubmitCatalogEntry { code }),
        )?;
        self.client.commit_all(submissions, "submitting an entry")?;

        let reviews = self.each_entry(
            |entry| entry.stage != Stage::Draft && entry.stage != Stage::Submitted,
            |entry, code| {
                let decision = if entry.stage == Stage::Returned {
                    ReviewDecision::Return {
                        reasons: "数据项缺少数据元标识说明，共享条件表述不明确，请补正后重新提交"
                            .to_owned(),
                    }
                } else {
                    ReviewDecision::Approve
                };
                signed(clerk(reviewer_of(entry.org)), Action::ReviewCatalogEntry { code, decision })
            },
        )?;
        self.client.commit_all(reviews, "reviewing an entry")?;

        let publications = self.each_entry(
            |entry| entry.stage.published(),
            |entry, code| signed(clerk(entry.org), Action::PublishCatalogEntry { code }),
        )?;
        self.client.commit_all(publications, "publishing an entry")?;

        // A published entry's code cannot be revised, so drafting it again is refused.
        let published = self.code("企业登记信息")?;
        self.refuse(vec![(
            signed("xm-scjg/catalog-clerk", Action::SubmitCatalogEntry { code: published.clone() }),
            "CatalogEntryNotDraft",
        )])?;
        self.sample("a published catalog entry", format!("/v1/catalog/entries/{published}"));
        Ok(())
    }

    /// The txs `make` builds for every drafted entry that `pick` selects.
    fn each_entry(
        &self,
        pick: impl Fn(&EntrySpec) -> bool,
        make: impl Fn(&EntrySpec, CatalogCode) -> Signed,
    ) -> eyre::Result<Vec<Signed>> {
        ENTRIES
            .iter()
            .zip(&self.codes)
            .filter(|(entry, _)| pick(entry))
            .map(|(entry, code)| {
                let code = code.clone().ok_or_else(|| eyre!("{} was not drafted", entry.name))?;
                Ok(make(entry, code))
            })
            .collect()
    }

    /// Whether a resource is the authoritative source of `key` already, by asking the node.
    fn source_held(&self, key: &SourceKey) -> eyre::Result<bool> {
        let (name, value) = match key {
            SourceKey::DataElement(element) => ("data_element", element),
            SourceKey::ItemName(item) => ("item", item),
        };
        let value = onebook_query::client::percent_encoded(value);
        let (status, body) =
            self.client.get_status(&format!("/v1/catalog/sources?{name}={value}"))?;
        match status {
            200 => Ok(true),
            404 => Ok(false),
            _ => bail!("GET /v1/catalog/sources answered {status}: {body}"),
        }
    }

    /// Resources: one resource of all its items under every published entry but three (whose
    /// registration duty stays open), the authoritative source (一数一源) of its data elements
    /// unless an earlier entry's resource is the source of one of them, in which case it holds
    /// them as a copy and a second resource is the source of the rest; one claim of a source
    /// another entry holds, refused; two replicas; and three new snapshots.
    fn resources(&mut self) -> eyre::Result<()> {
        const UNREGISTERED: [&str; 3] =
            ["公共数据资源目录汇总信息", "思明区老旧小区改造项目信息", "思明区数据资源普查信息"];
        let picked: Vec<usize> = (0..ENTRIES.len())
            .filter(|&index| {
                ENTRIES[index].stage.published() && !UNREGISTERED.contains(&ENTRIES[index].name)
            })
            .collect();
        let mut claimed = std::collections::BTreeSet::new();
        let mut txs = Vec::new();
        // Per tx, the entry whose resource of all items it registers, if it does.
        let mut whole = Vec::new();
        for &index in &picked {
            let entry = &ENTRIES[index];
            let mut taken = Vec::new();
            let mut free = Vec::new();
            for (name, element) in entry.items {
                let key = SourceKey::of(&item(entry, name, element));
                if claimed.contains(&key) || self.source_held(&key)? {
                    taken.push(*name);
                } else {
                    claimed.insert(key);
                    free.push(*name);
                }
            }
            let code = self.code(entry.name)?;
            let draft = ResourceDraft {
                system: SystemId::from(entry.system),
                snapshot_digest: self.digest(&format!("{}/snapshot-1", entry.name)),
                record_count: record_count(index),
                items: entry.items.iter().map(|(name, _)| (*name).to_owned()).collect(),
                authoritative: taken.is_empty(),
            };
            txs.push(signed(
                clerk(entry.org),
                Action::RegisterResource { entry: code.clone(), draft },
            ));
            whole.push(Some(index));
            if !taken.is_empty() && !free.is_empty() {
                let draft = ResourceDraft {
                    system: SystemId::from(entry.system),
                    snapshot_digest: self.digest(&format!("{}/source-1", entry.name)),
                    record_count: record_count(index),
                    items: free.iter().map(|name| (*name).to_owned()).collect(),
                    authoritative: true,
                };
                txs.push(signed(clerk(entry.org), Action::RegisterResource { entry: code, draft }));
                whole.push(None);
            }
        }
        for name in ["企业登记信息", "户籍人口信息"] {
            let entry = &ENTRIES[Self::index(name)?];
            let draft = ResourceDraft {
                system: SystemId::from(format!("{}-qzk", entry.org).as_str()),
                snapshot_digest: self.digest(&format!("{name}/replica")),
                record_count: 10_000,
                items: entry.items.iter().take(2).map(|(name, _)| (*name).to_owned()).collect(),
                authoritative: false,
            };
            let code = self.code(name)?;
            txs.push(signed(clerk(entry.org), Action::RegisterResource { entry: code, draft }));
        }
        let receipts = self.client.commit_all(txs, "registering a resource")?;
        for (index, receipt) in whole.iter().zip(&receipts) {
            if let Some(index) = index {
                let id = receipt.number("resource.registered", "resource")?;
                self.resources.insert(*index, ResourceId(id));
            }
        }
        // 一数一源: the population base's copy of 公民身份号码 cannot claim to be its source too.
        let population = &ENTRIES[Self::index("人口综合信息")?];
        let claim = ResourceDraft {
            system: SystemId::from(population.system),
            snapshot_digest: self.digest("人口综合信息/claim"),
            record_count: 1_000,
            items: vec!["公民身份号码".to_owned()],
            authoritative: true,
        };
        let entry = self.code(population.name)?;
        let claim = Action::RegisterResource { entry, draft: claim };
        self.refuse(vec![(signed(clerk(population.org), claim), "AuthoritativeSourceExists")])?;
        self.sample(
            "the authoritative source of a data element",
            "/v1/catalog/sources?data_element=DE1001".to_owned(),
        );

        let mut updates = Vec::new();
        for name in ["企业登记信息", "公共信用信息", "户籍人口信息"] {
            let entry = &ENTRIES[Self::index(name)?];
            let update = Action::UpdateResource {
                resource: self.resource(name)?,
                snapshot_digest: self.digest(&format!("{name}/snapshot-2")),
                record_count: record_count(Self::index(name)?) + 1_250,
            };
            updates.push(signed(clerk(entry.org), update));
        }
        self.client.commit_all(updates, "updating a resource")?;
        let resource = self.resource("企业登记信息")?;
        self.sample("a resource", format!("/v1/resources/{resource}"));
        Ok(())
    }

    /// Second versions: drafted for the revised entries (and one still being revised),
    /// submitted, approved and published; one entry deprecated.
    fn revisions(&mut self) -> eyre::Result<()> {
        let revising = |entry: &EntrySpec| matches!(entry.stage, Stage::Revised | Stage::Revising);
        let revisions = self.each_entry(revising, |entry, code| {
            signed(clerk(entry.org), Action::ReviseCatalogEntry { code, draft: draft(entry, 2) })
        })?;
        let deprecations = self.each_entry(
            |entry| entry.stage == Stage::Deprecated,
            |entry, code| {
                let reason = "该目录已并入公共数据资源目录汇总信息，不再单独维护".to_owned();
                signed(clerk(entry.org), Action::DeprecateCatalogEntry { code, reason })
            },
        )?;
        self.client.commit_all([revisions, deprecations].concat(), "revising an entry")?;
        let revised = |entry: &EntrySpec| entry.stage == Stage::Revised;
        let submissions = self.each_entry(revised, |entry, code| {
            signed(clerk(entry.org), Action::SubmitCatalogEntry { code })
        })?;
        self.client.commit_all(submissions, "submitting a revision")?;
        let reviews = self.each_entry(revised, |entry, code| {
            let decision = ReviewDecision::Approve;
            signed(clerk(reviewer_of(entry.org)), Action::ReviewCatalogEntry { code, decision })
        })?;
        self.client.commit_all(reviews, "approving a revision")?;
        let publications = self.each_entry(revised, |entry, code| {
            signed(clerk(entry.org), Action::PublishCatalogEntry { code })
        })?;
        self.client.commit_all(publications, "publishing a revision")?;
        let code = self.code("行政处罚信息")?;
        self.sample("an entry with two versions", format!("/v1/catalog/entries/{code}/versions"));
        Ok(())
    }

    /// Sharing: requests in every state (one of a whole entry, one refused by the ledger for
    /// a not-shared entry, one granted as an exception to one), their answers, and one grant
    /// revoked.
    fn sharing(&mut self) -> eyre::Result<()> {
        let today = self.today()?;
        let mut txs = Vec::new();
        for request in REQUESTS {
            let entry = &ENTRIES[Self::index(request.entry)?];
            let items = match request.whole_entry {
                true => Vec::new(),
                false => entry.items.iter().take(3).map(|(name, _)| (*name).to_owned()).collect(),
            };
            let draft = ShareRequestDraft {
                entry: self.code(request.entry)?,
                items,
                purpose: request.purpose.to_owned(),
                legal_duty: LegalBasisCode::from(request.legal_duty),
                starts: today,
                ends: Date(today.0 + 364),
                exception: matches!(request.outcome, Outcome::Exception(..)),
            };
            txs.push(signed(request.requester, Action::RequestShare { draft }));
        }
        let receipts = self.client.commit_all(txs, "requesting data")?;
        let mut ids = BTreeMap::new();
        for (request, receipt) in REQUESTS.iter().zip(&receipts) {
            let id = ShareRequestId(receipt.number("share_request.submitted", "share_request")?);
            ids.insert(request.name, id);
            if let Some(grant) = receipt.attribute("grant.issued", "grant") {
                self.grants.insert(request.name, GrantId(grant.parse()?));
            }
            let by_ledger = receipt.attribute("share_request.refused", "by") == Some("ledger");
            if matches!(request.outcome, Outcome::NotShared) != by_ledger {
                bail!(
                    "request {} was meant to be refused by the ledger only if not shared",
                    request.name
                );
            }
        }

        let expires_at = Date(today.0 + 365).start(UTC_OFFSET_MINUTES);
        let mut answers = Vec::new();
        let mut granted = Vec::new();
        for request in REQUESTS {
            let id = ids[request.name];
            let approver = approver(ENTRIES[Self::index(request.entry)?].org);
            let entry = &ENTRIES[Self::index(request.entry)?];
            let approval = |conditions: &str, legal_basis: Option<&str>| {
                let items = entry.items.iter().take(2).map(|(name, _)| (*name).to_owned());
                let answer = ShareAnswer::Approve {
                    items: items.collect(),
                    expires_at,
                    conditions: conditions.to_owned(),
                    legal_basis: legal_basis.map(LegalBasisCode::from),
                };
                Action::AnswerShare { request: id, answer }
            };
            let action = match request.outcome {
                Outcome::Granted | Outcome::Pending | Outcome::NotShared => continue,
                Outcome::Approved(conditions) => {
                    granted.push(request.name);
                    approval(conditions, None)
                }
                Outcome::Exception(conditions, basis) => {
                    granted.push(request.name);
                    approval(conditions, Some(basis))
                }
                Outcome::Refused(basis, reason) => {
                    let answer = ShareAnswer::Refuse {
                        legal_basis: LegalBasisCode::from(basis),
                        reason: reason.to_owned(),
                    };
                    Action::AnswerShare { request: id, answer }
                }
                Outcome::Withdrawn => {
                    answers.push(signed(
                        request.requester,
                        Action::WithdrawShareRequest { request: id },
                    ));
                    continue;
                }
            };
            answers.push(signed(approver, action));
        }
        let receipts = self.client.commit_all(answers, "answering a request")?;
        for receipt in &receipts {
            if let (Some(request), Some(grant)) = (
                receipt.attribute("grant.issued", "share_request"),
                receipt.attribute("grant.issued", "grant"),
            ) {
                let request: u64 = request.parse()?;
                let name = ids
                    .iter()
                    .find(|(_, id)| id.0 == request)
                    .map(|(name, _)| *name)
                    .ok_or_else(|| eyre!("grant {grant} answers no request of this run"))?;
                self.grants.insert(name, GrantId(grant.parse()?));
            }
        }

        let revoked = self.grant("信用核查")?;
        let revoke = Action::RevokeGrant {
            grant: revoked,
            reason: "使用单位超出授权用途使用数据，经核查予以撤销".to_owned(),
        };
        self.client.commit(approver("xm-dsj"), revoke, "revoking a grant")?;
        // A request answered once cannot be answered again.
        let answered = ids["户籍比对"];
        let again = ShareAnswer::Refuse {
            legal_basis: LegalBasisCode::from("pipl-13"),
            reason: "重复答复".to_owned(),
        };
        self.refuse(vec![(
            signed(approver("xm-gaj"), Action::AnswerShare { request: answered, answer: again }),
            "ShareRequestNotPending",
        )])?;
        self.sample("a granted request", format!("/v1/share-requests/{}", ids["户籍比对"]));
        self.sample("a revoked grant", format!("/v1/grants/{revoked}"));
        self.sample("an exception grant", format!("/v1/grants/{}", self.grant("任职资格核查")?));
        let not_shared = ids["出入境信息共享"];
        self.sample("a request refused as not shared", format!("/v1/share-requests/{not_shared}"));
        Ok(())
    }

    /// Access events: batches by each gateway, covered by grants or not.
    fn accesses(&mut self) -> eyre::Result<()> {
        let (_, now) = self.client.tip()?;
        let mut batches: BTreeMap<&str, Vec<AccessDraft>> = BTreeMap::new();
        for (n, &(gateway, claim, entry, item)) in (1u64..).zip(ACCESSES) {
            let grant = match claim {
                Claim::Grant(request) => Some(self.grant(request)?),
                Claim::None => None,
                Claim::Unknown => Some(GrantId(u64::from(u32::MAX))),
            };
            let (name, _) = ENTRIES[Self::index(entry)?].items[item];
            batches.entry(gateway).or_default().push(AccessDraft {
                grant,
                member: key_of(self.client.suite(), gateway),
                resource: self.resource(entry)?,
                items: vec![name.to_owned()],
                operation: match n % 3 {
                    0 => AccessOperation::Query,
                    1 => AccessOperation::ApiCall,
                    _ => AccessOperation::Download,
                },
                record_count: 1 + n * 17,
                request_digest: self.digest(&format!("{gateway}/request-{n}")),
                accessed_at: Timestamp(now.saturating_sub(60_000 * n)),
            });
        }
        let txs = batches
            .into_iter()
            .map(|(gateway, events)| signed(gateway, Action::RecordAccesses { events }))
            .collect();
        let receipts = self.client.commit_all(txs, "recording accesses")?;
        let violations: Vec<String> = receipts
            .iter()
            .flat_map(|receipt| receipt.events.iter())
            .filter(|event| event.kind == "violation.recorded")
            .filter_map(|event| {
                event.attributes.iter().find(|(key, _)| key == "violation").map(|(_, v)| v.clone())
            })
            .collect();
        if violations.len() != 6 {
            bail!("the accesses were meant to make 6 violations, not {}", violations.len());
        }
        self.sample("a violation", format!("/v1/violations/{}", violations[0]));
        Ok(())
    }

    /// Quality feedback: a report fixed, two disputed and ruled on, one left to answer.
    fn quality(&mut self) -> eyre::Result<()> {
        let report = |reporter: &str, resource: &str, description: &str| -> eyre::Result<Signed> {
            Ok(signed(
                reporter,
                Action::ReportQualityIssue {
                    resource: self.resource(resource)?,
                    description: description.to_owned(),
                    evidence_digest: self.digest(&format!("{resource}/evidence")),
                },
            ))
        };
        let reports = vec![
            report(
                "xm-gaj/gateway",
                "企业登记信息",
                "部分已注销企业的登记状态仍显示为存续，与实际不符",
            )?,
            report("xm-dsj/gateway", "机动车登记信息", "约3%的车辆记录使用性质字段为空")?,
            report(
                "xm-jypt/data-user",
                "行政处罚信息",
                "部分处罚日期晚于公示日期，时间字段疑似错误",
            )?,
            report(
                "xm-smq-sjj/gateway",
                "道路交通违法信息",
                "辖区内部分违法地点坐标落在海域，定位信息有误",
            )?,
        ];
        let receipts = self.client.commit_all(reports, "reporting a quality issue")?;
        let ids: Vec<QualityReportId> = numbers(&receipts, "quality.reported", "quality_report")?
            .into_iter()
            .map(QualityReportId)
            .collect();
        let answers = vec![
            signed(
                "xm-scjg/catalog-clerk",
                Action::AnswerQualityIssue {
                    report: ids[0],
                    answer: QualityAnswer::Fixed {
                        snapshot_digest: self.digest("企业登记信息/snapshot-fixed"),
                    },
                },
            ),
            signed(
                "xm-gaj/catalog-clerk",
                Action::AnswerQualityIssue {
                    report: ids[1],
                    answer: QualityAnswer::Disputed {
                        reasons: "使用性质为历史非必填项，存量数据未采集，不属于数据质量问题"
                            .to_owned(),
                    },
                },
            ),
            signed(
                "xm-scjg/catalog-clerk",
                Action::AnswerQualityIssue {
                    report: ids[2],
                    answer: QualityAnswer::Disputed {
                        reasons: "经核对原始文书，处罚日期无误，使用方调用的是过期快照".to_owned(),
                    },
                },
            ),
        ];
        self.client.commit_all(answers, "answering a quality report")?;
        let rulings = vec![
            signed(
                "xm-dsj/catalog-clerk",
                Action::RuleQualityIssue {
                    report: ids[1],
                    responsible: OrgId::from("xm-gaj"),
                    ruling: "依据数据标准，使用性质为必填项，由提供部门于10个工作日内补录"
                        .to_owned(),
                },
            ),
            signed(
                "xm-dsj/catalog-clerk",
                Action::RuleQualityIssue {
                    report: ids[2],
                    responsible: OrgId::from("xm-jypt"),
                    ruling: "使用方未按目录更新频率同步数据，问题由使用方负责".to_owned(),
                },
            ),
        ];
        self.client.commit_all(rulings, "ruling on a quality report")?;
        self.sample("a ruled quality report", format!("/v1/quality-reports/{}", ids[1]));
        Ok(())
    }

    /// Data property: applications, a refusal, objections (one upheld, one dismissed, one left
    /// pending), certificates after a one-day notice, a licence, a transfer, a renewal and a
    /// cancellation, and a product application in notice.
    fn property(&mut self) -> eyre::Result<()> {
        let today = self.today()?;
        let apply = |admin: &str, resource: &str| -> eyre::Result<Signed> {
            Ok(signed(
                admin,
                Action::ApplyForProperty {
                    draft: PropertyApplicationDraft {
                        right: RightKind::Holding,
                        subject: PropertySubject::Resource { resource: self.resource(resource)? },
                        evidence_digests: vec![
                            self.digest(&format!("{resource}/source-proof")),
                            self.digest(&format!("{resource}/collection-basis")),
                        ],
                        valid_from: today,
                        valid_until: Date(today.0 + 5 * 365),
                    },
                },
            ))
        };
        // Certified after the notice: A1 (licensed, renewed), A2 (transferred), A3 (cancelled).
        // In a 15-day notice: A4 (objections upheld and dismissed), A5 (objection pending).
        // A6 is refused by the registrar; A7 waits for review.
        let applications = vec![
            apply("xm-scjg/admin", "企业登记信息")?,
            apply("xm-dsj/admin", "公共信用信息")?,
            apply("xm-gaj/admin", "机动车登记信息")?,
            apply("xm-gaj/admin", "道路交通违法信息")?,
            apply("xm-scjg/admin", "食品经营许可信息")?,
            apply("xm-smq/admin", "思明区社区网格信息")?,
            apply("xm-smq-sjj/admin", "思明区政务数据共享交换日志")?,
        ];
        // Only a resource's provider applies for its holding right (谁提供谁负责).
        let not_provider = apply("xm-jypt/admin", "企业登记信息")?;
        let receipts = self.client.commit_all(applications, "applying for a property right")?;
        let ids: Vec<ApplicationId> = numbers(&receipts, "property.applied", "application")?
            .into_iter()
            .map(ApplicationId)
            .collect();
        self.refuse(vec![(not_provider, "RegistrantNotProvider")])?;

        let review = |id: ApplicationId, decision: ReviewDecision| {
            signed(
                "xm-djzx/registrar-1",
                Action::ReviewPropertyApplication { application: id, decision },
            )
        };
        let returned = ReviewDecision::Return {
            reasons: "未提交数据来源合法性证明材料，请补正后重新申请".to_owned(),
        };
        let reviews = vec![
            review(ids[3], ReviewDecision::Approve),
            review(ids[4], ReviewDecision::Approve),
            review(ids[5], returned),
        ];
        self.client.commit_all(reviews, "reviewing an application")?;
        let object = |objector: &str, application: ApplicationId, grounds: &str| {
            let evidence_digests =
                vec![self.digest(&format!("{objector}/{application}/objection"))];
            signed(
                objector,
                Action::FileObjection {
                    application,
                    grounds: grounds.to_owned(),
                    evidence_digests,
                },
            )
        };
        let objections = vec![
            object(
                "xm-scjg/admin",
                ids[3],
                "该数据中号牌关联的企业车辆信息部分来源于市场主体登记，权属存疑",
            ),
            object("xm-jypt/admin", ids[3], "申请材料未附数据采集的合法性证明，来源证明不完整"),
            object("xm-dsj/admin", ids[4], "许可信息已汇入公共数据平台，持有权归属需进一步核实"),
        ];
        let receipts = self.client.commit_all(objections, "filing an objection")?;
        let objection_ids: Vec<ObjectionId> = numbers(&receipts, "objection.filed", "objection")?
            .into_iter()
            .map(ObjectionId)
            .collect();
        let rule = |objection: ObjectionId, upheld: bool, reasons: &str| {
            signed(
                "xm-djzx/registrar-2",
                Action::RuleObjection { objection, upheld, reasons: reasons.to_owned() },
            )
        };
        let rulings = vec![
            rule(objection_ids[0], false, "号牌信息由公安机关依法采集，不影响持有权归属"),
            rule(objection_ids[1], true, "确未提交采集合法性证明，异议成立，申请不予登记"),
        ];
        self.client.commit_all(rulings, "ruling on an objection")?;
        self.sample(
            "an application refused on objection",
            format!("/v1/property/applications/{}", ids[3]),
        );
        self.sample("a pending objection", format!("/v1/property/objections/{}", objection_ids[2]));

        self.set_notice_days(1, "开发网演示：公示期临时缩短为1天，以便办结登记证书")?;
        let mut reviews: Vec<Signed> =
            (0..3).map(|i| review(ids[i], ReviewDecision::Approve)).collect();
        reviews.extend(
            self.lifecycle
                .product_application
                .map(|application| review(application, ReviewDecision::Approve)),
        );
        let receipts = self.client.commit_all(reviews, "accepting an application")?;
        // A certificate waits for the end of the notice.
        self.refuse(vec![(
            signed("xm-djzx/registrar-1", Action::IssueCertificate { application: ids[0] }),
            "NoticeNotEnded",
        )])?;
        let ends = numbers(&receipts, "property.notice_started", "notice_ends")?;
        let notice_ends = ends.into_iter().max().unwrap_or(0);
        let product =
            if self.wait_for_notice(notice_ends)? { Some(self.certificates(&ids)?) } else { None };
        self.set_notice_days(NOTICE_DAYS_GENESIS, "演示证书已办结，恢复15天公示期")?;
        if let Some(product) = product {
            let decision = ReviewDecision::Approve;
            let review = Action::ReviewPropertyApplication { application: product, decision };
            self.client.commit(
                "xm-djzx/registrar-1",
                review,
                "accepting the product application",
            )?;
            self.sample("a product in notice", format!("/v1/property/applications/{product}"));
        }
        Ok(())
    }

    /// Waits until block time passes `notice_ends`, unless this devnet's clock cannot get there
    /// within the wait; whether it did.
    fn wait_for_notice(&mut self, notice_ends: u64) -> eyre::Result<bool> {
        self.wait_until(
            notice_ends.saturating_add(1),
            "the certificates, their transfer, licence, renewal and cancellation",
        )
    }

    /// Waits until block time reaches `time`, unless this devnet's clock cannot get there within
    /// [`SeedOptions::notice_wait`]; whether it did. When not, `what` is left out and the
    /// summary's `skipped` lines say why.
    fn wait_until(&mut self, time: u64, what: &str) -> eyre::Result<bool> {
        let (_, now) = self.client.tip()?;
        let elapsed_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let rate = (now.saturating_sub(self.start_time)) / elapsed_ms.max(1);
        let needed_ms = time.saturating_sub(now);
        let wait_ms = u64::try_from(self.options.notice_wait.as_millis()).unwrap_or(u64::MAX);
        if rate.saturating_mul(wait_ms) < needed_ms {
            self.summary.skipped.push(format!(
                "{what}: they wait for block time {time}, {} min of block time away, and \
                 this devnet's clock runs at about {}x the wall clock; start the devnet with \
                 `onebook testnet --clock-rate 1440` (ONEBOOK_DEVNET_CLOCK_RATE=1440 \
                 scripts/devnet.sh) to see them",
                needed_ms / 60_000,
                rate.max(1)
            ));
            return Ok(false);
        }
        match self.client.wait_for_time(time, self.options.notice_wait)? {
            Some(_) => Ok(true),
            None => {
                self.summary.skipped.push(format!(
                    "{what}: block time did not reach {time} within {:?}",
                    self.options.notice_wait
                ));
                Ok(false)
            }
        }
    }

    /// Issues the certificates of applications 0 to 2 of `ids`, licenses, transfers, renews
    /// and cancels them, and applies for a product right on the licence; that application.
    fn certificates(&mut self, ids: &[ApplicationId]) -> eyre::Result<ApplicationId> {
        let issue = |application: ApplicationId| {
            signed("xm-djzx/registrar-1", Action::IssueCertificate { application })
        };
        let developed = self.lifecycle.product_application;
        let issues = ids[..3].iter().copied().chain(developed).map(issue).collect();
        let mut receipts = self.client.commit_all(issues, "issuing a certificate")?;
        if developed.is_some() {
            let receipt = receipts.pop().ok_or_else(|| eyre!("no receipts"))?;
            let number = receipt.id("certificate.issued", "certificate")?;
            self.summary.records.insert(
                "a certificate of a developed product".to_owned(),
                format!("certificate:{number}"),
            );
            self.sample(
                "a developed product's certificate",
                format!("/v1/property/certificates/{number}"),
            );
        }
        let numbers: Vec<CertificateNumber> = receipts
            .iter()
            .map(|receipt| Ok(CertificateNumber(receipt.id("certificate.issued", "certificate")?)))
            .collect::<eyre::Result<_>>()?;
        let today = self.today()?;
        let licence = Action::LicenseRight {
            certificate: numbers[0].clone(),
            licensee: OrgId::from("xm-jypt"),
            starts: today,
            ends: Date(today.0 + 364),
        };
        let transfer = Action::TransferCertificate {
            certificate: numbers[1].clone(),
            to: OrgId::from("xm-dsjgs"),
        };
        let receipts = self.client.commit_all(
            vec![signed("xm-scjg/admin", licence), signed("xm-dsj/admin", transfer)],
            "licensing and transferring",
        )?;
        let licence = CertificateNumber(receipts[0].id("certificate.licensed", "certificate")?);
        let renew = Action::RenewCertificate {
            certificate: numbers[0].clone(),
            valid_until: Date(today.0 + 6 * 365),
        };
        let cancel = Action::CancelCertificate {
            certificate: numbers[2].clone(),
            reason: "登记信息有误，依持有人申请注销".to_owned(),
        };
        self.client.commit_all(
            vec![signed("xm-djzx/registrar-1", renew), signed("xm-djzx/registrar-2", cancel)],
            "renewing and cancelling",
        )?;

        let product = Action::ApplyForProperty {
            draft: PropertyApplicationDraft {
                right: RightKind::ProductOperation,
                subject: PropertySubject::Product {
                    name: "企业信用画像数据产品".to_owned(),
                    description: "基于企业登记信息加工形成的企业信用画像，面向金融机构提供评估服务"
                        .to_owned(),
                    digest: self.digest("product/credit-profile"),
                    inputs: vec![licence.clone()],
                },
                evidence_digests: vec![self.digest("product/processing-record")],
                valid_from: today,
                valid_until: Date(today.0 + 2 * 365),
            },
        };
        let receipt =
            self.client.commit("xm-jypt/admin", product, "applying for a product right")?;
        let product = ApplicationId(receipt.number("property.applied", "application")?);
        self.sample(
            "a transferred certificate",
            format!("/v1/property/certificates/{}", numbers[1]),
        );
        self.sample("a licence", format!("/v1/property/certificates/{licence}"));
        Ok(product)
    }

    /// The last steps: a duty change left to meet, and a proposal the validators reject.
    fn closing(&mut self) -> eyre::Result<()> {
        let duty = Action::RecordDutyChange {
            description: "承接交通运输执法职能划转，需在7个工作日内更新数据目录".to_owned(),
        };
        self.client.commit("xm-gaj/admin", duty, "recording a duty change")?;
        let change =
            GovernanceChange::SetPolicy { parameter: PolicyParameter::GrantTermDaysMax(3_650) };
        let rationale = "将共享授权最长期限延长至10年".to_owned();
        let receipt = self.client.commit(
            VOTERS[0],
            Action::SubmitProposal { change, rationale },
            "submitting a proposal",
        )?;
        let proposal = ProposalId(receipt.number("proposal.submitted", "proposal")?);
        let votes = VOTERS[1..]
            .iter()
            .map(|voter| signed(*voter, Action::VoteProposal { proposal, approve: false }))
            .collect();
        let receipts = self.client.commit_all(votes, "voting against a proposal")?;
        if !receipts.iter().any(|receipt| receipt.event("proposal.rejected").is_some()) {
            bail!("proposal {proposal} was not rejected by two votes against");
        }
        self.sample("a rejected proposal", format!("/v1/proposals/{proposal}"));
        Ok(())
    }

    /// Reads back the counts of every kind from the API.
    fn summary(mut self) -> eyre::Result<SeedSummary> {
        let (totals, statuses) = record_counts(self.client)?;
        self.summary.created = totals
            .iter()
            .map(|(kind, total)| {
                let before = self.before.get(kind).copied().unwrap_or(0);
                (kind.clone(), total.saturating_sub(before))
            })
            .collect();
        self.summary.totals = totals;
        self.summary.statuses = statuses;
        self.summary.heights = (self.start_height, self.client.tip()?.0);
        Ok(self.summary)
    }
}

/// The record kinds the summary counts, by their list route.
const KINDS: [(&str, &str); 14] = [
    ("orgs", "/v1/orgs"),
    ("members", "/v1/members"),
    ("proposals", "/v1/proposals"),
    ("catalog_entries", "/v1/catalog/entries"),
    ("resources", "/v1/resources"),
    ("share_requests", "/v1/share-requests"),
    ("grants", "/v1/grants"),
    ("access_events", "/v1/access-events"),
    ("violations", "/v1/violations"),
    ("quality_reports", "/v1/quality-reports"),
    ("applications", "/v1/property/applications"),
    ("objections", "/v1/property/objections"),
    ("certificates", "/v1/property/certificates"),
    ("obligations", "/v1/obligations"),
];

/// The kinds whose records the summary also counts by status.
const BY_STATUS: [&str; 7] = [
    "catalog_entries",
    "share_requests",
    "grants",
    "applications",
    "objections",
    "certificates",
    "quality_reports",
];

/// Records per kind, and per status for [`BY_STATUS`], as an auditor lists them.
type Counts = (BTreeMap<String, usize>, BTreeMap<String, BTreeMap<String, usize>>);

/// Counts the records of every kind of [`KINDS`] through the list routes, read as the auditor
/// (so restricted lists are whole).
fn record_counts(client: &Client) -> eyre::Result<Counts> {
    let mut totals = BTreeMap::new();
    let mut statuses = BTreeMap::new();
    for (kind, path) in KINDS {
        let items = client.list_all(path, Some(AUDITOR), 1_000)?;
        totals.insert(kind.to_owned(), items.len());
        if BY_STATUS.contains(&kind) {
            let mut counts = BTreeMap::new();
            for item in &items {
                let status = item["record"]["status"]["status"].as_str().unwrap_or("?");
                *counts.entry(status.to_owned()).or_insert(0) += 1;
            }
            statuses.insert(kind.to_owned(), counts);
        }
    }
    Ok((totals, statuses))
}

/// The grant a demo access claims.
#[derive(Clone, Copy, Debug)]
enum Claim {
    /// The grant of the demo request of this name.
    Grant(&'static str),
    /// None: the gateway knows of no grant.
    None,
    /// A grant id that does not exist.
    Unknown,
}

/// The demo's accesses: (gateway, the grant claimed, the entry whose resource was read, the
/// index of the entry's item the access returned). Six are not covered: no grant, an unknown
/// grant, a revoked grant (信用核查), another org's grant (涉案企业核查 by the market
/// regulator's gateway), a resource outside the grant's entry, and an item the grant does not
/// name (户籍比对 grants the first two items of 户籍人口信息). The whole-entry grant of 处罚归集
/// covers any item of its entry.
const ACCESSES: &[(&str, Claim, &str, usize)] = &[
    ("xm-gaj/gateway", Claim::Grant("涉案企业核查"), "企业登记信息", 0),
    ("xm-gaj/gateway", Claim::Grant("涉案企业核查"), "企业登记信息", 1),
    ("xm-gaj/gateway", Claim::Grant("省级法人核验"), "省级法人基础库共享信息", 0),
    ("xm-gaj/gateway", Claim::None, "企业年度报告信息", 0),
    ("xm-dsj/gateway", Claim::Grant("户籍比对"), "户籍人口信息", 1),
    ("xm-dsj/gateway", Claim::Grant("户籍比对"), "户籍人口信息", 4),
    ("xm-dsj/gateway", Claim::Grant("处罚归集"), "行政处罚信息", 3),
    ("xm-dsj/gateway", Claim::Grant("户籍比对"), "居民身份证签发信息", 0),
    ("xm-scjg/gateway", Claim::Grant("信用核查"), "公共信用信息", 0),
    ("xm-scjg/gateway", Claim::Grant("特种车辆监管"), "机动车登记信息", 0),
    ("xm-scjg/gateway", Claim::Grant("涉案企业核查"), "企业登记信息", 0),
    ("xm-scjg/gateway", Claim::Grant("任职资格核查"), "违法犯罪记录查询信息", 1),
    ("xm-jypt/data-user", Claim::Grant("证照核验"), "电子证照目录信息", 0),
    ("xm-jypt/data-user", Claim::Grant("证照核验"), "电子证照目录信息", 1),
    ("xm-jypt/data-user", Claim::Unknown, "公共信用信息", 0),
    ("xm-smq-sjj/gateway", Claim::Grant("交通秩序治理"), "道路交通违法信息", 0),
    ("xm-smq-sjj/gateway", Claim::Grant("网格服务"), "人口综合信息", 0),
];

/// What becomes of a demo share request.
#[derive(Clone, Copy, Debug)]
enum Outcome {
    /// The entry is unconditional: the ledger grants it.
    Granted,
    /// The provider's approver approves it under these conditions.
    Approved(&'static str),
    /// The provider's approver refuses it on this legal basis, for this reason.
    Refused(&'static str, &'static str),
    /// The entry is not shared and no exception is asked: the ledger refuses it at once,
    /// citing the entry's legal basis.
    NotShared,
    /// An exception to a not-shared entry, approved under these conditions citing this legal
    /// basis.
    Exception(&'static str, &'static str),
    /// The requester withdraws it.
    Withdrawn,
    /// Nobody answers yet.
    Pending,
}

/// One demo share request.
#[derive(Clone, Copy, Debug)]
struct RequestSpec {
    /// What the demo calls it.
    name: &'static str,
    /// The signing data user.
    requester: &'static str,
    /// The entry's name.
    entry: &'static str,
    /// Its purpose.
    purpose: &'static str,
    /// The legal duty it serves.
    legal_duty: &'static str,
    /// Whether it asks for the whole entry rather than its first items.
    whole_entry: bool,
    /// What becomes of it.
    outcome: Outcome,
}

const REQUESTS: &[RequestSpec] = &[
    RequestSpec {
        name: "涉案企业核查",
        requester: "xm-gaj/gateway",
        entry: "企业登记信息",
        purpose: "核查涉案企业的登记信息，开展经济犯罪侦查",
        legal_duty: "gzsj-2022-sh",
        whole_entry: false,
        outcome: Outcome::Granted,
    },
    RequestSpec {
        name: "处罚归集",
        requester: "xm-dsj/gateway",
        entry: "行政处罚信息",
        purpose: "归集行政处罚信息，纳入公共信用信息平台",
        legal_duty: XM_PLAN_BASIS,
        whole_entry: true,
        outcome: Outcome::Granted,
    },
    RequestSpec {
        name: "交通秩序治理",
        requester: "xm-smq-sjj/gateway",
        entry: "道路交通违法信息",
        purpose: "辖区交通秩序综合治理与重点路段整治",
        legal_duty: XM_PLAN_BASIS,
        whole_entry: false,
        outcome: Outcome::Granted,
    },
    RequestSpec {
        name: "信用核查",
        requester: "xm-scjg/gateway",
        entry: "公共信用信息",
        purpose: "对申请评优评先的企业开展信用核查",
        legal_duty: "gzsj-2022-sh",
        whole_entry: false,
        outcome: Outcome::Granted,
    },
    RequestSpec {
        name: "证照核验",
        requester: "xm-jypt/data-user",
        entry: "电子证照目录信息",
        purpose: "为交易主体提供电子证照在线核验",
        legal_duty: XM_PLAN_BASIS,
        whole_entry: false,
        outcome: Outcome::Granted,
    },
    RequestSpec {
        name: "省级法人核验",
        requester: "xm-gaj/gateway",
        entry: "省级法人基础库共享信息",
        purpose: "跨设区市涉案法人单位身份核验",
        legal_duty: "gzsj-2022-sh",
        whole_entry: false,
        outcome: Outcome::Granted,
    },
    RequestSpec {
        name: "户籍比对",
        requester: "xm-dsj/gateway",
        entry: "户籍人口信息",
        purpose: "人口综合库与户籍信息比对校验",
        legal_duty: "pipl-13",
        whole_entry: false,
        outcome: Outcome::Approved(
            "仅用于人口综合库比对校验，不得向第三方提供，结果留存不超过30日",
        ),
    },
    RequestSpec {
        name: "特种车辆监管",
        requester: "xm-scjg/gateway",
        entry: "机动车登记信息",
        purpose: "特种设备（场车）使用登记与车辆信息核对",
        legal_duty: "gzsj-2022-sh",
        whole_entry: false,
        outcome: Outcome::Approved("仅用于特种车辆安全监管，按月调用"),
    },
    RequestSpec {
        name: "网格服务",
        requester: "xm-smq-sjj/gateway",
        entry: "人口综合信息",
        purpose: "社区网格服务与独居老人关爱走访",
        legal_duty: "pipl-13",
        whole_entry: false,
        outcome: Outcome::Approved("仅用于社区网格服务，联系电话脱敏显示"),
    },
    RequestSpec {
        name: "市场化户籍查询",
        requester: "xm-jypt/data-user",
        entry: "户籍人口信息",
        purpose: "为平台会员提供个人身份信息查询服务",
        legal_duty: XM_PLAN_BASIS,
        whole_entry: false,
        outcome: Outcome::Refused(
            "pipl-13",
            "申请用途不属于依法履职范围，个人信息不得向市场主体提供",
        ),
    },
    RequestSpec {
        name: "年报资产查询",
        requester: "xm-jypt/data-user",
        entry: "企业年度报告信息",
        purpose: "为金融机构提供企业资产数据",
        legal_duty: XM_PLAN_BASIS,
        whole_entry: false,
        outcome: Outcome::Refused("dsl-38", "资产类字段涉及商业秘密，未经企业同意不得提供"),
    },
    RequestSpec {
        name: "出入境信息共享",
        requester: "xm-dsj/gateway",
        entry: "出入境证件签发信息",
        purpose: "人口综合库补充出入境证件信息",
        legal_duty: "gzsj-2022-sh",
        whole_entry: false,
        outcome: Outcome::NotShared,
    },
    RequestSpec {
        name: "任职资格核查",
        requester: "xm-scjg/gateway",
        entry: "违法犯罪记录查询信息",
        purpose: "特定行业企业负责人任职资格核查",
        legal_duty: "gzsj-2022-sh",
        whole_entry: false,
        outcome: Outcome::Exception(
            "经市公安局审批作为例外共享，仅限任职资格核查，逐条留痕",
            "pipl-13",
        ),
    },
    RequestSpec {
        name: "特种设备核查",
        requester: "xm-gaj/gateway",
        entry: "特种设备使用登记信息",
        purpose: "重大活动安保期间特种设备安全核查",
        legal_duty: "gzsj-2022-sh",
        whole_entry: false,
        outcome: Outcome::Pending,
    },
    RequestSpec {
        name: "省级参保核验",
        requester: "xm-dsj/gateway",
        entry: "省级社会保障参保信息",
        purpose: "人才引进补贴的参保资格核验",
        legal_duty: XM_PLAN_BASIS,
        whole_entry: false,
        outcome: Outcome::Pending,
    },
    RequestSpec {
        name: "驾驶人资格核查",
        requester: "xm-dsj/gateway",
        entry: "机动车驾驶人信息",
        purpose: "网约车驾驶员从业资格核查",
        legal_duty: "gzsj-2022-sh",
        whole_entry: false,
        outcome: Outcome::Pending,
    },
    RequestSpec {
        name: "流动人口服务",
        requester: "xm-scjg/gateway",
        entry: "流动人口居住登记信息",
        purpose: "个体工商户经营者居住信息核对",
        legal_duty: "gzsj-2022-sh",
        whole_entry: false,
        outcome: Outcome::Withdrawn,
    },
    RequestSpec {
        name: "企业走访分析",
        requester: "xm-jypt/data-user",
        entry: "思明区辖区企业走访信息",
        purpose: "企业诉求热点分析",
        legal_duty: XM_PLAN_BASIS,
        whole_entry: false,
        outcome: Outcome::Withdrawn,
    },
];

/// A proposal change admitting org `id` with its dev admin key `<id>/admin` in `suite`.
fn admit(
    suite: Suite,
    id: &str,
    name: &str,
    level: OrgLevel,
    parent: &str,
    region: &str,
    data_authority: bool,
) -> GovernanceChange {
    GovernanceChange::AdmitOrg {
        id: OrgId::from(id),
        name: name.to_owned(),
        level,
        parent: Some(OrgId::from(parent)),
        region: RegionCode::from(region),
        data_authority,
        admin: key_of(suite, &format!("{id}/admin")),
    }
}

/// The public key of the dev label `label` in `suite`.
fn key_of(suite: Suite, label: &str) -> PublicKey {
    onebook_genesis::dev_secret_in(suite, label).public_key()
}

/// The dev label of `org`'s catalog clerk.
fn clerk(org: &str) -> String {
    format!("{org}/catalog-clerk")
}

/// The dev label of `org`'s share approver.
fn approver(org: &str) -> &'static str {
    match org {
        "xm-gaj" => "xm-gaj/share-approver",
        "xm-scjg" => "xm-scjg/share-approver",
        "fj-sjj" => "fj-sjj/share-approver",
        "xm-smq" => "xm-smq/share-approver",
        "xm-smq-sjj" => "xm-smq-sjj/share-approver",
        _ => "xm-dsj/share-approver",
    }
}

/// The display name of a demo org.
fn org_name(org: &str) -> &'static str {
    match org {
        "fj-sjj" => "福建省数据管理局",
        "xm-smq" => "厦门市思明区人民政府",
        "xm-smq-sjj" => "厦门市思明区数据管理局",
        "xm-dsj" => "厦门市大数据管理局",
        "xm-scjg" => "厦门市市场监督管理局",
        "xm-dsjgs" => "厦门市大数据有限公司",
        _ => "厦门市",
    }
}

/// The demo's fields that hold personal information (个人信息).
const PERSONAL: &[&str] = &[
    "公民身份号码",
    "姓名",
    "性别",
    "出生日期",
    "户籍地址",
    "居住地址",
    "联系电话",
    "证件号码",
    "驾驶证号",
    "法定代表人",
    "经营者",
    "所有人",
    "号牌号码",
    "迁入地",
    "迁出地",
];

/// The field `name` of `entry`, following `element`: personal information if it is one of
/// [`PERSONAL`], and then graded as its entry but at least important; any other field general.
fn item(entry: &EntrySpec, name: &str, element: &str) -> DataItem {
    let personal_information = PERSONAL.contains(&name);
    DataItem {
        name: name.to_owned(),
        data_element: element.to_owned(),
        personal_information,
        sensitivity: if personal_information {
            entry.grade.0.max(Grade::Important)
        } else {
            Grade::General
        },
    }
}

/// The draft of version `version` of `entry`: the second adds an update-time item.
fn draft(entry: &EntrySpec, version: u32) -> CatalogEntryDraft {
    let mut items: Vec<DataItem> =
        entry.items.iter().map(|(name, element)| item(entry, name, element)).collect();
    let mut description = entry.description.to_owned();
    if version > 1 {
        items.push(item(entry, "数据更新时间", "DE9001"));
        description.push_str("（第二版：增加数据更新时间字段）");
    }
    CatalogEntryDraft {
        name: entry.name.to_owned(),
        description,
        items,
        classification: entry.classification.to_owned(),
        grade: entry.grade.0,
        security_level: entry.grade.1,
        share_type: match entry.share {
            Share::Unconditional => ShareType::Unconditional,
            Share::Conditional(conditions) => {
                ShareType::Conditional { conditions: conditions.to_owned() }
            }
            Share::NotShared(basis) => {
                ShareType::NotShared { legal_basis: LegalBasisCode::from(basis) }
            }
        },
        open_type: entry.open,
        update_frequency: entry.frequency.to_owned(),
        system: SystemId::from(entry.system),
    }
}

/// A plausible record count for entry `index`.
fn record_count(index: usize) -> u64 {
    let index = index as u64;
    50_000 + (index * 7_919 % 97) * 41_300
}
