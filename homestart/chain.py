"""Checking the audit log's hash chain (ADR 0011).

The database writes the chain (the ``audit_chain`` trigger); this module recomputes it with the same SQL
functions, so that the writer and the checker cannot disagree about what an entry's content is. An entry is
sound when its hash is the hash of its content, its ``prev_hash`` is the hash of the entry before it (in id
order), and, unless it was anonymised by the retention path, its personal columns still match their digest.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connection

from homestart.models import AuditEntry

# Checked in slices of ids, so that the check of a national log streams and reports as it goes.
SLICE = 500_000

# Two passes over the slice, each cheap: the content of every entry (no window, so no row is held back), and the
# links between neighbours (a window over the id and the two hashes alone). One pass doing both held every whole row
# in the window's store and took two thirds longer.
_CHECK = """
SELECT content.n,
       least(content.broken, links.broken),
       content.first_id,
       (SELECT f.prev_hash FROM {table} f WHERE f.id = content.first_id),
       content.last_id,
       (SELECT l.hash FROM {table} l WHERE l.id = content.last_id)
  FROM (
    SELECT count(*) AS n,
           min(e.id) FILTER (
               WHERE e.hash <> homestart_audit_hash(e)
                  OR NOT (e.anonymised OR e.personal_digest = homestart_audit_personal_digest(e))
           ) AS broken,
           min(e.id) AS first_id,
           max(e.id) AS last_id
      FROM {table} e
     WHERE e.id >= %(lower)s AND e.id < %(upper)s
  ) content,
  (
    SELECT min(id) FILTER (WHERE before IS NOT NULL AND prev_hash <> before) AS broken
      FROM (SELECT id, prev_hash, lag(hash) OVER (ORDER BY id) AS before
              FROM {table}
             WHERE id >= %(lower)s AND id < %(upper)s) neighbours
  ) links
"""


@dataclass(frozen=True)
class Verdict:
    verified: int  # entries checked and sound, before the first broken one
    broken_id: int | None  # the first broken entry, or None
    reason: str  # why it is broken
    head_id: int | None  # the last entry checked
    head_hash: str  # its hash: write it down to compare later (a rewritten log has another)


def verify(*, workers: int | None = None) -> Verdict:
    """Check the whole chain, oldest first, naming the first broken entry.

    The log is checked in slices of ids; outside a transaction, several slices at once on their own connections
    (``workers``, default one per core), since each is a full scan with two SHA-256 per entry. Only entries
    committed when the check starts are checked: appends are serialised, so every id up to the highest committed
    one is committed too.
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("The audit chain is kept by PostgreSQL; this database has none to check.")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {_table()}")  # noqa: S608
        low, high = cursor.fetchone()
    if low is None:
        return Verdict(0, None, "", None, "")
    bounds = [(lower, min(lower + SLICE, high + 1)) for lower in range(low, high + 1, SLICE)]
    workers = workers or os.cpu_count() or 1
    if connection.in_atomic_block or workers == 1 or len(bounds) == 1:
        slices = [_check_slice(lower, upper) for lower, upper in bounds]  # entries of this transaction included
    else:
        with ThreadPoolExecutor(max_workers=min(workers, len(bounds))) as pool:
            slices = list(pool.map(_check_slice_on_own_connection, bounds))
    verified, previous_hash, head_id, head_hash = 0, "", None, ""
    for (lower, _upper), found in zip(bounds, slices, strict=True):
        if not found.count:
            continue
        broken = found.broken
        # The first entry of a slice follows the last of the slice before, which the slice's window cannot see.
        if found.first_prev != previous_hash and (broken is None or found.first_id < broken):
            broken = found.first_id
        if broken is not None:
            verified += AuditEntry.objects.filter(pk__gte=lower, pk__lt=broken).count()
            return Verdict(verified, broken, _reason(broken), head_id, head_hash)
        verified += found.count
        previous_hash, head_id, head_hash = found.last_hash, found.last_id, found.last_hash
    return Verdict(verified, None, "", head_id, head_hash)


@dataclass(frozen=True)
class _Slice:
    count: int
    broken: int | None
    first_id: int
    first_prev: str
    last_id: int
    last_hash: str


def _table() -> str:
    return connection.ops.quote_name(AuditEntry._meta.db_table)


def _check_slice(lower: int, upper: int) -> _Slice:
    with connection.cursor() as cursor:
        cursor.execute(_CHECK.format(table=_table()), {"lower": lower, "upper": upper})
        return _Slice(*cursor.fetchone())


def _check_slice_on_own_connection(bounds: tuple[int, int]) -> _Slice:
    try:
        return _check_slice(*bounds)
    finally:
        connection.close()  # this thread's own connection


def _reason(entry_id: int) -> str:
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT e.hash = homestart_audit_hash(e),
                       (e.anonymised OR e.personal_digest = homestart_audit_personal_digest(e)),
                       e.prev_hash,
                       (SELECT p.hash FROM {table} p WHERE p.id < e.id ORDER BY p.id DESC LIMIT 1)
                  FROM {table} e WHERE e.id = %s""",  # noqa: S608
            [entry_id],
        )
        content_ok, personal_ok, prev_hash, before = cursor.fetchone()
    if not content_ok:
        return "its content does not match its hash: it was changed after it was written"
    if not personal_ok:
        return "its personal columns do not match their digest: they were changed after it was written"
    if prev_hash != (before or ""):
        return "it does not follow the entry before it: an entry before it was removed, added or changed"
    return "it does not follow the entry before it"
