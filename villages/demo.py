"""Demo data on the real places of the official division table, with synthetic households.

The places are those of the shipped extract of 统计用区划代码 (fixtures/divisions): 郑州市 and
河源市 at city scale, all of 河南省 (and 河源市) at province scale — uneven county sizes and
names that repeat across counties, as in life. They are loaded through divisions_import, like
any import, and stay when the demo is reset. The households and people are synthetic and
visibly so: ID numbers carry a valid check digit but a district code (410199) that no real
county has. Everything is written with bulk inserts in batches, so memory stays flat at the
province scale.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction

from .choices import ExitStatus, HouseholdStatus
from .divisions import EXTRACT_DIR, DivisionTable, read_table_cached
from .models import City, County, Household, Township, Village
from .validators import id_number_checksum

LEGACY_PREFIX = "示例"  # the synthetic places of earlier versions, removed on reset
ID_PREFIX = "410199"  # no real county has this code: visibly synthetic
DEMO_REASON = "演示数据"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国建军国强志强海军秀英桂英玉兰春花金凤丽娟明亮德胜永福长山红梅秀兰文华宏伟卫东新民振华保国玉珍淑芬"
MEASURES = [
    "产业扶贫：发展特色种植", "产业扶贫：养殖奖补", "就业扶贫：转移就业", "就业扶贫：公益岗位", "光伏扶贫收益分配",
    "金融扶贫：小额信贷", "教育扶贫：助学补助", "健康扶贫：家庭医生签约", "危房改造", "低保兜底", "扶贫车间务工",
]


@dataclass(frozen=True)
class Scale:
    parts: tuple  # (province code, city code or None) of the extract
    households_per_village: int


SCALES = {
    # SPEC §12, the small case: 郑州市 (ZZ) and 河源市 (HY), ~3,400 villages, ~60,000 households.
    "city": Scale(parts=(("41", "4101"), ("44", "4416")), households_per_village=18),
    # SPEC §12: 河南省's 18 cities, 181 counties, 2,586 townships, 44,502 villages (and 河源市),
    # ~1,900,000 households.
    "province": Scale(parts=(("41", None), ("44", "4416")), households_per_village=42),
}


def id_number(index: int) -> str:
    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=index // 1000)
    first17 = f"{ID_PREFIX}{birth:%Y%m%d}{index % 1000:03d}"
    return first17 + id_number_checksum(first17)


def demo_exists() -> bool:
    return (Household.objects.filter(head_id_number__startswith=ID_PREFIX).exists()
            or Township.objects.filter(name__startswith=LEGACY_PREFIX).exists())


@transaction.atomic
def demo_reset():
    """Remove the synthetic households (and the synthetic places of earlier versions).
    The real places stay: they are the division table's, as an import would load them."""
    from .summaries import paused

    with paused():  # the villages' figures are recounted once at the end, not per household
        Household.objects.filter(head_id_number__startswith=ID_PREFIX).delete()
        townships = Township.objects.filter(name__startswith=LEGACY_PREFIX)
        Household.objects.filter(village__township__in=townships).delete()
    Village.objects.filter(township__in=townships).delete()
    townships.delete()
    County.objects.filter(name__startswith=LEGACY_PREFIX).delete()
    City.objects.filter(name__startswith=LEGACY_PREFIX).delete()


def _subset(table, *, counties=None, townships=None, villages=None):
    """The first N counties (per city), townships (per county) and villages (per township), in code order."""
    out = DivisionTable(levels=[list(table.levels[0]), list(table.levels[1]), [], [], []])
    if counties is None and townships is None and villages is None:
        return table
    # With a limit, take places that have villages (a 街道 may hold only residents' committees).
    has_villages = {d.parent for d in table.levels[4]}
    has_villages |= {d.parent for d in table.levels[3] if d.code in has_villages}
    for level, limit in ((2, counties), (3, townships), (4, villages)):
        kept_parents = {d.code for d in out.levels[level - 1]}
        per_parent = {}
        for d in table.levels[level]:
            if level < 4 and d.code not in has_villages:
                continue
            if d.parent in kept_parents and (limit is None or per_parent.get(d.parent, 0) < limit):
                per_parent[d.parent] = per_parent.get(d.parent, 0) + 1
                out.levels[level].append(d)
    return out


def _village_facts(seed):
    """Facts of a new demo village, drawn from (seed, code) so that they do not depend on the order."""
    def facts(division):
        rng = random.Random(f"{seed}:{division.code}")
        is_poor = rng.random() < 0.3
        exited = is_poor and rng.random() < 0.7
        return dict(
            is_poor_village=is_poor,
            exit_status=ExitStatus.EXITED if exited else ExitStatus.NOT_EXITED,
            exit_year=rng.choice([2016, 2017, 2018, 2019]) if exited else None,
            rural_population=rng.randint(600, 3200),
            distance_to_county_km=round(rng.uniform(2, 75), 1),
            is_weak_party_org=rng.random() < 0.05,
            petition_count=rng.choices([0, 1, 2, 3, 5, 8], [60, 15, 10, 7, 5, 3])[0],
            negative_report_count=rng.choices([0, 1, 2, 4], [80, 12, 5, 3])[0],
        )
    return facts


def generate(*, scale_name="city", seed=2018, limit_counties=None, villages_per_township=None,
             households_per_village=None, townships_per_county=None, batch_size=5000, progress=None):
    """Load the scale's real places and generate households; returns counts."""
    from .services import divisions_import

    scale = SCALES[scale_name]
    households_n = households_per_village or scale.households_per_village
    facts = _village_facts(seed)
    township_codes, village_codes, county_codes, new_places = set(), set(), set(), 0
    for province, city in scale.parts:
        table = _subset(read_table_cached(EXTRACT_DIR, province=province, city=city),
                        counties=limit_counties, townships=townships_per_county, villages=villages_per_township)
        result = divisions_import(source=table, province=province, city=city, village_facts=facts)
        new_places += sum(result.new.values())
        county_codes |= {d.code for d in table.levels[2]}
        township_codes |= {d.code for d in table.levels[3]}
        village_codes |= {d.code for d in table.levels[4]}
    # The villages of the chosen places, and the seed's villages there the table lacks (no code).
    villages = [
        pk for pk, code in Village.objects.filter(township__code__in=township_codes)
        .order_by("code", "pk").values_list("pk", "code").iterator(chunk_size=5000)
        if code in village_codes or not code
    ]
    rng = random.Random(seed)
    index = Household.objects.filter(head_id_number__startswith=ID_PREFIX).count()
    batch, total = [], 0
    for village_id in villages:
        for _ in range(max(1, int(rng.gauss(households_n, households_n / 4)))):
            batch.append(_household(rng, village_id, index))
            index += 1
            if len(batch) >= batch_size:
                Household.objects.bulk_create(batch)
                total += len(batch)
                batch = []
                if progress:
                    progress(total)
    if batch:
        Household.objects.bulk_create(batch)
        total += len(batch)
    from .summaries import village_summaries_refresh

    village_summaries_refresh(village_ids=villages)  # bulk inserts send no signal: count once
    return {"counties": len(county_codes), "townships": len(township_codes), "villages": len(villages),
            "households": total, "new_places": new_places}


def _household(rng, village_id, index):
    status = rng.choices(
        [HouseholdStatus.POOR, HouseholdStatus.PRE_EXIT, HouseholdStatus.EXITED, HouseholdStatus.RETURNED, HouseholdStatus.MARGINAL],
        [15, 10, 65, 2, 8],
    )[0]
    n_measures = rng.choices([0, 1, 2, 3], [5, 20, 50, 25])[0]
    measures = rng.sample(MEASURES, n_measures)
    identified = rng.choice([2014, 2015, 2016, 2017, 2018])
    return Household(
        village_id=village_id,
        head_name=rng.choice(SURNAMES) + rng.choice([GIVEN[i:i + 2] for i in range(0, len(GIVEN), 2)]),
        head_id_number=id_number(index),
        head_phone=f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        member_count=rng.choices([1, 2, 3, 4, 5, 6], [12, 20, 25, 22, 14, 7])[0],
        status=status,
        identified_year=identified,
        exit_year=rng.randint(max(identified, 2015), 2019) if status in (HouseholdStatus.EXITED, HouseholdStatus.RETURNED) else None,
        is_dibao=rng.random() < 0.15, is_wubao=rng.random() < 0.03, is_serious_illness=rng.random() < 0.08,
        is_disabled=rng.random() < 0.07, is_elderly=rng.random() < 0.12, is_low_income=rng.random() < 0.10,
        food_ok=rng.random() > 0.01, clothing_ok=rng.random() > 0.01, education_ok=rng.random() > 0.02,
        medical_ok=rng.random() > 0.02, housing_ok=rng.random() > 0.03, water_ok=rng.random() > 0.02,
        helper_name=f"帮扶人{index % 997:03d}" if rng.random() > 0.03 else "",
        measures="\n".join(measures),
        income_measure_count=sum(1 for m in measures if m.startswith(("产业", "就业", "光伏", "扶贫车间"))),
    )
