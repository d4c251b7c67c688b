"""The workspace schema, its version and the migrations between versions.

A workspace records the schema version it was written with in ``meta``. Opening an older
workspace runs the migrations in order inside one transaction; opening a newer one is refused
(an older liens would misread it).
"""

from __future__ import annotations

from liens.model import ACCOUNT_COLUMNS, EVENT_COLUMNS, POST_COLUMNS

__all__ = ["CANONICAL_TABLES", "MIGRATIONS", "SCHEMA_VERSION", "create_statements"]

SCHEMA_VERSION = 2

CANONICAL_TABLES = ("events", "accounts", "posts", "quarantine", "imports", "collect_cursors")

# Where each live collection stands (liens collect): the cursor of the first page not yet
# written, ``done`` once the last page was written, ``refreshing`` while a run that started
# over from the newest page (after ``done``) is under way. Updated in the transaction of each
# page.
COLLECT_CURSORS_DDL = """CREATE TABLE collect_cursors (
  platform VARCHAR, query VARCHAR, cursor VARCHAR, done BOOLEAN, refreshing BOOLEAN,
  pages BIGINT, records BIGINT, started_at TIMESTAMP, updated_at TIMESTAMP,
  PRIMARY KEY (platform, query))"""


def _columns(spec: dict[str, str]) -> str:
    return ",\n  ".join(f"{name} {sqltype}" for name, sqltype in spec.items())


def create_statements() -> list[str]:
    """DDL of a new workspace at :data:`SCHEMA_VERSION`.

    ``events.event_id`` and the ``(platform, id)`` pairs of accounts and posts are unique; the
    importer guarantees it with anti-joins rather than index constraints, which would cost memory
    proportional to the table and slow bulk inserts.
    """
    return [
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        "CREATE SEQUENCE import_seq START 1",
        """CREATE TABLE imports (
  import_id INTEGER PRIMARY KEY,
  path VARCHAR, sha256 VARCHAR, format VARCHAR, platform VARCHAR, options VARCHAR,
  started_at TIMESTAMP, finished_at TIMESTAMP,
  read BIGINT, accepted BIGINT, duplicate BIGINT, quarantined BIGINT,
  liens_version VARCHAR)""",
        f"CREATE TABLE events (\n  {_columns(EVENT_COLUMNS)})",
        f"CREATE TABLE accounts (\n  {_columns(ACCOUNT_COLUMNS)})",
        f"CREATE TABLE posts (\n  {_columns(POST_COLUMNS)})",
        """CREATE TABLE quarantine (
  import_id INTEGER, source_file VARCHAR, file_sha256 VARCHAR,
  record BIGINT, line BIGINT, field VARCHAR, reason VARCHAR, raw VARCHAR,
  quarantined_at TIMESTAMP)""",
        COLLECT_CURSORS_DDL,
        f"INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}')",
    ]


# MIGRATIONS[n] upgrades a workspace from version n to n + 1.
MIGRATIONS: dict[int, list[str]] = {
    1: [COLLECT_CURSORS_DDL],  # 2: live collectors' cursors
}
