"""Free-text scanning on the seed article (text, HTML, PDF, DOCX) and on ordinary prose."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from clearance.workflows.documents import DocumentError, document_text, read_document
from clearance.workflows.scan import scan_text
from tests.workflows.conftest import SEED_ARTICLE, run_cli

SPELLINGS = {"Hikvision", "Higuision", "Higvision"}


@pytest.fixture(scope="module")
def article() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_result(screener: Any, store: Any, article: str) -> Any:
    return scan_text(screener, article, store=store)


def ordinary_prose(words: int) -> str:
    """Python's own reference documentation (shipped with the interpreter): English prose
    that names no listed party. Code examples are dropped."""
    import pydoc_data.topics

    paragraphs = []
    for topic in pydoc_data.topics.topics.values():
        for block in re.split(r"\n\s*\n", topic):
            lines = block.split("\n")
            if any(line.startswith("   ") for line in lines) or len(block.split()) < 8:
                continue
            paragraphs.append(" ".join(line.strip() for line in lines))
    text = "\n\n".join(paragraphs).split()
    return " ".join(text[:words])


def test_seed_article_finds_every_hikvision_spelling_and_huawei(
    seed_result: Any, article: str
) -> None:
    mentions = seed_result.mentions
    for m in mentions:
        assert article[m.start : m.end] == m.text  # spans point at the text as written
    hikvision = [m for m in mentions if "HIKVISION" in m.name.upper()]
    assert {m.text for m in hikvision if m.decision == "match"} == SPELLINGS
    every = {m.start for m in hikvision}
    for spelling in SPELLINGS:  # each occurrence in the article, possessives included
        for found in re.finditer(spelling, article):
            assert found.start() in every, f"{spelling} at {found.start()} missed"
    huawei = [m for m in mentions if "HUAWEI" in m.name.upper()]
    assert len(huawei) == article.count("Huawei")
    assert {m.entity_id.split(":")[0] for m in mentions} <= {"ofac-nonsdn", "us-csl"}
    hik = hikvision[0]
    assert "ofac-nonsdn/CMIC" in hik.lists and "us-csl/EL" in hik.lists
    assert {"investment_ban", "export_licence_required"} <= set(hik.effects)
    assert not [m for m in mentions if m not in hikvision and m not in huawei]


def test_higgins_is_a_probable_hikvision_mention_with_reasons(
    seed_result: Any, article: str
) -> None:
    higgins = [m for m in seed_result.mentions if m.text == "Higgins"]
    assert len(higgins) == 1
    mention = higgins[0]
    assert mention.decision == "probable"
    assert article[mention.start : mention.end + 1] == "Higgins’"
    assert "HIKVISION" in mention.name
    reasons = " ".join(mention.explanation)
    assert "resembles" in reasons and "confirmed in this text" in reasons
    assert "cameras" in reasons  # the context it shares with the confirmed mentions
    assert mention.explanation[-1] == "accepted as a probable mention"


def test_higgins_alone_or_as_a_person_is_not_hikvision(screener: Any, store: Any) -> None:
    alone = scan_text(screener, "Higgins’ cameras were sold in Leeds last year.", store=store)
    assert alone.mentions == []
    person = scan_text(
        screener,
        "Higvision sells cameras. A rival was founded by John Higgins, whose cameras sell well.",
        store=store,
    )
    assert [m.text for m in person.mentions] == ["Higvision"]
    refused = [c for c in person.considered if c.text == "Higgins"]
    assert refused and "reads as a person's name" in " ".join(refused[0].reasons)


def test_prose_rules_refuse_name_field_hits_with_reasons(screener: Any) -> None:
    from clearance.workflows.scan_rules import refuse_match

    cases = [  # (span, words, expected reason): real hits from the matcher, low threshold
        ("China", 1, "is a place name"),
        ("Washington", 1, "is a place name"),
        ("Hong Kong", 2, "is a place name"),
        ("News Agency", 2, "is everyday English and leaves out"),
        # "SEP" from "SAFETY EQUIPMENT PROCUREMENT (SEP)": Python's docs write SEP too
        ("SEP", 1, "short form the list gives only in brackets"),
    ]
    for span, size, reason in cases:
        hits = screener.check(span, threshold=0.5, limit=1)
        assert hits, span
        why = refuse_match(span, size, hits[0])
        assert why is not None and reason in why, (span, hits[0].matched_name, why)
    hikvision = screener.check("Hikvision", limit=1)[0]
    assert refuse_match("Hikvision", 1, hikvision) is None
    assert "part of a longer name" in str(
        refuse_match("Hikvision", 1, hikvision, ("Kowalczyk",), "Kowalczyk Hikvision")
    )


def test_ordinary_prose_does_not_flood(screener: Any, store: Any) -> None:
    text = ordinary_prose(10_000)
    result = scan_text(screener, text, store=store)
    assert result.words >= 9_000
    per_10k = len(result.mentions) / result.words * 10_000
    assert per_10k <= 2, [(m.text, m.name) for m in result.mentions]


def test_activity_and_as_of_reach_the_verdict(screener: Any, store: Any) -> None:
    from datetime import date

    text = "Shares of Hikvision fell."
    invest = scan_text(screener, text, activity="invest", store=store).mentions[0]
    assert invest.verdict == "PROHIBITED"
    before = scan_text(screener, text, activity="invest", as_of=date(2021, 1, 1), store=store)
    assert before.mentions[0].verdict != "PROHIBITED"  # NS-CMIC listing came in June 2021


def _html(article: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in article.split("\n\n"))
    return (
        "<!DOCTYPE html><html><head><title>News</title><style>p{color:red}</style>"
        f"<script>var Huawei = 1;</script></head><body>{paragraphs}</body></html>"
    ).encode()


def _docx(article: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in article.split("\n\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf(article: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    latin1 = article.replace("’", "'").replace("“", '"').replace("”", '"').replace("–", "-")
    pdf.multi_cell(0, 5, latin1)
    return bytes(pdf.output())


@pytest.mark.parametrize("kind", ["html", "docx", "pdf"])
def test_documents_give_the_same_parties(
    screener: Any, store: Any, article: str, seed_result: Any, kind: str, tmp_path: Path
) -> None:
    data = {"html": _html, "docx": _docx, "pdf": _pdf}[kind](article)
    path = tmp_path / f"article.{kind}"
    path.write_bytes(data)
    text = read_document(path)
    assert "var Huawei" not in text and "color:red" not in text
    result = scan_text(screener, text, store=store)
    found = {(m.text, m.entity_id) for m in result.mentions if m.decision == "match"}
    expected = {(m.text, m.entity_id) for m in seed_result.mentions if m.decision == "match"}
    assert found == expected


def test_unreadable_documents(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="missing.pdf: no such file"):
        read_document(tmp_path / "missing.pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not a pdf")
    with pytest.raises(DocumentError, match="broken.pdf: "):
        read_document(broken)
    with pytest.raises(DocumentError, match="not a readable DOCX"):
        document_text(b"PK\x03\x04 not really a zip", "memo.docx")
    assert document_text("Caf\xe9 Hikvision".encode("cp1252"), "old.txt") == "Café Hikvision"


def test_cli_scan_stdin_json_and_explain(workflow_env: dict[str, str], article: str) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "from clearance.cli.main import app; app()", "scan", "-", "--json"],
        input=article,
        env=workflow_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {m["text"] for m in data["mentions"]} >= SPELLINGS | {"Huawei", "Higgins"}
    # Audited: who scanned which text (by its hash) against which versions, and what it found.
    from clearance.audit import records
    from clearance.store import ListStore

    scanned = [
        r
        for r in records(ListStore.open(workflow_env["CLEARANCE_DB"]).engine)
        if r.action == "screening.scan"
    ][-1]
    assert scanned.actor.startswith("cli:") and scanned.payload["source"] == "-"
    assert scanned.payload["text_sha256"] == hashlib.sha256(article.encode()).hexdigest()
    assert {m["entity_id"] for m in scanned.payload["mentions"]} == {
        m["entity_id"] for m in data["mentions"]
    }
    assert scanned.payload["versions"] and "Hikvision" not in json.dumps(scanned.payload)
    assert all(
        {"text", "start", "end", "entity_id", "name", "score", "effects"} <= set(m)
        for m in data["mentions"]
    )
    shown = run_cli(workflow_env, "scan", str(SEED_ARTICLE), "--explain", "--fail-on-hit")
    assert shown.returncode == 1
    assert "probable" in shown.stdout and "Considered and refused" in shown.stdout
    missing = run_cli(workflow_env, "scan", "nope.docx")
    assert missing.returncode == 2 and "nope.docx: no such file" in missing.stderr


def test_word_lists_are_read_once_then_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clearance.workflows.scan_rules import cached_word_list

    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path))
    reads: list[int] = []

    def read() -> frozenset[str]:
        reads.append(1)
        return frozenset({"buenos aires", "washington"})

    first = cached_word_list("places", ("pycountry",), read)
    again = cached_word_list("places", ("pycountry",), read)
    assert first == again == frozenset({"buenos aires", "washington"}) and len(reads) == 1
    (cached,) = (tmp_path / "word-lists").glob("places-*.pkl")
    cached.write_bytes(b"\x80\x05damaged")  # a damaged file is read again, not trusted
    assert cached_word_list("places", ("pycountry",), read) == first and len(reads) == 2
    # Another version of the package the list comes from is another file.
    assert cached_word_list("places", ("pycountry", "no-such-package"), read) == first
    assert len(reads) == 3 and len(list((tmp_path / "word-lists").glob("places-*.pkl"))) == 2


def test_a_mention_under_the_threshold_says_why_and_the_tags_stay(
    screener: Any, store: Any, workflow_env: dict[str, str], tmp_path: Path
) -> None:
    """One threshold, `check`'s, stated in the scan; a one-word company name accepted
    under it (`short_name_of`) says so and why. The fitted scorer finds "Huawei" at the
    threshold (the old one did not: issue 16's two thresholds)."""
    from clearance.matching import DEFAULT_THRESHOLD

    text = "Huawei sold routers to the ministry; Huawei Technologies Co Ltd denied it."
    result = scan_text(screener, text, store=store)
    assert result.threshold == DEFAULT_THRESHOLD
    short = [m for m in result.mentions if m.text == "Huawei"]
    assert short and all(m.score >= DEFAULT_THRESHOLD for m in short)
    assert screener.check("Huawei")  # check and scan agree on the one word
    assert all(m.decision == "match" for m in result.mentions if m.score >= DEFAULT_THRESHOLD)
    for m in result.mentions:
        if m.decision == "short name":
            assert m.score < DEFAULT_THRESHOLD
            assert f"accepted under the threshold {DEFAULT_THRESHOLD:.2f}" in m.explanation[-1]
    source = tmp_path / "note.txt"
    source.write_text(text, encoding="utf-8")
    shown = run_cli(workflow_env, "scan", str(source))
    assert shown.returncode == 0, shown.stderr
    assert f"threshold {DEFAULT_THRESHOLD:.2f}" in shown.stdout
    assert "HUAWEI TECHNOLOGIES" in shown.stdout.upper()
    # The reasons keep the [list/sub-list] tag (once read as markup and dropped), and
    # the party's several Entity List listings are one reason, not one each.
    assert "Entity List (BIS) [us-csl/EL]" in shown.stdout
    assert "Entity List (BIS) , since" not in shown.stdout
    assert shown.stdout.count("CAUTION: Entity List (BIS) [us-csl/EL]") == 1
    assert "3 such listings on us-csl/EL" in shown.stdout
    document = result.to_dict()  # what --json prints, with the lists used added
    assert document["threshold"] == DEFAULT_THRESHOLD
    assert {m["decision"] for m in document["mentions"]} >= {"match"}


def test_a_company_is_called_by_its_one_distinctive_word(screener: Any) -> None:
    """The rule that lets scan accept one word under the threshold: the word must be the
    whole distinctive part of a company's listed name, never of a person's."""
    from clearance.workflows.scan_rules import short_name_of

    hit = next(
        h for h in screener.check("Huawei", threshold=0.01) if "TECHNOLOGIES" in h.matched_name
    )
    why = short_name_of("Huawei", hit)
    assert why is not None and "one distinctive word of" in why and "technology" in why
    assert short_name_of("Routers", hit) is None
    putin = screener.check("Putin", threshold=0.01)
    assert putin and all(short_name_of("Putin", h) is None for h in putin)
