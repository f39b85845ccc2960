"""On PostgreSQL, a concern's retention date can only move later, never earlier.

``safeguarding.services.concerns_retention_recompute`` moves it later when a child is added or born or their dates
are corrected, and never earlier; this trigger makes that true for every other path too (a shell, a script, a
mistaken migration), in the style of 0002.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION safeguarding_refuse_earlier_retention() RETURNS trigger AS $$
BEGIN
    IF NEW.retain_until < OLD.retain_until THEN
        RAISE EXCEPTION 'This safeguarding record is held until %; that date can only move later, not to %',
            OLD.retain_until, NEW.retain_until
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER safeguarding_concern_retention_only_later BEFORE UPDATE OF retain_until ON safeguarding_concern
    FOR EACH ROW EXECUTE FUNCTION safeguarding_refuse_earlier_retention();
"""

DROP = """
DROP TRIGGER IF EXISTS safeguarding_concern_retention_only_later ON safeguarding_concern;
DROP FUNCTION IF EXISTS safeguarding_refuse_earlier_retention();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # None: the "%" in RAISE is not a parameter

    return run


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0002_retention_triggers")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
