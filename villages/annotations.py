"""Columns that later apps add to the key-village list (重点村), computed by the database.

``villages`` cannot import the apps above it, yet the city office's first
question on the key-village page is which 3-star villages nobody has visited
yet. An app registers, in its ``AppConfig.ready``, a provider that annotates
the key-village queryset (with a ``Subquery``/``Exists``, so the page's query
count does not grow with its rows) and returns what the page should say about
the columns::

    from villages.annotations import register_key_village_annotations

    def visit_columns(queryset, *, user):
        return queryset.annotate(last_visit_date=...), {"campaign": campaign}

    register_key_village_annotations("visits", visit_columns)

The key-village selector applies every provider; the page, its filters and
its export read the annotations when they are present.
"""

from collections.abc import Callable

_providers: dict[str, Callable] = {}


def register_key_village_annotations(name, provider):
    """Add (or replace, by name) a provider: ``provider(queryset, *, user) -> (queryset, info)``."""
    _providers[name] = provider
    return provider


def unregister_key_village_annotations(name):
    _providers.pop(name, None)


def annotate_key_villages(queryset, *, user):
    """The queryset with every registered provider's annotations, and their merged info for the page."""
    info = {}
    for name in sorted(_providers):
        queryset, extra = _providers[name](queryset, user=user)
        info.update(extra or {})
    return queryset, info
