"""What every filtered, paginated list page gives its template.

Rows per page are the reader's choice among PER_PAGE_CHOICES (``per_page`` in
the query string, kept by every page link); anything else falls back to the
page's default, so nobody can ask for a million rows in one page.
"""

from django.core.paginator import Paginator

PAGE_SIZE = 50
PER_PAGE_CHOICES = (20, 50, 100)


def per_page_of(request, default=PAGE_SIZE):
    try:
        asked = int(request.GET.get("per_page", ""))
    except ValueError:
        return default
    return asked if asked in PER_PAGE_CHOICES else default


def page_of(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page_of(request, per_page)).get_page(request.GET.get("page"))


def list_context(request, filterset, queryset=None):
    """filter (the form), page (the filtered rows, or `queryset` when given), query (the filters, for page links)."""
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "filter": filterset,
        "page": page_of(request, filterset.qs if queryset is None else queryset),
        "query": params.urlencode(),
    }


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
