from .choices import Role


def role(request):
    user = getattr(request, "user", None)
    return {"Role": Role, "user_role": getattr(user, "role", None) if user and user.is_authenticated else None}


# (label, url name, roles that see it; None = every signed-in user).
# An entry whose URL is not installed yet is left out.
NAV_ITEMS = (
    ("首页", "home", None),
    ("填写指导登记表", "inspections:visit_create", (Role.COUNTY, Role.TEAM, Role.CITY)),
    ("指导记录", "inspections:visit_list", None),
    ("共性问题", "inspections:problem_list", None),
    ("典型经验", "inspections:experience_list", None),
    ("重点村", "villages:key_village_list", None),
    ("村庄", "villages:village_list", None),
    ("贫困户", "villages:household_list", None),
    ("工作组", "rosters:campaign_list", None),
    ("督查记录", "inspections:trip_list", None),
    ("挂牌督战", "supervision:home", None),
    ("整改", "rectification:item_list", None),
)


def navigation(request):
    from django.urls import NoReverseMatch, reverse

    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, roles in NAV_ITEMS:
        if roles is not None and not (user.role in roles or user.is_superuser):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})
    # One item is highlighted: the one whose address is the longest prefix of this page's
    # (/villages/households/ is 贫困户, not also 村庄 at /villages/).
    matches = [i for i in items if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
