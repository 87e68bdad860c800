"""The sample proposer (HY 四): meets the rule when the data allow, reproducible, prefers stars and staleness, explains itself."""

import datetime

from inspections import trip_services as services
from inspections.choices import SampleLevel, VisitStatus
from inspections.models import GuidanceVisit
from inspections.trip_selectors import sample_proposal
from tests.factories import TownshipFactory
from tests.inspections.trips.conftest import JUL, make_village, sample_of
from tests.rosters.factories import TeamCountyFactory, TeamFactory


def names(items):
    return [i.label.split(" / ")[-1] for i in items]


def test_the_proposal_meets_the_rule_and_prefers_more_stars(trip_1, places_a):
    proposal = sample_proposal(trip=trip_1)
    assert proposal.meets_rule and proposal.shortfalls == []
    # 南村 (3 stars) over 东村 (1 star); 北村 (2 stars) over 西村 (none).
    assert names(proposal.villages) == ["南村", "北村"]
    assert [i.label for i in proposal.townships] == ["大冶镇"]
    households = proposal.households
    assert len(households) == 6
    by_village = {}
    for h in households:
        by_village.setdefault(h.village_id, []).append(h.reason.split("（")[0])
    assert all(sorted(v) == ["未脱贫户", "预脱贫户", "预脱贫户"] for v in by_village.values())


def test_the_proposal_explains_each_choice(trip_1, places_a):
    proposal = sample_proposal(trip=trip_1)
    reasons = {i.label: i.reason for i in proposal.items}
    assert reasons["大冶镇 / 南村"] == "贫困村，3星村，从未督查，从未指导，所在乡（镇）本组近期未抽查"
    assert reasons["大冶镇 / 北村"].startswith("面上村，2星村")
    assert reasons["大冶镇"] == "所选南村、北村所在乡（镇），从未被本组抽查"
    assert all("预脱贫户（本村3户中随机抽取" in i.reason or "未脱贫户（本村2户中随机抽取" in i.reason for i in proposal.households)
    # The full ID number never appears in a label.
    assert all("*" in i.label for i in proposal.households)


def test_the_same_data_and_seed_give_the_same_proposal(trip_1, places_a):
    first = sample_proposal(trip=trip_1, seed=7)
    again = sample_proposal(trip=trip_1, seed=7)
    assert [(i.level, i.pk, i.reason) for i in first.items] == [(i.level, i.pk, i.reason) for i in again.items]
    seeds = {tuple(i.pk for i in sample_proposal(trip=trip_1, seed=s).households) for s in range(8)}
    assert len(seeds) > 1  # the seed draws the households


def test_villages_inspected_or_guided_lately_give_way(trip_1, places_a, member_1, leader_1, coverage_1, hy_campaign):
    # 南村 was guided 30 days before the trip; 北村 sampled on the group's trip in June.
    guidance = TeamFactory(name="指导组")
    TeamCountyFactory(team=guidance, county=trip_1.county)
    GuidanceVisit.objects.create(campaign=guidance.campaign, team=guidance, county=trip_1.county, village=places_a["南村"],
                                 visit_date=JUL - datetime.timedelta(days=30), status=VisitStatus.SUBMITTED, created_by=leader_1)
    june = services.trip_plan(acting_user=member_1, coverage=coverage_1, start_date=datetime.date(2018, 6, 20),
                              end_date=datetime.date(2018, 6, 20))
    north = places_a["北村"]
    services.sample_save(acting_user=member_1, trip=june, villages=[north], households=sample_of(north))
    proposal = sample_proposal(trip=trip_1)
    # Stars come first: 南村 (3 stars) is still proposed, and the page says it was guided lately.
    assert names(proposal.villages)[0] == "南村"
    assert "30天前指导过" in {i.label: i.reason for i in proposal.items}["大冶镇 / 南村"]
    # With equal stars, the villages nobody went to lately win.
    from villages.models import StarRating

    StarRating.objects.all().delete()
    proposal = sample_proposal(trip=trip_1)
    assert names(proposal.villages) == ["东村", "西村"]
    assert {i.label: i.reason for i in proposal.items}["城关镇 / 西村"] == "面上村，非重点村，从未督查，从未指导，所在乡（镇）本组近期未抽查"


def test_townships_the_group_sampled_lately_give_way(trip_1, places_a, member_1, coverage_1):
    from villages.models import StarRating

    StarRating.objects.all().delete()  # no stars: only the townships differ
    june = services.trip_plan(acting_user=member_1, coverage=coverage_1, start_date=datetime.date(2018, 6, 20),
                              end_date=datetime.date(2018, 6, 20))
    # The June trip sampled 大冶镇 (its township row only).
    services.sample_save(acting_user=member_1, trip=june, townships=[places_a["南村"].township])
    proposal = sample_proposal(trip=trip_1)
    assert names(proposal.villages) == ["东村", "西村"]
    assert proposal.townships[0].label == "城关镇"


def test_no_mianshang_village_says_so_and_proposes_the_best_possible(trip_1, county_a):
    township = TownshipFactory(county=county_a, name="山区镇")
    make_village(township, "贫困一村", poor=True, stars=2)
    proposal = sample_proposal(trip=trip_1)
    assert not proposal.meets_rule
    assert proposal.shortfalls == ["登封市没有可抽查的面上村，不能满足“每次至少抽查1个面上村”的要求。"]
    assert names(proposal.villages) == ["贫困一村"] and len(proposal.households) == 3


def test_a_village_with_one_pre_exit_household_is_passed_over_or_named(trip_1, county_a):
    township = TownshipFactory(county=county_a, name="山区镇")
    thin = make_village(township, "少户村", poor=True, stars=3, pre_exit=1)
    make_village(township, "面上村甲", poor=False)
    proposal = sample_proposal(trip=trip_1)
    assert proposal.shortfalls == ["少户村只有1户预脱贫户，不能满足“每村抽查2户预脱贫户”的要求；县内没有更合适的贫困村。"]
    assert sum(1 for h in proposal.households if h.village_id == thin.pk) == 2  # 1 预脱贫户 + 1 未脱贫户
    # Given a poor village that can meet the rule, even with fewer stars, the proposer takes it.
    make_village(township, "足户村", poor=True, stars=1)
    proposal = sample_proposal(trip=trip_1)
    assert proposal.meets_rule and names(proposal.villages) == ["足户村", "面上村甲"]


def test_a_county_without_villages_says_so(trip_1):
    proposal = sample_proposal(trip=trip_1)
    assert proposal.shortfalls == ["登封市没有登记的村，无法抽样：请先登记村和贫困户。"] and proposal.items == []


def test_taking_the_proposal_records_it_with_its_reasons(trip_1, places_a, member_1):
    proposal = sample_proposal(trip=trip_1)
    services.sample_accept_proposal(acting_user=member_1, trip=trip_1, proposal=proposal)
    rows = {(s.level, s.household_id or s.village_id or s.township_id): s.reason for s in trip_1.samples.all()}
    assert len(rows) == 9
    assert rows[(SampleLevel.VILLAGE, places_a["南村"].pk)].startswith("贫困村，3星村")


def test_the_proposer_reads_a_fixed_number_of_queries_whatever_the_county_size(trip_1, places_a, django_assert_num_queries):
    with django_assert_num_queries(6) as small:
        sample_proposal(trip=trip_1)
    township = places_a["东村"].township
    for n in range(12):
        make_village(township, f"加村{n}", poor=n % 2 == 0, stars=n % 4)
    with django_assert_num_queries(len(small.captured_queries)):
        proposal = sample_proposal(trip=trip_1)
    assert proposal.meets_rule
