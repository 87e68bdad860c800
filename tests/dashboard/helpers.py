"""Reading the dashboards' tables in tests: a row by its first cell, a value by its column's label."""


def table(data, key):
    return next(t for t in data["tables"] if t["key"] == key)


def rows(data, key):
    """{first cell's text: {column label: value}} of a table (its total row under "合计")."""
    t = table(data, key)
    labels = [c["label"] for c in t["columns"]]
    out = {}
    for row in [*t["rows"], *([t["total"]] if t["total"] else [])]:
        out[str(row[0]["v"])] = {label: c["v"] for label, c in zip(labels, row, strict=True)}
    return out


def cell(data, key, row, column):
    t = table(data, key)
    labels = [c["label"] for c in t["columns"]]
    for r in [*t["rows"], *([t["total"]] if t["total"] else [])]:
        if str(r[0]["v"]) == row:
            return r[labels.index(column)]
    raise KeyError(row)


def page(client, tab, **params):
    from django.urls import reverse

    response = client.get(reverse(f"dashboard:{tab}"), params)
    assert response.status_code == 200, response.content[:2000]
    return response.context["data"]
