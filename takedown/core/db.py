"""Append-only enforcement in the database: on PostgreSQL a trigger refuses UPDATE and
DELETE, so even raw SQL from the application role cannot rewrite history. (A superuser
who disables the trigger is still caught by the hash chains.)"""

from django.db.migrations import RunPython

_FUNCTION = """
CREATE OR REPLACE FUNCTION takedown_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def append_only_trigger(table: str) -> RunPython:
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(_FUNCTION, params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION takedown_refuse_change()"
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")

    return RunPython(forwards, backwards)
