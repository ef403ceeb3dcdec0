//! The workbench's words: a label and a help sentence for every field and action the forms show,
//! in Chinese and English, and the page's own words. A label the explorer already has
//! (`i18n`) is used as it is; the rest are here.

use serde_json::{Map, Value, json};

use crate::i18n::Lang;

/// `(name, 中文, English)`: labels the explorer does not have.
const LABELS: &[(&str, &str, &str)] = &[
    ("record_reads", "登记签名读取", "Record signed reads"),
    ("anchor_checkpoint", "锚定子链检查点", "Anchor a child chain's checkpoint"),
    ("ancestry", "祖先证明", "Ancestry proof"),
    ("checkpoint", "检查点", "Checkpoint"),
    ("consistency", "一致性证明", "Consistency proof"),
    ("cosignatures", "见证联署", "Cosignatures"),
    ("extension", "延续证明", "Extension"),
    ("first", "前一规模", "First size"),
    ("genesis_hash", "创世哈希", "Genesis hash"),
    ("interval", "间隔（区块）", "Interval (blocks)"),
    ("next_witness_set_hash", "下一见证集哈希", "Next witness set hash"),
    ("next_witnesses", "下一见证集", "Next witnesses"),
    ("old_key", "原密钥", "Old key"),
    ("policy", "策略", "Policy"),
    ("second", "后一规模", "Second size"),
    ("signature", "签名", "Signature"),
    ("size", "规模", "Size"),
    ("threshold", "门限", "Threshold"),
    ("time_ms", "读取时间（毫秒）", "Read time (ms)"),
    ("witness", "见证人", "Witness"),
    ("witness_set_hash", "见证集哈希", "Witness set hash"),
    ("witnesses", "见证人", "Witnesses"),
    ("kind=admit_child_chain", "接纳子链", "Admit a child chain"),
    ("kind=rotate_validator_key", "轮换验证节点密钥", "Rotate a validator key"),
    ("kind=schedule_upgrade", "安排协议升级", "Schedule a protocol upgrade"),
    ("kind=set_lifecycle_policy", "调整授权终止处置时限", "Set the close-out policy"),
    ("kind=set_checkpoint_policy", "设置检查点策略", "Set the checkpoint policy"),
    (
        "name=resource_registration_working_days",
        "资源登记时限（工作日）",
        "Resource registration (working days)",
    ),
];

/// `(field or action, 中文 help)`; the English help is the Rust type's own documentation.
const HELP: &[(&str, &str)] = &[
    (
        "close_out_grant",
        "被授权机构在授权终止后登记数据的处置：已安全销毁，或依法留存并写明法律依据，附证明文件摘要。",
    ),
    (
        "grant_onward",
        "被授权机构的共享审核人把所得授权转授给本级政府下辖的机构（数据回流），范围和期限不得超过上级授权。",
    ),
    (
        "record_open_data_plan",
        "目录编制员登记或修订本机构本年度或下一年度的公共数据开放计划，按季度列出拟开放的目录。",
    ),
    (
        "apply_for_scenario",
        "开发主体（一级或二级）申请一个类型的开发应用场景，列出所需数据资源和期限。",
    ),
    (
        "review_scenario",
        "所在地区数据主管部门的共享审核人审定开发场景：通过即发放开发授权，或退回并写明理由。",
    ),
    ("record_product", "开发主体在其开发授权下登记所开发的数据产品，附产品文件的摘要。"),
    ("disposition", "处置方式：已安全销毁，或依法留存（须选法律依据）。"),
    ("attestation_digest", "处置证明文件的 BLAKE3 摘要（64 位十六进制），文件本身不上链。"),
    ("grantee", "接受授权的机构编号，可从列表中选取。"),
    ("year", "计划年度：本年度或下一年度。"),
    ("openings", "拟开放的目录及季度，每行一个。"),
    ("quarter", "计划开放的季度，1 到 4。"),
    ("scenario_type", "场景类型；同一机构同一类型只审定一次（一类场景一审定）。"),
    ("resources", "场景所需的数据资源，每个只列一次。"),
    ("scenario", "开发场景编号，可从列表中选取。"),
    ("close_out_working_days", "授权终止后须在多少个工作日内登记处置。"),
    (
        "register_member",
        "机构管理员为本机构登记一把新成员密钥并授予角色；密钥须先在新成员的浏览器中生成。",
    ),
    ("set_member_roles", "机构管理员重新设定本机构某成员的角色。"),
    ("rotate_member_key", "成员把自己的身份换到一把新密钥上，旧密钥随即吊销。"),
    ("revoke_member", "机构管理员吊销本机构某成员的密钥，并写明原因。"),
    ("submit_proposal", "验证节点机构的管理员提出治理提案（接纳机构、调整验证节点、修改政策等）。"),
    ("vote_proposal", "验证节点机构的管理员对提案投票；达到多数时提案生效。"),
    ("record_duty_change", "机构管理员登记本机构职责的变化，账本据此要求更新目录。"),
    ("draft_catalog_entry", "提供方的目录编制员起草一条新的数据目录，账本分配目录编码。"),
    ("submit_catalog_entry", "提供方的目录编制员把草稿目录提交给本区域数据主管部门审核。"),
    ("review_catalog_entry", "数据主管部门的目录编制员审核已提交的目录：通过，或退回并写明理由。"),
    ("publish_catalog_entry", "提供方的目录编制员发布已审核通过的目录。"),
    ("revise_catalog_entry", "提供方的目录编制员修订已发布的目录，形成新版本并重新送审。"),
    ("deprecate_catalog_entry", "提供方的目录编制员停用已发布的目录，并写明原因。"),
    ("register_resource", "提供方的目录编制员在已发布目录下挂接一份数据资源。"),
    ("update_resource", "提供方的目录编制员登记资源的新快照（摘要与记录数）。"),
    ("request_share", "数据使用方按已发布目录申请共享，写明用途、法定职责和期限。"),
    (
        "answer_share",
        "提供方的共享审批人答复共享申请：同意（可附条件）或拒绝；拒绝须引用法律依据。",
    ),
    ("withdraw_share_request", "申请人（或其机构管理员）撤回尚未答复的共享申请。"),
    ("revoke_grant", "提供方的共享审批人撤销一项生效中的共享授权，并写明原因。"),
    ("record_accesses", "数据使用方的网关登记本机构成员对资源的访问记录。"),
    ("report_quality_issue", "数据使用方就其他机构的数据资源报告质量问题。"),
    ("answer_quality_issue", "提供方的目录编制员答复质量问题：已修正（附新快照），或有异议。"),
    ("rule_quality_issue", "数据主管部门的目录编制员对有异议的质量问题作出裁定。"),
    ("apply_for_property", "数据使用方或机构管理员为本机构申请数据产权登记。"),
    ("review_property_application", "登记中心的登记员审查产权登记申请：通过后进入公示，或退回。"),
    ("file_objection", "任何成员在公示期内对登记申请提出异议。"),
    ("rule_objection", "登记中心的登记员对异议作出裁定：成立或不成立。"),
    ("issue_certificate", "公示期满且无待决异议后，登记中心的登记员颁发登记证书。"),
    ("transfer_certificate", "持证机构的管理员把证书转让给另一机构。"),
    ("license_right", "持证机构的管理员许可另一机构在期限内使用该权利。"),
    ("renew_certificate", "登记中心的登记员为生效中的证书续期。"),
    ("cancel_certificate", "登记中心的登记员或持证机构的管理员注销证书，并写明原因。"),
    ("record_reads", "任何成员把节点记录的签名读取登记上链（通常由节点运维自动提交）。"),
    ("anchor_checkpoint", "任何成员把子链经见证的检查点锚定到本链。"),
    ("accessed_at", "访问发生的时间（毫秒时间戳）。"),
    ("admin", "新机构第一位管理员的公钥（64 位十六进制）。"),
    ("ancestry", "证明检查点区块在子链历史中的包含证明。"),
    ("answer", "答复的类型。"),
    ("application", "登记申请的编号，可从列表中选取。"),
    ("approve", "勾选表示赞成，不勾选表示反对。"),
    ("authoritative", "该资源是否为所列数据元的权威来源（一数一源）。"),
    ("block_hash", "检查点所在区块的哈希。"),
    ("certificate", "登记证书编号，可从列表中选取。"),
    ("chain_id", "链标识。"),
    ("change", "提案要作出的变更。"),
    ("checkpoint", "子链的检查点。"),
    ("classification", "目录的主题或行业分类。"),
    ("code", "目录编码，可从列表中选取。"),
    ("conditions", "共享附加的条件，例如“仅用于依法履职”。"),
    ("consistency", "两次检查点之间历史一致的证明。"),
    ("cosignatures", "见证人对检查点的联署签名。"),
    ("data_authority", "新机构是否为本区域的数据主管部门。"),
    ("data_element", "该字段遵循的数据元编码；没有可留空。"),
    ("decision", "审核结论：通过或退回。"),
    ("description", "说明文字，不能为空。"),
    ("digest", "数据产品内容的摘要（64 位十六进制）。"),
    ("draft", "目录、资源、申请等的内容。"),
    ("ends", "期限的最后一天。"),
    ("entry", "所依据的目录编码，可从列表中选取。"),
    ("events", "要登记的访问记录，每条一项。"),
    ("evidence_digest", "证据材料的摘要（64 位十六进制）。"),
    ("evidence_digests", "证据材料的摘要，每项 64 位十六进制。"),
    ("exception", "是否申请“不予共享”目录的例外共享。"),
    ("expires_at", "授权到期的时间（毫秒时间戳）。"),
    ("extension", "证明新检查点延续上一次锚定的检查点；首次锚定可不填。"),
    ("first", "前一检查点的历史规模。"),
    ("genesis_hash", "子链创世哈希。"),
    ("grade", "数据分级：一般、重要或核心数据。"),
    ("grant", "共享授权编号，可从列表中选取。"),
    ("grounds", "提出异议的事实与理由，不能为空。"),
    ("height", "区块高度。"),
    ("history_root", "区块历史树的根哈希。"),
    ("holidays", "新增的法定节假日。"),
    ("id", "编号。"),
    ("index", "在历史树中的位置。"),
    ("inputs", "数据产品所用的已登记权利（证书编号）。"),
    ("interval", "每隔多少个区块形成一次检查点。"),
    ("items", "所涉字段，每行一个；目录中为字段清单。"),
    ("key", "成员的公钥（64 位十六进制），由成员在自己的浏览器中生成后提供。"),
    ("kind", "变更的种类。"),
    ("legal_basis", "引用法律依据登记簿中的条目，可从列表中选取；拒绝共享时必须填写。"),
    ("legal_duty", "申请所依据的法定职责（法律依据登记簿中的条目）。"),
    ("level", "机构层级。"),
    ("licensee", "被许可的机构编号。"),
    ("makeup_workdays", "新增的调休工作日。"),
    ("member", "进行访问的成员公钥。"),
    ("method", "读取请求的 HTTP 方法。"),
    ("name", "名称，不能为空。"),
    ("new_key", "替换用的新公钥（64 位十六进制）。"),
    ("next_witness_set_hash", "检查点宣布的下一见证集的哈希。"),
    ("next_witnesses", "检查点宣布新见证集时，填写该见证集。"),
    ("node_key", "验证节点的节点公钥。"),
    ("objection", "异议编号，可从列表中选取。"),
    ("old_key", "被替换的节点公钥。"),
    ("open_type", "目录的开放类型。"),
    ("operation", "访问方式：查询、下载或接口调用。"),
    ("org", "机构编号，可从列表中选取。"),
    ("parameter", "要修改的政策参数。"),
    ("parent", "上级机构编号；顶层机构可不填。"),
    ("path", "读取请求的路径与查询串。"),
    ("personal_information", "该字段是否含个人信息。"),
    ("policy", "新的策略：检查点策略或授权终止处置时限，随提案类型而定。"),
    ("power", "验证节点的表决权重；为 0 表示移除。"),
    ("proposal", "提案编号，可从列表中选取。"),
    ("purpose", "申请共享的用途，不能为空。"),
    ("rationale", "提案理由，不能为空。"),
    ("reader", "读取者的公钥。"),
    ("reads", "要登记的签名读取。"),
    ("reason", "原因，不能为空。"),
    ("reasons", "理由，不能为空。"),
    ("record_count", "资源的记录数。"),
    ("region", "机构所属行政区划代码。"),
    ("report", "质量问题报告的编号，可从列表中选取。"),
    ("request", "共享申请的编号，可从列表中选取。"),
    ("request_digest", "访问请求内容的摘要（64 位十六进制）。"),
    ("resource", "数据资源编号，可从列表中选取。"),
    ("responsible", "裁定应负责的机构编号。"),
    ("right", "申请登记的权利种类。"),
    ("roles", "授予的角色，可多选。"),
    ("ruling", "裁定内容，不能为空。"),
    ("second", "新检查点的历史规模。"),
    ("security_level", "安全级别，1（最低）至 5。"),
    ("sensitivity", "该字段自身的分级：一般、重要或核心数据。"),
    ("share_type", "共享类型：无条件共享、有条件共享或不予共享。"),
    ("signature", "签名（128 位十六进制）。"),
    ("size", "历史树的规模。"),
    ("snapshot_digest", "资源快照的摘要（64 位十六进制）。"),
    ("starts", "期限的第一天。"),
    ("subject", "登记的客体：数据资源或数据产品。"),
    ("system", "产生该数据的信息系统编号。"),
    ("threshold", "检查点生效所需的见证签名数。"),
    ("time", "时间（毫秒时间戳）。"),
    ("time_ms", "读取发生的时间（毫秒时间戳）。"),
    ("title", "法律依据的标题。"),
    ("to", "受让机构的编号。"),
    ("update_frequency", "更新频率，如每日、每周、每月。"),
    ("upheld", "勾选表示异议成立。"),
    ("valid_from", "权利生效的第一天。"),
    ("valid_until", "有效期的最后一天。"),
    ("validator", "验证节点的设置。"),
    ("validator_set_hash", "验证节点集合的哈希。"),
    ("value", "参数的新取值。"),
    ("version", "协议版本号。"),
    ("witness", "见证人的公钥。"),
    ("witness_set_hash", "当前见证集的哈希。"),
    ("witnesses", "见证人名单。"),
];

/// `(key, 中文, English)`: the page's own words.
const UI: &[(&str, &str, &str)] = &[
    ("title", "一本账 · 业务工作台", "Onebook Workbench"),
    ("loading", "正在载入……", "Loading…"),
    (
        "suite.unsupported",
        "本链使用国密算法（SM2 签名、SM3 杂凑）。工作台在浏览器中只能用 Ed25519 签名，因此不能为本链签署交易",
        "This chain uses the national cryptography suite (SM2 signatures, SM3 digests). The workbench signs in the browser with Ed25519 only, so it cannot sign transactions for this chain",
    ),
    (
        "suite.instead",
        "请用 onebook keys generate 生成的 SM2 密钥，以 onebook tx 命令签署并提交交易；浏览器查询页面照常可用。",
        "Sign and submit transactions with the onebook tx command and an SM2 key made by onebook keys generate; the explorer's pages work as usual.",
    ),
    ("keys", "我的密钥", "My keys"),
    ("signing_as", "当前签名身份：", "Signing as:"),
    ("switch_key", "切换密钥", "Switch key"),
    ("key_name", "密钥名称（如：张三·目录编制员）", "Key name (e.g. Zhang San, catalog clerk)"),
    ("key", "我的密钥", "My key"),
    ("generate", "在本浏览器中生成新密钥", "Generate a new key in this browser"),
    ("import_dev", "导入开发网络密钥", "Import a development network key"),
    (
        "import_dev_note",
        "仅限开发网络：输入 32 字节种子（64 位十六进制）。密钥导入后不可再读出，种子不会发送到任何服务器。生产网络请用下面的“导入加密密钥文件”。",
        "Development networks only: the 32-byte seed in hex. The key cannot be read back once imported, and the seed is sent nowhere. On a production network, use “Import an encrypted key file” below.",
    ),
    ("import_file", "导入加密密钥文件", "Import an encrypted key file"),
    (
        "import_file_note",
        "选择 onebook keys encrypt 或 onebook keys generate 写出的密钥文件，输入其口令。文件在本页中解密（Argon2id，约需数秒），密钥导入后不可再读出；文件、口令和种子都不会发送到任何服务器。",
        "Choose a key file written by onebook keys encrypt or onebook keys generate and enter its passphrase. The file is opened in this page (Argon2id, a few seconds); the key cannot be read back once imported, and the file, the passphrase and the seed are sent nowhere.",
    ),
    ("keyfile", "密钥文件", "Key file"),
    ("passphrase", "口令", "Passphrase"),
    ("keyfile_opening", "正在用口令解密密钥文件……", "Opening the key file with the passphrase…"),
    ("keyfile_missing", "密钥文件：请先选择文件。", "Key file: choose a file first."),
    (
        "keyfile_not",
        "密钥文件：不是加密密钥文件（须为以 OBKE 开头的 138 字节文件）。",
        "Key file: not an encrypted key file (it must be 138 bytes starting with OBKE).",
    ),
    (
        "keyfile_version",
        "密钥文件：版本不受支持（本页只读版本 1）。",
        "Key file: unsupported version (this page reads version 1).",
    ),
    (
        "keyfile_costs",
        "密钥文件：Argon2id 参数无效（内存至多 4 194 304 KiB，迭代 1 至 64 次）。",
        "Key file: the Argon2id parameters are not valid (at most 4 194 304 KiB of memory, 1 to 64 passes).",
    ),
    (
        "keyfile_too_big",
        "密钥文件：要求的 Argon2id 内存超过浏览器可用的 1 GiB，请用命令行使用该文件。",
        "Key file: it asks Argon2id for more than the 1 GiB a browser page can use; use it with the command line.",
    ),
    (
        "passphrase_empty",
        "口令：请输入密钥文件的口令。",
        "Passphrase: enter the key file's passphrase.",
    ),
    (
        "passphrase_wrong",
        "口令错误：无法解密该密钥文件（口令不对，或文件写出后被改动过）。",
        "Wrong passphrase: the key file cannot be opened (the passphrase is wrong, or the file was changed after it was written).",
    ),
    (
        "keyfile_mismatch",
        "密钥文件：解密出的密钥与文件中的公钥不符，未导入。",
        "Key file: the sealed key does not match the file's public key; nothing was imported.",
    ),
    ("keyfile_failed", "密钥文件：导入失败：", "Key file: the import failed: "),
    ("seed_hex", "种子（64 位十六进制）", "Seed (64 hex)"),
    ("seed_bad", "种子须为 64 位十六进制。", "The seed must be 64 hex characters."),
    ("import", "导入", "Import"),
    (
        "not_member",
        "该密钥尚未登记为成员：请把上面的公钥交给本机构管理员登记。",
        "This key is no member yet: give the public key above to your org admin to register.",
    ),
    ("member_of", "所属机构：", "Member of"),
    ("actions", "办理业务", "Actions"),
    ("choose_action", "请选择要办理的业务", "Choose an action"),
    ("choose", "请选择", "Choose"),
    ("optional", "可不填", "Optional"),
    ("fill_in", "填写", "Fill in"),
    ("one_per_line", "每行一项", "One per line"),
    ("add", "添加一项", "Add"),
    ("remove", "删除", "Remove"),
    ("field", "字段", "Field"),
    ("rule_empty", "不能为空", "must not be empty"),
    ("rule_not_a_number", "须为非负整数", "must be a whole number"),
    ("rule_too_large", "数值过大", "is too large"),
    ("rule_not_hex32", "须为 64 位十六进制", "must be 64 hex characters"),
    ("rule_not_hex64", "须为 128 位十六进制", "must be 128 hex characters"),
    ("rule_not_a_date", "须为有效日期", "must be a valid date"),
    ("rule_not_a_choice", "须选择一项", "must be chosen"),
    ("rule_not_a_list", "须为列表", "must be a list"),
    ("rule_not_text", "须为文本", "must be text"),
    ("rule_missing", "缺失", "is missing"),
    ("preview", "检查并预览", "Check and preview"),
    ("preview_title", "即将签名的内容", "What you are about to sign"),
    ("sign_submit", "确认签名并提交", "Sign and submit"),
    ("no_key", "请先生成或导入密钥。", "Generate or import a key first."),
    ("signing", "正在签名并提交……", "Signing and submitting…"),
    ("turned_away", "节点拒收", "Turned away by the node"),
    ("committed", "已上链", "Committed"),
    ("refused", "已被账本规则拒绝，未生效", "Refused by the ledger's rules; nothing took effect"),
    ("rule", "规则", "Rule"),
    ("height", "区块高度", "Height"),
    ("tx_page", "查看交易", "The tx"),
    ("record_page", "查看记录", "Record"),
    (
        "not_committed",
        "交易未在预期时间内上链，请稍后在浏览器中查看。",
        "The tx was not committed in time; look for it in the explorer later.",
    ),
    ("yes", "是", "Yes"),
    ("no", "否", "No"),
    ("none", "无", "None"),
    ("todo", "我的待办", "My to-do list"),
    (
        "todo_none",
        "登记为成员后，这里会列出本机构的待办事项。",
        "Once your key is a member, your org's to-dos show here.",
    ),
    ("todo_requests", "待答复的共享申请", "Share requests awaiting an answer"),
    ("todo_notice", "公示中的登记申请", "Applications in public notice"),
    ("todo_objections", "待裁定的异议", "Objections to rule on"),
    ("todo_overdue", "本机构逾期义务", "Overdue obligations of your org"),
    ("working_days_left", "剩余工作日", "Working days left"),
    ("notice_ends", "公示截止", "Notice ends"),
    ("answer_due", "答复期限", "Answer due"),
    ("application", "申请", "Application"),
    ("due", "期限", "Due"),
    ("role_data-authority", "数据主管部门", "Data authority"),
    ("role_validator-org", "验证节点机构", "Validator org"),
    ("role_member", "所有成员", "Any member"),
    ("rec_code", "目录", "Catalog entry"),
    ("rec_entry", "目录", "Catalog entry"),
    ("rec_resource", "资源", "Resource"),
    ("rec_share_request", "共享申请", "Share request"),
    ("rec_grant", "共享授权", "Grant"),
    ("rec_application", "登记申请", "Application"),
    ("rec_objection", "异议", "Objection"),
    ("rec_certificate", "登记证书", "Certificate"),
    ("rec_quality_report", "质量问题", "Quality report"),
    ("rec_proposal", "提案", "Proposal"),
    ("rec_member", "成员", "Member"),
    ("rec_org", "机构", "Org"),
];

/// Which role signs each action, for grouping the forms: `(action, role)`.
pub(crate) const ROLES_OF_ACTIONS: &[(&str, &str)] = &[
    ("draft_catalog_entry", "catalog-clerk"),
    ("submit_catalog_entry", "catalog-clerk"),
    ("revise_catalog_entry", "catalog-clerk"),
    ("publish_catalog_entry", "catalog-clerk"),
    ("deprecate_catalog_entry", "catalog-clerk"),
    ("register_resource", "catalog-clerk"),
    ("update_resource", "catalog-clerk"),
    ("answer_quality_issue", "catalog-clerk"),
    ("review_catalog_entry", "data-authority"),
    ("rule_quality_issue", "data-authority"),
    ("answer_share", "share-approver"),
    ("revoke_grant", "share-approver"),
    ("request_share", "data-user"),
    ("withdraw_share_request", "data-user"),
    ("record_accesses", "data-user"),
    ("report_quality_issue", "data-user"),
    ("apply_for_property", "data-user"),
    ("review_property_application", "registrar"),
    ("rule_objection", "registrar"),
    ("issue_certificate", "registrar"),
    ("renew_certificate", "registrar"),
    ("cancel_certificate", "registrar"),
    ("register_member", "org-admin"),
    ("set_member_roles", "org-admin"),
    ("revoke_member", "org-admin"),
    ("record_duty_change", "org-admin"),
    ("transfer_certificate", "org-admin"),
    ("license_right", "org-admin"),
    ("submit_proposal", "validator-org"),
    ("vote_proposal", "validator-org"),
    ("rotate_member_key", "member"),
    ("file_objection", "member"),
    ("record_reads", "member"),
    ("anchor_checkpoint", "member"),
    ("close_out_grant", "data-user"),
    ("grant_onward", "share-approver"),
    ("record_open_data_plan", "catalog-clerk"),
    ("review_scenario", "data-authority"),
    ("apply_for_scenario", "member"),
    ("record_product", "member"),
];

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

/// The page's word `key`.
pub(crate) fn ui(lang: Lang, key: &str) -> &'static str {
    UI.iter().find(|(name, _, _)| *name == key).map_or("", |(_, zh, en)| pick(lang, zh, en))
}

/// Every word of the page, for the script.
pub(crate) fn ui_table(lang: Lang) -> Value {
    let table: Map<String, Value> =
        UI.iter().map(|(key, zh, en)| ((*key).to_owned(), json!(pick(lang, zh, en)))).collect();
    Value::Object(table)
}

/// The label of a field or action.
pub(crate) fn label(lang: Lang, name: &str) -> String {
    match LABELS.iter().find(|(key, _, _)| *key == name) {
        Some((_, zh, en)) => pick(lang, zh, en).to_owned(),
        None => lang.t(name).into_owned(),
    }
}

/// Whether a field or action has a label.
#[cfg(test)]
pub(crate) fn has_label(name: &str) -> bool {
    LABELS.iter().any(|(key, _, _)| *key == name) || Lang::has(name)
}

/// The Chinese help of a field or action; `None` in English (the schema's own then).
pub(crate) fn help(lang: Lang, name: &str) -> Option<&'static str> {
    (lang == Lang::Zh).then(|| HELP.iter().find(|(key, _)| *key == name).map(|(_, zh)| *zh))?
}

/// Whether a field or action has Chinese help.
#[cfg(test)]
pub(crate) fn has_help(name: &str) -> bool {
    HELP.iter().any(|(key, _)| *key == name)
}

/// The label of an enum value.
pub(crate) fn value(lang: Lang, field: &str, value: &str) -> String {
    match LABELS.iter().find(|(key, _, _)| *key == format!("{field}={value}")) {
        Some((_, zh, en)) => pick(lang, zh, en).to_owned(),
        None => lang.value(field, value).into_owned(),
    }
}

/// Whether an enum value has a label.
#[cfg(test)]
pub(crate) fn has_value(field: &str, value: &str) -> bool {
    LABELS.iter().any(|(key, _, _)| *key == format!("{field}={value}"))
        || Lang::has_value(field, value)
}
