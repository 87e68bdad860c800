from django.db import models


class VisitStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


class ProblemKind(models.TextChoices):
    """ZZ 五(三): a problem is rectified on the spot, or fed back to the county."""

    INDIVIDUAL = "individual", "个性问题"
    COMMON = "common", "共性问题"


class ChecklistResult(models.TextChoices):
    OK = "ok", "无问题"
    PROBLEM = "problem", "发现问题"


# ZZ 四(二) 重点指导内容: the 18 items, as numbered in the document. The short
# title names a problem's category; the full text is shown on the checklist.
GUIDANCE_ITEMS = (
    (1, "年度减贫任务", "年度减贫任务完成情况。"),
    (2, "基础工作", "基础工作：贫困人口动态管理规范，识别精准、退出精准、程序合规、信息采集准确、系统录入准确、档案完整。"),
    (3, "抓党建促脱贫", "抓党建促脱贫：班子健全、队伍健全、制度健全、阵地建设、活动开展、党员干部带贫情况。"),
    (4, "帮扶工作", "帮扶工作：脱贫责任组、村支部书记、第一书记和帮扶人责任落实情况。"),
    (5, "“N+2”帮扶计划", "“N+2”帮扶计划落实：帮扶计划合格率、落实率、政策落实叠加度、增收措施覆盖叠加度。"),
    (6, "政策宣传与落实", "政策宣传与落实：村（户）明白栏、政策知晓度、落实满意度。"),
    (7, "五类重点户和兜底户", "重病户、残疾人户、老人户、边缘户、低收入户“五类重点户”攻坚情况和兜底户兜底情况。"),
    (8, "“6+40”脱贫质量提升", "“6+40”脱贫质量提升情况。"),
    (9, "产业发展", "产业发展情况：产业发展规划、特色产业发展、合作组织建立、致富带头人培育、到户增收与奖补政策落实、"
                    "“土地流转得租金、就近务工得薪金、入股分红得股金”利益联结机制落实等情况。"),
    (10, "集体经济", "集体经济来源和收入情况。"),
    (11, "贫困人口就业", "贫困人口就业情况（含全劳动力和半劳动力、弱劳动力）。"),
    (12, "基础设施和公共服务", "贫困村7项基础设施和公共服务到位和提升情况。"),
    (13, "易地扶贫搬迁", "易地扶贫搬迁：后续扶持、拆旧复垦、搬迁入住清零行动、产业就业“5个一”政策落实、“5个新”要求落实情况。"),
    (14, "金融扶贫", "金融扶贫：村级服务部建立、信用评级全覆盖、小额信贷发放、风险防控等情况。"),
    (15, "人居环境改善", "人居环境改善：村容村貌整治及贫困户“七改一增”情况。"),
    (16, "项目建设与资金管理", "项目建设与资金管理情况：项目进度、作用发挥、公告公示、资金使用与报账、2019年项目谋划。"),
    (17, "志智双扶", "志智双扶：思想教育、政策激励、典型引导、村规民约。"),
    (18, "问题整改", "问题整改情况。"),
)
PROBLEM_CATEGORY_CHOICES = [(n, f"{n}. {short}") for n, short, _ in GUIDANCE_ITEMS]

# ZZ 附件2 说明1: the form is made in three copies, one for each of these.
PRINT_COPIES = ("市脱贫攻坚领导小组办公室", "县脱贫攻坚领导小组办公室", "被指导村")

# ZZ 三: at most 2 villages per group per day.
MAX_VILLAGES_PER_DAY = 2


# --- Inspection trips (督查, HY 四; SPEC §7) ------------------------------------------------------

class TripStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    ONGOING = "ongoing", "进行中"
    ENDED = "ended", "已结束"


class SampleLevel(models.TextChoices):
    TOWNSHIP = "township", "乡（镇）"
    VILLAGE = "village", "村"
    HOUSEHOLD = "household", "农户"


class FindingCategory(models.TextChoices):
    """HY 附件: the 8 rows of the inspection table, in the table's order (the unnumbered row is the 5th)."""

    RESPONSIBILITY = "responsibility", "扶贫责任落实情况"
    POLICY = "policy", "扶贫政策落实情况"
    IDENTIFICATION = "identification", "贫困识别退出情况"
    MEASURES = "measures", "帮扶措施落实情况"
    TASKS = "tasks", "脱贫任务完成情况"
    NEW_COUNTRYSIDE = "new_countryside", "新农村建设情况"
    FUNDS = "funds", "资金使用率情况"
    RECORDS = "records", "信息录入和台账建立情况"


class InspectionMethod(models.TextChoices):
    """HY 附件 督查形式: how a finding was established."""

    LEDGER = "ledger", "查阅台账"
    HOME_VISIT = "home_visit", "入户核实"
    MEETING = "meeting", "座谈"
    SITE_VISIT = "site_visit", "实地走访"
    SYSTEM_DATA = "system_data", "查看系统数据"
    DEPARTMENT_DATA = "department_data", "到相关部门核实数据"


class FindingSeverity(models.TextChoices):
    """HY 六: major problems are reported to the leading group."""

    GENERAL = "general", "一般"
    MAJOR = "major", "重大"


# HY 四: 每次安排1-2天.
MAX_TRIP_DAYS = 2
# HY 四: 每次至少抽查1个镇1个贫困村和1个面上村，每村至少抽查3户农户（2户预脱贫户、1户未脱贫户）.
SAMPLE_MIN_TOWNSHIPS = 1
SAMPLE_MIN_POOR_VILLAGES = 1
SAMPLE_MIN_ORDINARY_VILLAGES = 1
SAMPLE_PRE_EXIT_PER_VILLAGE = 2
SAMPLE_POOR_PER_VILLAGE = 1
# The proposer calls a village "inspected or guided lately" within this many days of the trip.
RECENT_DAYS = 90
