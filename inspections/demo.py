"""Demo guidance visits for the demo city, written through the same service as the form.

As a group works: its leader registers the form, on a working day of most weeks
of the campaign (the official calendar), one or two villages a day, key villages
first, never the same village twice; the categories and population figures are
those the form prefills from the village's data; problems of both kinds, and now
and then a typical experience. Some weeks are left out, so the weekly quota page
has gaps to show.
"""

import datetime
import random
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction

from reminders.calendar import working_days
from rosters.choices import MemberRole, TeamKind
from rosters.models import Campaign, TeamCounty, TeamMember
from rosters.services import team_accounts_create
from villages.models import Village

from .choices import ProblemKind
from .models import GuidanceVisit
from .selectors import visit_prefill
from .services import VisitInput, visit_save

DEMO_MARK = "（演示）"
PROBLEMS = (
    (2, ProblemKind.INDIVIDUAL, "贫困户档案资料不完整，帮扶记录未及时更新。", "已指导村干部现场补齐资料。"),
    (6, ProblemKind.INDIVIDUAL, "村（户）明白栏内容未更新。", "已现场更新明白栏。"),
    (9, ProblemKind.COMMON, "产业项目利益联结机制不健全，带贫效果不明显。", ""),
    (11, ProblemKind.COMMON, "弱劳动力就业渠道少，公益岗位安排不足。", ""),
    (16, ProblemKind.COMMON, "扶贫项目公告公示不规范。", ""),
    (5, ProblemKind.INDIVIDUAL, "“N+2”帮扶计划部分措施与户情不符。", "已指导帮扶人调整帮扶计划。"),
    (7, ProblemKind.COMMON, "重病户、残疾人户兜底保障政策落实不到位。", ""),
    (15, ProblemKind.INDIVIDUAL, "部分贫困户“七改一增”未完成。", "已督促村里列出清单、限期完成。"),
)
EXPERIENCES = (
    "村集体利用光伏收益设立公益岗位，优先安排弱劳动力贫困人口就业。",
    "推行“四议两公开”议定产业项目，群众参与度和满意度明显提高。",
    "第一书记牵头成立合作社，发展特色种植，带动贫困户稳定增收。",
    "建立扶贫车间，贫困群众在家门口就业，实现顾家挣钱两不误。",
)


def demo_visits_exist():
    return GuidanceVisit.objects.filter(population_note__endswith=DEMO_MARK).exists()


def _leaders(campaign):
    """Each group's leader, with an account to register under (created, without a password, if missing)."""
    team_accounts_create(acting_user=None, campaign=campaign)
    return {
        m.team_id: m.person.user
        for m in TeamMember.objects.filter(team__campaign=campaign, role=MemberRole.LEADER)
        .select_related("person__user").order_by("order")
    }


@transaction.atomic
def generate_visits(*, seed=2018, today=None):
    rng = random.Random(seed)
    today = today or datetime.date.today()
    created = 0
    for campaign in Campaign.objects.filter(kind=TeamKind.GUIDANCE).order_by("start_date"):
        leaders = _leaders(campaign)
        weeks = defaultdict(list)  # Monday → the campaign's working days of that week
        for day in working_days(campaign.start_date, min(campaign.end_date, today)):
            weeks[day - datetime.timedelta(days=day.weekday())].append(day)
        coverage = TeamCounty.objects.filter(campaign=campaign).select_related("team", "county").order_by("team__order", "order")
        for tc in coverage:
            leader = leaders.get(tc.team_id)
            if leader is None:
                continue
            signers = [m.person for m in tc.team.memberships.select_related("person").filter(person__is_unit=False)
                       .order_by("order")]
            # Key villages first ("星级越高，越要重点关注", ZZ 四(一)), shuffled within a star level.
            villages = list(Village.objects.filter(county=tc.county).select_related("county", "star_rating"))
            rng.shuffle(villages)
            villages.sort(key=lambda v: -getattr(getattr(v, "star_rating", None), "stars", 0))
            for monday in sorted(weeks):
                if not villages or rng.random() < 0.12:  # now and then a week is missed
                    continue
                day = rng.choice(weeks[monday])
                for _ in range(rng.choice((1, 1, 2))):
                    if villages:
                        created += _visit(leader, campaign, villages.pop(0), day, signers, rng)
    return created


def _visit(leader, campaign, village, day, signers, rng):
    prefill = visit_prefill(village)
    problems = [
        {"category": c, "kind": k, "description": d, "fix": f}
        for c, k, d, f in rng.sample(PROBLEMS, rng.choice((0, 1, 1, 2, 3)))
    ]
    planned = max(1, prefill["poor_households"] // 3)
    data = VisitInput(
        campaign=campaign, village=village, visit_date=day, categories=prefill.pop("categories"), figures=prefill,
        signers=signers[: rng.choice((2, 3))],
        reduction_progress=f"年度计划脱贫 {planned} 户，已完成 {rng.randint(planned // 2, planned)} 户；"
                           "“两不愁三保障”逐户核实中。",
        population_note=DEMO_MARK, experience=rng.choice(EXPERIENCES) if rng.random() < 0.2 else "",
        others_present="村支书、第一书记", problems=problems,
    )
    try:
        visit_save(acting_user=leader, data=data, submit=True)
    except ValidationError:
        return 0  # refused by the campaign rules (e.g. the group's day is already full): skip it
    return 1
