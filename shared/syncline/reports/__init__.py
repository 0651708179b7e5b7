"""The sync report: search (`search`, over `merge`d index streams, paged by signed `cursor`s),
entries and CSV rows (`views`), exports (`export`), resync (`resync`), runs (`runs`) and the
dashboard (`dashboard`); `query` holds what a search asks for and its limits.

Callers import from the package.
"""

from syncline.reports.cursor import decode_cursor, encode_cursor
from syncline.reports.dashboard import dashboard
from syncline.reports.export import (
    INLINE_MAX_ROWS,
    ExportResult,
    continue_export,
    export_filename,
    start_export,
)
from syncline.reports.failures import failures_by_error
from syncline.reports.links import Links
from syncline.reports.merge import ReadStats, StreamSpec
from syncline.reports.query import (
    DEFAULT_LIMIT,
    EXPORT_ID_PATTERN,
    MAX_DAYS,
    MAX_LIMIT,
    MAX_RESYNC_IDS,
    MAX_SYNC_IDS,
    RUN_ID_PATTERN,
    STATUS_ORDER,
    SYNC_ID_PATTERN,
    BadRequest,
    Match,
    Period,
    ReportQuery,
    Sort,
    resolve_window,
    run_stamp,
)
from syncline.reports.resync import ResyncResult, refusal, resync
from syncline.reports.runs import RunsPage, RunsQuery, get_run, list_runs, run_view
from syncline.reports.search import ReportPage, get_entry, search
from syncline.reports.views import CSV_COLUMNS, csv_row, entry, error_view, validation_fields

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_LIMIT",
    "EXPORT_ID_PATTERN",
    "INLINE_MAX_ROWS",
    "MAX_DAYS",
    "MAX_LIMIT",
    "MAX_RESYNC_IDS",
    "MAX_SYNC_IDS",
    "RUN_ID_PATTERN",
    "STATUS_ORDER",
    "SYNC_ID_PATTERN",
    "BadRequest",
    "ExportResult",
    "Links",
    "Match",
    "ReadStats",
    "ReportPage",
    "ReportQuery",
    "ResyncResult",
    "RunsPage",
    "RunsQuery",
    "Sort",
    "StreamSpec",
    "continue_export",
    "csv_row",
    "dashboard",
    "decode_cursor",
    "encode_cursor",
    "entry",
    "error_view",
    "export_filename",
    "failures_by_error",
    "get_entry",
    "get_run",
    "list_runs",
    "refusal",
    "Period",
    "resolve_window",
    "resync",
    "run_stamp",
    "run_view",
    "search",
    "start_export",
    "validation_fields",
]
