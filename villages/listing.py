"""What every filtered, paginated list page gives its template."""

from django.core.paginator import Paginator

PAGE_SIZE = 50


def page_of(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def list_context(request, filterset, queryset=None):
    """filter (the form), page (the filtered rows, or `queryset` when given), query (the filters, for page links)."""
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
