"""Screening workflows on top of the matcher and the effects: files, free text, portfolios.

    screen_file(screener, "customers.xlsx", "screened.parquet", options=ScreenOptions(
        activity=Activity.EXPORT), resume=True, report_path="report.html")
    screen_rows(screener, [{"name": "Hikvision"}])           # rows in memory
    scan_text(screener, text, activity="invest")             # mentions in free text
    screen_portfolio(screener, "holdings.csv", "flagged.csv")  # NS-CMIC by ISIN / issuer

The workflows hold no matching logic: rows and spans go to `Screener.check`, hits
are joined to their party's listings and effects (`party_effects`).
"""

from clearance.workflows.batch import ScreenOptions, ScreenResult, screen_file, screen_rows
from clearance.workflows.columns import ColumnMap, map_columns
from clearance.workflows.documents import DocumentError, document_text, read_document
from clearance.workflows.portfolio import PortfolioOptions, screen_portfolio
from clearance.workflows.scan import Mention, ScanResult, scan_text
from clearance.workflows.summary import Summary
from clearance.workflows.tables import TableError, open_table

__all__ = [
    "ColumnMap",
    "DocumentError",
    "Mention",
    "PortfolioOptions",
    "ScanResult",
    "ScreenOptions",
    "ScreenResult",
    "Summary",
    "TableError",
    "document_text",
    "map_columns",
    "open_table",
    "read_document",
    "scan_text",
    "screen_file",
    "screen_portfolio",
    "screen_rows",
]
