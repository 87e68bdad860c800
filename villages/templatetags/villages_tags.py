from django import template
from django.utils.html import format_html

from villages.choices import CATEGORY_SHORT_NAMES

register = template.Library()


@register.simple_tag
def category_badge(number, labels=None):
    """第1类 贫困发生率高, with the category's full label as its tooltip."""
    number = int(number)
    title = (labels or {}).get(number) or CATEGORY_SHORT_NAMES.get(number, "")
    return format_html(
        '<span class="badge text-bg-light border me-1 category-badge" title="第{}类：{}">第{}类 {}</span>',
        number, title, number, CATEGORY_SHORT_NAMES.get(number, ""),
    )


@register.filter
def category_short(number):
    return CATEGORY_SHORT_NAMES.get(int(number), "")


@register.filter
def page_window(page):
    from villages.listing import page_window as window

    return window(page)


@register.filter
def per_page_options(page):
    from villages.listing import per_page_options as options

    return options(page)
