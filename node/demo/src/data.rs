//! The demo's content: fifty catalog entries of the Fujian and Xiamen government bodies of the
//! dev network (and of the Siming district bodies the demo admits), each with the stage of the
//! catalog lifecycle the demo takes it to.

use onebook_types::action::{Grade, OpenType};

/// How an entry may be shared, with its conditions or legal basis.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Share {
    /// Granted at once by the ledger.
    Unconditional,
    /// Granted by the provider's approver under these conditions.
    Conditional(&'static str),
    /// Not shared, on this legal basis of the registry.
    NotShared(&'static str),
}

/// Where the demo takes an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Drafted only.
    Draft,
    /// Submitted, awaiting the data authority's review.
    Submitted,
    /// Returned by the data authority for correction.
    Returned,
    /// Approved, not yet published.
    Approved,
    /// Published.
    Published,
    /// Published, then a second version published.
    Revised,
    /// Published, with a second version drafted.
    Revising,
    /// Published, then deprecated.
    Deprecated,
}

impl Stage {
    /// Whether the entry is submitted at least once.
    pub(crate) fn submitted(self) -> bool {
        self != Self::Draft
    }

    /// Whether the data authority approves its first version.
    pub(crate) fn approved(self) -> bool {
        !matches!(self, Self::Draft | Self::Submitted | Self::Returned)
    }

    /// Whether its first version is published.
    pub(crate) fn published(self) -> bool {
        self.approved() && self != Self::Approved
    }
}

/// One catalog entry of the demo.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EntrySpec {
    /// The provider org.
    pub(crate) org: &'static str,
    /// Name.
    pub(crate) name: &'static str,
    /// Description.
    pub(crate) description: &'static str,
    /// Items: (field name, data element).
    pub(crate) items: &'static [(&'static str, &'static str)],
    /// Subject classification.
    pub(crate) classification: &'static str,
    /// Grade and security level.
    pub(crate) grade: (Grade, u8),
    /// Share type.
    pub(crate) share: Share,
    /// Open type.
    pub(crate) open: OpenType,
    /// Update frequency.
    pub(crate) frequency: &'static str,
    /// The producing system.
    pub(crate) system: &'static str,
    /// Where the demo takes it.
    pub(crate) stage: Stage,
}

use Grade::{Core, General, Important};
use OpenType::{ConditionallyOpen, NotOpen, Open};
use Share::{Conditional, NotShared, Unconditional};
use Stage::{Approved, Deprecated, Draft, Published, Returned, Revised, Revising, Submitted};

/// The legal basis the demo adds to the registry by governance (the Xiamen plan).
pub(crate) const XM_PLAN_BASIS: &str = "xm-ggsj-2024";
/// Its title.
pub(crate) const XM_PLAN_TITLE: &str = "《厦门市一体化公共数据体系建设方案（试行）》";

/// The fifty entries, by provider.
pub(crate) const ENTRIES: &[EntrySpec] = &[
    // 厦门市市场监督管理局
    EntrySpec {
        org: "xm-scjg",
        name: "企业登记信息",
        description: "本市企业的设立、变更、注销登记信息，含统一社会信用代码、法定代表人、注册资本等",
        items: &[
            ("统一社会信用代码", "DE0001"),
            ("企业名称", "DE0002"),
            ("法定代表人", "DE0003"),
            ("注册资本", "DE0004"),
            ("成立日期", "DE0005"),
            ("登记状态", "DE0006"),
        ],
        classification: "市场监管/市场主体",
        grade: (General, 2),
        share: Unconditional,
        open: Open,
        frequency: "daily",
        system: "xm-scjg-djxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-scjg",
        name: "个体工商户登记信息",
        description: "本市个体工商户的登记、变更、注销信息",
        items: &[
            ("统一社会信用代码", "DE0001"),
            ("字号名称", "DE0011"),
            ("经营者", "DE0012"),
            ("经营场所", "DE0013"),
        ],
        classification: "市场监管/市场主体",
        grade: (General, 2),
        share: Unconditional,
        open: ConditionallyOpen,
        frequency: "daily",
        system: "xm-scjg-djxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-scjg",
        name: "食品经营许可信息",
        description: "食品经营许可证的核发、变更、延续和注销信息",
        items: &[
            ("许可证编号", "DE0021"),
            ("经营者名称", "DE0002"),
            ("经营项目", "DE0022"),
            ("有效期至", "DE0023"),
        ],
        classification: "市场监管/行政许可",
        grade: (General, 2),
        share: Unconditional,
        open: Open,
        frequency: "weekly",
        system: "xm-scjg-xkxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-scjg",
        name: "特种设备使用登记信息",
        description: "电梯、锅炉、压力容器等特种设备的使用登记与定期检验信息",
        items: &[
            ("设备代码", "DE0031"),
            ("使用单位", "DE0032"),
            ("设备类别", "DE0033"),
            ("下次检验日期", "DE0034"),
        ],
        classification: "市场监管/安全监管",
        grade: (Important, 3),
        share: Conditional("仅用于安全监管与应急处置，不得对外提供"),
        open: NotOpen,
        frequency: "monthly",
        system: "xm-scjg-tzsb",
        stage: Published,
    },
    EntrySpec {
        org: "xm-scjg",
        name: "行政处罚信息",
        description: "市场监管部门作出的行政处罚决定信息，依法向社会公示",
        items: &[
            ("处罚决定书文号", "DE0041"),
            ("当事人名称", "DE0042"),
            ("违法行为类型", "DE0043"),
            ("处罚内容", "DE0044"),
            ("处罚日期", "DE0045"),
        ],
        classification: "市场监管/执法",
        grade: (General, 2),
        share: Unconditional,
        open: Open,
        frequency: "daily",
        system: "xm-scjg-zfxt",
        stage: Revised,
    },
    EntrySpec {
        org: "xm-scjg",
        name: "企业年度报告信息",
        description: "企业通过国家企业信用信息公示系统报送的年度报告信息",
        items: &[
            ("统一社会信用代码", "DE0001"),
            ("报告年度", "DE0051"),
            ("从业人数", "DE0052"),
            ("资产总额", "DE0053"),
        ],
        classification: "市场监管/信用监管",
        grade: (Important, 3),
        share: Conditional("资产类字段仅用于信用监管，不得向第三方提供"),
        open: NotOpen,
        frequency: "yearly",
        system: "xm-scjg-djxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-scjg",
        name: "经营异常名录信息",
        description: "列入和移出经营异常名录的企业信息",
        items: &[
            ("统一社会信用代码", "DE0001"),
            ("列入原因", "DE0061"),
            ("列入日期", "DE0062"),
            ("移出日期", "DE0063"),
        ],
        classification: "市场监管/信用监管",
        grade: (General, 2),
        share: Unconditional,
        open: Open,
        frequency: "daily",
        system: "xm-scjg-djxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-scjg",
        name: "计量器具强制检定信息",
        description: "列入强制检定目录的工作计量器具的检定结果",
        items: &[
            ("器具编号", "DE0071"),
            ("使用单位", "DE0032"),
            ("检定结论", "DE0072"),
            ("检定日期", "DE0073"),
        ],
        classification: "市场监管/计量",
        grade: (General, 1),
        share: Unconditional,
        open: ConditionallyOpen,
        frequency: "monthly",
        system: "xm-scjg-jlxt",
        stage: Draft,
    },
    EntrySpec {
        org: "xm-scjg",
        name: "产品质量监督抽查信息",
        description: "产品质量监督抽查的批次、产品、生产单位及抽查结论",
        items: &[
            ("抽查批次", "DE0081"),
            ("产品名称", "DE0082"),
            ("生产单位", "DE0083"),
            ("抽查结论", "DE0084"),
        ],
        classification: "市场监管/质量监管",
        grade: (General, 2),
        share: Conditional("不合格产品信息经核实后方可共享"),
        open: Open,
        frequency: "quarterly",
        system: "xm-scjg-zlxt",
        stage: Submitted,
    },
    EntrySpec {
        org: "xm-scjg",
        name: "知识产权质押登记信息",
        description: "专利权、商标权质押登记信息",
        items: &[
            ("登记号", "DE0091"),
            ("出质人", "DE0092"),
            ("质权人", "DE0093"),
            ("质押金额", "DE0094"),
        ],
        classification: "市场监管/知识产权",
        grade: (Important, 3),
        share: Conditional("用于金融服务与信用评估"),
        open: NotOpen,
        frequency: "monthly",
        system: "xm-scjg-zscq",
        stage: Returned,
    },
    // 厦门市公安局
    EntrySpec {
        org: "xm-gaj",
        name: "户籍人口信息",
        description: "本市户籍人口的基本信息，按最小必要原则共享",
        items: &[
            ("公民身份号码", "DE1001"),
            ("姓名", "DE1002"),
            ("性别", "DE1003"),
            ("出生日期", "DE1004"),
            ("户籍地址", "DE1005"),
        ],
        classification: "公共安全/人口管理",
        grade: (Core, 4),
        share: Conditional("仅限依法履职所需字段，按最小必要原则使用，不得留存和向第三方提供"),
        open: NotOpen,
        frequency: "real-time",
        system: "xm-gaj-rkxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-gaj",
        name: "居民身份证签发信息",
        description: "居民身份证的申领、签发和有效期信息",
        items: &[("公民身份号码", "DE1001"), ("签发机关", "DE1011"), ("有效期限", "DE1012")],
        classification: "公共安全/人口管理",
        grade: (Core, 4),
        share: Conditional("仅用于身份核验，核验结果以是否一致返回"),
        open: NotOpen,
        frequency: "real-time",
        system: "xm-gaj-rkxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-gaj",
        name: "流动人口居住登记信息",
        description: "流动人口申报居住登记和居住证办理信息",
        items: &[
            ("证件号码", "DE1021"),
            ("居住地址", "DE1022"),
            ("登记日期", "DE1023"),
            ("居住事由", "DE1024"),
        ],
        classification: "公共安全/人口管理",
        grade: (Important, 4),
        share: Conditional("仅用于社区服务与管理"),
        open: NotOpen,
        frequency: "daily",
        system: "xm-gaj-rkxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-gaj",
        name: "机动车登记信息",
        description: "本市登记机动车的注册、转移、变更和注销信息",
        items: &[
            ("号牌号码", "DE1031"),
            ("车辆类型", "DE1032"),
            ("所有人", "DE1033"),
            ("登记日期", "DE1034"),
            ("使用性质", "DE1035"),
        ],
        classification: "公共安全/交通管理",
        grade: (Important, 3),
        share: Conditional("用于交通管理、特种车辆监管与保险理赔核验"),
        open: NotOpen,
        frequency: "daily",
        system: "xm-gaj-jgxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-gaj",
        name: "机动车驾驶人信息",
        description: "机动车驾驶证的申领、换证、记分和状态信息",
        items: &[
            ("驾驶证号", "DE1041"),
            ("准驾车型", "DE1042"),
            ("初次领证日期", "DE1043"),
            ("驾驶证状态", "DE1044"),
        ],
        classification: "公共安全/交通管理",
        grade: (Important, 3),
        share: Conditional("仅用于从业资格核查与交通安全管理"),
        open: NotOpen,
        frequency: "daily",
        system: "xm-gaj-jgxt",
        stage: Revised,
    },
    EntrySpec {
        org: "xm-gaj",
        name: "道路交通违法信息",
        description: "道路交通违法行为的记录与处理信息",
        items: &[
            ("违法编号", "DE1051"),
            ("号牌号码", "DE1031"),
            ("违法行为", "DE1052"),
            ("违法时间", "DE1053"),
            ("处理状态", "DE1054"),
        ],
        classification: "公共安全/交通管理",
        grade: (General, 2),
        share: Unconditional,
        open: ConditionallyOpen,
        frequency: "real-time",
        system: "xm-gaj-jgxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-gaj",
        name: "出入境证件签发信息",
        description: "护照、往来港澳台通行证等出入境证件的签发信息",
        items: &[("证件号码", "DE1061"), ("证件类型", "DE1062"), ("签发日期", "DE1063")],
        classification: "公共安全/出入境管理",
        grade: (Core, 5),
        share: NotShared("pipl-34"),
        open: NotOpen,
        frequency: "daily",
        system: "xm-gaj-crjxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-gaj",
        name: "违法犯罪记录查询信息",
        description: "依法出具的违法犯罪记录查询结果",
        items: &[("公民身份号码", "DE1001"), ("查询结果", "DE1071"), ("出具日期", "DE1072")],
        classification: "公共安全/刑事管理",
        grade: (Core, 5),
        share: NotShared("dsl-38"),
        open: NotOpen,
        frequency: "real-time",
        system: "xm-gaj-xzxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-gaj",
        name: "户口迁移信息",
        description: "户口迁入、迁出及市内迁移信息",
        items: &[
            ("公民身份号码", "DE1001"),
            ("迁出地", "DE1081"),
            ("迁入地", "DE1082"),
            ("迁移日期", "DE1083"),
        ],
        classification: "公共安全/人口管理",
        grade: (Important, 4),
        share: Conditional("仅用于入学、社保等业务资格核验"),
        open: NotOpen,
        frequency: "daily",
        system: "xm-gaj-rkxt",
        stage: Approved,
    },
    EntrySpec {
        org: "xm-gaj",
        name: "养犬登记信息",
        description: "城市养犬登记、年检和免疫信息",
        items: &[
            ("登记证号", "DE1091"),
            ("犬只品种", "DE1092"),
            ("免疫日期", "DE1093"),
            ("所在社区", "DE1094"),
        ],
        classification: "公共安全/治安管理",
        grade: (General, 2),
        share: Unconditional,
        open: ConditionallyOpen,
        frequency: "weekly",
        system: "xm-gaj-zaxt",
        stage: Draft,
    },
    // 厦门市大数据管理局
    EntrySpec {
        org: "xm-dsj",
        name: "公共信用信息",
        description: "归集各部门信用信息形成的市场主体公共信用评价结果",
        items: &[
            ("统一社会信用代码", "DE0001"),
            ("主体名称", "DE2001"),
            ("信用等级", "DE2002"),
            ("评价日期", "DE2003"),
        ],
        classification: "社会信用/信用评价",
        grade: (General, 2),
        share: Unconditional,
        open: Open,
        frequency: "daily",
        system: "xm-dsj-xyxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-dsj",
        name: "法人综合信息",
        description: "法人基础库汇聚的法人单位综合信息",
        items: &[
            ("统一社会信用代码", "DE0001"),
            ("法人名称", "DE2011"),
            ("登记机关", "DE2012"),
            ("经营状态", "DE2013"),
        ],
        classification: "基础数据/法人库",
        grade: (General, 2),
        share: Unconditional,
        open: Open,
        frequency: "daily",
        system: "xm-dsj-gjk",
        stage: Revised,
    },
    EntrySpec {
        org: "xm-dsj",
        name: "人口综合信息",
        description: "人口基础库汇聚的人口综合信息，经审核后按需共享",
        items: &[
            ("公民身份号码", "DE1001"),
            ("姓名", "DE1002"),
            ("居住地址", "DE2021"),
            ("联系电话", "DE2022"),
        ],
        classification: "基础数据/人口库",
        grade: (Core, 4),
        share: Conditional("按最小必要原则，经审核后共享，调用全程留痕"),
        open: NotOpen,
        frequency: "daily",
        system: "xm-dsj-gjk",
        stage: Published,
    },
    EntrySpec {
        org: "xm-dsj",
        name: "电子证照目录信息",
        description: "全市电子证照库的证照目录与签发信息",
        items: &[
            ("证照编号", "DE2031"),
            ("证照类型", "DE2032"),
            ("持证主体", "DE2033"),
            ("签发日期", "DE2034"),
        ],
        classification: "基础数据/电子证照",
        grade: (General, 2),
        share: Unconditional,
        open: ConditionallyOpen,
        frequency: "real-time",
        system: "xm-dsj-zzk",
        stage: Published,
    },
    EntrySpec {
        org: "xm-dsj",
        name: "政务服务事项信息",
        description: "全市政务服务事项的编码、名称、办理时限和实施主体",
        items: &[
            ("事项编码", "DE2041"),
            ("事项名称", "DE2042"),
            ("办理时限", "DE2043"),
            ("实施主体", "DE2044"),
        ],
        classification: "政务服务/事项管理",
        grade: (General, 1),
        share: Unconditional,
        open: Open,
        frequency: "monthly",
        system: "xm-dsj-zwfw",
        stage: Published,
    },
    EntrySpec {
        org: "xm-dsj",
        name: "空间地理基础信息",
        description: "全市统一的基础地理信息图层",
        items: &[
            ("图层编号", "DE2051"),
            ("图层名称", "DE2052"),
            ("坐标系", "DE2053"),
            ("更新日期", "DE2054"),
        ],
        classification: "基础数据/空间地理",
        grade: (Important, 3),
        share: Conditional("仅用于政务管理，不得用于商业目的"),
        open: NotOpen,
        frequency: "quarterly",
        system: "xm-dsj-gis",
        stage: Published,
    },
    EntrySpec {
        org: "xm-dsj",
        name: "公共数据资源目录汇总信息",
        description: "全市各部门公共数据资源目录的汇总清单",
        items: &[
            ("目录编码", "DE2061"),
            ("目录名称", "DE2062"),
            ("提供部门", "DE2063"),
            ("共享类型", "DE2064"),
        ],
        classification: "数据管理/资源目录",
        grade: (General, 1),
        share: Unconditional,
        open: Open,
        frequency: "weekly",
        system: "xm-dsj-mlxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-dsj",
        name: "12345热线工单信息",
        description: "12345政务服务便民热线受理的诉求工单",
        items: &[
            ("工单编号", "DE2071"),
            ("诉求类型", "DE2072"),
            ("受理日期", "DE2073"),
            ("办结状态", "DE2074"),
        ],
        classification: "政务服务/诉求办理",
        grade: (General, 2),
        share: Conditional("涉及个人信息的字段脱敏后共享"),
        open: ConditionallyOpen,
        frequency: "daily",
        system: "xm-dsj-rxxt",
        stage: Revising,
    },
    EntrySpec {
        org: "xm-dsj",
        name: "政务信息系统清单",
        description: "全市政务信息系统的建设单位和上线信息",
        items: &[
            ("系统编号", "DE2081"),
            ("系统名称", "DE2082"),
            ("建设单位", "DE2083"),
            ("上线日期", "DE2084"),
        ],
        classification: "数据管理/系统清单",
        grade: (General, 1),
        share: Unconditional,
        open: NotOpen,
        frequency: "yearly",
        system: "xm-dsj-mlxt",
        stage: Deprecated,
    },
    EntrySpec {
        org: "xm-dsj",
        name: "营商环境监测指标信息",
        description: "营商环境评价指标的统计周期与监测值",
        items: &[
            ("指标编码", "DE2091"),
            ("指标名称", "DE2092"),
            ("统计周期", "DE2093"),
            ("指标值", "DE2094"),
        ],
        classification: "经济运行/营商环境",
        grade: (General, 1),
        share: Unconditional,
        open: Open,
        frequency: "monthly",
        system: "xm-dsj-yshj",
        stage: Submitted,
    },
    // 福建省数据管理局（省级政务数据共享节点）
    EntrySpec {
        org: "fj-sjj",
        name: "省级人口基础库共享信息",
        description: "省级人口基础库向各设区市回流共享的人口基础信息",
        items: &[("公民身份号码", "DE1001"), ("姓名", "DE1002"), ("户籍地址", "DE1005")],
        classification: "基础数据/人口库",
        grade: (Core, 4),
        share: Conditional("按属地返还原则向设区市共享，仅用于依法履职"),
        open: NotOpen,
        frequency: "daily",
        system: "fj-sjj-gxpt",
        stage: Published,
    },
    EntrySpec {
        org: "fj-sjj",
        name: "省级法人基础库共享信息",
        description: "省级法人基础库的法人单位基础信息",
        items: &[("统一社会信用代码", "DE0001"), ("法人名称", "DE2011"), ("登记机关", "DE2012")],
        classification: "基础数据/法人库",
        grade: (General, 2),
        share: Unconditional,
        open: Open,
        frequency: "daily",
        system: "fj-sjj-gxpt",
        stage: Published,
    },
    EntrySpec {
        org: "fj-sjj",
        name: "省级电子证照共享信息",
        description: "全省电子证照共享服务的证照信息",
        items: &[("证照编号", "DE2031"), ("证照类型", "DE2032"), ("持证主体", "DE2033")],
        classification: "基础数据/电子证照",
        grade: (General, 2),
        share: Unconditional,
        open: ConditionallyOpen,
        frequency: "real-time",
        system: "fj-sjj-gxpt",
        stage: Published,
    },
    EntrySpec {
        org: "fj-sjj",
        name: "省级信用信息共享信息",
        description: "省公共信用信息平台归集的信用信息",
        items: &[("统一社会信用代码", "DE0001"), ("主体名称", "DE2001"), ("信用等级", "DE2002")],
        classification: "社会信用/信用评价",
        grade: (General, 2),
        share: Unconditional,
        open: Open,
        frequency: "daily",
        system: "fj-sjj-xypt",
        stage: Revised,
    },
    EntrySpec {
        org: "fj-sjj",
        name: "省级自然资源空间信息",
        description: "国土空间规划与自然资源调查的空间数据",
        items: &[("图斑编号", "DE3001"), ("地类", "DE3002"), ("面积", "DE3003")],
        classification: "自然资源/国土空间",
        grade: (Important, 3),
        share: Conditional("仅用于国土空间规划与执法监管"),
        open: NotOpen,
        frequency: "quarterly",
        system: "fj-sjj-gxpt",
        stage: Published,
    },
    EntrySpec {
        org: "fj-sjj",
        name: "省级社会保障参保信息",
        description: "全省社会保险参保登记与缴费状态信息",
        items: &[("公民身份号码", "DE1001"), ("险种类型", "DE3011"), ("参保状态", "DE3012")],
        classification: "社会保障/参保",
        grade: (Important, 4),
        share: Conditional("仅用于社会保障业务资格核验"),
        open: NotOpen,
        frequency: "monthly",
        system: "fj-sjj-gxpt",
        stage: Published,
    },
    EntrySpec {
        org: "fj-sjj",
        name: "省级不动产登记信息",
        description: "全省不动产权属登记信息",
        items: &[("不动产单元号", "DE3021"), ("权利人", "DE3022"), ("坐落", "DE3023")],
        classification: "自然资源/不动产",
        grade: (Important, 4),
        share: Conditional("仅用于依法履职的权属核验"),
        open: NotOpen,
        frequency: "daily",
        system: "fj-sjj-gxpt",
        stage: Approved,
    },
    EntrySpec {
        org: "fj-sjj",
        name: "省级公共数据开放清单",
        description: "全省年度公共数据开放计划与开放清单",
        items: &[("清单编号", "DE3031"), ("数据名称", "DE3032"), ("开放属性", "DE3033")],
        classification: "数据管理/开放开发",
        grade: (General, 1),
        share: Unconditional,
        open: Open,
        frequency: "yearly",
        system: "fj-sjj-kfpt",
        stage: Draft,
    },
    // 厦门市思明区人民政府
    EntrySpec {
        org: "xm-smq",
        name: "思明区社区网格信息",
        description: "思明区社区网格划分与网格员配置信息",
        items: &[
            ("网格编号", "DE4001"),
            ("所属社区", "DE4002"),
            ("网格员", "DE4003"),
            ("管辖户数", "DE4004"),
        ],
        classification: "基层治理/网格管理",
        grade: (General, 2),
        share: Unconditional,
        open: NotOpen,
        frequency: "monthly",
        system: "xm-smq-wgxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-smq",
        name: "思明区老旧小区改造项目信息",
        description: "思明区老旧小区改造项目的内容与进度",
        items: &[
            ("项目编号", "DE4011"),
            ("小区名称", "DE4012"),
            ("改造内容", "DE4013"),
            ("完工日期", "DE4014"),
        ],
        classification: "城乡建设/城市更新",
        grade: (General, 1),
        share: Unconditional,
        open: Open,
        frequency: "quarterly",
        system: "xm-smq-jsxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-smq",
        name: "思明区辖区企业走访信息",
        description: "思明区“服务企业”走访的诉求与办理结果",
        items: &[
            ("统一社会信用代码", "DE0001"),
            ("走访日期", "DE4021"),
            ("诉求事项", "DE4022"),
            ("办理结果", "DE4023"),
        ],
        classification: "经济运行/企业服务",
        grade: (General, 2),
        share: Conditional("诉求内容仅用于企业服务，不得对外公开"),
        open: NotOpen,
        frequency: "weekly",
        system: "xm-smq-qyfw",
        stage: Published,
    },
    EntrySpec {
        org: "xm-smq",
        name: "思明区居家养老服务信息",
        description: "思明区居家养老服务对象与服务记录",
        items: &[("服务对象编号", "DE4031"), ("服务类型", "DE4032"), ("服务日期", "DE4033")],
        classification: "民生服务/养老",
        grade: (Important, 3),
        share: Conditional("仅用于养老服务补贴核定"),
        open: NotOpen,
        frequency: "monthly",
        system: "xm-smq-ylxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-smq",
        name: "思明区城市管理案件信息",
        description: "思明区城市管理问题案件的发现、派遣与处置信息",
        items: &[
            ("案件编号", "DE4041"),
            ("案件类型", "DE4042"),
            ("发生地点", "DE4043"),
            ("处置状态", "DE4044"),
        ],
        classification: "城市管理/综合执法",
        grade: (General, 1),
        share: Unconditional,
        open: ConditionallyOpen,
        frequency: "real-time",
        system: "xm-smq-cgxt",
        stage: Returned,
    },
    EntrySpec {
        org: "xm-smq",
        name: "思明区新时代文明实践站点信息",
        description: "思明区新时代文明实践中心、所、站的分布与开放时间",
        items: &[
            ("站点编号", "DE4051"),
            ("站点名称", "DE4052"),
            ("所在社区", "DE4002"),
            ("开放时间", "DE4053"),
        ],
        classification: "公共文化/文明实践",
        grade: (General, 1),
        share: Unconditional,
        open: Open,
        frequency: "yearly",
        system: "xm-smq-whxt",
        stage: Submitted,
    },
    // 厦门市思明区数据管理局
    EntrySpec {
        org: "xm-smq-sjj",
        name: "思明区政务数据共享交换日志",
        description: "思明区政务数据共享交换平台的交换记录",
        items: &[
            ("交换编号", "DE5001"),
            ("提供部门", "DE5002"),
            ("使用部门", "DE5003"),
            ("交换时间", "DE5004"),
        ],
        classification: "数据管理/共享交换",
        grade: (General, 2),
        share: Conditional("仅用于共享绩效评估与审计"),
        open: NotOpen,
        frequency: "real-time",
        system: "xm-smq-sjj-jhpt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-smq-sjj",
        name: "思明区公共数据质量检查信息",
        description: "思明区公共数据质量检查发现的问题与整改情况",
        items: &[
            ("检查批次", "DE5011"),
            ("目录编码", "DE2061"),
            ("问题类型", "DE5012"),
            ("整改状态", "DE5013"),
        ],
        classification: "数据管理/数据质量",
        grade: (General, 1),
        share: Unconditional,
        open: NotOpen,
        frequency: "monthly",
        system: "xm-smq-sjj-zlxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-smq-sjj",
        name: "思明区数据资源普查信息",
        description: "思明区各部门数据资源普查结果",
        items: &[
            ("普查编号", "DE5021"),
            ("部门名称", "DE5022"),
            ("系统名称", "DE2082"),
            ("数据量", "DE5023"),
        ],
        classification: "数据管理/资源普查",
        grade: (General, 1),
        share: Unconditional,
        open: NotOpen,
        frequency: "yearly",
        system: "xm-smq-sjj-pcxt",
        stage: Published,
    },
    EntrySpec {
        org: "xm-smq-sjj",
        name: "思明区智慧社区物联感知信息",
        description: "思明区智慧社区物联感知设备的上报数据",
        items: &[
            ("设备编号", "DE5031"),
            ("设备类型", "DE5032"),
            ("安装位置", "DE5033"),
            ("上报时间", "DE5034"),
        ],
        classification: "基层治理/智慧社区",
        grade: (General, 2),
        share: Conditional("仅用于社区安全与应急管理"),
        open: NotOpen,
        frequency: "real-time",
        system: "xm-smq-sjj-iot",
        stage: Published,
    },
    EntrySpec {
        org: "xm-smq-sjj",
        name: "思明区政务云资源使用信息",
        description: "思明区各部门政务云资源的申请与使用情况",
        items: &[
            ("资源编号", "DE5041"),
            ("使用单位", "DE0032"),
            ("资源类型", "DE5042"),
            ("配额", "DE5043"),
        ],
        classification: "数据管理/基础设施",
        grade: (General, 1),
        share: Unconditional,
        open: NotOpen,
        frequency: "monthly",
        system: "xm-smq-sjj-yun",
        stage: Revised,
    },
    EntrySpec {
        org: "xm-smq-sjj",
        name: "思明区数字政府项目清单",
        description: "思明区数字政府建设项目的立项与投资信息",
        items: &[
            ("项目编号", "DE4011"),
            ("项目名称", "DE5051"),
            ("建设单位", "DE2083"),
            ("项目金额", "DE5052"),
        ],
        classification: "数据管理/项目管理",
        grade: (General, 1),
        share: Unconditional,
        open: Open,
        frequency: "quarterly",
        system: "xm-smq-sjj-xmxt",
        stage: Draft,
    },
];

/// The region data authority whose catalog clerk reviews entries of `org`.
pub(crate) fn reviewer_of(org: &str) -> &'static str {
    match org {
        "fj-gov" | "fj-sjj" => "fj-sjj",
        "xm-smq" | "xm-smq-sjj" => "xm-smq-sjj",
        _ => "xm-dsj",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_fifty_entries_in_every_stage() {
        let stages =
            [Draft, Submitted, Returned, Approved, Published, Revised, Revising, Deprecated];

        assert_eq!(ENTRIES.len(), 50);
        for stage in stages {
            assert!(ENTRIES.iter().any(|entry| entry.stage == stage), "{stage:?}");
        }
    }

    #[test]
    fn names_are_distinct_and_items_fit_the_rules() {
        let mut names: Vec<&str> = ENTRIES.iter().map(|entry| entry.name).collect();
        names.sort_unstable();
        names.dedup();

        assert_eq!(names.len(), ENTRIES.len());
        for entry in ENTRIES {
            assert!((2..=8).contains(&entry.items.len()), "{}", entry.name);
            assert!((1..=5).contains(&entry.grade.1), "{}", entry.name);
            onebook_types::ids::check_id(entry.system).expect("system ids are ids");
        }
    }
}
