"""Who is told: the accounts behind the rosters (SPEC §10), resolved for many targets at once.

Each helper takes a set of ids and answers a dict ``id -> set of user ids`` in
one or two queries, so a finder stays set-based however many targets it has.
Only active accounts are named.
"""

from collections import defaultdict

from rosters.choices import MemberRole, Role
from rosters.models import TeamCounty, TeamMember, User
from villages.models import County


def _group(pairs):
    out = defaultdict(set)
    for key, user_id in pairs:
        if user_id is not None:
            out[key].add(user_id)
    return out


def county_officers(county_ids):
    """The county office's accounts (县扶贫办), per county."""
    return _group(
        User.objects.filter(role=Role.COUNTY, is_active=True, county_id__in=list(county_ids)).values_list("county_id", "pk")
    )


def team_leaders(team_ids):
    """The group leader's account (组长, linked through the roster's person), per team."""
    return _group(
        TeamMember.objects.filter(team_id__in=list(team_ids), role=MemberRole.LEADER, person__user__is_active=True)
        .values_list("team_id", "person__user_id")
    )


def leaders_and_liaisons(team_county_ids):
    """Per (team, county) assignment: the group's leader and its liaison for that county (联络员, HY 二)."""
    rows = list(
        TeamCounty.objects.filter(pk__in=list(team_county_ids)).values_list("pk", "team_id", "liaison__user_id", "liaison__user__is_active")
    )
    leaders = team_leaders({team_id for _, team_id, _, _ in rows})
    out = defaultdict(set)
    for pk, team_id, liaison_user, active in rows:
        out[pk] |= leaders.get(team_id, set())
        if liaison_user and active:
            out[pk].add(liaison_user)
    return out


def city_office(county_ids):
    """The city office of each county's city, and province-wide office accounts (no city)."""
    county_city = dict(County.objects.filter(pk__in=list(county_ids)).values_list("pk", "city_id"))
    users = list(User.objects.filter(role=Role.CITY, is_active=True).values_list("city_id", "pk"))
    province_wide = {pk for city_id, pk in users if city_id is None}
    by_city = _group((city_id, pk) for city_id, pk in users if city_id is not None)
    return {cid: by_city.get(city_id, set()) | province_wide for cid, city_id in county_city.items()}
