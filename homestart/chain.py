"""Checking the audit log's hash chain (ADR 0011).

The database writes the chain (the ``audit_chain`` trigger); this module recomputes it with the same SQL
functions, so that the writer and the checker cannot disagree about what an entry's content is. An entry is
sound when its hash is the hash of its content, its ``prev_hash`` is the hash of the entry before it (in id
order), and, unless it was anonymised by the retention path, its personal columns still match their digest.
"""

from dataclasses import dataclass

from django.db import connection

from homestart.models import AuditEntry

# Checked in slices of ids, so that the check of a national log streams and reports as it goes.
SLICE = 500_000

_CHECK = """
WITH slice AS (
    SELECT e.id, e.hash, e.prev_hash,
           lag(e.hash) OVER (ORDER BY e.id) AS before,
           e.hash = homestart_audit_hash(e) AS content_ok,
           (e.anonymised OR e.personal_digest = homestart_audit_personal_digest(e)) AS personal_ok
      FROM {table} e
     WHERE e.id >= %s AND e.id < %s
)
SELECT count(*),
       min(id) FILTER (WHERE NOT content_ok OR NOT personal_ok OR (before IS NOT NULL AND prev_hash <> before)),
       (SELECT id FROM slice ORDER BY id LIMIT 1),
       (SELECT prev_hash FROM slice ORDER BY id LIMIT 1),
       (SELECT id FROM slice ORDER BY id DESC LIMIT 1),
       (SELECT hash FROM slice ORDER BY id DESC LIMIT 1)
  FROM slice
"""


@dataclass(frozen=True)
class Verdict:
    verified: int  # entries checked and sound, before the first broken one
    broken_id: int | None  # the first broken entry, or None
    reason: str  # why it is broken
    head_id: int | None  # the last entry checked
    head_hash: str  # its hash: write it down to compare later (a rewritten log has another)


def verify(*, start_after: int = 0) -> Verdict:
    """Check the whole chain, oldest first, stopping at the first broken entry."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The audit chain is kept by PostgreSQL; this database has none to check.")
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {table} WHERE id > %s", [start_after])  # noqa: S608
        low, high = cursor.fetchone()
    verified, previous_hash, head_id, head_hash = 0, "", None, ""
    if start_after:
        previous_hash = AuditEntry.objects.filter(pk=start_after).values_list("hash", flat=True).first() or ""
    if low is None:
        return Verdict(0, None, "", start_after or None, previous_hash)
    sql = _CHECK.format(table=table)
    with connection.cursor() as cursor:
        for lower in range(low, high + 1, SLICE):
            cursor.execute(sql, [lower, lower + SLICE])
            count, broken, first_id, first_prev, last_id, last_hash = cursor.fetchone()
            if not count:
                continue
            # The first entry of a slice is linked to the last of the slice before (the window cannot see it).
            if first_prev != previous_hash and (broken is None or first_id < broken):
                broken = first_id
            if broken is not None:
                verified += AuditEntry.objects.filter(pk__gte=lower, pk__lt=broken).count()
                return Verdict(verified, broken, _reason(broken, previous_hash if broken == first_id else None),
                               head_id, head_hash)  # fmt: skip
            verified += count
            previous_hash, head_id, head_hash = last_hash, last_id, last_hash
    return Verdict(verified, None, "", head_id, head_hash)


def _reason(entry_id: int, expected_prev: str | None) -> str:
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
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
