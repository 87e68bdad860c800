"""Reading a long query ahead of its consumer.

An export of a province's households spends about a sixth of its time waiting for PostgreSQL to
produce the next chunk of a server-side cursor, while the process writing the workbook sits idle.
``read_ahead`` runs the query in a thread of its own, with its own connection, a few chunks ahead:
the database works on the next rows while the writer formats the last ones (psycopg2 releases the
GIL while it waits on the server).

The thread's connection cannot see rows the caller's transaction has not committed, so inside an
atomic block (and on SQLite, where nothing waits on another process) the rows are read inline.
"""

import queue
import threading

from django.db import connection, connections

CHUNK = 2000
_DONE = object()


def read_ahead(rows, *, depth=4, threaded=None):
    """Yield ``rows`` (a lazy iterable, e.g. ``qs.values_list(...).iterator()``) in order, read up to
    ``depth`` chunks ahead in a thread. ``threaded`` forces (True) or forbids (False) the thread; by
    default it is used on PostgreSQL outside any transaction."""
    if threaded is None:
        threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
    if not threaded:
        yield from rows
        return
    chunks = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == CHUNK:
                    if not put(chunk):
                        return
                    chunk = []
            if chunk and not put(chunk):
                return
            put(_DONE)
        except BaseException as error:  # handed to the reader, raised there
            put(error)
        finally:
            connections.close_all()  # this thread's connections only

    reader = threading.Thread(target=produce, name="read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        reader.join()
