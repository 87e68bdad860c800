"""Demo guidance visits for the demo city, written through the same service as the form.

Each group visits some of the villages of its counties on one day of most
weeks, one or two villages a day, never the same village twice; some weeks are
left out so the weekly quota page has gaps to show.
"""

import datetime
import random

from django.core.exceptions import ValidationError
from django.db import transaction

from rosters.choices import TeamKind
from rosters.models import Campaign, TeamCounty
from villages.models import Village

from .choices import ProblemKind
from .models import GuidanceVisit
from .services import VisitInput, visit_save

DEMO_MARK = "（演示）"
PROBLEMS = (
    (2, ProblemKind.INDIVIDUAL, "贫困户档案资料不完整，帮扶记录未及时更新。", "已指导村干部现场补齐资料。"),
    (6, ProblemKind.INDIVIDUAL, "村（户）明白栏内容未更新。", "已现场更新明白栏。"),
    (9, ProblemKind.COMMON, "产业项目利益联结机制不健全，带贫效果不明显。", ""),
    (11, ProblemKind.COMMON, "弱劳动力就业渠道少，公益岗位安排不足。", ""),
    (16, ProblemKind.COMMON, "扶贫项目公告公示不规范。", ""),
    (5, ProblemKind.INDIVIDUAL, "“N+2”帮扶计划部分措施与户情不符。", "已指导帮扶人调整帮扶计划。"),
)
EXPERIENCES = (
    "村集体利用光伏收益设立公益岗位，优先安排弱劳动力贫困人口就业。",
    "推行“四议两公开”议定产业项目，群众参与度和满意度明显提高。",
    "第一书记牵头成立合作社，发展特色种植，带动贫困户稳定增收。",
)


def demo_visits_exist():
    return GuidanceVisit.objects.filter(population_note__endswith=DEMO_MARK).exists()


@transaction.atomic
def generate_visits(*, acting_user, seed=2018, today=None):
    rng = random.Random(seed)
    today = today or datetime.date.today()
    created = 0
    for campaign in Campaign.objects.filter(kind=TeamKind.GUIDANCE).order_by("start_date"):
        coverage = TeamCounty.objects.filter(campaign=campaign).select_related("team", "county").order_by("team__order", "order")
        for tc in coverage:
            signers = [m.person for m in tc.team.memberships.select_related("person").filter(person__is_unit=False)]
            villages = list(Village.objects.filter(county=tc.county).order_by("pk").select_related("county"))
            rng.shuffle(villages)
            day = campaign.start_date + datetime.timedelta(days=rng.randrange(0, 5))
            while day <= min(campaign.end_date, today) and villages:
                if day.weekday() < 5 and rng.random() > 0.15:  # most weeks, a working day
                    for _ in range(rng.choice((1, 1, 2))):
                        if not villages:
                            break
                        created += _visit(acting_user, campaign, villages.pop(), day, signers, rng)
                day += datetime.timedelta(days=7)
    return created


def _visit(acting_user, campaign, village, day, signers, rng):
    problems = [
        {"category": c, "kind": k, "description": d, "fix": f}
        for c, k, d, f in rng.sample(PROBLEMS, rng.choice((0, 1, 1, 2)))
    ]
    data = VisitInput(
        campaign=campaign, village=village, visit_date=day, signers=signers[: rng.choice((2, 3))],
        reduction_progress=f"年度计划脱贫 {rng.randint(3, 20)} 户，已完成约 {rng.randint(60, 100)}%。",
        population_note=DEMO_MARK, experience=rng.choice(EXPERIENCES) if rng.random() < 0.2 else "",
        others_present="村支书、第一书记", problems=problems,
    )
    try:
        visit_save(acting_user=acting_user, data=data, submit=True)
    except ValidationError:
        return 0  # refused by the campaign rules (e.g. the group's day is already full): skip it
    return 1
