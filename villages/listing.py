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
