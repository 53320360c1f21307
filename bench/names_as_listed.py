"""Names as listed: does every listed name, spelled as the source spells it, find its party?

    python bench/names_as_listed.py [--list ID] [--sample N] [--workers N] [--write-docs]

Prints, per list, how many names each rule of `loaders/name_fields.py` took out of
packed name fields, then the "exactly as listed" recall: every primary name and
alias of every entity (the fields as listed and the names derived from them) is
checked by name alone with `Screener.check(name, limit=50)` at the default
threshold, and counts as found when a hit is that entity or a record of the same
party (records tied by the keys the store uses: OFAC and UN references, person
name and birth year, organisation name and country). The misses are printed by
list, with examples. The index is built from the loaders' output on every run,
never taken from a cache, so it always holds the names this code derives.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.all_lists import load_all_entities  # noqa: E402
from bench.report import write_subsection  # noqa: E402
from clearance.matching import MatchIndex, Screener  # noqa: E402
from clearance.model import Entity, NameDerivation, NameKind  # noqa: E402
from clearance.store.party_keys import party_keys  # noqa: E402

CHECKED_KINDS = (NameKind.PRIMARY, NameKind.ALIAS)
EXAMPLES = 8


def parties(entities: list[Entity]) -> list[int]:
    """Party number of each entity: records sharing a party key are one party."""
    parent = list(range(len(entities)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, entity in enumerate(entities):
        for key in party_keys(entity):
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    return [root(i) for i in range(len(entities))]


def derivation_table(entities: list[Entity], lists: list[str]) -> str:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for entity in entities:
        for name in entity.names:
            counts[entity.list_id]["names"] += 1
            if name.derived:
                counts[entity.list_id][name.derived] += 1
                counts[entity.list_id]["derived"] += 1
    columns = [d.value for d in NameDerivation]
    used = [c for c in columns if any(counts[lst][c] for lst in lists)]
    head = ["list", "names", "derived", *[c.replace("_", " ") for c in used]]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for lst in [*lists, "all"]:
        row = counts[lst] if lst != "all" else sum(counts.values(), Counter())
        cells = [lst, f"{row['names']:,}", f"{row['derived']:,}", *[f"{row[c]:,}" for c in used]]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="append", dest="lists", help="only this list (repeat)")
    parser.add_argument("--sample", type=int, help="check N names drawn at random (seed 13)")
    parser.add_argument("--workers", type=int, default=1, help="processes for the checks")
    parser.add_argument("--write-docs", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()

    start = time.perf_counter()
    everything = load_all_entities()  # the index holds every list: a name may hit another
    loaded = time.perf_counter() - start
    screener = Screener(MatchIndex.build(everything))
    built = time.perf_counter() - start - loaded
    party = parties(everything)
    lists = sorted({e.list_id for e in everything if not args.lists or e.list_id in args.lists})
    print(f"loaded {len(everything):,} entities in {loaded:.0f} s, index built in {built:.0f} s")
    table = derivation_table(everything, lists)
    print("\nNames taken out of packed fields, by rule:\n")
    print(table)

    queries = [
        (i, name.value, name.derived)
        for i, entity in enumerate(everything)
        if entity.list_id in lists
        for name in entity.names
        if name.kind in CHECKED_KINDS
    ]
    total = len(queries)
    if args.sample and args.sample < total:
        queries = random.Random(13).sample(queries, args.sample)
    start = time.perf_counter()
    results = screener.check_many(
        [{"name": q[1], "limit": 50} for q in queries], workers=args.workers
    )
    took = time.perf_counter() - start
    found: dict[str, Counter[str]] = defaultdict(Counter)
    misses: dict[str, list[str]] = defaultdict(list)
    index_of = {e.id: i for i, e in enumerate(everything)}
    for (e_idx, value, derived), hits in zip(queries, results, strict=True):
        entity = everything[e_idx]
        side = "derived" if derived else "as listed"
        found[entity.list_id][f"{side} checked"] += 1
        if any(party[index_of[h.entity_id]] == party[e_idx] for h in hits):
            found[entity.list_id][f"{side} found"] += 1
            continue
        top = f"{hits[0].entity_id} {hits[0].score:.2f}" if hits else "no hit"
        how = f", {derived}" if derived else ""
        miss = f"`{value}` ({entity.id}{how}) -> {top}"
        if derived:  # first: few, and the names this benchmark is about
            misses[entity.list_id].insert(0, miss)
        else:
            misses[entity.list_id].append(miss)

    def pct(row: Counter[str], side: str) -> str:
        checked = row[f"{side} checked"]
        return f"{row[f'{side} found'] / checked:.2%} of {checked:,}" if checked else "-"

    lines = ["| list | names as listed found | derived names found | all found | misses |"]
    lines.append("|---|---|---|---|---|")
    totals: Counter[str] = Counter()
    for lst in lists:
        row = found[lst]
        totals.update(row)
        both = Counter(
            {
                "all checked": row["as listed checked"] + row["derived checked"],
                "all found": row["as listed found"] + row["derived found"],
            }
        )
        missed = both["all checked"] - both["all found"]
        cells = [lst, pct(row, "as listed"), pct(row, "derived"), pct(both, "all"), f"{missed:,}"]
        lines.append("| " + " | ".join(cells) + " |")
    both = Counter(
        {
            "all checked": totals["as listed checked"] + totals["derived checked"],
            "all found": totals["as listed found"] + totals["derived found"],
        }
    )
    missed = both["all checked"] - both["all found"]
    lines.append(
        f"| all | {pct(totals, 'as listed')} | {pct(totals, 'derived')} | {pct(both, 'all')} "
        f"| {missed:,} |"
    )
    recall = "\n".join(lines)
    sampled = f"a random sample of {len(queries):,} of the {total:,}" if args.sample else "all"
    print(f"\n'Exactly as listed' recall ({sampled} primary names and aliases, {took:.0f} s):\n")
    print(recall)
    examples = []
    for lst in lists:
        if misses[lst]:
            examples.append(
                f"- {lst}: {len(misses[lst]):,} missed, e.g. " + "; ".join(misses[lst][:EXAMPLES])
            )
    print("\nMisses by list:\n")
    print("\n".join(examples) or "none")

    if args.write_docs:
        command = "python bench/names_as_listed.py" + (
            f" --sample {args.sample}" if args.sample else ""
        )
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        body = f"""Command: `{command} --write-docs` ({took:.0f} s for the checks on 2 shared
cores, load average {load} at the end). `loaders/name_fields.py` takes the names a field packs
(`A; B`, `NAME (ABBR)`, `X a.k.a. Y`, `حسن غول (Hassan Ghul)`, `Fawzi (Faouzi)`,
`Parent (P). Affiliated Entity: Unit` …) out as names of their own, marked with the rule that
found them; the field as listed stays a name too.

Names taken out of packed fields, by rule:

{table}

"Exactly as listed" recall: {sampled} primary names and aliases of every entity, as the source
spells them (the fields as listed and the names derived from them), each checked by name alone
with `Screener.check(name, limit=50)` at the default threshold; found when a hit is the entity
or a record of the same party (the store's party keys). Not tuned on: the matcher is as it was.

{recall}

Misses by list (examples):

{chr(10).join(examples) or "none"}
"""
        write_subsection("Matching", "Matching: names as listed (bench/names_as_listed.py)", body)


if __name__ == "__main__":
    main()
