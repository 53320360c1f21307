"""Hostile bytes: decompression is bounded by what is inflated, not by what headers
claim; a file of another format is named as such; and `clearance load` answers a corrupt
archive in one line, never a traceback, the store untouched."""

from __future__ import annotations

import gzip
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clearance.loaders.errors import ListFormatError
from clearance.loaders.registry import load_list_files
from clearance.loaders.source_files import INFLATE_CHUNK, MAX_UNZIPPED_BYTES, RATIO_FREE_BYTES
from tests.loaders.hostile_files import MIB, lying_zip


def _bytes_inflated(message: str) -> int:
    found = re.search(r"\(([\d,]+) bytes from", message)
    assert found, message
    return int(found[1].replace(",", ""))


def test_a_gzip_bomb_is_refused_after_a_few_mebibytes(tmp_path: Path) -> None:
    bomb = tmp_path / "consolidated.xml.gz"
    with gzip.open(bomb, "wb") as out:
        for _ in range(64):  # 64 MiB of zeros in 64 KB of gzip
            out.write(bytes(MIB))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ListFormatError, match="decompression bomb") as err:
        load_list_files("un-sc", {"xml": bomb})
    assert err.value.file == "consolidated.xml.gz"
    # Refused as the ratio passed 100 just beyond the free allowance, not at the end.
    assert _bytes_inflated(str(err.value)) <= RATIO_FREE_BYTES + 16 * MIB


def test_a_zip_whose_header_lies_about_its_member_is_refused_early(tmp_path: Path) -> None:
    # 100 MiB of zeros in about 100 KB, announced as 9 MiB: the header's ratio (about 90)
    # passes, but the running count sees a thousandfold ratio and stops.
    archive = tmp_path / "CONS_ENHANCED.ZIP"
    archive.write_bytes(lying_zip("CONS_ENHANCED.XML", 100 * MIB, 9 * MIB))
    with pytest.raises(ListFormatError) as err:
        load_list_files("ofac-nonsdn", {"enhanced": archive})
    message = str(err.value)
    assert message.startswith("CONS_ENHANCED.ZIP: member CONS_ENHANCED.XML")
    assert "decompression bomb" in message
    assert _bytes_inflated(message) <= RATIO_FREE_BYTES + INFLATE_CHUNK


def test_a_workbook_with_a_bomb_for_a_sheet_is_refused(tmp_path: Path) -> None:
    workbook = tmp_path / "ConList.xlsx"
    workbook.write_bytes(lying_zip("xl/worksheets/sheet1.xml", 100 * MIB, 9 * MIB))
    with pytest.raises(ListFormatError, match="decompression bomb") as err:
        load_list_files("uk-ofsi", {"conlist": workbook})
    assert str(err.value).startswith("ConList.xlsx: part xl/worksheets/sheet1.xml inflates")


def test_a_file_larger_than_any_list_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "consolidated.xml"
    with huge.open("wb") as out:  # sparse: nothing is written, nothing may be read
        out.truncate(MAX_UNZIPPED_BYTES + 1)
    with pytest.raises(ListFormatError, match="larger than any list"):
        load_list_files("un-sc", {"xml": huge})


def test_an_sdn_csv_with_other_columns_is_not_called_truncated(
    tmp_path: Path, lists_dir: Path
) -> None:
    csl = gzip.decompress((lists_dir / "us_csl/2022-05-16/consolidated.csv.gz").read_bytes())
    wrong = tmp_path / "SDN.CSV"
    wrong.write_bytes(csl[:200_000])
    with pytest.raises(ListFormatError) as err:
        load_list_files("ofac-sdn", {"sdn": wrong})
    assert (err.value.file, err.value.line) == ("SDN.CSV", 1)
    assert "expected 12 columns, found 29" in str(err.value)
    assert "truncated" not in str(err.value)


def test_load_of_a_corrupt_zip_is_one_line_and_keeps_the_store(
    tmp_path: Path, lists_dir: Path
) -> None:
    good = lists_dir / "ofac_nonsdn/2025-01-10/CONS_ENHANCED.ZIP"
    data = bytearray(good.read_bytes())
    chance = random.Random(18)
    for _ in range(10):  # ten flipped bytes inside the compressed member
        data[chance.randrange(200, len(data) - 400)] ^= 0xFF
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "CONS_ENHANCED.ZIP").write_bytes(bytes(data))
    db = str(tmp_path / "store.db")

    def load(path: Path) -> subprocess.CompletedProcess[str]:
        program = "from clearance.cli.main import app; app()"
        command = [sys.executable, "-c", program, "--db", db, "load", str(path)]
        return subprocess.run(command, capture_output=True, text=True, timeout=300)

    assert load(good).returncode == 0
    bad = load(folder / "CONS_ENHANCED.ZIP")
    assert bad.returncode == 1, bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout
    lines = [line for line in bad.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "CONS_ENHANCED.ZIP" in lines[0], bad.stderr
    assert re.search(r"CRC|corrupt|invalid", lines[0]), lines[0]
    from clearance.store import ListStore

    (version,) = ListStore.open(db).versions("ofac-nonsdn")  # the good one, alone
    assert version.entity_count == 443
