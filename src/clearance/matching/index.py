"""The compiled match index: every listed name as token ids, and ways to find tokens fast.

Built once per list version and cached; a query never scans the list. Three lookups:

- tokens: each distinct (token, written-in-another-script) pair is a vocabulary entry
  with a rarity weight (IDF over entities) and a posting list of the names using it;
- fuzzy keys: each entry is filed under its one-letter deletions, its phonetic form,
  its consonant skeleton and that skeleton's one-letter deletions, hashed to 64 bits
  in one sorted numpy array. A query token looks up the same keys and gets a short
  list of entries to verify with the real token similarity;
- identifiers: normalised identifier values to entities.

Entities are kept pickled one by one and unpickled only for the hits returned.

The cached file holds a small pickle of the Python objects and, after it, the numpy
arrays and the entities' bytes as they lie in memory (pickle protocol 5's out-of-band
buffers): loading maps the file and reads them in place, so a cold `clearance check`
does not copy the 70 MB of entities it never opens, and every process that loads the
same index shares those pages.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import mmap
import os
import pickle
import struct
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from clearance.matching.features import COUNTED_KINDS
from clearance.matching.name_statistics import (
    DATA_FILE as STATISTICS_FILE,
)
from clearance.matching.name_statistics import (
    LATIN,
    TokenKind,
    bundled_statistics,
)
from clearance.matching.names import tokenize_name
from clearance.matching.neighbours import (
    HOW,
    NO_NEIGHBOURS,
    Neighbours,
    VocabForms,
    find_neighbours,
    form_numbers,
)
from clearance.matching.phonetic import (
    alternative_skeleton,
    phonetic_form,
    skeleton,
    skeletons,
    vowels,
)
from clearance.matching.scripts import STRICT
from clearance.matching.similarity import TokenMatch
from clearance.matching.vocabulary import LEGAL_PREFIX
from clearance.model import Entity, NameKind
from clearance.model.identifiers import normalize_identifier

INDEX_FORMAT = 5  # 5: arrays and entity blobs out of the pickle, memory-mapped on load
_MAGIC = b"CLRIDX05"
_ALIGN = 64  # each array starts on a 64-byte boundary of the file
KINDS = (NameKind.PRIMARY, NameKind.ALIAS, NameKind.WEAK, NameKind.FORMER)
MIN_IDENTIFIER_CHARS = 5
# How much of a word's information counts when looking for candidates: a name must
# share the query's distinctive words, not its titles or generic words.
RETRIEVAL_SHARE = {
    TokenKind.OTHER: 1.0, TokenKind.GIVEN: 0.8, TokenKind.PATRONYMIC: 0.5,
    TokenKind.GENERIC: 0.4, TokenKind.MINOR: 0.1, TokenKind.INITIAL: 0.2,
    TokenKind.NUMBER: 1.0, TokenKind.LEGAL: 0.0,
}  # fmt: skip


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the code that decides what goes into an index: a cache built by other
    code (another release, a local change) is never loaded."""
    digest = hashlib.sha256(str(INDEX_FORMAT).encode())
    here = Path(__file__).parent
    for module in ("index", "names", "neighbours", "phonetic", "scripts", "similarity",
                   "vocabulary", "name_statistics", "features"):  # fmt: skip
        digest.update((here / f"{module}.py").read_bytes())
    digest.update(STATISTICS_FILE.read_bytes())
    return digest.hexdigest()[:16]


def _hash(key: str) -> int:
    data = key.encode("utf-8")
    return (zlib.crc32(data) << 32) | zlib.adler32(data)


def token_keys(token: str) -> tuple[list[str], list[str]]:
    """Lookup keys of a token: (keys for any query, keys only across scripts).

    Any query: the token and its one-letter deletions (one edit apart share a key),
    the phonetic form, a skeleton of three or more consonants. Only for a query token
    written in another script, where vowels are unreliable: short skeletons and
    one-consonant-off skeletons.
    """
    strict: list[str] = []
    if len(token) >= 3:
        strict.append("d:" + token)
        strict.extend("d:" + token[:k] + token[k + 1 :] for k in range(len(token)))
    strict.append("p:" + phonetic_form(token))
    skel = skeleton(token)
    loose: list[str] = []
    if len(skel) >= 3:
        strict.append("s:" + skel)
    for other in skeletons(token):
        if len(other) >= 2:
            loose.append("s:" + other)
        if len(other) >= 5:  # one consonant off counts from five on (similarity.py)
            loose.extend("s:" + other[:k] + other[k + 1 :] for k in range(len(other)))
    return strict, loose


def identifier_keys(value: str) -> set[str]:
    """Comparable forms of an identifier: the whole value and each part with a digit.

    "CAR diplomatic passport no. D00000898" is found by "D00000898".
    """
    keys = {normalize_identifier(value)}
    keys.update(
        normalize_identifier(part) for part in value.split() if any(c.isdigit() for c in part)
    )
    return {k for k in keys if len(k) >= MIN_IDENTIFIER_CHARS}


@dataclass(slots=True)
class EntityFacts:
    """What the scorer needs of an entity without unpickling it."""

    id: str
    list_id: str
    caption: str
    schema: str
    birth_dates: tuple[tuple[str, str | None, bool], ...]  # (value, end, circa)
    countries: frozenset[str]
    identifiers: dict[str, str]  # normalised key -> "type value" as listed


class _EntityTable:
    """Entity facts as columns: unpickling 40,000 small objects would take a second."""

    def __init__(self, columns: dict[str, Any]) -> None:
        self.columns = columns
        self._ids: list[str] = columns["ids"]
        self._lists: list[str] = columns["lists"]
        self._list_code: list[int] = columns["list_code"].tolist()
        self._captions: list[str] = columns["captions"]
        self._schemas: list[str] = columns["schemas"]
        self._schema_code: list[int] = columns["schema_code"].tolist()
        self._birth: dict[int, tuple[tuple[str, str | None, bool], ...]] = columns["birth"]
        self._countries: dict[int, tuple[str, ...]] = columns["countries"]
        self._identifiers: dict[int, dict[str, str]] = columns["identifiers"]

    @classmethod
    def from_facts(cls, facts: list[EntityFacts]) -> _EntityTable:
        lists = sorted({f.list_id for f in facts})
        schemas = sorted({f.schema for f in facts})
        return cls(
            {
                "ids": [f.id for f in facts],
                "lists": lists,
                "list_code": np.array([lists.index(f.list_id) for f in facts], dtype=np.int16),
                "captions": [f.caption for f in facts],
                "schemas": schemas,
                "schema_code": np.array([schemas.index(f.schema) for f in facts], dtype=np.int16),
                "birth": {i: f.birth_dates for i, f in enumerate(facts) if f.birth_dates},
                "countries": {i: tuple(f.countries) for i, f in enumerate(facts) if f.countries},
                "identifiers": {i: f.identifiers for i, f in enumerate(facts) if f.identifiers},
            }
        )

    def __len__(self) -> int:
        return len(self._ids)

    def schema_of(self, i: int) -> str:
        return self._schemas[self._schema_code[i]]

    def __getitem__(self, i: int) -> EntityFacts:
        return EntityFacts(
            id=self._ids[i],
            list_id=self._lists[self._list_code[i]],
            caption=self._captions[i],
            schema=self._schemas[self._schema_code[i]],
            birth_dates=self._birth.get(i, ()),
            countries=frozenset(self._countries.get(i, ())),
            identifiers=self._identifiers.get(i, {}),
        )


class MatchIndex:
    """Compact arrays over all names of a set of entities; see the module docstring."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.vocab_text: list[str] = state["vocab_text"]
        self.vocab_weight: np.ndarray = state["vocab_weight"]
        self.post_ptr: np.ndarray = state["post_ptr"]
        self.post_names: np.ndarray = state["post_names"]
        self.key_hash: np.ndarray = state["key_hash"]
        self.key_vocab: np.ndarray = state["key_vocab"]
        self.name_entity: np.ndarray = state["name_entity"]
        self.name_kind: np.ndarray = state["name_kind"]
        self.name_ptr: np.ndarray = state["name_ptr"]
        self.name_tokens: np.ndarray = state["name_tokens"]
        self._name_glued: list[bool] = state["name_glued"].tolist()
        self.name_total: np.ndarray = state["name_total"]
        self.name_info_list: list[float] = state["name_info"].tolist()
        self.name_counted_list: list[int] = state["name_counted"].tolist()
        self.name_values: list[str] = state["name_values"]
        self.entities = _EntityTable(state["entities"])
        self._blobs: bytes | memoryview = state["entity_blobs"]
        self._blob_ptr: list[int] = state["entity_blob_ptr"].tolist()
        self.identifier_index: dict[str, list[int]] = state["identifier_index"]
        self.entity_count: int = state["entity_count"]
        self.vocab_df_list: list[int] = state["vocab_df"].tolist()
        self.vocab_ids: dict[str, int] = {text: vid for vid, text in enumerate(self.vocab_text)}
        self.vocab_phonetic: list[str] = state["vocab_phonetic"]
        self.vocab_skeleton: list[str] = state["vocab_skeleton"]
        self.vocab_skeleton_alt: list[str] = state["vocab_skeleton_alt"]
        self.vocab_vowels: list[str] = state["vocab_vowels"]
        self._state = state
        # Python lists for the per-candidate loop: indexing numpy scalars is slow.
        self._name_ptr = self.name_ptr.tolist()
        self._name_tokens = self.name_tokens.tolist()
        self.vocab_weight_list: list[float] = self.vocab_weight.tolist()
        self.vocab_info_list: list[float] = state["vocab_info"].tolist()
        self.vocab_kind_list: list[int] = state["vocab_kind"].tolist()
        self._known_ptr: list[int] = state.get("known_ptr", np.zeros(1, np.int64)).tolist()

    # -- building -------------------------------------------------------------------------

    @classmethod
    def build(cls, entities: Iterable[Entity]) -> MatchIndex:
        """Compile the index from entities (any lists, any number)."""
        vocab: dict[str, int] = {}
        vocab_text: list[str] = []
        df: dict[str, int] = {}
        name_entity: list[int] = []
        name_kind: list[int] = []
        name_ptr: list[int] = [0]
        name_tokens: list[int] = []
        name_glued: list[bool] = []
        name_values: list[str] = []
        facts: list[EntityFacts] = []
        blobs: list[bytes] = []
        blob_ptr: list[int] = [0]
        identifier_index: dict[str, list[int]] = {}
        for e_idx, entity in enumerate(entities):
            facts.append(_facts(entity))
            blobs.append(pickle.dumps(entity, protocol=5))
            blob_ptr.append(blob_ptr[-1] + len(blobs[-1]))
            for key in facts[-1].identifiers:
                identifier_index.setdefault(key, []).append(e_idx)
            seen: set[str] = set()
            for name in entity.names:
                tokens = tokenize_name(name.value)
                if not tokens.tokens:
                    continue
                name_glued.extend(tokens.glued)
                for text in tokens.tokens:
                    vid = vocab.get(text)
                    if vid is None:
                        vid = vocab[text] = len(vocab_text)
                        vocab_text.append(text)
                    name_tokens.append(vid)
                    seen.add(text)
                name_ptr.append(len(name_tokens))
                name_entity.append(e_idx)
                name_kind.append(KINDS.index(name.kind))
                name_values.append(name.value)
            for text in seen:
                df[text] = df.get(text, 0) + 1
        stats = bundled_statistics()
        info = np.array([stats.information(t, LATIN, df[t]) for t in vocab_text], np.float32)
        kinds = np.array([stats.kind(t) for t in vocab_text], dtype=np.int8)
        share = np.array([RETRIEVAL_SHARE[TokenKind(k)] for k in kinds.tolist()], np.float32)
        weights = info * share
        tokens_arr = np.array(name_tokens, dtype=np.int32)
        ptr_arr = np.array(name_ptr, dtype=np.int64)
        name_total: Any = (
            np.add.reduceat(weights[tokens_arr], ptr_arr[:-1]) if len(tokens_arr) else []
        )
        counted = np.isin(kinds, [int(k) for k in COUNTED_KINDS]).astype(np.int32)
        legal = kinds == int(TokenKind.LEGAL)
        name_info: Any = (
            np.add.reduceat(np.where(legal, 0.0, info)[tokens_arr], ptr_arr[:-1])
            if len(tokens_arr)
            else []
        )
        name_counted: Any = (
            np.add.reduceat(counted[tokens_arr], ptr_arr[:-1]) if len(tokens_arr) else []
        )
        forms = (
            vocab_text,
            [phonetic_form(t) for t in vocab_text],
            [skeleton(t) for t in vocab_text],
            [alternative_skeleton(t) for t in vocab_text],
            [vowels(t) for t in vocab_text],
        )
        state: dict[str, Any] = {
            "vocab_text": vocab_text,
            "vocab_phonetic": forms[1],
            "vocab_skeleton": forms[2],
            "vocab_skeleton_alt": forms[3],
            "vocab_vowels": forms[4],
            "vocab_numbers": form_numbers(*forms),
            "vocab_weight": weights,
            "vocab_info": info,
            "vocab_df": np.array([df[t] for t in vocab_text], dtype=np.int32),
            "vocab_kind": kinds,
            **_postings(tokens_arr, ptr_arr, len(vocab_text)),
            **_fuzzy_keys(vocab_text),
            "name_entity": np.array(name_entity, dtype=np.int32),
            "name_kind": np.array(name_kind, dtype=np.int8),
            "name_ptr": ptr_arr,
            "name_tokens": tokens_arr,
            "name_glued": np.array(name_glued, dtype=bool),
            "name_total": np.asarray(name_total, dtype=np.float32),
            "name_info": np.asarray(name_info, dtype=np.float64),
            "name_counted": np.asarray(name_counted, dtype=np.int32),
            "name_values": name_values,
            "entities": _EntityTable.from_facts(facts).columns,
            "entity_blobs": b"".join(blobs),
            "entity_blob_ptr": np.array(blob_ptr, dtype=np.int64),
            "identifier_index": identifier_index,
            "entity_count": len(facts),
        }
        index = cls(state)
        state.update(_known_neighbours(index))
        return cls(state)

    # -- persistence ----------------------------------------------------------------------

    def save(self, path: Path | str) -> None:
        """Write the index atomically (a half-written cache must never be loaded)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        buffers: list[pickle.PickleBuffer] = []
        state = dict(self._state, entity_blobs=pickle.PickleBuffer(self._blobs))
        payload = pickle.dumps({"format": INDEX_FORMAT, "state": state}, protocol=5,
                               buffer_callback=buffers.append)  # fmt: skip
        raws = [b.raw() for b in buffers]
        # A name of this writer's own: two processes may build the same index at once.
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with tmp.open("wb") as f:
            f.write(_MAGIC + struct.pack(f"<QQ{len(raws)}Q", len(payload), len(raws),
                                         *(r.nbytes for r in raws)))  # fmt: skip
            f.write(payload)
            for raw in raws:
                f.write(b"\0" * (-f.tell() % _ALIGN))
                f.write(raw)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path | str) -> MatchIndex:
        """The index saved at `path`, its arrays and entity bytes mapped from the file
        (read-only) rather than copied."""
        with open(path, "rb") as f:
            try:
                mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError as exc:  # an empty file
                raise ValueError(f"{path}: not a match index ({exc})") from exc
        view = memoryview(mapped)
        if bytes(view[: len(_MAGIC)]) != _MAGIC:
            raise ValueError(f"{path}: not a match index of format {INDEX_FORMAT}")
        try:
            payload_size, count = struct.unpack_from("<QQ", mapped, len(_MAGIC))
            at = len(_MAGIC) + 16
            sizes = struct.unpack_from(f"<{count}Q", mapped, at)
        except struct.error as exc:
            raise ValueError(f"{path}: match index cut short ({exc})") from exc
        at += 8 * count
        payload = view[at : at + payload_size]
        at += payload_size
        buffers = []
        for size in sizes:
            at += -at % _ALIGN
            buffers.append(view[at : at + size])
            at += size
        if at > len(mapped):
            raise ValueError(f"{path}: match index cut short ({len(mapped)} of {at} bytes)")
        gc_was_enabled = gc.isenabled()
        gc.disable()  # unpickling many objects triggers needless collections
        try:
            data = pickle.loads(payload, buffers=buffers)
        except (pickle.UnpicklingError, EOFError) as exc:
            raise ValueError(f"{path}: damaged match index ({exc})") from exc
        finally:
            if gc_was_enabled:
                gc.enable()
        if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
            raise ValueError(f"{path}: not a match index of format {INDEX_FORMAT}")
        try:
            return cls(data["state"])
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: match index from other code ({exc!r})") from exc

    def __reduce__(self) -> tuple[type[MatchIndex], tuple[dict[str, Any]]]:
        """Pickled (to a worker started by spawn) with the entities' bytes in the pickle:
        a memory-mapped buffer does not travel."""
        return MatchIndex, (dict(self._state, entity_blobs=bytes(self._blobs)),)

    # -- lookups --------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.entity_count

    def entity_blob(self, e_idx: int) -> bytes:
        return bytes(self._blobs[self._blob_ptr[e_idx] : self._blob_ptr[e_idx + 1]])

    def entity(self, e_idx: int) -> Entity:
        entity: Entity = pickle.loads(self.entity_blob(e_idx))
        return entity

    def name_token_ids(self, name_idx: int) -> list[int]:
        return self._name_tokens[self._name_ptr[name_idx] : self._name_ptr[name_idx + 1]]

    def name_glued(self, name_idx: int) -> list[bool]:
        return self._name_glued[self._name_ptr[name_idx] : self._name_ptr[name_idx + 1]]

    def fuzzy_candidate_pairs(
        self, queries: Sequence[tuple[str, int]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Vocabulary entries sharing a lookup key with each (token, leniency), to be
        verified: (query number, vocabulary id) pairs, sorted, each once, from one pass
        over the key table for all queries. Only a token written in another script
        uses the cross-script keys."""
        hashes: list[int] = []
        owners: list[int] = []
        for k, (token, leniency) in enumerate(queries):
            strict, cross_script = token_keys(token)
            keys = strict + cross_script if leniency > STRICT else strict
            hashes.extend(map(_hash, keys))
            owners.extend([k] * len(keys))
        h = np.array(hashes, dtype=np.uint64)
        left = np.searchsorted(self.key_hash, h, side="left")
        counts = np.searchsorted(self.key_hash, h, side="right") - left
        ends = np.cumsum(counts)
        total = int(ends[-1]) if len(ends) else 0
        positions = np.arange(total) + np.repeat(left - ends + counts, counts)
        pairs = np.repeat(np.array(owners, dtype=np.int64) << 32, counts)
        pairs += self.key_vocab[positions]
        pairs.sort()
        if len(pairs) > 1:  # each pair once (np.unique costs more on small arrays)
            first = np.ones(len(pairs), dtype=bool)
            np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
            pairs = pairs[first]
        return pairs >> 32, pairs & 0xFFFFFFFF

    def known_neighbours(self, vid: int) -> dict[int, TokenMatch] | None:
        """The fuzzy neighbours of vocabulary entry `vid` read as a Latin query token,
        found when the index was built (None while they are being found)."""
        if vid + 1 >= len(self._known_ptr):
            return None
        lo, hi = self._known_ptr[vid], self._known_ptr[vid + 1]
        state = self._state
        return dict(zip(state["known_vid"][lo:hi].tolist(), map(TokenMatch,
                        state["known_sim"][lo:hi].tolist(),
                        [HOW[h] for h in state["known_how"][lo:hi].tolist()],
                        state["known_edits"][lo:hi].tolist()), strict=True))  # fmt: skip

    @functools.cached_property
    def forms(self) -> VocabForms:
        """The vocabulary as columns for scoring neighbours (built on first use)."""
        return VocabForms(self.vocab_text, self.vocab_phonetic, self.vocab_skeleton,
                          self.vocab_skeleton_alt, self.vocab_vowels,
                          self._state["vocab_numbers"])  # fmt: skip

    def postings(self, vid: int) -> np.ndarray:
        return self.post_names[self.post_ptr[vid] : self.post_ptr[vid + 1]]

    def token_weight(self, vid: int) -> float:
        return self.vocab_weight_list[vid]


def _postings(tokens: np.ndarray, ptr: np.ndarray, n_vocab: int) -> dict[str, np.ndarray]:
    """CSR arrays: vocabulary id -> ids of the names that use it (each name once)."""
    name_of = np.repeat(np.arange(len(ptr) - 1, dtype=np.int32), np.diff(ptr))
    pairs = np.unique(np.stack([tokens.astype(np.int64), name_of.astype(np.int64)]), axis=1)
    counts = np.bincount(pairs[0], minlength=n_vocab)
    post_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return {"post_ptr": post_ptr, "post_names": pairs[1].astype(np.int32)}


def _known_neighbours(index: MatchIndex, chunk: int = 4096) -> dict[str, np.ndarray]:
    """Fuzzy neighbours of every vocabulary entry read as a Latin query token, as CSR
    arrays. Most words of a query are already in the vocabulary: found here once,
    they cost a query nothing (retrieval.py still looks up words new to the index,
    and words written in other scripts, whose rules differ)."""
    n_vocab = len(index.vocab_text)
    parts: list[Neighbours] = []
    for start in range(0, n_vocab, chunk):
        vids = [v for v in range(start, min(start + chunk, n_vocab))
                if is_fuzzy_token(index.vocab_text[v])]  # fmt: skip
        queries = [(index.vocab_text[v], STRICT) for v in vids]
        query, vid = index.fuzzy_candidate_pairs(queries)
        found = find_neighbours(index.forms, queries, query, vid, vids)
        parts.append(found._replace(query=np.asarray(vids, dtype=np.int64)[found.query]))
    found = (
        Neighbours(*(np.concatenate(columns) for columns in zip(*parts, strict=True)))
        if parts
        else NO_NEIGHBOURS  # an empty index: no list in force on the date asked
    )
    counts = np.bincount(found.query, minlength=n_vocab)
    return {
        "known_ptr": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        "known_vid": found.vid.astype(np.int32),
        "known_sim": found.sim,
        "known_how": found.how,
        "known_edits": found.edits,
    }


def is_fuzzy_token(token: str) -> bool:
    """Whether a token has fuzzy neighbours at all: numbers and legal forms do not."""
    return len(token) >= 2 and token.isalpha() and not token.startswith(LEGAL_PREFIX)


def _fuzzy_keys(vocab_text: list[str]) -> dict[str, np.ndarray]:
    hashes: list[int] = []
    owners: list[int] = []
    for vid, text in enumerate(vocab_text):
        if text.startswith(LEGAL_PREFIX) or not text.isalpha():
            continue
        strict, loose = token_keys(text)
        for key in set(strict + loose):
            hashes.append(_hash(key))
            owners.append(vid)
    h = np.array(hashes, dtype=np.uint64)
    o = np.array(owners, dtype=np.int32)
    order = np.argsort(h, kind="stable")
    return {"key_hash": h[order], "key_vocab": o[order]}


def _facts(entity: Entity) -> EntityFacts:
    identifiers: dict[str, str] = {}
    for ident in entity.identifiers:
        for key in identifier_keys(ident.value):
            identifiers[key] = f"{ident.type.value} {ident.value}"
    return EntityFacts(
        id=entity.id,
        list_id=entity.list_id,
        caption=entity.caption,
        schema=entity.schema,
        birth_dates=tuple((d.value, d.end, d.circa) for d in entity.birth_dates),
        countries=frozenset(c.code for c in entity.countries),
        identifiers=identifiers,
    )
