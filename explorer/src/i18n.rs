//! Labels in Simplified Chinese (the default) and English.
//!
//! One table holds every label: the pages' own words (`ui.*`), the field names of the ledger's
//! records and actions as their JSON names them, and the values of their enums. A value whose
//! meaning depends on its field is looked up as `field=value` first (`open_type=open` is 开放,
//! an open obligation is 未履行). A name the table lacks is shown as it is.

use std::borrow::Cow;

/// The language of a page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The language named `code` (`zh`, `zh-CN`, `en`, ...), if it is one of the two.
    pub fn parse(code: &str) -> Option<Self> {
        let code = code.trim().to_ascii_lowercase();
        if code == "en" || code.starts_with("en-") {
            Some(Self::En)
        } else if code == "zh" || code.starts_with("zh-") {
            Some(Self::Zh)
        } else {
            None
        }
    }

    /// Its code for `lang=` and the `lang` cookie.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Zh => "zh",
            Self::En => "en",
        }
    }

    /// Its HTML `lang` attribute.
    pub const fn html(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }

    /// The other language, for the switch.
    pub const fn other(self) -> Self {
        match self {
            Self::Zh => Self::En,
            Self::En => Self::Zh,
        }
    }

    /// The label of `key`, or `key` itself if the table has none.
    pub fn t(self, key: &str) -> Cow<'static, str> {
        match lookup(key) {
            Some((zh, en)) => Cow::Borrowed(if self == Self::Zh { zh } else { en }),
            None => Cow::Owned(key.to_owned()),
        }
    }

    /// The label of the enum value `value` of the field `field`.
    pub fn value(self, field: &str, value: &str) -> Cow<'static, str> {
        match lookup(&format!("{field}={value}")).or_else(|| lookup(value)) {
            Some((zh, en)) => Cow::Borrowed(if self == Self::Zh { zh } else { en }),
            None => Cow::Owned(value.to_owned()),
        }
    }

    /// Whether the table has a label for `key`.
    pub fn has(key: &str) -> bool {
        lookup(key).is_some()
    }
}

fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
    LABELS.iter().find(|(name, _, _)| *name == key).map(|(_, zh, en)| (*zh, *en))
}

/// `(key, 中文, English)`.
const LABELS: &[(&str, &str, &str)] = &[
    // The pages' own words.
    ("ui.brand", "一本账 · 区块浏览器", "Onebook Explorer"),
    ("ui.home", "首页", "Home"),
    ("ui.blocks", "区块", "Blocks"),
    ("ui.block", "区块", "Block"),
    ("ui.tx", "交易", "Transaction"),
    ("ui.txs", "交易", "Transactions"),
    ("ui.validators", "验证节点", "Validators"),
    ("ui.orgs", "机构", "Organisations"),
    ("ui.catalog", "数据目录", "Catalog"),
    ("ui.dashboards", "监管看板", "Dashboards"),
    ("ui.violations_dashboard", "违规访问看板", "Violations"),
    ("ui.overdue_dashboard", "逾期义务看板", "Overdue obligations"),
    ("ui.search", "搜索", "Search"),
    (
        "ui.search_placeholder",
        "交易哈希、高度、记录编号、目录代码、证书编号或机构名称",
        "tx hash, height, record id, catalog code, certificate number or org name",
    ),
    ("ui.search_results", "搜索结果", "Search results"),
    ("ui.no_results", "没有找到匹配的记录。", "Nothing matches."),
    ("ui.switch_language", "English", "中文"),
    ("ui.latest_blocks", "最新区块", "Latest blocks"),
    ("ui.live_events", "实时事件", "Live events"),
    ("ui.live_waiting", "等待新的区块和事件……", "Waiting for new blocks and events…"),
    ("ui.chain_health", "链运行状况", "Chain health"),
    ("ui.healthy", "正常", "Healthy"),
    ("ui.stalled", "出块停滞", "Stalled"),
    ("ui.no_quorum", "最新区块签名不足法定票数", "The latest block lacks a quorum of signatures"),
    ("ui.tip_age", "距最新区块", "Since the last block"),
    ("ui.seconds_ago", "秒前", "s ago"),
    ("ui.tx_rate", "交易速率", "Tx rate"),
    ("ui.tx_per_s", "笔/秒", "tx/s"),
    ("ui.recent_signatures", "近期签名", "Recent signatures"),
    ("ui.signed_power", "签名票权", "Signed power"),
    ("ui.quorum", "法定票数", "Quorum"),
    ("ui.fields", "字段", "Fields"),
    ("ui.timeline", "历史记录", "History"),
    ("ui.next_page", "下一页", "Next page"),
    ("ui.first_page", "第一页", "First page"),
    ("ui.download_csv", "下载 CSV", "Download CSV"),
    ("ui.more", "查看全部", "See all"),
    ("ui.none", "无", "None"),
    ("ui.yes", "是", "Yes"),
    ("ui.no", "否", "No"),
    ("ui.accepted", "已接受", "Accepted"),
    ("ui.refused", "被拒绝", "Refused"),
    ("ui.outcome", "结果", "Outcome"),
    ("ui.action", "操作", "Action"),
    ("ui.decoded_action", "操作内容", "What was asked"),
    ("ui.events", "事件", "Events"),
    ("ui.certificate", "提交证明", "Commit certificate"),
    ("ui.signatures", "签名", "Signatures"),
    ("ui.not_found", "未找到", "Not found"),
    ("ui.not_found_detail", "账本中没有这条记录。", "The ledger holds no such record."),
    ("ui.bad_request", "请求有误", "Bad request"),
    ("ui.unavailable", "节点暂时无法访问", "The node cannot be reached"),
    (
        "ui.unavailable_detail",
        "浏览器读取不到账本节点，请稍后再试。",
        "The explorer cannot read the ledger's node now; try again later.",
    ),
    ("ui.section_unavailable", "此部分暂时无法读取", "This part cannot be read now"),
    ("ui.hierarchy", "隶属关系", "Place in the hierarchy"),
    ("ui.children", "下级机构", "Bodies under it"),
    ("ui.members", "成员", "Members"),
    ("ui.org_catalog", "目录", "Catalog"),
    ("ui.sharing_given", "对外提供的共享", "Sharing given"),
    ("ui.sharing_received", "获得的共享", "Sharing received"),
    ("ui.requests_made", "提出的共享申请", "Share requests made"),
    ("ui.requests_received", "收到的共享申请", "Share requests received"),
    ("ui.overdue", "逾期义务", "Overdue obligations"),
    ("ui.violations", "违规记录", "Violations"),
    ("ui.versions", "版本历史", "Versions"),
    ("ui.version", "版本", "Version"),
    ("ui.differences", "与上一版本的差异", "Changes from the version before"),
    ("ui.first_version", "首个版本", "First version"),
    ("ui.before", "原值", "Before"),
    ("ui.after", "新值", "After"),
    ("ui.no_changes", "内容无变化", "No change in content"),
    ("ui.resources", "资源", "Resources"),
    ("ui.data_items", "数据项（一数一源）", "Data items"),
    ("ui.source", "权威来源", "Authoritative source"),
    ("ui.trail", "办理经过", "Trail"),
    ("ui.grant_issued", "授权", "Grant"),
    ("ui.access_history", "访问留痕", "Access history"),
    ("ui.under", "所属记录", "Under"),
    ("ui.rights", "权利", "Rights"),
    ("ui.holder_chain", "持有人变更链", "Chain of holders"),
    ("ui.original_holder", "初始持有人", "First holder"),
    ("ui.public_notice", "公示", "Public notice"),
    ("ui.objections", "异议", "Objections"),
    ("ui.transfers", "转让", "Transfers"),
    ("ui.licences", "许可", "Licences"),
    ("ui.download_proof", "下载离线证明", "Download proof"),
    ("ui.qr", "扫码查看本页", "Scan to open this page"),
    ("ui.record", "记录", "Record"),
    ("ui.list_of", "列表", "List"),
    ("ui.filter_status", "按状态", "By status"),
    ("ui.all", "全部", "All"),
    ("ui.days_overdue", "逾期天数", "Days overdue"),
    ("ui.orgs_looked_through", "本页机构", "Orgs on this page"),
    ("ui.tip", "最新高度", "Tip"),
    ("ui.age", "时间", "Time"),
    ("ui.member_of", "所属机构", "Member of"),
    ("ui.record_kind", "记录类型", "Kind of record"),
    ("ui.status", "状态", "Status"),
    ("ui.summary", "摘要", "Summary"),
    ("ui.raw_json", "原始 JSON", "Raw JSON"),
    ("ui.hit_tx", "交易", "Transaction"),
    ("ui.hit_block", "区块", "Block"),
    ("ui.hit_org_name", "机构名称", "Org name"),
    ("ui.genesis", "创世", "Genesis"),
    (
        "ui.withheld",
        "（受限内容，节点未向本浏览器提供）",
        "(restricted; the node withholds it from this reader)",
    ),
    // Kinds of record.
    ("kind.org", "机构", "Organisation"),
    ("kind.member", "成员", "Member"),
    ("kind.proposal", "治理提案", "Governance proposal"),
    ("kind.catalog_entry", "目录", "Catalog entry"),
    ("kind.resource", "资源", "Resource"),
    ("kind.share_request", "共享申请", "Share request"),
    ("kind.grant", "共享授权", "Grant"),
    ("kind.access_event", "访问记录", "Access event"),
    ("kind.violation", "违规", "Violation"),
    ("kind.quality_report", "质量反馈", "Quality report"),
    ("kind.application", "产权登记申请", "Property application"),
    ("kind.objection", "异议", "Objection"),
    ("kind.certificate", "产权登记证书", "Certificate"),
    ("kind.obligation", "法定义务", "Obligation"),
    // Fields, as their JSON names them.
    ("id", "编号", "Id"),
    ("key", "密钥", "Key"),
    ("name", "名称", "Name"),
    ("roles", "角色", "Roles"),
    ("new_key", "新密钥", "New key"),
    ("reason", "原因", "Reason"),
    ("change", "变更", "Change"),
    ("rationale", "理由", "Rationale"),
    ("proposal", "提案", "Proposal"),
    ("approve", "赞成", "Approve"),
    ("description", "说明", "Description"),
    ("draft", "内容", "Content"),
    ("code", "代码", "Code"),
    ("decision", "决定", "Decision"),
    ("entry", "目录", "Catalog entry"),
    ("resource", "资源", "Resource"),
    ("snapshot_digest", "快照摘要", "Snapshot digest"),
    ("record_count", "记录数", "Records"),
    ("request", "共享申请", "Share request"),
    ("answer", "答复", "Answer"),
    ("grant", "授权", "Grant"),
    ("events", "事件", "Events"),
    ("evidence_digest", "证据摘要", "Evidence digest"),
    ("evidence_digests", "证据摘要", "Evidence digests"),
    ("report", "质量反馈", "Quality report"),
    ("responsible", "责任方", "Responsible"),
    ("ruling", "裁定", "Ruling"),
    ("application", "登记申请", "Application"),
    ("grounds", "异议理由", "Grounds"),
    ("objection", "异议", "Objection"),
    ("reasons", "理由", "Reasons"),
    ("certificate", "证书", "Certificate"),
    ("to", "受让方", "To"),
    ("from", "转让方", "From"),
    ("licensee", "被许可方", "Licensee"),
    ("starts", "起始日", "First day"),
    ("ends", "截止日", "Last day"),
    ("valid_from", "有效期起", "Valid from"),
    ("valid_until", "有效期至", "Valid until"),
    ("items", "数据项", "Items"),
    ("classification", "分类", "Classification"),
    ("grade", "分级", "Grade"),
    ("security_level", "安全级别", "Security level"),
    ("share_type", "共享类型", "Share type"),
    ("open_type", "开放类型", "Open type"),
    ("update_frequency", "更新频率", "Update frequency"),
    ("system", "信息系统", "System"),
    ("data_element", "数据元", "Data element"),
    ("personal_information", "个人信息", "Personal information"),
    ("sensitivity", "敏感分级", "Sensitivity"),
    ("standing", "证书效力", "Standing"),
    ("standing=valid", "有效", "Valid"),
    ("standing=not-yet-valid", "尚未生效", "Not yet valid"),
    ("standing=expired", "已过期", "Expired"),
    ("standing=cancelled", "已注销", "Cancelled"),
    ("parent-cancelled", "上级证书已注销", "Parent cancelled"),
    ("parent-expired", "上级证书已过期", "Parent expired"),
    ("parent-unknown", "上级证书不明", "Parent unknown"),
    ("access_events", "访问记录", "Access events"),
    ("holder_resource", "权威来源资源", "Source resource"),
    ("holder_entry", "权威来源目录", "Source entry"),
    ("holder_org", "权威来源机构", "Source org"),
    ("sources_released", "释放的权威来源", "Sources released"),
    ("scope", "授权范围", "Scope"),
    ("scope=entry", "整个目录", "Whole entry"),
    ("scope=items", "指定数据项", "Named items"),
    ("by", "作出方", "By"),
    ("by=ledger", "账本依规则", "The ledger, by rule"),
    ("authoritative", "权威来源", "Authoritative source"),
    ("purpose", "用途", "Purpose"),
    ("legal_duty", "履职依据", "Legal duty"),
    ("legal_basis", "法律依据", "Legal basis"),
    ("expires_at", "授权到期", "Expires at"),
    ("conditions", "使用条件", "Conditions"),
    ("member", "成员", "Member"),
    ("operation", "操作方式", "Operation"),
    ("accessed_at", "访问时间", "Accessed at"),
    ("request_digest", "请求摘要", "Request digest"),
    ("right", "权利类型", "Right"),
    ("subject", "权利客体", "Subject"),
    ("digest", "摘要", "Digest"),
    ("inputs", "来源证书", "Input certificates"),
    ("level", "层级", "Level"),
    ("parent", "上级", "Parent"),
    ("region", "行政区划", "Region"),
    ("data_authority", "数据主管部门", "Data authority"),
    ("admin", "管理员密钥", "Admin key"),
    ("org", "机构", "Org"),
    ("validator", "验证节点", "Validator"),
    ("node_key", "节点密钥", "Node key"),
    ("power", "票权", "Power"),
    ("parameter", "参数", "Parameter"),
    ("value", "取值", "Value"),
    ("holidays", "法定节假日", "Holidays"),
    ("makeup_workdays", "调休工作日", "Make-up working days"),
    ("title", "标题", "Title"),
    ("provider", "提供方", "Provider"),
    ("versions", "版本", "Versions"),
    ("number", "编号", "Number"),
    ("content", "内容", "Content"),
    ("drafted_at", "起草高度", "Drafted at height"),
    ("published_at", "发布高度", "Published at height"),
    ("published", "生效版本", "Version in force"),
    ("status", "状态", "Status"),
    ("authoritative_sources", "权威来源（一数一源）", "Authoritative sources"),
    ("item", "数据项", "Item"),
    ("entry_version", "目录版本", "Entry version"),
    ("registered_at", "挂接高度", "Registered at height"),
    ("updated_at", "更新高度", "Updated at height"),
    ("opened_at", "产生高度", "Opened at height"),
    ("opened_time", "产生时间", "Opened"),
    ("due", "期限", "Due"),
    ("at", "时间", "At"),
    ("time", "时间", "Time"),
    ("record", "记录", "Record"),
    ("requester_org", "申请机构", "Requesting org"),
    ("requester", "申请人", "Requester"),
    ("requested_at", "申请时间", "Requested at"),
    ("answer_due", "答复期限", "Answer due"),
    ("grantee", "被授权机构", "Grantee"),
    ("exception", "例外授权", "Exception"),
    ("gateway", "网关", "Gateway"),
    ("access", "访问", "Access"),
    ("recorded_at", "记录时间", "Recorded at"),
    ("violation", "违规", "Violation"),
    ("access_event", "访问记录", "Access event"),
    ("reporter_org", "反馈机构", "Reporting org"),
    ("reporter", "反馈人", "Reporter"),
    ("reported_snapshot", "反馈时快照", "Snapshot reported"),
    ("reported_at", "反馈时间", "Reported at"),
    ("obligation", "义务", "Obligation"),
    ("registrant", "登记申请人机构", "Registrant"),
    ("applicant", "申请人", "Applicant"),
    ("subject_hash", "客体哈希", "Subject hash"),
    ("applied_at", "申请时间", "Applied at"),
    ("objections", "异议", "Objections"),
    ("notice_ends", "公示截止", "Notice ends"),
    ("objector_org", "异议机构", "Objecting org"),
    ("objector", "异议人", "Objector"),
    ("filed_at", "提出时间", "Filed at"),
    ("holder", "持有人", "Holder"),
    ("issuer", "登记机构", "Issuer"),
    ("issued_at", "颁发时间", "Issued at"),
    ("transfers", "转让记录", "Transfers"),
    ("height", "高度", "Height"),
    ("proposer", "提议方", "Proposer"),
    ("submitted_at", "提交高度", "Submitted at height"),
    ("votes", "投票", "Votes"),
    ("decided_at", "决定高度", "Decided at height"),
    ("kind", "类型", "Kind"),
    ("type", "操作", "Action"),
    ("chain_id", "链标识", "Chain id"),
    ("previous_hash", "上一区块哈希", "Previous hash"),
    ("tx_root", "交易根", "Tx root"),
    ("tx_count", "交易数", "Txs"),
    ("receipts_root", "回执根", "Receipts root"),
    ("state_root", "状态根", "State root"),
    ("validator_set_hash", "验证节点集哈希", "Validator set hash"),
    ("next_validator_set_hash", "下一验证节点集哈希", "Next validator set hash"),
    ("hash", "哈希", "Hash"),
    ("tx_hash", "交易哈希", "Tx hash"),
    ("signer", "签名人", "Signer"),
    ("nonce", "序号", "Nonce"),
    ("rejection", "拒绝原因", "Rejection"),
    ("index", "序位", "Index"),
    ("signatures", "签名数", "Signatures"),
    ("round", "轮次", "Round"),
    ("block_hash", "区块哈希", "Block hash"),
    ("claim", "权利主张", "Claim"),
    // Action types.
    ("register_member", "登记成员", "Register a member"),
    ("set_member_roles", "调整成员角色", "Set member roles"),
    ("rotate_member_key", "轮换成员密钥", "Rotate a member key"),
    ("revoke_member", "撤销成员", "Revoke a member"),
    ("submit_proposal", "提交治理提案", "Submit a proposal"),
    ("vote_proposal", "提案投票", "Vote on a proposal"),
    ("record_duty_change", "登记职责调整", "Record a duty change"),
    ("draft_catalog_entry", "起草目录", "Draft a catalog entry"),
    ("submit_catalog_entry", "提交目录审核", "Submit a catalog entry"),
    ("review_catalog_entry", "审核目录", "Review a catalog entry"),
    ("publish_catalog_entry", "发布目录", "Publish a catalog entry"),
    ("revise_catalog_entry", "修订目录", "Revise a catalog entry"),
    ("deprecate_catalog_entry", "废止目录", "Deprecate a catalog entry"),
    ("register_resource", "挂接资源", "Register a resource"),
    ("update_resource", "更新资源", "Update a resource"),
    ("request_share", "申请共享", "Request a share"),
    ("answer_share", "答复共享申请", "Answer a share request"),
    ("withdraw_share_request", "撤回共享申请", "Withdraw a share request"),
    ("revoke_grant", "撤销授权", "Revoke a grant"),
    ("record_accesses", "记录数据访问", "Record accesses"),
    ("report_quality_issue", "反馈质量问题", "Report a quality issue"),
    ("answer_quality_issue", "答复质量问题", "Answer a quality issue"),
    ("rule_quality_issue", "裁定质量问题", "Rule on a quality issue"),
    ("apply_for_property", "申请数据产权登记", "Apply for a property right"),
    ("review_property_application", "审查登记申请", "Review a property application"),
    ("file_objection", "提出异议", "File an objection"),
    ("rule_objection", "裁定异议", "Rule on an objection"),
    ("issue_certificate", "颁发登记证书", "Issue a certificate"),
    ("transfer_certificate", "转让证书", "Transfer a certificate"),
    ("license_right", "许可加工使用权", "License a right"),
    ("renew_certificate", "续展证书", "Renew a certificate"),
    ("cancel_certificate", "注销证书", "Cancel a certificate"),
    // Governance changes and policy parameters.
    ("admit_org", "接纳机构", "Admit an org"),
    ("suspend_org", "暂停机构", "Suspend an org"),
    ("reinstate_org", "恢复机构", "Reinstate an org"),
    ("set_validator", "设置验证节点", "Set a validator"),
    ("set_policy", "调整治理参数", "Set a policy parameter"),
    ("catalog_update_working_days", "目录更新时限（工作日）", "Catalog update (working days)"),
    (
        "resource_registration_working_days",
        "资源挂接时限（工作日）",
        "Resource registration (working days)",
    ),
    ("share_answer_working_days", "共享答复时限（工作日）", "Share answer (working days)"),
    ("correction_working_days", "数据更正时限（工作日）", "Correction (working days)"),
    ("public_notice_days", "公示期（日）", "Public notice (days)"),
    ("grant_term_days_max", "最长授权期限（日）", "Longest grant (days)"),
    ("add_calendar", "增补节假日安排", "Add a calendar"),
    ("add_legal_basis", "增补法律依据", "Add a legal basis"),
    // Enum values.
    ("decision=approve", "通过", "Approved"),
    ("decision=return", "退回", "Returned"),
    ("answer=approve", "同意", "Approved"),
    ("answer=refuse", "拒绝", "Refused"),
    ("answer=fixed", "已修正", "Fixed"),
    ("answer=disputed", "有异议", "Disputed"),
    ("unconditional", "无条件共享", "Unconditional"),
    ("conditional", "有条件共享", "Conditional"),
    ("not_shared", "不予共享", "Not shared"),
    ("open_type=open", "开放", "Open"),
    ("conditionally_open", "有条件开放", "Conditionally open"),
    ("not_open", "不开放", "Not open"),
    ("general", "一般数据", "General"),
    ("important", "重要数据", "Important"),
    ("core", "核心数据", "Core"),
    ("query", "查询", "Query"),
    ("download", "下载", "Download"),
    ("api_call", "接口调用", "API call"),
    ("holding", "数据资源持有权", "Holding right"),
    ("processing_use", "数据加工使用权", "Processing-use right"),
    ("product_operation", "数据产品经营权", "Product-operation right"),
    ("subject=resource", "数据资源", "A resource"),
    ("subject=product", "数据产品", "A data product"),
    ("status=draft", "草稿", "Draft"),
    ("submitted", "待审核", "Submitted"),
    ("returned", "已退回", "Returned"),
    ("approved", "已通过", "Approved"),
    ("status=published", "已发布", "Published"),
    ("deprecated", "已废止", "Deprecated"),
    ("under-review", "审核中", "Under review"),
    ("granted", "已授权", "Granted"),
    ("refused", "已拒绝", "Refused"),
    ("withdrawn", "已撤回", "Withdrawn"),
    ("active", "有效", "Active"),
    ("revoked", "已撤销", "Revoked"),
    ("suspended", "已暂停", "Suspended"),
    ("covered", "授权内访问", "Covered"),
    ("status=violation", "违规", "Violation"),
    ("reported", "待答复", "Reported"),
    ("fixed", "已修正", "Fixed"),
    ("disputed", "有争议", "Disputed"),
    ("ruled", "已裁定", "Ruled"),
    ("applied", "待审查", "Applied"),
    ("in-notice", "公示中", "In notice"),
    ("certified", "已发证", "Certified"),
    ("pending", "待裁定", "Pending"),
    ("upheld", "异议成立", "Upheld"),
    ("dismissed", "异议驳回", "Dismissed"),
    ("cancelled", "已注销", "Cancelled"),
    ("open", "进行中", "Open"),
    ("met", "已履行", "Met"),
    ("passed", "已通过", "Passed"),
    ("rejected", "未通过", "Rejected"),
    ("no-grant", "无授权", "No grant"),
    ("grant-unknown", "授权不存在", "Unknown grant"),
    ("grant-revoked", "授权已撤销", "Grant revoked"),
    ("grant-expired", "授权已过期", "Grant expired"),
    ("out-of-scope", "超出授权范围", "Out of scope"),
    ("wrong-grantee", "非被授权机构", "Wrong grantee"),
    ("not-yet-valid", "授权尚未生效", "Not yet valid"),
    ("item-out-of-scope", "超出授权数据项", "Item out of scope"),
    ("catalog-update", "更新数据目录", "Update the catalog"),
    ("resource-registration", "挂接数据资源", "Register resources"),
    ("correction", "更正数据", "Correct the data"),
    ("org-admin", "机构管理员", "Org admin"),
    ("catalog-clerk", "目录编制人员", "Catalog clerk"),
    ("share-approver", "共享审核人", "Share approver"),
    ("data-user", "数据使用方", "Data user"),
    ("registrar", "产权登记人员", "Registrar"),
    ("auditor", "审计员", "Auditor"),
    ("national", "国家级", "National"),
    ("provincial", "省级", "Provincial"),
    ("city", "市级", "City"),
    ("district", "区县级", "District"),
    ("bureau", "委办局", "Bureau"),
    ("public-service", "事业单位", "Public service"),
    ("enterprise", "企业", "Enterprise"),
    ("registration-centre", "登记机构", "Registration centre"),
    // Event kinds.
    ("tx.refused", "交易被拒", "Tx refused"),
    ("catalog.drafted", "目录已起草", "Catalog entry drafted"),
    ("catalog.submitted", "目录已提交", "Catalog entry submitted"),
    ("catalog.approved", "目录已通过", "Catalog entry approved"),
    ("catalog.returned", "目录已退回", "Catalog entry returned"),
    ("catalog.published", "目录已发布", "Catalog entry published"),
    ("share_request.submitted", "共享申请已提交", "Share request submitted"),
    ("share_request.under_review", "共享申请审核中", "Share request under review"),
    ("share_request.refused", "共享申请被拒绝", "Share request refused"),
    ("grant.issued", "授权已发放", "Grant issued"),
    ("grant.revoked", "授权已撤销", "Grant revoked"),
    ("access.recorded", "访问已留痕", "Access recorded"),
    ("violation.recorded", "违规已记录", "Violation recorded"),
    ("obligation.opened", "义务已产生", "Obligation opened"),
    ("obligation.met", "义务已履行", "Obligation met"),
    ("property.applied", "产权登记已申请", "Property applied for"),
    ("property.notice_started", "公示已开始", "Public notice started"),
    ("property.refused", "登记申请被驳回", "Application refused"),
    ("objection.filed", "异议已提出", "Objection filed"),
    ("objection.dismissed", "异议已驳回", "Objection dismissed"),
    ("objection.upheld", "异议已成立", "Objection upheld"),
    ("certificate.issued", "证书已颁发", "Certificate issued"),
    ("certificate.transferred", "证书已转让", "Certificate transferred"),
    ("certificate.licensed", "许可已登记", "Licence granted"),
    ("member.registered", "成员已登记", "Member registered"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_reads_in_either_language_and_an_unknown_name_as_itself() {
        assert_eq!(Lang::Zh.t("ui.blocks"), "区块");
        assert_eq!(Lang::En.t("ui.blocks"), "Blocks");
        assert_eq!(Lang::En.t("no.such.label"), "no.such.label");
    }

    #[test]
    fn a_value_is_read_in_its_field_first() {
        assert_eq!(Lang::Zh.value("open_type", "open"), "开放");
        assert_eq!(Lang::Zh.value("status", "open"), "进行中");
        assert_eq!(Lang::En.value("reason", "no-grant"), "No grant");
    }

    #[test]
    fn every_key_is_listed_once() {
        let mut keys: Vec<&str> = LABELS.iter().map(|(key, _, _)| *key).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();

        assert_eq!(keys.len(), before, "a key is listed twice");
    }

    #[test]
    fn languages_parse_from_their_codes() {
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr"), None);
    }
}
