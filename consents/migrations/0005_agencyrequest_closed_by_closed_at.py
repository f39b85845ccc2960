"""Who closed an agency request, and when, become columns on the request instead of a search of the audit log.

Requests closed before this migration get them from the audit log, as the request page used to read them: the
latest UPDATE entry for the request whose change of status ends at its closed status (answered or declined)
gives the actor and the time. A closed request with no such entry keeps both empty, and its page shows the
outcome without a date, as before.
"""

import django.db.models.deletion
from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import migrations, models

CLOSED = ("fulfilled", "declined")
BATCH = 500


def closed_from_the_audit_log(apps, schema_editor):
    AgencyRequest = apps.get_model("consents", "AgencyRequest")
    AuditEntry = apps.get_model("homestart", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="consents", model="agencyrequest").first()
    if content_type is None:  # a new database: nothing was ever logged, so nothing was ever closed
        return
    pending = list(AgencyRequest.objects.filter(status__in=CLOSED, closed_at__isnull=True).only("pk", "status"))
    for start in range(0, len(pending), BATCH):
        requests = {request.pk: request for request in pending[start : start + BATCH]}
        entries = AuditEntry.objects.filter(
            content_type=content_type,
            object_id__in=list(requests),
            action=AbstractLogEntry.Action.UPDATE,
            changes__has_key="status",
        ).order_by("-timestamp", "-pk")
        found = {}
        for entry in entries.only("object_id", "changes", "actor_id", "timestamp").iterator():
            request = requests.get(entry.object_id)
            changes = entry.changes if isinstance(entry.changes, dict) else {}
            if request is None or request.pk in found:
                continue
            if changes.get("status", [None, None])[-1] == request.status:
                request.closed_by_id = entry.actor_id
                request.closed_at = entry.timestamp
                found[request.pk] = request
        AgencyRequest.objects.bulk_update(list(found.values()), ["closed_by", "closed_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("consents", "0004_disclosure_bases_registered_by_apps"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("homestart", "0008_audit_event_types_registered_by_apps"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="agencyrequest",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="agencyrequest",
            name="closed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(closed_from_the_audit_log, migrations.RunPython.noop),
    ]
