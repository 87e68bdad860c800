"""Per-filter caching of the dashboards (Redis in production via ``CACHE_URL``; local memory otherwise).

A key names the summaries' version (``SummaryState``, moved on by every refresh), the
day (逾期 and 未到期 change at midnight), the scope (users who see the same counties share
entries) and the filters. A write that changes a summary moves the version on, so every
entry written before it is simply never read again; entries expire after a day.
"""

from django.conf import settings
from django.core.cache import caches

from . import panels
from .filters import Filters, load_choices, scope_key
from .summaries import current_version

TIMEOUT = 24 * 3600


def _cache():
    return caches[getattr(settings, "DASHBOARD_CACHE", "default")]


def enabled():
    return getattr(settings, "DASHBOARD_CACHE_ENABLED", True)


def _get_or_set(key, compute):
    if not enabled():
        return compute()
    cache = _cache()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def filters_for(request, *, today):
    """The request's filters, resolved against what the user may choose (one query when cached)."""
    version = current_version()
    base = f"dash:v{version}:{today.isoformat()}:{scope_key(request.user)}"
    choices = _get_or_set(f"{base}:choices", lambda: load_choices(request.user, today=today))
    f = Filters.from_query(request.GET, user=request.user, choices=choices, today=today)
    f.cache_base = base
    return f


def _key(f, tab):
    return f"{f.cache_base}:{tab}:{f.cache_part()}"


def panel(f, tab):
    """A panel's data for these filters: computed once per version, day, scope and filters."""
    return _get_or_set(_key(f, tab), lambda: panels.PANELS[tab](f))


def html(f, tab, render):
    """The panel and its filters as HTML, under the same key: a page served again is a cache read."""
    from django.utils.safestring import mark_safe

    return mark_safe(_get_or_set(f"{_key(f, tab)}:html", lambda: str(render())))
