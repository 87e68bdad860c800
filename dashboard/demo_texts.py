"""Wording for the province demo's activity: names, problems, findings, experiences.

Problems follow the 18 guidance items of ZZ 四(二) (their number is the problem's category);
findings follow the 8 rows of the HY 附件 table. Each text is one a guidance or inspection group
would write; the demo draws among them, so lists look like lists of real forms.
"""

from inspections.choices import FindingCategory, InspectionMethod, SampleLevel

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_NAMES = (
    "建华", "国庆", "红军", "志刚", "海涛", "晓东", "卫国", "丽萍", "春燕", "秀芳", "俊峰", "文博", "新民", "振宇", "立新",
    "永强", "玉梅", "建伟", "少华", "明辉", "雪梅", "长江", "海燕", "志勇", "晓峰", "桂芝", "东升", "爱民", "宏亮", "淑华",
    "建设", "小平", "光明", "朝阳", "金平", "凤英", "德明", "瑞华", "建民", "保华", "向东", "红霞", "亚楠", "子涵", "浩然",
)

# Positions by the kind of group (the rosters of ZZ 附件1 and HY 二 name a leader and members).
POSITIONS = {
    "province": ("省扶贫办副主任", "处长", "副处长", "一级主任科员", "四级调研员", "科员"),
    "city": ("市扶贫办副主任", "科长", "副科长", "一级科员", "科员"),
    "county": ("县扶贫办主任", "县扶贫办副主任", "股长", "科员", "驻村第一书记"),
    "inspection": ("督查组组长", "副处长", "四级调研员", "一级主任科员", "科员"),
}
INSPECTION_UNITS = ("督查科工作人员", "业务科工作人员", "综合协调组工作人员", "考核督导组工作人员")

# (category, description) — 共性问题, fed back to the county for unified rectification (ZZ 五(三)).
COMMON_PROBLEMS = (
    (1, "年度减贫任务分解不细，部分乡镇脱贫计划与实际进度不符。"),
    (1, "预脱贫户“八有”指标逐户核实进度滞后，年底达标存在困难。"),
    (2, "贫困人口动态管理不规范，新识别、返贫户信息录入不及时。"),
    (2, "贫困户档案资料不统一，“一户一档”内容不完整。"),
    (2, "扶贫信息系统数据与纸质台账不一致，部分户人口、收入数据有误。"),
    (3, "村“两委”班子抓党建促脱贫作用发挥不充分，党员带贫作用不明显。"),
    (3, "村级活动阵地利用率不高，“三会一课”记录不规范。"),
    (4, "部分帮扶人入户频次不够，对帮扶对象家庭情况掌握不准。"),
    (4, "脱贫责任组、第一书记工作日志填写流于形式。"),
    (5, "“N+2”帮扶计划合格率不高，部分措施与致贫原因不对应。"),
    (5, "增收措施覆盖不全，部分贫困户只有一项增收措施。"),
    (6, "村（户）明白栏内容更新不及时，政策知晓度不高。"),
    (6, "部分群众对扶贫政策落实满意度不高，宣传解读不到位。"),
    (7, "重病户、残疾人户兜底保障政策落实不到位。"),
    (7, "边缘户、低收入户动态监测不及时，防返贫措施不具体。"),
    (8, "“6+40”脱贫质量提升工作进度不均衡，部分指标未达标。"),
    (9, "产业项目利益联结机制不健全，带贫效果不明显。"),
    (9, "到户增收奖补政策落实不及时，部分贫困户未享受。"),
    (9, "合作组织带贫作用发挥不充分，土地流转、入股分红协议不规范。"),
    (10, "村集体经济收入来源单一，收益分配方案不明确。"),
    (11, "弱劳动力就业渠道少，公益岗位安排不足。"),
    (11, "外出务工贫困劳动力就业信息台账不全，稳岗措施不具体。"),
    (12, "贫困村基础设施和公共服务“7项”中村卫生室、文化广场仍未达标。"),
    (13, "易地扶贫搬迁后续扶持措施不具体，搬迁户就业帮扶不到位。"),
    (13, "搬迁旧房拆除复垦进度滞后。"),
    (14, "小额信贷风险防控机制不健全，到期贷款续贷、还款跟踪不及时。"),
    (14, "村级金融服务部作用发挥不明显，信用评级信息更新不及时。"),
    (15, "村容村貌整治不彻底，部分贫困户“七改一增”未完成。"),
    (16, "扶贫项目公告公示不规范，资金使用与报账不及时。"),
    (16, "2019年扶贫项目库谋划不充分，项目论证不细。"),
    (17, "志智双扶措施不多，部分贫困户“等靠要”思想仍然存在。"),
    (17, "村规民约修订后宣传不够，移风易俗工作需加强。"),
    (18, "上次指导和督查发现的问题整改不彻底，存在反弹。"),
    (18, "问题整改台账不完整，整改结果未逐项对账销号。"),
)

# (category, description, fix) — 个性问题, rectified on the spot (ZZ 五(三)).
INDIVIDUAL_PROBLEMS = (
    (2, "个别贫困户档案资料不完整，帮扶记录未及时更新。", "已指导村干部现场补齐资料。"),
    (2, "一户贫困户家庭人口信息与户籍不一致。", "已现场核对户口簿并更正台账。"),
    (4, "一名帮扶人对帮扶户收入构成说不清楚。", "已现场与帮扶人逐项核算收入。"),
    (5, "“N+2”帮扶计划部分措施与户情不符。", "已指导帮扶人调整帮扶计划。"),
    (6, "村（户）明白栏内容未更新。", "已现场更新明白栏。"),
    (7, "一户重病户未落实慢性病卡办理。", "已联系乡卫生院当场办理。"),
    (11, "一户有劳动能力的贫困户就业意向未登记。", "已现场登记并推荐到扶贫车间。"),
    (14, "一户小额信贷即将到期，贷款户不清楚续贷政策。", "已当场讲解政策并联系金融服务站。"),
    (15, "部分贫困户“七改一增”未完成。", "已督促村里列出清单、限期完成。"),
    (16, "村务公开栏扶贫项目公示内容缺少资金数额。", "已指导村干部补充公示内容。"),
)

EXPERIENCES = (
    "村集体利用光伏收益设立公益岗位，优先安排弱劳动力贫困人口就业。",
    "推行“四议两公开”议定产业项目，群众参与度和满意度明显提高。",
    "第一书记牵头成立合作社，发展特色种植，带动贫困户稳定增收。",
    "建立扶贫车间，贫困群众在家门口就业，实现顾家挣钱两不误。",
    "设立“爱心超市”，以积分兑换激发贫困群众内生动力。",
    "推行帮扶人“一月一走访、一季一算账”，帮扶台账清楚、群众认可。",
    "村里建立防返贫监测台账，对边缘户逐户落实预警帮扶措施。",
    "整合涉农资金建设冷库和电商服务点，打通农产品销售渠道。",
)

OTHERS_PRESENT = ("村支书、第一书记", "村支书、驻村工作队队员", "第一书记、村委会主任", "村委会主任、帮扶责任人")

# (category, method, target level, description) — HY 附件's 8 rows; "county" = the county itself.
FINDINGS = (
    (FindingCategory.RESPONSIBILITY, InspectionMethod.LEDGER, "county", "党委会议记录中脱贫攻坚专题研究次数不足，“一把手”负责制落实不到位。"),
    (FindingCategory.RESPONSIBILITY, InspectionMethod.MEETING, SampleLevel.TOWNSHIP, "乡（镇）脱贫责任组分工不明确，包村干部驻村时间不足。"),
    (FindingCategory.RESPONSIBILITY, InspectionMethod.MEETING, SampleLevel.VILLAGE, "驻村工作队队员存在“走读”现象，考勤记录不实。"),
    (FindingCategory.POLICY, InspectionMethod.HOME_VISIT, SampleLevel.HOUSEHOLD, "该户符合条件的教育补助未发放到位。"),
    (FindingCategory.POLICY, InspectionMethod.HOME_VISIT, SampleLevel.HOUSEHOLD, "该户慢性病患者未签约家庭医生，健康扶贫政策未落实。"),
    (FindingCategory.POLICY, InspectionMethod.DEPARTMENT_DATA, "county", "雨露计划补助发放滞后，部分学生未按时享受。"),
    (FindingCategory.IDENTIFICATION, InspectionMethod.HOME_VISIT, SampleLevel.HOUSEHOLD, "预脱贫户“八有”中住房安全指标未落实。"),
    (FindingCategory.IDENTIFICATION, InspectionMethod.SYSTEM_DATA, SampleLevel.VILLAGE, "贫困户识别、退出程序资料不完整，“两公示一公告”记录缺失。"),
    (FindingCategory.IDENTIFICATION, InspectionMethod.HOME_VISIT, SampleLevel.HOUSEHOLD, "该户家庭收入测算不准确，脱贫依据不充分。"),
    (FindingCategory.MEASURES, InspectionMethod.MEETING, SampleLevel.VILLAGE, "部分帮扶措施与致贫原因不对应，针对性不强。"),
    (FindingCategory.MEASURES, InspectionMethod.HOME_VISIT, SampleLevel.HOUSEHOLD, "该户帮扶措施“少而空”，没有稳定增收项目。"),
    (FindingCategory.MEASURES, InspectionMethod.LEDGER, SampleLevel.TOWNSHIP, "帮扶工作台账更新不及时，帮扶成效记录不实。"),
    (FindingCategory.TASKS, InspectionMethod.LEDGER, SampleLevel.TOWNSHIP, "年度计划预脱贫户“八有”指标年底达标存在困难。"),
    (FindingCategory.TASKS, InspectionMethod.LEDGER, "county", "贫困村退出计划推进缓慢，部分指标进度滞后于时间节点。"),
    (FindingCategory.NEW_COUNTRYSIDE, InspectionMethod.SITE_VISIT, SampleLevel.VILLAGE, "新农村示范村创建项目进度滞后于时间节点。"),
    (FindingCategory.NEW_COUNTRYSIDE, InspectionMethod.SITE_VISIT, SampleLevel.VILLAGE, "村内道路硬化、垃圾清运等人居环境整治不彻底。"),
    (FindingCategory.FUNDS, InspectionMethod.LEDGER, "county", "部分精准扶贫资金拨付不及时，存在滞留现象。"),
    (FindingCategory.FUNDS, InspectionMethod.DEPARTMENT_DATA, "county", "统筹整合涉农资金支出进度偏慢，资金使用率低于序时进度。"),
    (FindingCategory.FUNDS, InspectionMethod.LEDGER, SampleLevel.TOWNSHIP, "扶贫项目资金报账资料不全，公告公示不规范。"),
    (FindingCategory.RECORDS, InspectionMethod.SYSTEM_DATA, SampleLevel.VILLAGE, "扶贫大数据平台信息与台账不一致，“户有卡、村有册”不完整。"),
    (FindingCategory.RECORDS, InspectionMethod.SYSTEM_DATA, SampleLevel.HOUSEHOLD, "该户系统中家庭成员信息与实际不符。"),
    (FindingCategory.RECORDS, InspectionMethod.LEDGER, SampleLevel.TOWNSHIP, "乡（镇）扶贫台账未按月更新，数据推送不及时。"),
)

EXCHANGE_WITH = ("{county}扶贫办及县（区）分管领导", "{county}县委、县政府分管领导及扶贫办", "{county}扶贫开发领导小组成员单位负责人")
EXCHANGE_SUMMARY = (
    "督查组反馈了抽查发现的问题，被督查单位表示立即组织整改，并在限期内报告整改情况。",
    "督查组通报了抽查情况和问题清单，县里表示举一反三、全面排查，逐项建立整改台账。",
    "双方就问题成因交换了意见，被督查单位对问题无异议，将按整改函要求限期整改。",
)

REPORTS = (
    "已逐户核实并补齐资料，整改情况已报乡（镇）审核。",
    "已召开专题会议研究整改，相关措施落实到户，附整改前后对比照片。",
    "问题已整改到位，资金已拨付，报账资料齐全。",
    "已建立整改台账，逐项销号，相关佐证材料已归档。",
    "已调整帮扶措施并经帮扶人入户确认，系统数据已同步更新。",
)
SEND_BACK = ("整改佐证不充分，请补充入户核实记录。", "回头看发现问题仍然存在，请继续整改。", "整改措施未落实到户，请重新整改。")
