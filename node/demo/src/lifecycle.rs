//! The demo's records of protocol version 3: the upgrade itself, scheduled by governance; the
//! grant lifecycle (a provincial grant passed on down the hierarchy, its revocation ending the
//! onward cover, close-outs on time, late and missing); and open-data development (an annual
//! open-data plan and its revision, scenarios approved, returned and pending, products under a
//! development grant, and a product's property application citing its grant).

use eyre::{bail, eyre};
use onebook_types::{
    action::{
        AccessDraft, AccessOperation, Action, GovernanceChange, PropertyApplicationDraft,
        PropertySubject, ReviewDecision, RightKind, ShareAnswer, ShareRequestDraft,
    },
    development_records::{PlannedOpening, ScenarioDraft},
    hash::Hash32,
    ids::{
        ApplicationId, DevelopmentGrantId, GrantId, Height, LegalBasisCode, OrgId, ProtocolVersion,
        RegionCode, ScenarioId, ShareRequestId, Timestamp,
    },
    lifecycle_records::{CloseOutDisposition, LifecyclePolicy},
    report_records::{ReportPeriod, ReportScope},
    time::{DAY_MS, Date},
};

use crate::{ENTRIES, Run, UTC_OFFSET_MINUTES, approver, key_of, signed};

/// The protocol version whose rules the lifecycle records need.
const LIFECYCLE_VERSION: u64 = 3;
/// Working days a grantee has to close out an ended grant on the demo's ledger: one, so that a
/// close-out falls late and another overdue within the demo's wait.
const CLOSE_OUT_WORKING_DAYS: u16 = 1;
/// The provincial entry shared back down to the city and the district (数据回流).
const RETURNED_ENTRY: &str = "省级人口基础库共享信息";
/// The entries of the open-data plan: `xm-scjg`'s open entries, by the quarter they open in.
const PLANNED: [(&str, u8); 3] =
    [("企业登记信息", 1), ("食品经营许可信息", 2), ("经营异常名录信息", 3)];
/// The legal basis a retaining grantee cites, from the dev genesis registry.
const RETENTION_BASIS: &str = "gov-info-14";
/// The region whose periodic report the demo publishes: Xiamen's, whose data authority is
/// `xm-dsj`.
const REPORT_REGION: &str = "350200";

/// What the lifecycle steps created, for the later steps and the summary.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lifecycle {
    /// The provincial grant to the city, then its onward grants to the district government and
    /// the district bureau.
    pub(crate) chain: Vec<GrantId>,
    /// The obligation of the city to close out the provincial grant.
    pub(crate) city_duty: Option<u64>,
    /// The development grant of the approved scenario.
    pub(crate) development_grant: Option<DevelopmentGrantId>,
    /// The property application of a product built under it.
    pub(crate) product_application: Option<ApplicationId>,
    /// Whether an earlier run already upgraded the ledger: this run's scenario types then carry
    /// its tag, since an org applies for a scenario type once (一类场景一审定).
    pub(crate) again: bool,
}

impl Run<'_> {
    /// Governance schedules protocol versions 2 and 3 a few blocks ahead (each one more than the
    /// last scheduled), waits until version 3 judges the blocks, then shortens the close-out
    /// period by a `set_lifecycle_policy` proposal. Skipped when a passed proposal already
    /// scheduled version 3 (a second run).
    pub(crate) fn upgrade(&mut self) -> eyre::Result<()> {
        let passed = self.client.list_all("/v1/proposals?status=passed", None, 100)?;
        let scheduled: Vec<u64> = passed
            .iter()
            .filter(|view| view["record"]["change"]["kind"] == "schedule_upgrade")
            .filter_map(|view| view["record"]["change"]["version"].as_u64())
            .collect();
        if scheduled.contains(&LIFECYCLE_VERSION) {
            self.lifecycle.again = true;
            return Ok(());
        }
        let next = scheduled.iter().max().map_or(2, |last| last + 1);
        let (tip, _) = self.client.tip()?;
        // Each proposal passes in two blocks (submission, votes); activation sits above them.
        let mut last = tip;
        for (height, version) in (tip + 12..).zip(next..=LIFECYCLE_VERSION) {
            let change = GovernanceChange::ScheduleUpgrade {
                version: ProtocolVersion(version),
                height: Height(height),
            };
            self.pass(vec![(change, "启用数据授权全流程管理与开放开发规则（协议版本升级）")])?;
            last = height;
        }
        let wait = self.options.notice_wait;
        let deadline = std::time::Instant::now() + wait;
        while self.client.tip()?.0 < last {
            if std::time::Instant::now() > deadline {
                bail!(
                    "protocol version {LIFECYCLE_VERSION} did not activate at {last} in {wait:?}"
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        let policy = LifecyclePolicy { close_out_working_days: CLOSE_OUT_WORKING_DAYS };
        let ids = self.pass(vec![(
            GovernanceChange::SetLifecyclePolicy { policy },
            "开发网演示：授权终止后1个工作日内办理数据销毁或留存登记",
        )])?;
        self.sample("the protocol upgrade", format!("/v1/proposals/{}", ids[0]));
        Ok(())
    }

    /// Data return (数据回流): the city obtains a provincial grant and passes it on to the
    /// district government, which passes it on to its data bureau (one onward grant wider than
    /// its parent is refused); the bureau's gateway accesses the data; the province revokes its
    /// grant, which ends the cover below it, so the bureau's next access is a violation; the
    /// bureau closes out at once (destroyed) and the district government retains its copy on a
    /// legal basis. The city's close-out is left for [`Run::late_close_out`].
    pub(crate) fn data_return(&mut self) -> eyre::Result<()> {
        let today = self.today()?;
        let entry = &ENTRIES[Self::index(RETURNED_ENTRY)?];
        let items: Vec<String> = entry.items.iter().take(2).map(|(n, _)| (*n).to_owned()).collect();
        let draft = ShareRequestDraft {
            entry: self.code(RETURNED_ENTRY)?,
            items: items.clone(),
            purpose: "省级人口基础信息属地返还，支撑市、区两级基层治理".to_owned(),
            legal_duty: LegalBasisCode::from("gzsj-2022-sh"),
            starts: today,
            ends: Date(today.0 + 364),
            exception: false,
        };
        let receipt =
            self.client.commit("xm-dsj/gateway", Action::RequestShare { draft }, "requesting")?;
        let request = ShareRequestId(receipt.number("share_request.submitted", "share_request")?);
        let expires_at = Date(today.0 + 365).start(UTC_OFFSET_MINUTES);
        let answer = ShareAnswer::Approve {
            items: items.clone(),
            expires_at,
            conditions: "按属地返还原则使用，可向辖区下级单位转授权".to_owned(),
            legal_basis: None,
        };
        let receipt = self.client.commit(
            approver("fj-sjj"),
            Action::AnswerShare { request, answer },
            "granting the province's data to the city",
        )?;
        let province = GrantId(receipt.number("grant.issued", "grant")?);
        self.lifecycle.city_duty = Some(receipt.number("obligation.opened", "obligation")?);

        let onward = |parent: GrantId, grantee: &str, items: &[String], days_less: u64| {
            Action::GrantOnward {
                parent,
                grantee: OrgId::from(grantee),
                items: items.to_vec(),
                expires_at: Timestamp(expires_at.0 - days_less * DAY_MS),
                conditions: "仅限辖区基层治理使用，不得再向辖区外提供".to_owned(),
            }
        };
        let receipt = self.client.commit(
            approver("xm-dsj"),
            onward(province, "xm-smq", &items, 1),
            "passing the grant on to the district",
        )?;
        let district = GrantId(receipt.number("grant.issued_onward", "grant")?);
        let wider = vec![entry.items[2].0.to_owned()];
        self.refuse(vec![(
            signed(approver("xm-smq"), onward(district, "xm-smq-sjj", &wider, 2)),
            "OnwardScopeExceedsParent",
        )])?;
        let receipt = self.client.commit(
            approver("xm-smq"),
            onward(district, "xm-smq-sjj", &items[1..], 2),
            "passing the grant on to the district bureau",
        )?;
        let bureau = GrantId(receipt.number("grant.issued_onward", "grant")?);
        self.lifecycle.chain = vec![province, district, bureau];

        let resource = self.resource(RETURNED_ENTRY)?;
        let access = |n: u64, now: u64| {
            let events = vec![AccessDraft {
                grant: Some(bureau),
                member: key_of(self.client.suite(), "xm-smq-sjj/gateway"),
                resource,
                items: items[1..].to_vec(),
                operation: AccessOperation::Query,
                record_count: 40 + n,
                request_digest: self.digest(&format!("data-return/request-{n}")),
                accessed_at: Timestamp(now.saturating_sub(1_000)),
            }];
            signed("xm-smq-sjj/gateway", Action::RecordAccesses { events })
        };
        let (_, now) = self.client.tip()?;
        let receipts = self.client.commit_all(vec![access(1, now)], "accessing returned data")?;
        if receipts[0].event("violation.recorded").is_some() {
            bail!("the district bureau's access under onward grant {bureau} was not covered");
        }
        let revoke = Action::RevokeGrant {
            grant: province,
            reason: "省级人口基础库接口升级，原授权撤销后重新申请".to_owned(),
        };
        let revoked = self.client.commit(approver("fj-sjj"), revoke, "revoking a grant")?;
        if revoked.event("grant.cover_ended").is_none() {
            bail!("revoking grant {province} ended no onward grant's cover: {revoked:?}");
        }
        let (_, now) = self.client.tip()?;
        let receipts =
            self.client.commit_all(vec![access(2, now)], "accessing after revocation")?;
        let violation = receipts[0]
            .attribute("violation.recorded", "violation")
            .ok_or_else(|| eyre!("an access under a cut-off onward grant was covered"))?
            .to_owned();
        self.record("a violation under a cut-off onward grant", format!("violation:{violation}"));

        let close_out = |grant: GrantId, disposition: CloseOutDisposition| Action::CloseOutGrant {
            grant,
            disposition,
            attestation_digest: self.digest(&format!("close-out/{grant}")),
        };
        let retained =
            CloseOutDisposition::Retained { legal_basis: LegalBasisCode::from(RETENTION_BASIS) };
        self.client.commit_all(
            vec![
                signed("xm-smq-sjj/gateway", close_out(bureau, CloseOutDisposition::Destroyed)),
                signed("xm-smq/admin", close_out(district, retained)),
            ],
            "closing out the onward grants",
        )?;
        self.record("a grant to the city", format!("grant:{province}"));
        self.record("an onward grant to the district", format!("grant_lineage:{district}"));
        self.record("an onward grant to the district bureau", format!("grant_lineage:{bureau}"));
        self.record("a close-out: destroyed", format!("grant_close_out:{bureau}"));
        self.record("a close-out: retained", format!("grant_close_out:{district}"));
        self.sample("an onward grant", format!("/v1/grants/{bureau}"));
        Ok(())
    }

    /// Open data and development: `xm-scjg`'s open-data plan for next year and its revision;
    /// the trading platform's developer applies for two scenarios and the city's data authority
    /// approves one (a development grant) and returns the other, while the data company's
    /// scenario waits; two products are recorded under the grant, and the property application
    /// of one cites it (an application for a product recorded under no grant is refused).
    pub(crate) fn development(&mut self) -> eyre::Result<()> {
        let today = self.today()?;
        let (year, _, _) = today.ymd();
        let year = u16::try_from(year + 1)?;
        let plan = |shift: u8| -> eyre::Result<Action> {
            let openings = PLANNED
                .iter()
                .map(|&(name, quarter)| {
                    let quarter = (quarter + shift).min(4);
                    Ok(PlannedOpening { entry: self.code(name)?, quarter })
                })
                .collect::<eyre::Result<_>>()?;
            Ok(Action::RecordOpenDataPlan { year, openings })
        };
        let first = self.client.commit("xm-scjg/catalog-clerk", plan(0)?, "recording a plan")?;
        let id = first.number("open_data_plan.recorded", "open_data_plan")?;
        let revision = first.number("open_data_plan.recorded", "revision")?;
        let revised = self.client.commit("xm-scjg/catalog-clerk", plan(1)?, "revising a plan")?;
        if revised.number("open_data_plan.recorded", "revision")? != revision + 1 {
            bail!("the plan's revision did not follow revision {revision}: {revised:?}");
        }
        self.record("an open-data plan with a revision", format!("open_data_plan:{id}"));

        let resources = vec![self.resource("企业登记信息")?, self.resource("经营异常名录信息")?];
        let round =
            if self.lifecycle.again { format!("（{}）", self.tag) } else { String::new() };
        let scenario = |kind: &str, name: &str, description: &str| Action::ApplyForScenario {
            draft: ScenarioDraft {
                scenario_type: format!("{kind}{round}"),
                name: name.to_owned(),
                description: description.to_owned(),
                resources: resources.clone(),
                starts: today,
                ends: Date(today.0 + 364),
            },
        };
        let applications = vec![
            signed(
                "xm-jypt/developer",
                scenario(
                    "普惠金融",
                    "小微企业信用评估",
                    "基于企业登记与经营异常信息的授信评估模型",
                ),
            ),
            signed(
                "xm-jypt/developer",
                scenario("智慧文旅", "文旅企业经营画像", "文旅市场主体经营状况分析"),
            ),
            signed(
                "xm-dsjgs/developer",
                scenario("城市治理", "市场主体活跃度监测", "按街道监测市场主体活跃度"),
            ),
        ];
        let receipts = self.client.commit_all(applications, "applying for a scenario")?;
        let ids: Vec<ScenarioId> = crate::numbers(&receipts, "scenario.applied", "scenario")?
            .into_iter()
            .map(ScenarioId)
            .collect();
        let review = |scenario: ScenarioId, decision: ReviewDecision| {
            signed(approver("xm-dsj"), Action::ReviewScenario { scenario, decision })
        };
        let returned = ReviewDecision::Return {
            reasons: "场景所需数据超出文旅业务范围，请调整申请的数据资源".to_owned(),
        };
        let receipts = self.client.commit_all(
            vec![review(ids[0], ReviewDecision::Approve), review(ids[1], returned)],
            "reviewing a scenario",
        )?;
        let grant = DevelopmentGrantId(
            receipts[0].number("development_grant.issued", "development_grant")?,
        );
        self.lifecycle.development_grant = Some(grant);
        self.record("an approved scenario", format!("scenario:{}", ids[0]));
        self.record("a returned scenario", format!("scenario:{}", ids[1]));
        self.record("a scenario under review", format!("scenario:{}", ids[2]));
        self.record("a development grant", format!("development_grant:{grant}"));

        let product = |name: &str, description: &str| {
            let digest = self.digest(&format!("developed-product/{name}"));
            let action = Action::RecordProduct {
                grant,
                name: name.to_owned(),
                description: description.to_owned(),
                digest,
            };
            (digest, signed("xm-jypt/developer", action))
        };
        let (score, first) = product("小微企业信用分", "按月更新的小微企业信用评分");
        let (alert, second) = product("企业经营异常预警", "经营异常名录变动的实时预警服务");
        // The credit profile the property step registers on its licence is developed here too:
        // from version 3 a product's registration must cite a development grant.
        let profile = Action::RecordProduct {
            grant,
            name: "企业信用画像数据产品".to_owned(),
            description: "基于企业登记信息加工形成的企业信用画像".to_owned(),
            digest: self.digest("product/credit-profile"),
        };
        let third = signed("xm-jypt/developer", profile);
        self.client.commit_all(vec![first, second, third], "recording a product")?;
        self.record("a product under the grant", format!("product:{}", score.to_hex()));
        self.record("another product under the grant", format!("product:{}", alert.to_hex()));

        let apply = |digest: Hash32| {
            let subject = PropertySubject::Product {
                name: "小微企业信用分".to_owned(),
                description: "普惠金融场景下开发的企业信用评分数据产品".to_owned(),
                digest,
                inputs: vec![],
            };
            let draft = PropertyApplicationDraft {
                right: RightKind::Holding,
                subject,
                evidence_digests: vec![self.digest("developed-product/processing-record")],
                valid_from: today,
                valid_until: Date(today.0 + 2 * 365),
            };
            signed("xm-jypt/admin", Action::ApplyForProperty { draft })
        };
        let unrecorded = self.digest("developed-product/unrecorded");
        let (refused, cited) = (apply(unrecorded), apply(score));
        self.refuse(vec![(refused, "ProductWithoutDevelopmentGrant")])?;
        let receipts = self.client.commit_all(vec![cited], "applying for a product")?;
        let application = ApplicationId(receipts[0].number("property.applied", "application")?);
        self.lifecycle.product_application = Some(application);
        self.record("a product's property application", format!("application:{application}"));
        Ok(())
    }

    /// Waits until the city's close-out of the revoked provincial grant is overdue, lists it
    /// among the city's overdue obligations, then records it: late. The grant revoked in the
    /// sharing step stays unclosed, an overdue close-out obligation of its grantee.
    pub(crate) fn late_close_out(&mut self) -> eyre::Result<()> {
        let (Some(&province), Some(duty)) =
            (self.lifecycle.chain.first(), self.lifecycle.city_duty)
        else {
            return Ok(());
        };
        let view = self.client.get_as(crate::AUDITOR, &format!("/v1/obligations/{duty}"))?;
        let due = view["record"]["due"].as_u64().ok_or_else(|| eyre!("no due time: {view}"))?;
        if !self.wait_until(due + 1, "the late close-out and the overdue close-out obligation")? {
            return Ok(());
        }
        let revoked = self.grant("信用核查")?;
        let overdue = self.client.get_as(crate::AUDITOR, "/v1/obligations/overdue?org=xm-scjg")?;
        let unclosed = overdue["obligations"].as_array().and_then(|list| {
            list.iter().find(|obligation| obligation["kind"] == "grant-close-out")
        });
        let Some(unclosed) = unclosed else {
            bail!("the revoked grant {revoked}'s close-out is not overdue: {overdue}");
        };
        let unclosed = unclosed["id"].as_u64().unwrap_or_default();
        self.record("an overdue close-out obligation", format!("obligation:{unclosed}"));
        let action = Action::CloseOutGrant {
            grant: province,
            disposition: CloseOutDisposition::Destroyed,
            attestation_digest: self.digest(&format!("close-out/{province}")),
        };
        let receipt = self.client.commit("xm-dsj/gateway", action, "closing out late")?;
        if receipt.attribute("grant.closed_out", "late") != Some("true") {
            bail!("the city's close-out after its due time was not late: {receipt:?}");
        }
        self.record("a late close-out", format!("grant_close_out:{province}"));
        Ok(())
    }

    /// The data bureau's auditor publishes the region's periodic report (通报) of the last month
    /// that ended before the tip, as the node computes it at the tip, then checks that the node
    /// recomputes the published digest at the published height.
    pub(crate) fn published_report(&mut self) -> eyre::Result<()> {
        let (height, time) = self.client.tip()?;
        let period = ReportPeriod::month_before(Timestamp(time), UTC_OFFSET_MINUTES);
        let path = format!("/v1/reports/region/{REPORT_REGION}?period={period}&height={height}");
        let (status, view) = self.client.get_status(&path)?;
        if status != 200 {
            bail!("the node computes no report for {path}: {status} {view}");
        }
        let digest = view["digest"].as_str().ok_or_else(|| eyre!("no digest: {view}"))?;
        let digest = Hash32::from_hex(digest).map_err(|_| eyre!("bad digest: {view}"))?;
        let action = Action::PublishReport {
            scope: ReportScope::Region(RegionCode::from(REPORT_REGION)),
            period,
            height: Height(height),
            digest,
        };
        let receipt =
            self.client.commit(crate::AUDITOR, action, "publishing the periodic report")?;
        let published = receipt.number("report.published", "published_report")?;
        let check = self.client.get(&format!("/v1/reports/published/{published}"))?;
        if check["equal"] != true {
            bail!("the published report {published} does not recompute to its digest: {check}");
        }
        self.record("a published periodic report", format!("published_report:{published}"));
        Ok(())
    }

    /// Names a record the run made, as `<kind>:<id>`, for the summary.
    fn record(&mut self, what: &str, key: String) {
        self.summary.records.insert(what.to_owned(), key);
    }
}
