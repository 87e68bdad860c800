"""What the app owning an item's source adds to the item's lifecycle.

A problem item may stand for a record that a higher app keeps in step with it: the
listed-supervision ledger's problems (HN 四(二)) are exit indicators found 未达标, whose
达标 / 未达标 must agree with the item's state. ``rectification`` never imports those apps
(the dependency runs supervision → rectification); they register their rules here, by the
model of the item's source, in ``AppConfig.ready``::

    from rectification.sources import SourceRules, register_source_rules

    register_source_rules(LedgerProblem, SourceRules(check=..., follow=..., page_note=...))

``check(items, action, acting_user)``
    Before a move (an action of ``services.TRANSITIONS``) of these items — all of them have
    a source of the registered model — and before their rows are locked: lock the records
    that follow the items (so the lock order is always record, then item), and refuse in
    words with a ``ValidationError`` what the source does not allow.
``follow(items, action, acting_user, notes)``
    After the move, in the same transaction: bring the records in step with the items
    (``notes``: {item pk: the move's note}).
``page_note(item, user)``
    What the item's page says about its source (a ``SourceNote``), or None. The actions in
    its ``hidden`` are not offered there (``check`` refuses them anyway).

A call takes a list, so a move of many items (``services.items_move``) asks once per model,
not once per item.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType


@dataclass(frozen=True)
class SourceNote:
    text: str
    link: str = ""
    link_label: str = ""
    hidden: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class SourceRules:
    check: Callable | None = None
    follow: Callable | None = None
    page_note: Callable | None = None


_rules: dict[str, SourceRules] = {}


def register_source_rules(model, rules: SourceRules):
    """Add (or replace) the rules for items whose source is an instance of ``model``."""
    _rules[model._meta.label_lower] = rules


def _rules_of(content_type_id):
    if content_type_id is None or not _rules:
        return None
    ct = ContentType.objects.get_for_id(content_type_id)  # cached: no query after the first
    return _rules.get(f"{ct.app_label}.{ct.model}")


def _grouped(items):
    groups = defaultdict(list)
    for item in items:
        rules = _rules_of(item.content_type_id)
        if rules is not None:
            groups[rules].append(item)
    return groups.items()


def check(items, action, acting_user):
    for rules, group in _grouped(items):
        if rules.check:
            rules.check(group, action, acting_user)


def follow(items, action, acting_user, notes):
    for rules, group in _grouped(items):
        if rules.follow:
            rules.follow(group, action, acting_user, notes)


def page_note(item, user) -> SourceNote | None:
    rules = _rules_of(item.content_type_id)
    return rules.page_note(item, user) if rules and rules.page_note else None
