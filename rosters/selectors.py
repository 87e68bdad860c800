from .models import TeamCounty


def county_ids_covered_by_user(user):
    """The counties covered by every team on which the user's person sits."""
    return (
        TeamCounty.objects.filter(team__memberships__person__user=user)
        .values("county_id")
        .distinct()
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
