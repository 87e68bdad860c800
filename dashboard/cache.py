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
VERSION_KEY = "dash:version"
SHARED = ("RedisCache", "PyMemcacheCache", "PyLibMCCache", "DatabaseCache", "FileBasedCache")


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


def _shared():
    return type(_cache()).__name__ in SHARED


def version():
    """The summaries' version. Where every process shares the cache (Redis in production) it is read from
    there — a refresh deletes it after its commit, the next reader takes it from the database again;
    with a cache of the process's own (local memory) it is always read from the database."""
    if not _shared():
        return current_version()
    value = _cache().get(VERSION_KEY)
    if value is None:
        value = current_version()
        _cache().set(VERSION_KEY, value, 300)
    return value


def forget_version():
    if _shared():
        _cache().delete(VERSION_KEY)


def _base(request, today):
    """version · day · scope: read once per request."""
    if getattr(request, "_dashboard_base", None) is None:
        request._dashboard_base = f"dash:v{version()}:{today.isoformat()}:{scope_key(request.user)}"
    return request._dashboard_base


def filters_for(request, *, today):
    """The request's filters, resolved against what the user may choose (one query when cached)."""
    base = _base(request, today)
    choices = _get_or_set(f"{base}:choices", lambda: load_choices(request.user, today=today))
    f = Filters.from_query(request.GET, user=request.user, choices=choices, today=today)
    f.cache_base = base
    return f


def _key(f, tab):
    return f"{f.cache_base}:{tab}:{f.cache_part()}"


def panel(f, tab):
    """A panel's data for these filters: computed once per version, day, scope and filters."""
    return _get_or_set(_key(f, tab), lambda: panels.PANELS[tab](f))


def raw_params(query):
    """The filters as the URL gives them (known names, stripped, non-empty), in a fixed order."""
    from .filters import PARAMS

    return {name: query.get(name, "").strip() for name in PARAMS if query.get(name, "").strip()}


def _html_key(base, tab, raw):
    return f"{base}:{tab}:" + "|".join(f"{k}={v}" for k, v in sorted(raw.items())) + ":html"


def cached_html(request, tab, raw, *, today):
    """The page's panel as HTML if it was rendered for this scope, day, version and URL (one cache read)."""
    if not enabled():
        return None
    return _cache().get(_html_key(_base(request, today), tab, raw))


def store_html(f, tab, raw, html):
    if enabled():
        _cache().set(_html_key(f.cache_base, tab, raw), str(html), TIMEOUT)


PAGE_TIMEOUT = 60


def page_key(request, tab, raw, *, today):
    """A whole page, for one user in one browser (the CSRF secret of its logout form is in the key, so the form
    keeps working; the user's id, so nobody sees another's name). Kept a minute at most: the bell's unread count
    on it may lag by that much; the figures never do — the entry names the summaries' version."""
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if not enabled() or not getattr(settings, "DASHBOARD_PAGE_CACHE", True) or not csrf:
        return None
    params = "|".join(f"{k}={v}" for k, v in sorted(raw.items()))
    return f"dash:page:{today.isoformat()}:{request.user.pk}:{csrf}:{tab}:{params}"


def get_page(request, key, *, today):
    """The cached page if it was made from the summaries' current version (one cache round trip with the version)."""
    if key is None:
        return None
    if not _shared():
        entry = _cache().get(key)
        return entry[1] if entry and entry[0] == version() else None
    found = _cache().get_many([VERSION_KEY, key])
    current = found.get(VERSION_KEY)
    if current is None:
        current = version()
    request._dashboard_base = f"dash:v{current}:{today.isoformat()}:{scope_key(request.user)}"
    entry = found.get(key)
    return entry[1] if entry and entry[0] == current else None


def set_page(request, key, content, *, today):
    if key:
        current = int(_base(request, today).split(":", 2)[1][1:])
        _cache().set(key, (current, content), PAGE_TIMEOUT)
