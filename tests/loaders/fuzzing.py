"""Hostile variants of the real list files, for the loaders' fuzz tests.

Each format is an excerpt of a real official file (a few records, so one case takes
milliseconds), cut from ../shared/lists at the record boundaries the format has, and
read through the registry exactly as `clearance load` reads it. A case applies one
to three mutations (truncation, flipped bytes, inserted, deleted or repeated lines)
to one of the files. The only acceptable outcomes are a valid load or a
`ListFormatError` that names the file: never another exception, never a hang.

tests/loaders/test_loader_fuzz.py runs a few hundred cases per format; the longer
run is `python bench/fuzz_loaders.py`.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from clearance.loaders.errors import ListFormatError
from clearance.loaders.registry import load_list_files

Mutation = tuple[str, float, int, bytes]  # (kind, where 0..1, a byte or count, inserted bytes)


@dataclass(frozen=True)
class FuzzFormat:
    """One format's excerpt: its files by role, as (published file name, bytes)."""

    name: str
    list_id: str
    files: dict[str, tuple[str, bytes]]
    # Turn (possibly mutated) inner bytes into the file's bytes (e.g. zip them); None: as is.
    pack: Callable[[bytes], bytes] | None = None

    @property
    def targets(self) -> list[str]:
        """What a case may mutate: a file by role, or for a packed format its inner
        document ("enhanced") or the archive's own bytes ("enhanced:packed")."""
        roles = sorted(self.files)
        return roles + [f"{r}:packed" for r in roles] if self.pack else roles


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def mutations() -> st.SearchStrategy[list[Mutation]]:
    """One to three edits of a file: where, by a fraction of its length or lines."""
    edit = st.tuples(
        st.sampled_from(["truncate", "flip", "insert", "delete", "repeat", "swap"]),
        st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
        st.integers(min_value=1, max_value=255),
        st.one_of(
            st.binary(max_size=40),
            st.sampled_from([b",,,,", b'"', b"\t\t", b"<x>", b"</", b"\x00", b"{", b"\xff\xfe"]),
        ),
    )
    return st.lists(edit, min_size=1, max_size=3)


def mutate(data: bytes, edits: list[Mutation]) -> bytes:
    for kind, where, count, extra in edits:
        if kind == "truncate":
            data = data[: int(len(data) * where)]
        elif kind == "flip" and data:
            at = min(int(len(data) * where), len(data) - 1)
            data = data[:at] + bytes([data[at] ^ count]) + data[at + 1 :]
        else:
            lines = _lines(data)
            at = min(int(len(lines) * where), max(0, len(lines) - 1))
            if kind == "insert":
                lines.insert(at, extra + b"\r\n")
            elif kind == "delete" and lines:
                del lines[at]
            elif kind == "repeat" and lines:
                lines[at:at] = [lines[at]] * (1 + count % 3)
            elif kind == "swap" and len(lines) > 1:
                other = (at + count) % len(lines)
                lines[at], lines[other] = lines[other], lines[at]
            data = b"".join(lines)
    return data


def outcome(fmt: FuzzFormat, target: str, edits: list[Mutation], folder: Path) -> str:
    """Load the excerpt with `target` mutated: "loaded" or "refused", else raise."""
    paths: dict[str, Path] = {}
    for file_role, (name, data) in fmt.files.items():
        if target == file_role:
            data = mutate(data, edits)
        if fmt.pack is not None:
            data = fmt.pack(data)
        if target == f"{file_role}:packed":
            data = mutate(data, edits)
        path = folder / name
        path.write_bytes(data)
        paths[file_role] = path
    try:
        result = load_list_files(fmt.list_id, paths)
    except ListFormatError as exc:
        named = [name for name, _ in fmt.files.values()] + [fmt.list_id]
        assert any(str(exc).startswith(n) for n in named), f"error names no file: {exc}"
        return "refused"
    assert result.list_id == fmt.list_id
    for entity in result.entities:  # what the store will do with each record
        assert entity.id.startswith(f"{fmt.list_id}:"), entity.id
        entity.to_json()
    return "loaded"


def _zip(name: str) -> Callable[[bytes], bytes]:
    def pack(data: bytes) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name, data)
        return buffer.getvalue()

    return pack


def _xml_excerpt(data: bytes, keep: Callable[[etree._Element], bool]) -> bytes:
    """The document with only the elements `keep` says yes to (a few records)."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    for element in list(root.iter()):
        parent = element.getparent()
        if parent is not None and not keep(element):
            parent.remove(element)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _first_of_each(tags: set[str], per_tag: int) -> Callable[[etree._Element], bool]:
    seen: dict[str, int] = {}

    def keep(element: etree._Element) -> bool:
        tag = etree.QName(element).localname
        if tag not in tags:
            return True
        seen[tag] = seen.get(tag, 0) + 1
        return seen[tag] <= per_tag

    return keep


def _ofac_csv_set(folder: Path, names: dict[str, str], records: int) -> dict[str, tuple]:
    """The first `records` entries of an OFAC CSV set, with their aliases, addresses and
    comments (joined on ent_num), each file ending with OFAC's Ctrl-Z line."""
    main_role = next(iter(names))
    main = (folder / names[main_role]).read_bytes().split(b"\x1a")[0]
    kept = _lines(main)[:records]
    numbers = {line.split(b",", 1)[0] for line in kept}
    files = {main_role: (names[main_role].upper(), b"".join(kept) + b"\x1a")}
    for role, name in list(names.items())[1:]:
        body = (folder / name).read_bytes().split(b"\x1a")[0]
        rows = [line for line in _lines(body) if line.split(b",", 1)[0] in numbers]
        files[role] = (name.upper(), b"".join(rows[:30]) + b"\x1a")
    return files


SHEET = "xl/worksheets/sheet1.xml"


def _workbook_packer(workbook: bytes) -> Callable[[bytes], bytes]:
    """Put a (mutated) first sheet back into the workbook it came from."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}

    def pack(sheet: bytes) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, sheet if name == SHEET else data)
        return buffer.getvalue()

    return pack


def _xlsx_excerpt(path: Path, rows: int) -> bytes:
    from openpyxl import Workbook, load_workbook

    source = load_workbook(path, read_only=True)
    sheet = source.worksheets[0]
    book = Workbook()
    target = book.active
    target.title = sheet.title
    for row in sheet.iter_rows(max_row=rows, values_only=True):
        target.append(list(row))
    source.close()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_head(data: bytes, records: int) -> bytes:
    """The header and the first records of a CSV, cut at record (not line) boundaries."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    for _ in range(records + 1):
        next(reader)
    cut = sum(len(line) for line in text.splitlines(keepends=True)[: reader.line_num])
    return text[:cut].encode("utf-8")


def whole_formats(lists: Path, fixtures: Path) -> list[FuzzFormat]:
    """The same formats as whole real files (slower: seconds a case, for bench/)."""
    import gzip

    sdn = lists / "ofac_sdn/2021-07-07"
    nonsdn = lists / "ofac_nonsdn/2025-12-19"
    with zipfile.ZipFile(lists / "ofac_nonsdn/2025-01-10/CONS_ENHANCED.ZIP") as archive:
        enhanced = archive.read("CONS_ENHANCED.XML")
    workbook = (lists / "uk_ofsi/2025-04-14/ConList.xlsx").read_bytes()
    excerpts = {f.name: f for f in fuzz_formats(lists, fixtures)}

    def whole(name: str, files: dict[str, tuple[str, bytes]], **kw: Any) -> FuzzFormat:
        return FuzzFormat(name, excerpts[name].list_id, files, **kw)

    def set_of(folder: Path, names: dict[str, str]) -> dict[str, tuple[str, bytes]]:
        return {role: (name.upper(), (folder / name).read_bytes()) for role, name in names.items()}

    csl = gzip.decompress((lists / "us_csl/2022-05-16/consolidated.csv.gz").read_bytes())
    return [
        whole(
            "ofac-sdn-csv",
            set_of(
                sdn,
                {
                    "sdn": "sdn.csv",
                    "alt": "alt.csv",
                    "add": "add.csv",
                    "comments": "sdn_comments.csv",
                },
            ),
        ),
        whole(
            "ofac-nonsdn-csv",
            set_of(
                nonsdn,
                {
                    "prim": "cons_prim.csv",
                    "alt": "cons_alt.csv",
                    "add": "cons_add.csv",
                    "comments": "cons_comments.csv",
                },
            ),
        ),
        excerpts["ofac-advanced-xml"],  # the sample is the whole file
        whole(
            "ofac-enhanced-zip",
            {"enhanced": ("CONS_ENHANCED.ZIP", enhanced)},
            pack=_zip("CONS_ENHANCED.XML"),
        ),
        whole("us-csl-csv", {"csl": ("consolidated.csv", csl)}),
        excerpts["us-csl-json"],
        whole("bis-dpl", {"dpl": ("dpl.txt", (lists / "bis_dpl/2023-11-30/dpl.txt").read_bytes())}),
        whole(
            "un-sc-xml",
            {
                "xml": (
                    "consolidated.xml",
                    (lists / "un_sc/2026-02-27/consolidated.xml").read_bytes(),
                )
            },
        ),
        whole(
            "uk-ofsi-csv",
            {"conlist": ("ConList.csv", (fixtures / "uk_ofsi/ConList_sample.csv").read_bytes())},
        ),
        whole(
            "uk-ofsi-xlsx",
            {"conlist": ("ConList.xlsx", zipfile.ZipFile(io.BytesIO(workbook)).read(SHEET))},
            pack=_workbook_packer(workbook),
        ),
        whole(
            "eu-fsf-xml",
            {
                "xml": (
                    "xmlFullSanctionsList_1_1.xml",
                    (fixtures / "eu_fsf/xmlFullSanctionsList_1_1.xml").read_bytes(),
                )
            },
        ),
        whole(
            "ftm-json",
            {
                "json": (
                    "entities.ftm.json",
                    (lists / "ftm_samples/yente_zala_entities.ftm.json").read_bytes(),
                )
            },
        ),
    ]


def fuzz_formats(lists: Path, fixtures: Path) -> list[FuzzFormat]:
    """Every loader's format, as an excerpt of a real file."""
    from tests.loaders.test_us_csl import JSON_FIXTURE

    un_keep = _first_of_each({"INDIVIDUAL", "ENTITY"}, 4)
    workbook = _xlsx_excerpt(lists / "uk_ofsi/2025-04-14/ConList.xlsx", 14)
    with zipfile.ZipFile(lists / "ofac_nonsdn/2025-01-10/CONS_ENHANCED.ZIP") as archive:
        enhanced = _enhanced_excerpt(archive.read("CONS_ENHANCED.XML"))
    return [
        FuzzFormat(
            "ofac-sdn-csv",
            "ofac-sdn",
            _ofac_csv_set(
                lists / "ofac_sdn/2021-07-07",
                {"sdn": "sdn.csv", "alt": "alt.csv", "add": "add.csv"},
                12,
            ),
        ),
        FuzzFormat(
            "ofac-nonsdn-csv",
            "ofac-nonsdn",
            _ofac_csv_set(
                lists / "ofac_nonsdn/2025-12-19",
                {"prim": "cons_prim.csv", "alt": "cons_alt.csv", "add": "cons_add.csv"},
                12,
            ),
        ),
        FuzzFormat(
            "ofac-advanced-xml",
            "ofac-sdn",
            {
                "advanced": (
                    "SDN_ADVANCED.XML",
                    (lists / "ofac_sdn/format-samples/sample_sdn_advanced.xml").read_bytes(),
                )
            },
        ),
        FuzzFormat(
            "ofac-enhanced-zip",
            "ofac-nonsdn",
            {"enhanced": ("CONS_ENHANCED.ZIP", enhanced)},
            pack=_zip("CONS_ENHANCED.XML"),
        ),
        FuzzFormat(
            "us-csl-csv",
            "us-csl",
            {
                "csl": (
                    "consolidated.csv",
                    _csv_head(
                        (
                            lists / "us_csl/format-samples/consolidated_2025-06-25_excerpt.csv"
                        ).read_bytes(),
                        8,
                    ),
                )
            },
        ),
        FuzzFormat(
            "us-csl-json",
            "us-csl",
            {"csl": ("consolidated.json", json.dumps(JSON_FIXTURE, indent=1).encode())},
        ),
        FuzzFormat(
            "bis-dpl",
            "bis-dpl",
            {
                "dpl": (
                    "dpl.txt",
                    b"".join(_lines((lists / "bis_dpl/2023-11-30/dpl.txt").read_bytes())[:16]),
                )
            },
        ),
        FuzzFormat(
            "un-sc-xml",
            "un-sc",
            {
                "xml": (
                    "consolidated.xml",
                    _xml_excerpt(
                        (lists / "un_sc/2026-02-27/consolidated.xml").read_bytes(), un_keep
                    ),
                )
            },
        ),
        FuzzFormat(
            "uk-ofsi-csv",
            "uk-ofsi",
            {
                "conlist": (
                    "ConList.csv",
                    _csv_head((fixtures / "uk_ofsi/ConList_sample.csv").read_bytes(), 10),
                )
            },
        ),
        FuzzFormat(
            "uk-ofsi-xlsx",
            "uk-ofsi",
            {"conlist": ("ConList.xlsx", zipfile.ZipFile(io.BytesIO(workbook)).read(SHEET))},
            pack=_workbook_packer(workbook),
        ),
        FuzzFormat(
            "eu-fsf-xml",
            "eu-fsf",
            {
                "xml": (
                    "xmlFullSanctionsList_1_1.xml",
                    _xml_excerpt(
                        (fixtures / "eu_fsf/xmlFullSanctionsList_1_1.xml").read_bytes(),
                        _first_of_each({"sanctionEntity"}, 4),
                    ),
                )
            },
        ),
        FuzzFormat(
            "ftm-json",
            "my-list",
            {
                "json": (
                    "entities.ftm.json",
                    (lists / "ftm_samples/yente_t1_entities.ftm.json").read_bytes(),
                )
            },
        ),
    ]


def _enhanced_excerpt(data: bytes) -> bytes:
    """OFAC's enhanced XML with its first entities and only the reference values they use
    (the whole table of reference values is most of the file)."""
    kept = etree.fromstring(_xml_excerpt(data, _first_of_each({"entity"}, 5)))
    entities = b"".join(etree.tostring(e) for e in kept.iter("{*}entities"))
    for value in list(kept.iter("{*}referenceValue")):
        code = value.get("refId", "")
        used = f'"{code}"'.encode() in entities or f">{code}<".encode() in entities
        if not used and (value.findtext("{*}type") or "") != "SCRIPT":
            value.getparent().remove(value)
    return bytes(etree.tostring(kept, xml_declaration=True, encoding="UTF-8"))
