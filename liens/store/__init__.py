"""The workspace: one DuckDB file with the canonical tables and every analysis result."""

from liens.store.ingest import ImportResult, import_chunks
from liens.store.workspace import list_tables, open_workspace, resolve_workspace_path

__all__ = [
    "ImportResult",
    "import_chunks",
    "list_tables",
    "open_workspace",
    "resolve_workspace_path",
]
