"""The rows of the village and household lists, rendered once per data version, scope and query.

Every officer opens these two lists, most often unfiltered or on the same county. For a province-wide
user the count, the page's rows and their rendering are most of a request. The rendered results
(table and pagination) are kept in the shared cache under a key naming:

- the lists' data version, a new number after every commit that writes what the rows show: a village,
  household, place, star rating or village summary. Single rows move it by their save and delete
  signals; bulk writes (imports, the rating's recompute, the summaries' recount) through the
  querysets of those models (``ListDataQuerySet``): no write of the ORM goes round it, and a raw
  insert of households is followed by the recount of their villages' summaries;
- the scope (users who see the same counties share entries);
- the list and its query string.

An entry holds the version it was rendered from; once a write has moved the version on, it is
rendered again on its next reading (entries expire after ``TIMEOUT``). The cache is used only where every process shares it (Redis in production):
with each process's own memory, an import run by the worker would not move the web server's version.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.safestring import mark_safe

from .scoping import ScopedQuerySet, visible_county_ids

logger = logging.getLogger(__name__)

VERSION_KEY = "lists:version"
TIMEOUT = 600
SHARED = ("RedisCache", "PyMemcacheCache", "PyLibMCCache")


def _cache():
    return caches["default"]


def enabled():
    setting = getattr(settings, "LIST_CACHE", None)
    if setting is not None:
        return setting
    return type(_cache()).__name__ in SHARED


def _new_version():
    return time.time_ns()  # never a number used before, even if the cache lost the version


def _bump():
    try:
        _cache().set(VERSION_KEY, _new_version(), None)
    except Exception:  # the write is committed; a cache that is down cannot serve old rows either
        logger.warning("列表缓存不可用，未能更新版本。", exc_info=True)


def data_changed():
    """The rows shown may have changed: move the version on when the transaction commits (once per
    transaction, however many rows it writes)."""
    if not enabled():
        return
    if connection.in_atomic_block and any(entry[1] is _bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(_bump)


class ListDataQuerySet(ScopedQuerySet):
    """The querysets of what the lists show: their bulk writes move the lists' version on."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            data_changed()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            data_changed()
        return created

    def bulk_update(self, objs, *args, **kwargs):
        rows = super().bulk_update(objs, *args, **kwargs)
        if rows:
            data_changed()
        return rows

    def delete(self):
        result = super().delete()
        if result[0]:
            data_changed()
        return result

    def _raw_delete(self, using):
        rows = super()._raw_delete(using)
        if rows:
            data_changed()
        return rows


def _on_write(sender, raw=False, **kwargs):
    if not raw:
        data_changed()


def connect():
    from .models import City, County, Household, StarRating, Township, Village, VillageSummary

    for model in (City, County, Township, Village, Household, StarRating, VillageSummary):
        for signal in (post_save, post_delete):
            signal.connect(_on_write, sender=model, dispatch_uid=f"lists-{signal}-{model.__name__}")


def _scope(user):
    county_ids = visible_county_ids(user)
    if county_ids is None:
        return "all"
    if user.role == "county" and user.county_id:
        return f"county{user.county_id}"
    if user.role == "city" and user.city_id:
        return f"city{user.city_id}"
    return "c" + ",".join(str(pk) for pk in sorted(county_ids.values_list("pk", flat=True)))


def rendered(request, name, render):
    """The list's results as HTML: from the cache when this version, scope and query rendered them
    before, else ``render()`` (and kept)."""
    if not enabled():
        return render()
    cache = _cache()
    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:32]
    base = f"lists:{name}:{_scope(request.user)}:{query}"
    try:
        found = cache.get_many([VERSION_KEY, base])
        version = found.get(VERSION_KEY)
        if version is None:
            version = _new_version()
            if not cache.add(VERSION_KEY, version, None):
                version = cache.get(VERSION_KEY, version)
    except Exception:  # the cache is down: the page is rendered from the database, as without it
        logger.warning("列表缓存不可用，本次直接查询数据库。", exc_info=True)
        return render()
    entry = found.get(base)
    if entry is not None and entry[0] == version:
        return mark_safe(entry[1])  # noqa: S308 — HTML this module rendered from the list's template
    html = render()
    try:
        cache.set(base, (version, str(html)), TIMEOUT)
    except Exception:
        logger.warning("列表缓存不可用，未保存本页。", exc_info=True)
    return html
