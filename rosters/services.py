"""Writes with a business rule for campaigns, teams and people (one transaction each)."""

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from villages.models import City, County

from .choices import MemberRole, Role, TeamKind
from .importers import RosterRow, read_roster
from .models import Campaign, CampaignLeader, Person, Team, TeamCounty, TeamMember, User


@dataclass
class TeamPlan:
    name: str
    rows: list[int]
    leader: str
    position: str = ""
    members: list[tuple[str, bool]] = field(default_factory=list)
    counties: list[County] = field(default_factory=list)
    liaisons: dict[int, str] = field(default_factory=dict)  # county id → liaison name


@dataclass
class ImportResult:
    kind: str | None
    teams: list[TeamPlan]
    errors: list[str]
    written: bool = False
    created: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors

    @property
    def county_count(self):
        return sum(len(t.counties) for t in self.teams)

    @property
    def people(self):
        names = set()
        for t in self.teams:
            names.add(t.leader)
            names.update(n for n, _ in t.members)
            names.update(t.liaisons.values())
        return sorted(names)


def _county_resolver(city):
    counties = County.objects.select_related("city")
    if city is not None:
        counties = counties.filter(city=city)
    by_name = {}
    for county in counties:
        by_name.setdefault(county.name, []).append(county)

    def resolve(name):
        found = by_name.get(name, [])
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            cities = "、".join(c.city.name for c in found)
            return None, f"县（市、区）“{name}”在多个市都有（{cities}），请用 --city 或在导入页面选择所属市。"
        close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
        hint = f"，是否为“{close[0]}”？" if close else "。县（市、区）须先由管理员录入，导入名单不会新建县。"
        return None, f"县（市、区）“{name}”不存在{hint}"

    return resolve


def _plan(rows: list[RosterRow], *, kind, campaign, city) -> tuple[list[TeamPlan], list[str]]:
    resolve = _county_resolver(city)
    plans: dict[str, TeamPlan] = {}
    errors = []
    county_owner: dict[int, str] = {}
    for row in rows:
        plan = plans.get(row.team)
        if plan is None:
            plan = plans[row.team] = TeamPlan(name=row.team, rows=[], leader=row.leader, position=row.position)
        elif row.leader != plan.leader:
            errors.append(f"第{row.row}行（{row.team}）：组长“{row.leader}”与第{plan.rows[0]}行的“{plan.leader}”不一致。")
            continue
        plan.rows.append(row.row)
        for name in row.counties:
            county, error = resolve(name)
            if error:
                errors.append(f"第{row.row}行（{row.team}）：{error}")
                continue
            owner = county_owner.get(county.pk)
            if owner and owner != row.team:
                errors.append(f"第{row.row}行（{row.team}）：{county.name}已由{owner}分包，同一工作周期内一个县只能由一个同类工作组分包。")
                continue
            county_owner[county.pk] = row.team
            if county not in plan.counties:
                plan.counties.append(county)
        names = [plan.leader] + [n for n, _ in row.members]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            errors.append(f"第{row.row}行（{row.team}）：“{'、'.join(duplicates)}”在本组重复出现。")
        for member in row.members:
            if member not in plan.members:
                plan.members.append(member)
        for name, county_name in row.liaisons:
            if county_name is None:
                if len(plan.counties) != 1:
                    errors.append(f"第{row.row}行（{row.team}）：联络员“{name}”未注明所联络的县，请写成“姓名（县名）”。")
                    continue
                plan.liaisons[plan.counties[0].pk] = name
                continue
            county, error = resolve(county_name)
            if error:
                errors.append(f"第{row.row}行（{row.team}）：联络员{name}：{error}")
            elif county not in plan.counties:
                errors.append(f"第{row.row}行（{row.team}）：联络员{name}所注的{county.name}不在本组分包的县中。")
            else:
                plan.liaisons[county.pk] = name
    # Counties already covered in this campaign by a team of the same kind that the file does not name.
    if campaign is not None and campaign.pk:
        taken = TeamCounty.objects.filter(campaign=campaign, kind=kind, county_id__in=list(county_owner)).exclude(
            team__name__in=list(plans)
        ).select_related("team", "county")
        for tc in taken:
            errors.append(
                f"{tc.county.name}已由本工作周期的{tc.team.name}分包，不能再分给{county_owner[tc.county_id]}。"
            )
    return list(plans.values()), errors


def _person(name, *, is_unit=False, position=""):
    person = Person.objects.filter(name=name, is_unit=is_unit).order_by("pk").first()
    if person is None:
        person = Person.objects.create(name=name, is_unit=is_unit, position=position)
        return person, True
    if position and person.position != position:
        person.position = position
        person.save(update_fields=["position"])
    return person, False


def roster_import(*, acting_user, file, campaign: Campaign, kind=None, city=None, dry_run=False) -> ImportResult:
    """Check a whole roster workbook, then write it all or nothing (SPEC §5).

    A re-import of the same file changes nothing; a changed file brings the
    named teams in line with it (members and counties no longer listed are
    removed from those teams).
    """
    try:
        read = read_roster(file, kind=kind)
    except ValidationError as e:
        return ImportResult(kind, [], list(e.messages))
    if read.errors:
        return ImportResult(read.kind, [], read.errors)
    if campaign.kind != read.kind:
        return ImportResult(read.kind, [], [
            f"名单类型为“{TeamKind(read.kind).label}”，与工作周期“{campaign.name}”的类型“{campaign.get_kind_display()}”不符。"
        ])
    plans, errors = _plan(read.rows, kind=read.kind, campaign=campaign, city=city)
    result = ImportResult(read.kind, plans, errors)
    if errors or dry_run:
        return result
    result.created = _write(campaign=campaign, kind=read.kind, plans=plans)
    result.written = True
    return result


@transaction.atomic
def _write(*, campaign, kind, plans):
    created = {"teams": 0, "people": 0, "memberships": 0, "counties": 0}
    for order, plan in enumerate(plans, start=1):
        team, new = Team.objects.get_or_create(campaign=campaign, name=plan.name, defaults={"kind": kind, "order": order})
        created["teams"] += new
        if team.order != order:
            team.order = order
            team.save(update_fields=["order"])
        wanted = []
        leader, new = _person(plan.leader, position=plan.position)
        created["people"] += new
        wanted.append((leader, MemberRole.LEADER))
        for name, is_unit in plan.members:
            person, new = _person(name, is_unit=is_unit)
            created["people"] += new
            wanted.append((person, MemberRole.MEMBER))
        liaisons = {}
        for county_id, name in plan.liaisons.items():
            person, new = _person(name)
            created["people"] += new
            liaisons[county_id] = person
            wanted.append((person, MemberRole.LIAISON))
        keep = []
        for i, (person, role) in enumerate(wanted):
            member, new = TeamMember.objects.get_or_create(team=team, person=person, role=role, defaults={"order": i})
            created["memberships"] += new
            keep.append(member.pk)
        TeamMember.objects.filter(team=team).exclude(pk__in=keep).delete()
        keep = []
        for i, county in enumerate(plan.counties):
            tc = TeamCounty.objects.filter(team=team, county=county).first()
            liaison = liaisons.get(county.pk)
            if tc is None:
                tc = TeamCounty(team=team, county=county, liaison=liaison, order=i)
                tc.full_clean(exclude=["campaign"])
                tc.save()
                created["counties"] += 1
            elif tc.liaison_id != (liaison.pk if liaison else None) or tc.order != i:
                tc.liaison, tc.order = liaison, i
                tc.save()
            keep.append(tc.pk)
        TeamCounty.objects.filter(team=team).exclude(pk__in=keep).delete()
    return created


def person_link_user(*, acting_user, person: Person, user: User) -> Person:
    """Link a roster person to an account, so it sees the counties its teams cover."""
    if user.role != Role.TEAM:
        raise ValidationError("只有“工作组成员”角色的账号才能关联到名单人员。")
    if person.is_unit:
        raise ValidationError(f"“{person.name}”是科室，不能关联登录账号。")
    with transaction.atomic():
        Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        person.user = user
        person.save(update_fields=["user"])
    return person


@transaction.atomic
def team_accounts_create(*, acting_user, campaign: Campaign, password=None) -> list[tuple[str, str]]:
    """An account (role 工作组成员) for each person of the campaign's teams who has none."""
    people = Person.objects.filter(memberships__team__campaign=campaign, is_unit=False, user__isnull=True).distinct()
    created = []
    for person in people:
        user = User(username=f"p{person.pk}", first_name=person.name, role=Role.TEAM)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        person.user = user
        person.save(update_fields=["user"])
        created.append((user.username, person.name))
    return created


SEED_ROSTERS = Path(settings.BASE_DIR) / "fixtures" / "rosters"


def seed_rosters_load(*, acting_user=None) -> list[tuple[Campaign, ImportResult]]:
    """The three seed rosters of the documents, through the importer itself (idempotent)."""
    data = json.loads((SEED_ROSTERS / "seed_rosters.json").read_text(encoding="utf-8"))
    results = []
    with transaction.atomic():
        for spec in data["campaigns"]:
            campaign, _ = Campaign.objects.update_or_create(
                name=spec["name"],
                defaults={k: spec[k] for k in ("kind", "start_date", "end_date", "issuing_body", "document_number", "parent_body")},
            )
            for order, (role, people) in enumerate((("head", spec["head"]), ("deputy", spec["deputies"]))):
                for i, (name, position) in enumerate(people):
                    person, _ = _person(name, position=position if not Person.objects.filter(name=name).exists() else "")
                    CampaignLeader.objects.update_or_create(
                        campaign=campaign, person=person, defaults={"role": role, "order": order * 100 + i}
                    )
            city = City.objects.get(name=spec["city"]) if spec["city"] else None
            with open(SEED_ROSTERS / spec["workbook"], "rb") as fh:
                result = roster_import(acting_user=acting_user, file=fh, campaign=campaign, city=city)
            if not result.ok:
                raise ValidationError([f"{spec['workbook']}：{e}" for e in result.errors])
            results.append((campaign, result))
    return results


EXPORT_HEADERS = {
    TeamKind.GUIDANCE: ["小组", "县（市、区）", "组长", "成员"],
    TeamKind.INSPECTION: ["组", "负责县区", "组长", "成员", "联络员"],
    TeamKind.LISTED: ["姓名", "职务", "县（市、区）"],
}


def roster_export_rows(*, campaign: Campaign, teams=None):
    """The campaign's roster in the shape it is imported in (a round trip gives the same roster)."""
    teams = (teams if teams is not None else campaign.teams.all()).prefetch_related(
        "memberships__person", "coverage__county", "coverage__liaison"
    ).order_by("order", "name")
    yield EXPORT_HEADERS[campaign.kind]
    for team in teams:
        members = list(team.memberships.all())
        leader = next((m.person for m in members if m.role == MemberRole.LEADER), None)
        coverage = list(team.coverage.all())
        counties = "、".join(tc.county.name for tc in coverage)
        if campaign.kind == TeamKind.LISTED:
            yield [leader.name if leader else team.name, leader.position if leader else "", counties]
            continue
        names = "、".join(m.person.name for m in members if m.role == MemberRole.MEMBER)
        row = [team.name, counties, leader.name if leader else "", names]
        if campaign.kind == TeamKind.INSPECTION:
            row.append("、".join(f"{tc.liaison.name}（{tc.county.name}）" for tc in coverage if tc.liaison))
        yield row
