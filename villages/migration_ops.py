"""Migration operations that only apply to PostgreSQL, so that every migration runs on SQLite too."""

from django.db import migrations


class PostgresOnlyAddIndex(migrations.AddIndex):
    """An index only PostgreSQL has (a pg_trgm GIN index): created there, skipped elsewhere.

    The model state holds the index on every database, so `makemigrations --check` stays clean;
    SQLite keeps plain LIKE scans, which are fine at its scale.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return super().describe() + " (PostgreSQL only)"
