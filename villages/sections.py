"""Sections that later apps add to the village page (visits, trips, problems).

The village page (templates/villages/village_detail.html) includes
``villages/_village_extra.html``, which renders every registered section in
order. An app registers its section once, in its ``AppConfig.ready``::

    from villages.sections import register_village_section

    def visits(request, village):
        return {"visits": visit_list(user=request.user).filter(village=village)[:20]}

    register_village_section("inspections/_village_visits.html", visits, order=10)

The context function receives the request and the (already scoped) village and
returns the template's context; it must scope its own queries to
``request.user``. While no app has registered a "指导记录" section, the page
shows an empty "指导记录" card, so an officer sees where the records will be.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class VillageSection:
    template_name: str
    context: Callable
    order: int = 100
    title: str = ""


_sections: dict[str, VillageSection] = {}


def register_village_section(template_name, context, *, order=100, title=""):
    """Add (or replace, by template name) a section of the village page."""
    _sections[template_name] = VillageSection(template_name, context, order, title)
    return context


def unregister_village_section(template_name):
    _sections.pop(template_name, None)


def village_sections(request, village):
    """The registered sections rendered for this village, in order (HTML, safe)."""
    from django.template.loader import render_to_string

    return [
        render_to_string(s.template_name, {**s.context(request, village), "village": village}, request=request)
        for s in sorted(_sections.values(), key=lambda s: (s.order, s.template_name))
    ]
