"""The audit log as evidence: the family an entry is about, and a hash chain kept by PostgreSQL (ADR 0011).

The SQL functions here are what the chain trigger (next migration) and ``audit_verify`` both compute, so the two
can never disagree. Entries written before this migration are chained in id order, here, once.
"""

from django.db import migrations, models

FUNCTIONS = """
CREATE OR REPLACE FUNCTION homestart_audit_personal_digest(e homestart_auditentry) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(
        json_build_array(e.object_repr, e.actor_email, host(e.remote_addr), e.remote_port)::text, 'UTF8'
    )), 'hex')
$$;

-- Every column but the personal ones (their digest stands in) and the hash itself, as a JSON array: one
-- unambiguous text whatever the values hold. JSON columns enter as their stored (jsonb) text; the time as
-- seconds since the epoch, the same whatever the session's time zone.
CREATE OR REPLACE FUNCTION homestart_audit_content(e homestart_auditentry) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_build_array(
        e.id, e.content_type_id, e.object_pk, e.object_id, e.serialized_data, e.action, e.changes_text,
        e.changes, e.actor_id, e.cid, extract(epoch FROM e.timestamp)::text, e.additional_data, e.event,
        e.family_pk, e.personal_digest, e.prev_hash
    )::text
$$;

CREATE OR REPLACE FUNCTION homestart_audit_hash(e homestart_auditentry) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(homestart_audit_content(e), 'UTF8')), 'hex')
$$;

DO $$
DECLARE
    entry homestart_auditentry;
    previous text := '';
BEGIN
    FOR entry IN SELECT * FROM homestart_auditentry ORDER BY id LOOP
        entry.personal_digest := homestart_audit_personal_digest(entry);
        entry.prev_hash := previous;
        entry.hash := homestart_audit_hash(entry);
        UPDATE homestart_auditentry
           SET personal_digest = entry.personal_digest, prev_hash = entry.prev_hash, hash = entry.hash
         WHERE id = entry.id;
        previous := entry.hash;
    END LOOP;
END $$;
"""

DROP = """
DROP FUNCTION IF EXISTS homestart_audit_hash(homestart_auditentry);
DROP FUNCTION IF EXISTS homestart_audit_content(homestart_auditentry);
DROP FUNCTION IF EXISTS homestart_audit_personal_digest(homestart_auditentry);
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("homestart", "0010_password_reset_rate_limit")]

    operations = [
        migrations.AddField(
            model_name="auditentry", name="family_pk", field=models.BigIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="auditentry",
            name="personal_digest",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry", name="anonymised", field=models.BooleanField(default=False, editable=False)
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["family_pk", "-timestamp"], name="auditentry_family_idx"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["actor", "-timestamp"], name="auditentry_actor_idx"),
        ),
        migrations.RunPython(_on_postgresql(FUNCTIONS), _on_postgresql(DROP)),
    ]
