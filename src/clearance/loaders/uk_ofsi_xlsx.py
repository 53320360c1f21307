"""OFSI's ConList.xlsx: the workbook reader (the CSV reader is in `uk_ofsi`).

Opens the workbook safely (truncation and zip bombs refused before openpyxl
inflates it) and hands its first sheet's rows, as text, to the shared
`uk_ofsi_entities.build_result`. Kept apart because a loader knows one format.

openpyxl in read-only mode reads the 18,798-row file in about 4 s, well inside
budget, so no faster (Rust) reader is needed.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from clearance.loaders.errors import ListFormatError
from clearance.loaders.result import LoadResult
from clearance.loaders.source_files import check_zip_members, read_source, refuse_html
from clearance.loaders.uk_ofsi_entities import build_result


def load_uk_ofsi_xlsx(path: Path) -> LoadResult:
    """Load OFSI's ConList.xlsx (optionally gzipped) into one entity per group."""
    name = path.name
    data = read_source(path)
    if not data.strip():
        raise ListFormatError(name, "empty file, expected an OFSI ConList.xlsx workbook")
    refuse_html(data[:512].decode("latin-1"), name)
    check_zip_members(data, name)  # truncation and zip bombs, before openpyxl inflates it
    sheet, rows = _open_xlsx(data, name)
    return build_result(rows, name, unit="row", where=f"sheet {sheet!r}, ")


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, zlib.error, ParseError)


def _open_xlsx(data: bytes, name: str) -> tuple[str, Iterator[tuple[int, list[str | None]]]]:
    """The first sheet's title and its rows as text; OFSI workbooks have one sheet."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (InvalidFileException, IndexError, *_XLSX_ERRORS) as exc:
        raise ListFormatError(name, f"cannot open the workbook: {exc}") from exc

    def rows() -> Iterator[tuple[int, list[str | None]]]:
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v) for v in row]
        except _XLSX_ERRORS as exc:
            raise ListFormatError(
                name, f"sheet {sheet.title!r}: data unreadable (truncated?): {exc}"
            ) from exc
        finally:
            workbook.close()

    return str(sheet.title), rows()
