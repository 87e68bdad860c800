from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from inspections.selectors import visit_stats
from rosters.choices import Role
from rosters.selectors import teams_of_user
from villages.models import County
from villages.selectors import place_counts


@login_required
def home(request):
    """A home page per role (SPEC §1)."""
    user = request.user
    context = {"counts": place_counts(user=user), "guidance": visit_stats(user=user)}
    if user.is_superuser or user.role == Role.ADMIN:
        template = "dashboard/home_admin.html"
    elif user.role == Role.CITY:
        template = "dashboard/home_city.html"
        context["counties"] = County.objects.visible_to(user).only("pk", "name", "is_listed").order_by("city__name", "name")
    elif user.role == Role.TEAM:
        template = "dashboard/home_team.html"
        context["teams"] = teams_of_user(user)
    else:
        template = "dashboard/home_county.html"
    return render(request, template, context)
