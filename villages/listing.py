"""What every filtered, paginated list page gives its template, and the register of list pages.

Every list page is registered (``register_list_page``, next to its URL) with
its filter set and its export. The register is what the filter test walks:
each filter of each registered page, and its export, is applied on data where
it must drop rows — so a new list page is covered by being registered, and
``list_context`` refuses to serve a list page that is not.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator

PAGE_SIZE = 50


@dataclass(frozen=True)
class ListPage:
    url_name: str
    filterset: type
    export: str | None = None


LIST_PAGES: dict[str, ListPage] = {}


def register_list_page(url_name, *, filterset, export=None):
    LIST_PAGES[url_name] = ListPage(url_name, filterset, export)


def page_of(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def list_context(request, filterset, queryset=None):
    """filter (the form), page (the filtered rows, or `queryset` when given), query (the filters, for page links)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name not in LIST_PAGES:
        raise ImproperlyConfigured(f"List page {match.view_name} is not registered with register_list_page().")
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "filter": filterset,
        "page": page_of(request, filterset.qs if queryset is None else queryset),
        "query": params.urlencode(),
    }


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
