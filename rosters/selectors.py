from .models import TeamCounty


def county_ids_covered_by_user(user):
    """The counties covered by every team on which the user's person sits."""
    return (
        TeamCounty.objects.filter(team__memberships__person__user=user)
        .values("county_id")
        .distinct()
    )


def in_roster_order(people, team):
    """People of a team as its roster lists them: the leader (组长) first, then members in their order."""
    from django.db.models import Case, Min, Value, When

    from .choices import MemberRole

    return (
        people.filter(memberships__team=team)
        .annotate(
            _leader_first=Min(Case(When(memberships__role=MemberRole.LEADER, then=Value(0)), default=Value(1))),
            _roster_order=Min("memberships__order"),
        )
        .order_by("_leader_first", "_roster_order", "name")
    )


def teams_of_user(user):
    """The teams on which the user's person sits, with their counties."""
    from .models import Team

    return (
        Team.objects.filter(memberships__person__user=user)
        .select_related("campaign")
        .prefetch_related("coverage__county")
        .distinct()
    )


def team_list(*, user):
    from .models import Team

    return Team.objects.visible_to(user).select_related("campaign")


def campaign_list(*, user):
    from django.db.models import Count

    from villages.scoping import visible_county_ids

    from .models import Campaign

    campaigns = Campaign.objects.all()
    if visible_county_ids(user) is not None:
        campaigns = campaigns.filter(pk__in=team_list(user=user).values("campaign_id"))
    return campaigns.annotate(
        team_count=Count("teams", distinct=True), county_count=Count("teams__coverage", distinct=True),
    )


def team_detail_list(*, user, campaign):
    """The campaign's teams the user may see, with members and counties, in three queries."""
    return (
        team_list(user=user).filter(campaign=campaign)
        .prefetch_related("memberships__person", "coverage__county", "coverage__liaison")
        .order_by("order", "name")
    )
