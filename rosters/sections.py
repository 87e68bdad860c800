"""Sections that higher apps add to a team's page (e.g. the inspection group's trips).

As with the village page (villages/sections.py), an app registers a section in
its ``AppConfig.ready``; the context function receives the request and the
(already scoped) team, scopes its own queries to ``request.user``, and returns
the template's context, or None to leave the section out for this team.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TeamSection:
    template_name: str
    context: Callable
    order: int = 100


_sections: dict[str, TeamSection] = {}


def register_team_section(template_name, context, *, order=100):
    _sections[template_name] = TeamSection(template_name, context, order)
    return context


def team_sections(request, team):
    """The registered sections rendered for this team, in order (HTML, safe)."""
    from django.template.loader import render_to_string

    rendered = []
    for s in sorted(_sections.values(), key=lambda s: (s.order, s.template_name)):
        context = s.context(request, team)
        if context is not None:
            rendered.append(render_to_string(s.template_name, {**context, "team": team}, request=request))
    return rendered
