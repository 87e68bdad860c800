"""A realistic synthetic city (or province) for demonstration and benchmarks.

Names are visibly synthetic (示例01镇 / 示例001村), ID numbers carry a valid check digit but
a district code (410199) that no real county has. Everything is written with
bulk inserts in batches, so memory stays flat at the province scale.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction

from .choices import ExitStatus, HouseholdStatus
from .models import City, County, Household, Province, Township, Village
from .validators import id_number_checksum

DEMO_PREFIX = "示例"
ID_PREFIX = "410199"  # no real county has this code: visibly synthetic

ZHENGZHOU_COUNTIES = ["登封市", "巩义市", "新密市", "荥阳市", "新郑市", "中牟县", "航空港区"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国建军国强志强海军秀英桂英玉兰春花金凤丽娟明亮德胜永福长山红梅秀兰文华宏伟卫东新民振华保国玉珍淑芬"
MEASURES = [
    "产业扶贫：发展特色种植", "产业扶贫：养殖奖补", "就业扶贫：转移就业", "就业扶贫：公益岗位", "光伏扶贫收益分配",
    "金融扶贫：小额信贷", "教育扶贫：助学补助", "健康扶贫：家庭医生签约", "危房改造", "低保兜底", "扶贫车间务工",
]


@dataclass(frozen=True)
class Scale:
    cities: int
    counties_per_city: int
    townships_per_county: int
    villages_per_township: int
    households_per_village: int


SCALES = {
    # SPEC §12, the small case: ~10 counties, ~1,500 villages, ~60,000 households.
    "city": Scale(cities=1, counties_per_city=10, townships_per_county=15, villages_per_township=10, households_per_village=40),
    # SPEC §12: ~18 cities, ~160 counties, ~2,400 townships, ~48,000 villages, ~2,000,000 households.
    "province": Scale(cities=18, counties_per_city=9, townships_per_county=15, villages_per_township=20, households_per_village=42),
}


def id_number(index: int) -> str:
    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=index // 1000)
    first17 = f"{ID_PREFIX}{birth:%Y%m%d}{index % 1000:03d}"
    return first17 + id_number_checksum(first17)


def demo_exists() -> bool:
    return Township.objects.filter(name__startswith=DEMO_PREFIX).exists()


@transaction.atomic
def demo_reset():
    """Remove everything the generator made (and nothing else)."""
    townships = Township.objects.filter(name__startswith=DEMO_PREFIX)
    Household.objects.filter(village__township__in=townships).delete()
    Village.objects.filter(township__in=townships).delete()
    townships.delete()
    County.objects.filter(name__startswith=DEMO_PREFIX).delete()
    City.objects.filter(name__startswith=DEMO_PREFIX).delete()


def _counties(scale_name: str, scale: Scale, limit_counties=None):
    province = Province.objects.get(name="河南省")
    counties = []
    if scale_name == "city":
        city = City.objects.get(province=province, name="郑州市")
        counties = [County.objects.get(city=city, name=n) for n in ZHENGZHOU_COUNTIES]
        for i in range(len(counties), scale.counties_per_city):
            county, _ = County.objects.get_or_create(city=city, name=f"{DEMO_PREFIX}{i + 1:02d}县")
            counties.append(county)
    else:
        for c in range(scale.cities):
            city, _ = City.objects.get_or_create(province=province, name=f"{DEMO_PREFIX}{c + 1:02d}市")
            for k in range(scale.counties_per_city):
                county, _ = County.objects.get_or_create(city=city, name=f"{DEMO_PREFIX}{c + 1:02d}市{k + 1:02d}县")
                counties.append(county)
    return counties[:limit_counties] if limit_counties else counties


def generate(*, scale_name="city", seed=2018, limit_counties=None, villages_per_township=None,
             households_per_village=None, townships_per_county=None, batch_size=5000, progress=None):
    """Generate the demo data; returns counts. Households are streamed in batches."""
    scale = SCALES[scale_name]
    rng = random.Random(seed)
    townships_n = townships_per_county or scale.townships_per_county
    villages_n = villages_per_township or scale.villages_per_township
    households_n = households_per_village or scale.households_per_village
    counties = _counties(scale_name, scale, limit_counties)

    townships = [
        Township(county=county, name=f"{DEMO_PREFIX}{t + 1:02d}镇")
        for county in counties for t in range(townships_n)
    ]
    Township.objects.bulk_create(townships, batch_size=batch_size)
    townships = list(Township.objects.filter(county__in=counties, name__startswith=DEMO_PREFIX).select_related("county"))

    villages = []
    for township in townships:
        for v in range(villages_n):
            is_poor = rng.random() < 0.3
            exited = is_poor and rng.random() < 0.7
            villages.append(Village(
                township=township, county_id=township.county_id,
                name=f"{DEMO_PREFIX}{v + 1:03d}村",
                is_poor_village=is_poor,
                exit_status=ExitStatus.EXITED if exited else ExitStatus.NOT_EXITED,
                exit_year=rng.choice([2016, 2017, 2018, 2019]) if exited else None,
                rural_population=rng.randint(600, 3200),
                distance_to_county_km=round(rng.uniform(2, 75), 1),
                is_weak_party_org=rng.random() < 0.05,
                petition_count=rng.choices([0, 1, 2, 3, 5, 8], [60, 15, 10, 7, 5, 3])[0],
                negative_report_count=rng.choices([0, 1, 2, 4], [80, 12, 5, 3])[0],
            ))
    Village.objects.bulk_create(villages, batch_size=batch_size)
    village_ids = list(
        Village.objects.filter(township__in=townships).order_by("pk").values_list("pk", flat=True)
    )

    start_index = Household.objects.filter(head_id_number__startswith=ID_PREFIX).count()
    index = start_index
    batch = []
    total = 0
    for village_id in village_ids:
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
    return {"counties": len(counties), "townships": len(townships), "villages": len(village_ids), "households": total}


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
