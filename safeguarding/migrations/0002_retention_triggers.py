"""On PostgreSQL, safeguarding records cannot be deleted before their retention date, nor timeline steps edited.

Services never delete or edit them; these triggers make that true for every other path too (a shell, a script, a
mistaken migration). A purge after the retention date deletes through the same tables and is allowed.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION safeguarding_refuse_early_delete() RETURNS trigger AS $$
DECLARE
    held_until date;
BEGIN
    IF TG_TABLE_NAME = 'safeguarding_concern' THEN
        held_until := OLD.retain_until;
    ELSE
        SELECT retain_until INTO held_until FROM safeguarding_concern WHERE id = OLD.concern_id;
    END IF;
    IF held_until IS NOT NULL AND held_until >= CURRENT_DATE THEN
        RAISE EXCEPTION 'Safeguarding records are held until % and cannot be deleted before then', held_until
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION safeguarding_refuse_step_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A safeguarding timeline entry is never changed: record a new step instead'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER safeguarding_concern_held BEFORE DELETE ON safeguarding_concern
    FOR EACH ROW EXECUTE FUNCTION safeguarding_refuse_early_delete();
CREATE TRIGGER safeguarding_step_held BEFORE DELETE ON safeguarding_concernstep
    FOR EACH ROW EXECUTE FUNCTION safeguarding_refuse_early_delete();
CREATE TRIGGER safeguarding_follow_up_held BEFORE DELETE ON safeguarding_followup
    FOR EACH ROW EXECUTE FUNCTION safeguarding_refuse_early_delete();
CREATE TRIGGER safeguarding_step_unchanged BEFORE UPDATE ON safeguarding_concernstep
    FOR EACH ROW EXECUTE FUNCTION safeguarding_refuse_step_update();
"""

DROP = """
DROP TRIGGER IF EXISTS safeguarding_step_unchanged ON safeguarding_concernstep;
DROP TRIGGER IF EXISTS safeguarding_follow_up_held ON safeguarding_followup;
DROP TRIGGER IF EXISTS safeguarding_step_held ON safeguarding_concernstep;
DROP TRIGGER IF EXISTS safeguarding_concern_held ON safeguarding_concern;
DROP FUNCTION IF EXISTS safeguarding_refuse_step_update();
DROP FUNCTION IF EXISTS safeguarding_refuse_early_delete();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # None: the "%" in RAISE is not a parameter

    return run


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
