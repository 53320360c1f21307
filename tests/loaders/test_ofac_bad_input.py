"""Bad OFAC files are refused with a ListFormatError that names the file and the spot."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from clearance.loaders.errors import ListFormatError
from clearance.loaders.ofac_advanced_xml import load_ofac_sdn_advanced_xml
from clearance.loaders.ofac_csv import load_ofac_nonsdn_csv, load_ofac_sdn_csv
from clearance.loaders.ofac_enhanced_xml import load_ofac_enhanced_xml

ENHANCED_NS = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"
)


@pytest.fixture(scope="module")
def sdn_bytes(lists_dir: Path) -> bytes:
    return (lists_dir / "ofac_sdn" / "2024-05-03" / "sdn.csv").read_bytes()


@pytest.fixture(scope="module")
def sdn_2021(lists_dir: Path) -> Path:
    return lists_dir / "ofac_sdn" / "2021-07-07" / "sdn.csv"


def test_sdn_cut_mid_row(tmp_path: Path, sdn_bytes: bytes) -> None:
    cut = tmp_path / "sdn.csv"
    cut.write_bytes(sdn_bytes[:200_003])  # ends inside a quoted remark
    with pytest.raises(ListFormatError) as err:
        load_ofac_sdn_csv(cut)
    assert err.value.file == "sdn.csv"
    assert err.value.line == 1214
    assert "end-of-file marker" in str(err.value)


def test_companion_cut_mid_row(tmp_path: Path, lists_dir: Path, sdn_2021: Path) -> None:
    alt = (lists_dir / "ofac_sdn" / "2021-07-07" / "alt.csv").read_bytes()
    inside_quotes = alt.index(b'"', 100_000) + 3
    (tmp_path / "alt.csv").write_bytes(alt[:inside_quotes])
    with pytest.raises(ListFormatError) as err:
        load_ofac_sdn_csv(sdn_2021, tmp_path / "alt.csv")
    assert (err.value.file, err.value.line) == ("alt.csv", 2070)
    assert "unexpected end of data" in str(err.value)
    at_comma = alt.index(b",", 100_000)
    (tmp_path / "alt.csv").write_bytes(alt[:at_comma])
    with pytest.raises(ListFormatError, match="expected 5 columns, found 3") as err:
        load_ofac_sdn_csv(sdn_2021, tmp_path / "alt.csv")
    assert err.value.line == 2070


def test_wrong_column_count(tmp_path: Path, sdn_bytes: bytes) -> None:
    lines = sdn_bytes.split(b"\r\n")
    lines[9] = lines[9].replace(b",-0- ", b"", 1)  # line 10 loses a column
    bad = tmp_path / "sdn.csv"
    bad.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ListFormatError, match="expected 12 columns, found 11") as err:
        load_ofac_sdn_csv(bad)
    assert (err.value.file, err.value.line) == ("sdn.csv", 10)


def test_html_error_page_instead_of_csv(tmp_path: Path) -> None:
    page = tmp_path / "cons_prim.csv"
    page.write_text(
        "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>"
        "<body>The server is busy</body></html>\n"
    )
    with pytest.raises(ListFormatError, match="HTML page") as err:
        load_ofac_nonsdn_csv(page)
    assert (err.value.file, err.value.line) == ("cons_prim.csv", 1)


def test_empty_files(tmp_path: Path, sdn_2021: Path) -> None:
    empty = tmp_path / "sdn.csv"
    empty.write_bytes(b"")
    with pytest.raises(ListFormatError, match="empty file") as err:
        load_ofac_sdn_csv(empty)
    assert err.value.file == "sdn.csv"
    marker_only = tmp_path / "sdn_marker.csv"
    marker_only.write_bytes(b"\x1a")
    with pytest.raises(ListFormatError, match="no records"):
        load_ofac_sdn_csv(marker_only)
    (tmp_path / "add.csv").write_bytes(b"")
    with pytest.raises(ListFormatError, match="empty file") as err:
        load_ofac_sdn_csv(sdn_2021, add=tmp_path / "add.csv")
    assert err.value.file == "add.csv"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (b'36x,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"' + b",-0- " * 8, "ent_num must be a number"),
        (b'999999,"AEROCARIBBEAN","ship","CUBA"' + b",-0- " * 8, "type must be individual"),
        (b'999999,-0- ,-0- ,"CUBA"' + b",-0- " * 8, "has no name"),
        (b'173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA"' + b",-0- " * 8, "repeats the row"),
    ],
)
def test_bad_primary_values(tmp_path: Path, sdn_bytes: bytes, row: bytes, message: str) -> None:
    lines = sdn_bytes.split(b"\r\n")
    lines[2] = row  # line 3
    bad = tmp_path / "sdn.csv"
    bad.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ListFormatError, match=message) as err:
        load_ofac_sdn_csv(bad)
    assert (err.value.file, err.value.line) == ("sdn.csv", 3)


def test_bad_alias_type(tmp_path: Path, sdn_2021: Path) -> None:
    alt = tmp_path / "alt.csv"
    alt.write_bytes(b'36,12,"aka","AERO-CARIBBEAN",-0- \r\n36,13,"xyz","AERO",-0- \r\n\x1a')
    with pytest.raises(ListFormatError, match="alias type must be aka, fka or nka") as err:
        load_ofac_sdn_csv(sdn_2021, alt)
    assert (err.value.file, err.value.line) == ("alt.csv", 2)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE sanctionsData [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<sanctionsData><entities><entity id="1">&xxe;</entity></entities></sanctionsData>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Sanctions><DistinctParties>&lol4;</DistinctParties></Sanctions>
"""


@pytest.mark.parametrize("loader", [load_ofac_enhanced_xml, load_ofac_sdn_advanced_xml])
@pytest.mark.parametrize(("body", "what"), [(XXE, "entities"), (BILLION_LAUGHS, "entities")])
def test_hostile_xml(tmp_path: Path, loader, body: bytes, what: str) -> None:
    path = tmp_path / "hostile.xml"
    path.write_bytes(body)
    with pytest.raises(ListFormatError, match=what) as err:
        loader(path)
    assert err.value.file == "hostile.xml"
    assert "unsafe" in str(err.value)


def test_zip_bomb_instead_of_cons_enhanced(tmp_path: Path) -> None:
    bomb = tmp_path / "CONS_ENHANCED.ZIP"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CONS_ENHANCED.XML", b"0" * (20 * 1024 * 1024))
    bomb.write_bytes(buffer.getvalue())
    assert bomb.stat().st_size < 100_000  # 20 MB squeezed a thousandfold
    with pytest.raises(ListFormatError, match="zip bomb") as err:
        load_ofac_enhanced_xml(bomb)
    assert err.value.file == "CONS_ENHANCED.ZIP"
    assert "CONS_ENHANCED.XML" in str(err.value)


def test_zip_without_xml_member(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    with pytest.raises(ListFormatError, match="no member ending in .xml"):
        load_ofac_enhanced_xml(path)


def enhanced(body: str) -> bytes:
    root = f'<sanctionsData xmlns="{ENHANCED_NS}">{body}</sanctionsData>'
    return f'<?xml version="1.0"?>\n{root}'.encode()


PRIMARY_NAME = (
    "<names><name><isPrimary>true</isPrimary><translations><translation>"
    "<isPrimary>true</isPrimary><formattedFullName>X</formattedFullName>"
    "</translation></translations></name></names>"
)


@pytest.mark.parametrize(
    ("document", "element", "message"),
    [
        (b'<?xml version="1.0"?>\n<sdnList><sdnEntry/></sdnList>', "sdnList", "<sanctionsData>"),
        (enhanced("<publicationInfo/>"), "sanctionsData/entities", "no <entities>"),
        (enhanced("<entities></entities>"), "sanctionsData/entities", "no <entity>"),
        (
            enhanced(
                '<entities>\n<entity id="7"><generalInfo><entityType>Entity</entityType>'
                "</generalInfo><names/></entity></entities>"
            ),
            "entity[@id=7]/names",
            "without a primary name",
        ),
        (
            enhanced(f'<entities>\n<entity id="7">{PRIMARY_NAME}</entity></entities>'),
            "entity[@id=7]/generalInfo/entityType",
            "without an entityType",
        ),
        (
            enhanced(
                '<entities>\n<entity id="x7"><generalInfo><entityType>Entity</entityType>'
                f"</generalInfo>{PRIMARY_NAME}</entity></entities>"
            ),
            "entity[@id=x7]",
            "must be a number",
        ),
    ],
)
def test_enhanced_xml_missing_root_or_elements(
    tmp_path: Path, document: bytes, element: str, message: str
) -> None:
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_bytes(document)
    with pytest.raises(ListFormatError, match=message) as err:
        load_ofac_enhanced_xml(path)
    assert err.value.file == "CONS_ENHANCED.XML"
    assert err.value.element == element
    assert err.value.line is not None


def test_enhanced_xml_not_well_formed(tmp_path: Path, lists_dir: Path) -> None:
    from clearance.loaders.source_files import read_zip_member

    _, data = read_zip_member(
        lists_dir / "ofac_nonsdn" / "2025-01-10" / "CONS_ENHANCED.ZIP", ".xml"
    )
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_bytes(data[: len(data) // 2])  # a download cut in half
    with pytest.raises(ListFormatError, match="not well-formed") as err:
        load_ofac_enhanced_xml(path)
    assert err.value.line is not None and err.value.line > 1000


@pytest.mark.parametrize(
    ("document", "element", "message"),
    [
        (enhanced("<entities/>"), "sanctionsData", "<Sanctions>"),
        (b"<Sanctions><DateOfIssue/></Sanctions>", "Sanctions/DistinctParties", "DistinctParties"),
        (
            b"<Sanctions><DistinctParties>\n<DistinctParty><Profile/></DistinctParty>"
            b"</DistinctParties></Sanctions>",
            "DistinctParty[@FixedRef=?]",
            "FixedRef must be a number",
        ),
        (
            b'<Sanctions><DistinctParties>\n<DistinctParty FixedRef="5"><Profile ID="5">'
            b"<Identity/></Profile></DistinctParty></DistinctParties></Sanctions>",
            "DistinctParty[@FixedRef=5]/Profile/Identity",
            "without a primary name",
        ),
    ],
)
def test_advanced_xml_missing_root_or_elements(
    tmp_path: Path, document: bytes, element: str, message: str
) -> None:
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_bytes(document)
    with pytest.raises(ListFormatError, match=message) as err:
        load_ofac_sdn_advanced_xml(path)
    assert (err.value.file, err.value.element) == ("SDN_ADVANCED.XML", element)
