from functools import lru_cache

from .choices import Role


def role(request):
    user = getattr(request, "user", None)
    return {"Role": Role, "user_role": getattr(user, "role", None) if user and user.is_authenticated else None}


# (label, url name, roles that see it; None = every signed-in user), or (label, [entries]) for a menu.
# The bar holds what officers open every day; the rest sits in two menus, so it stays on one line at
# 1366 px. An entry whose URL is not installed is left out, and a menu with no entries left.
NAV_ITEMS = (
    ("首页", "home", None),
    ("数据看板", "dashboard:overview", (Role.CITY, Role.COUNTY, Role.ADMIN)),
    ("填写指导登记表", "inspections:visit_create", (Role.COUNTY, Role.TEAM, Role.CITY)),
    ("指导记录", "inspections:visit_list", None),
    ("督查记录", "inspections:trip_list", None),
    ("挂牌督战", "supervision:home", None),
    ("重点村", "villages:key_village_list", None),
    ("村户", [
        ("村庄", "villages:village_list", None),
        ("贫困户", "villages:household_list", None),
    ]),
    ("整改", "rectification:inbox", None),
    ("我的待办", "reminders:todo", None),
    ("更多", [
        ("每周指导情况", "inspections:visit_quota", None),
        ("共性问题", "inspections:problem_list", None),
        ("典型经验", "inspections:experience_list", None),
        ("每月督查情况", "inspections:trip_coverage", None),
        ("督查发现问题", "inspections:finding_list", None),
        ("督查档案移交", "inspections:archive_list", None),
        ("整改问题", "rectification:item_list", None),
        ("整改函", "rectification:letter_list", None),
        ("整改率", "rectification:rates", None),
        ("通报", "rectification:notice_list", None),
        ("年度整改考核", "rectification:assessment", None),
        ("督战台账", "supervision:ledger_list", None),
        ("工作组", "rosters:campaign_list", None),
    ]),
)


def _reverse(name):
    """The bar's addresses are looked up once per process and script prefix (every page renders the bar)."""
    from django.urls import get_script_prefix, get_urlconf

    return _reverse_cached(name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=128)
def _reverse_cached(name, prefix, urlconf):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _entries(user, entries):
    items = []
    for entry in entries:
        if isinstance(entry[1], list):
            children = _entries(user, entry[1])
            if children:
                items.append({"label": entry[0], "children": children, "active": False})
            continue
        label, name, roles = entry
        if roles is not None and not (user.role in roles or user.is_superuser):
            continue
        url = _reverse(name)
        if url is not None:
            items.append({"label": label, "url": url, "active": False})
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    items = _entries(user, NAV_ITEMS)
    # One entry is highlighted (with its menu): the one whose address is the longest prefix of this
    # page's (/villages/households/ is 贫困户, not also 村庄 at /villages/).
    leaves = [(leaf, item) for item in items for leaf in item.get("children", [item])]
    matches = [(leaf, item) for leaf, item in leaves
               if request.path == leaf["url"] or (leaf["url"] != "/" and request.path.startswith(leaf["url"]))]
    if matches:
        leaf, item = max(matches, key=lambda m: len(m[0]["url"]))
        leaf["active"] = item["active"] = True
    return {"nav_items": items}
