"""Rendering the dashboards' cells: a value in the style of the pages (2018年10月23日, 1,234, 85.3%), a link
to the list behind it when there is one."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html

register = template.Library()


def _display(c):
    v, kind = c.get("v"), c.get("f")
    if v is None or v == "":
        return "—"
    if kind == "pct":
        return f"{v:.1f}%"
    if kind == "int":
        return intcomma(v)
    if kind == "date":
        return f"{v.year}年{v.month}月{v.day}日"
    if kind == "quota":
        return f"{v}/{c.get('of')}"
    return str(v)


@register.simple_tag
def dash_cell(c, header=False):
    """One <td>: numbers right-aligned, the state of a week or month as its class, the value a link when it has one."""
    kind = c.get("f")
    classes = []
    if kind in ("int", "pct", "quota"):
        classes.append("text-end")
    if c.get("state"):
        classes.append(f"state-{c['state']}")
    if kind == "text" and not header:
        classes.append("text-start")
    title = ""
    if kind == "quota":
        title = f"{c.get('days', '')}天" if c.get("days") is not None else ""
    shown = _display(c)
    body = format_html('<a href="{}">{}</a>', c["u"], shown) if c.get("u") else shown
    tag = "th" if header else "td"
    return format_html('<{} class="{}"{}>{}</{}>', tag, " ".join(classes),
                       format_html(' title="{}"', title) if title else "", body, tag)


@register.filter
def figure(value, kind="int"):
    """A headline figure: 1,234 / 85.3% / — when there is nothing to count."""
    return _display({"v": value, "f": kind})


@register.simple_tag
def dash_options(groups, selected, grouped=True):
    """<option>s of a filter, written in one pass (a province's lists run to hundreds of entries)."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    out = []
    for group, options in groups:
        if grouped:
            out.append(f'<optgroup label="{escape(group)}">')
        for value, label in options:
            chosen = " selected" if str(value) == str(selected) else ""
            out.append(f'<option value="{escape(value)}"{chosen}>{escape(label)}</option>')
        if grouped:
            out.append("</optgroup>")
    return mark_safe("".join(out))


@register.simple_tag
def dash_rows(rows):
    """The <tr>s of a panel table, written in one pass."""
    from django.utils.safestring import mark_safe

    return mark_safe("".join("<tr>" + "".join(dash_cell(c) for c in row) + "</tr>" for row in rows))
