"""Write docs/user-guide.md, and the README's quickstart output, from real command runs.

Every example is a command run here, in order, against a new store filled from the
bundled snapshot on first use, with its real output; tests/docs/test_user_guide.py
runs them again the same way and checks the output still reads the same, and that
every command of `clearance --help` has a section. Run from the repository root:

    python tools/build_user_guide.py
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

GUIDE = Path("docs/user-guide.md")
README = Path("README.md")
README_START = "<!-- quickstart output: tools/build_user_guide.py writes it -->"
README_END = "<!-- end of quickstart output -->"
README_COMMANDS = ["clearance lists", 'clearance check "Higuision" --activity export']
PASSWORD = "correct horse battery staple"  # the example user's, shown in the guide
PROGRAM = "from clearance.cli.main import app; app(prog_name='clearance')"


@dataclass(frozen=True)
class Example:
    """One command as the guide shows it; `stdin` is piped in (`echo … |`)."""

    command: str
    stdin: str | None = None
    exit_code: int = 0

    @property
    def shown(self) -> str:
        if self.stdin is None:
            return f"$ {self.command}"
        return f"$ echo {shlex.quote(self.stdin)} | {self.command}"


@dataclass(frozen=True)
class Section:
    title: str
    commands: tuple[str, ...]  # the `clearance` commands it documents (as in --help)
    prose: str
    examples: tuple[Example, ...]


SECTIONS: list[Section] = [
    Section(
        "The lists in the store",
        ("lists",),
        "On first use an empty store is filled from the bundled snapshot. `clearance lists` "
        "shows each list's version in force (versions are numbered per list), its date, age, "
        "entity count, the result of the last load or update, and how many parties the "
        "linking rules tie across lists. Lists older than 30 days are flagged (`--stale-days` "
        "or `CLEARANCE_STALE_DAYS` change the age), and so are lists whose publication date is "
        "unknown (files that carry none, loaded without `--published`). `--as-of DATE` shows "
        "the versions in force "
        "then; before the first version there is nothing to screen against, which exits 3.",
        (Example("clearance lists"), Example("clearance lists --as-of 2019-01-01", exit_code=3)),
    ),
    Section(
        "One party in full",
        ("show",),
        "`clearance show ID` prints a record as the source gives it (names, identifiers, "
        "dates, addresses, remarks, the file and line it came from) and every listing the "
        "sources tie to the same party: here OFAC's NS-CMIC record of Hikvision, the CSL's "
        "copy of it, and the Entity List row of BIS. Ids may be written as the store writes "
        "them (`un-sc:QDi.001`) or as the FollowTheMoney export does (`un-sc-QDi.001`).",
        (Example("clearance show ofac-nonsdn:30946"),),
    ),
    Section(
        "Check a name",
        ("check",),
        "`clearance check` finds listed parties behind garbled, reordered or transliterated "
        "names, explains each hit token by token, and with `--activity` gives the verdict for "
        "what you want to do (transact, export, import, invest), citing list, programme, legal "
        "basis and dates. Records of one party on several lists come back as one hit. Every "
        "answer states the threshold it used and the lists it screened against, with their "
        "age; `--near N` adds the N best parties under the threshold, marked as such. Screening "
        "against no list at all (a date before the first version) says so and exits 3.",
        (
            Example("clearance check Higuision --activity export"),
            Example("clearance check Higvision --activity invest --limit 1"),
            Example('clearance check "Путин Владимир Владимирович" --limit 1'),
            Example(
                'clearance check "Maria Gonzalez Muniz" --type person --activity transact --near 3'
            ),
            Example('clearance check "Kim Jong Un" --as-of 2019-01-01', exit_code=3),
        ),
    ),
    Section(
        "Compare two names",
        ("compare",),
        "The same scale as `check` scores; the default threshold is where a name matches.",
        (
            Example('clearance compare "Jon Smith" "John Smith"'),
            Example('clearance compare "George Bush" "George Habbash"'),
        ),
    ),
    Section(
        "Screen a file",
        ("screen",),
        "`clearance screen` reads CSV, TSV, Excel, JSON Lines or Parquet, recognises common "
        "column names (or take `--name-col`, `--country-col` …), keeps every input column and "
        "adds the `screen_*` columns: hit, status, score, party, lists, effect, verdict, "
        "reasons and explanation. A party whose every listing had ended by the screening date "
        "is shown as `formerly listed` and never counted as a hit. The summary goes to stderr; "
        "`--fail-on-hit` exits 1 on any hit, `--resume` continues an interrupted run, "
        "`--report` writes an HTML report.",
        (
            Example(
                "clearance screen docs/examples/customers.csv -o /tmp/customers-screened.csv "
                "--activity export"
            ),
        ),
    ),
    Section(
        "Screen a portfolio",
        ("portfolio",),
        "Holdings are flagged when their ISIN is named by an NS-CMIC listing, or, without an "
        "ISIN, when the issuer name matches a party whose listing restricts investing. "
        "`-o FILE` writes every holding with its result; `--json` prints one JSON document.",
        (Example("clearance portfolio docs/examples/holdings.csv"),),
    ),
    Section(
        "Scan text",
        ("scan",),
        "`clearance scan` finds listed parties mentioned in plain text, HTML, PDF or DOCX, with "
        "their character spans. Here the article of the brief, which spells Hikvision four "
        "ways. A one-word company name the matcher scores under the threshold is accepted "
        "only as a short name, with the reason (`decision: short name`).",
        (Example("clearance scan ../shared/seed/hikvision_sanctions_article.txt"),),
    ),
    Section(
        "Export a list",
        ("export",),
        "`clearance export LIST` writes a list as FollowTheMoney JSON lines (its entities and "
        "their Sanction records) to stdout or `-o FILE`; `clearance load --list ID FILE` reads "
        "such a file back as a list of your own.",
        (Example("clearance export un-sc -o /tmp/un-sc.ftm.json"),),
    ),
    Section(
        "Load official files",
        ("load",),
        "`clearance load FILES` loads local official files, by their published names, as a new "
        "version of their list (`--published` gives the date of OFAC's CSVs, which carry "
        "none). Here OFAC's non-SDN lists of January 2025, in its enhanced XML: older than the "
        "bundled CSVs of December 2025, they become version 2 of ofac-nonsdn, in force for "
        "dates before 2025-12-19. A file that does not parse loads nothing. One load writes "
        "to a store at a time: a second waits and says for whom (`--no-wait`: it gives up).",
        (Example("clearance load ../shared/lists/ofac_nonsdn/2025-01-10/CONS_ENHANCED.ZIP"),),
    ),
    Section(
        "What changed between two versions",
        ("diff",),
        "`clearance diff LIST` compares two versions' facts (names, identifiers, dates, "
        "programmes, listings), names each party, and groups the changes by kind; records that "
        "only moved in the file, or list the same values in another order, are not changes. "
        "`--from`/`--to` take a version number or a date; `--json` gives every change for "
        "scripts. Between these two versions OFAC added RUSSIA-EO14024 to a dozen parties; "
        "the enhanced XML also states legal bases, listing dates and remarks that the CSVs "
        "leave out, which show as changes of those facts.",
        (Example("clearance diff ofac-nonsdn --from 2025-01-10 --to 2025-12-19 --limit 2"),),
    ),
    Section(
        "Update from the official sources",
        ("update",),
        "`clearance update` downloads the official files (or reads them from `--from DIR|URL`), "
        "validates each in full and switches the list's version in one transaction; identical "
        "files change nothing, and a bad file never replaces a good version.",
        (Example("clearance update un-sc --from ../shared/lists/un_sc/2026-02-27"),),
    ),
    Section(
        "Monitor counterparties",
        ("monitor",),
        "`clearance monitor add FILE` keeps counterparties (a column of your own ids, a name, "
        "and optional type, country, birth date); `monitor run` re-screens only what changed "
        "since the last run (list versions or counterparties) and raises alerts; `monitor "
        "webhook` and `monitor deliveries` send them on.",
        (
            Example("clearance monitor add docs/examples/customers.csv --id-col customer_id"),
            Example("clearance monitor run"),
            Example("clearance monitor list"),
        ),
    ),
    Section(
        "Alerts and decisions",
        ("alerts", "decide"),
        "`clearance alerts` lists the alerts of the monitor runs; `clearance decide ID DECISION` "
        "records an analyst's decision (confirmed, false-positive, escalated) with a reason. A "
        "false positive stays silent until the counterparty or the listing changes.",
        (
            Example("clearance alerts"),
            Example(
                'clearance decide 5 false-positive --analyst ana --reason "our supplier is '
                'Huawei Technologies Co., Ltd. (alert 4), not its investment company"'
            ),
        ),
    ),
    Section(
        "The audit trail",
        ("audit",),
        "Every screening, load, update and decision is appended to an audit trail in the "
        "store, each record chained to the one before by an HMAC under a key kept outside the "
        "database ([audit.md](audit.md)). `clearance audit verify` recomputes the chain "
        "(`--against FILE` also checks the signed checkpoints `audit checkpoint --to` writes "
        "elsewhere); `clearance audit export --from --to` writes the records for an examiner "
        "(JSON lines or CSV).",
        (Example("clearance audit verify"),),
    ),
    Section(
        "The HTTP API and its keys",
        ("serve", "keys"),
        "`clearance serve` runs the HTTP API (yente-compatible `/match`, `/check`, `/scan`, "
        "`/screen` jobs, the OpenRefine reconciliation service) and the analysts' web page; "
        "[http-api.md](http-api.md) shows it with real requests. API keys are made with "
        "`clearance keys create` (shown once, stored hashed), listed and revoked with `keys "
        "list` and `keys revoke`.",
        (
            Example("clearance serve --help"),
            Example("clearance keys create --scope read --label openrefine"),
        ),
    ),
    Section(
        "Users of the web page",
        ("users",),
        "The web page signs in its users (analyst or admin) with passwords of 12 characters or "
        "more, asked for at the terminal or read with `--password-stdin`.",
        (
            Example("clearance users create ana --role analyst --password-stdin", stdin=PASSWORD),
            Example("clearance users list"),
        ),
    ),
    Section(
        "Ownership: parties on no list, reached by their owners' listings",
        ("load", "check", "show"),
        "No list names every subsidiary. OFAC blocks entities owned 50 % or more by blocked "
        "persons, the UK and the EU freeze what designated persons own (more than 50 %) or "
        "control, and BIS's Affiliates Rule gives entities 50 % owned by Entity List parties "
        "their owners' licence requirement, while in force (2025-09-29 to 2025-11-09, then "
        "from 2026-11-10 after a one-year suspension: 90 FR 47201, 90 FR 50857). `clearance "
        "load FILE --list ID` takes ownership data as a versioned list of its own: a CSV or "
        "XLSX with `owner,owned,percent,start_date,end_date,source` (percent a number or a "
        "range such as `25-50`), a BODS 0.4 package or FollowTheMoney `Ownership` entities. "
        "Its owners are tied to listed parties by identifier (here Hikvision's ISIN), by "
        "record id, or by name with the matcher's score. The file below names real Hikvision "
        "subsidiaries; **the shares and dates in it are illustrative, not taken from "
        "filings**. HIKMICRO is itself on the Entity List; Hikvision UK is reached through "
        "Hikvision Europe; the 25-50 % of Hikauto only *may* reach 50 %; 40 % of Hikstorage "
        "does not. The Entity List comes from the Consolidated Screening List, so `--list "
        "us-csl --list hikvision-group` screens just the two. A shipment to EZVIZ needed a "
        "licence on 2025-10-15, while the rule was in force; on 2026-03-01, during the "
        "suspension, the rule is set aside and says why. A derived listing never reads as a "
        'government\'s: every reason starts "not listed". `clearance show` gives the owners '
        "and holdings of a party.",
        (
            Example("clearance load docs/examples/hikvision-ownership.csv --list hikvision-group"),
            Example(
                'clearance check "Hangzhou EZVIZ Network Co., Ltd." --activity export '
                "--as-of 2025-10-15 --list us-csl --list hikvision-group --limit 1"
            ),
            Example(
                'clearance check "Hangzhou EZVIZ Network Co., Ltd." --activity export '
                "--as-of 2026-03-01 --list us-csl --list hikvision-group --limit 1"
            ),
            Example(
                'clearance check "Hangzhou Hikauto Technology Co., Ltd." --activity export '
                "--as-of 2025-10-15 --list us-csl --list hikvision-group --limit 1"
            ),
            Example("clearance show hikvision-group:hikvision-uk-limited"),
        ),
    ),
]


def run(example: Example | str, db: str) -> tuple[int, str]:
    """A command in a subprocess, as a user runs it: stdout and stderr, as printed."""
    example = example if isinstance(example, Example) else Example(example)
    args = shlex.split(example.command)
    completed = subprocess.run(
        [sys.executable, "-c", PROGRAM, "--db", db, *args[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # interleaved as a terminal shows them
        text=True,
        input=None if example.stdin is None else example.stdin + "\n",
        # Help wraps as in an 80-column terminal; unbuffered, so the order is kept.
        env={**os.environ, "COLUMNS": "80", "PYTHONUNBUFFERED": "1"},
    )
    return completed.returncode, completed.stdout.rstrip()


def console_block(example: Example, code: int, text: str) -> list[str]:
    lines = ["```console", example.shown, text]
    if code:
        lines.append(f"[exit code {code}]")
    return [*lines, "```", ""]


def write_guide(db: str) -> None:
    out = [
        "# User guide",
        "",
        "Every command of `clearance --help`, with real output: each example below was run,",
        "in this order, on a new store filled from the bundled snapshot",
        "(`python tools/build_user_guide.py` regenerates this page;",
        "`tests/docs/test_user_guide.py` runs the commands again and checks that they still",
        "print what it shows).",
        "Dates, ages and speeds in the output are those of the day it was generated.",
        "",
        "Exit codes: 0 done; 1 a hit with `--fail-on-hit`, or a command failed; 2 bad input;",
        "3 nothing screened (no list version in force); 130 interrupted.",
        "",
    ]
    for section in SECTIONS:
        out += [f"## {section.title}", "", section.prose, ""]
        for example in section.examples:
            code, text = run(example, db)
            if code != example.exit_code:
                raise SystemExit(f"{example.command!r} exited {code}:\n{text}")
            out += console_block(example, code, text)
    GUIDE.write_text("\n".join(out))
    print(f"wrote {GUIDE}")


def write_readme(db: str) -> None:
    """The README's block of what its quickstart prints, on a store like a new user's."""
    outputs = []
    for command in README_COMMANDS:
        code, text = run(command, db)
        if code != 0:
            raise SystemExit(f"{command!r} exited {code}:\n{text}")
        outputs.append(text)
    block = "\n".join([README_START, "```", *outputs, "```", README_END])
    text = README.read_text()
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{README} has no {README_START!r} … {README_END!r} block")
    README.write_text(pattern.sub(lambda _m: block, text))
    print(f"wrote the quickstart output in {README}")


def new_store(folder: str) -> str:
    """A new store, filled from the snapshot by the first-use path (as the tests' is)."""
    db = str(Path(folder) / "clearance.db")
    code, text = run("clearance lists --json", db)
    if code != 0:
        raise SystemExit(f"loading the snapshot failed:\n{text}")
    return db


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        write_readme(str(Path(folder) / "clearance.db"))  # empty: the first use loads it
    with tempfile.TemporaryDirectory() as folder:
        write_guide(new_store(folder))


if __name__ == "__main__":
    main()
