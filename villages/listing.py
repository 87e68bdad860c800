"""What every filtered, paginated list page gives its template, and the register of list pages.

Rows per page are the reader's choice among PER_PAGE_CHOICES (``per_page`` in
the query string, kept by every page link); anything else falls back to the
page's default, so nobody can ask for a million rows in one page.

Every list page is registered (``register_list_page``, next to its URL) with
its filter set and its export. The register is what the filter test walks:
each filter of each registered page, and its export, is applied on data where
it must drop rows — so a new list page is covered by being registered, and
``list_context`` refuses to serve a list page that is not.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator

PAGE_SIZE = 50
PER_PAGE_CHOICES = (20, 50, 100)


def per_page_of(request, default=PAGE_SIZE):
    try:
        asked = int(request.GET.get("per_page", ""))
    except ValueError:
        return default
    return asked if asked in PER_PAGE_CHOICES else default


@dataclass(frozen=True)
class ListPage:
    url_name: str
    filterset: type
    export: str | None = None


LIST_PAGES: dict[str, ListPage] = {}


def register_list_page(url_name, *, filterset, export=None):
    LIST_PAGES[url_name] = ListPage(url_name, filterset, export)


class CountedPaginator(Paginator):
    """A paginator that may be told its count instead of counting the rows again.

    The count of a filtered list is a COUNT(*) over the same joins as the page; for the households of
    a province that is two million rows on every view. A list that knows its count more cheaply (the
    households from the villages' summaries, villages/summaries.py) passes ``count``, a callable
    that returns the number or None (then the rows are counted as usual).
    """

    def __init__(self, object_list, per_page, *, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count = count

    @cached_property
    def count(self):
        known = self._count() if self._count is not None else None
        return super().count if known is None else known


def page_of(request, queryset, per_page=PAGE_SIZE, *, count=None):
    return CountedPaginator(queryset, per_page_of(request, per_page), count=count).get_page(request.GET.get("page"))


def list_context(request, filterset, queryset=None):
    """filter (the form), page (the filtered rows, or `queryset` when given), query (the filters, for page links).

    A filter set with a ``fast_count()`` method (None when it cannot tell) gives the page its count.
    """
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name not in LIST_PAGES:
        raise ImproperlyConfigured(f"List page {match.view_name} is not registered with register_list_page().")
    count = getattr(filterset, "fast_count", None) if queryset is None else None
    return {
        "filter": filterset,
        "page": page_of(request, filterset.qs if queryset is None else queryset, count=count),
        "query": list_query(request),
    }


def list_query(request):
    """The filters (and per_page) of the request without its page: what page links carry."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def cached_list_page(request, name, filterset, *, template, results_template):
    """A list page whose results (rows and pagination) may come from villages/listcache.py; the filter
    form and the rest of the page are the user's own."""
    from django.shortcuts import render
    from django.template.loader import render_to_string

    from . import listcache

    def results():
        return render_to_string(results_template, {**list_context(request, filterset), "request": request})

    return render(request, template, {"filter": filterset, "query": list_query(request),
                                      "results": listcache.rendered(request, name, results)})


def page_window(page, around=2):
    """The page numbers to link: first, last and `around` either side of the current one; None marks a gap."""
    last, current = page.paginator.num_pages, page.number
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    window, previous = [], 0
    for number in shown:
        if number - previous > 1:
            window.append(None)
        window.append(number)
        previous = number
    return window


def per_page_options(page):
    return sorted({*PER_PAGE_CHOICES, page.paginator.per_page})


def safe_next(request, *, default):
    """Where to go after a POST action: the form's ``next`` if it is a path of this site, else ``default``.

    Never an external URL (an open redirect would let a link in a message send
    an officer anywhere) — whether or not the action itself was allowed.
    """
    from django.shortcuts import resolve_url
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return resolve_url(default)
