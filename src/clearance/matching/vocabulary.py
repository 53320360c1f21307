"""Words that are not names: legal forms, titles, particles and generic business words.

Legal forms are rewritten to a canonical token ("#llc", "#jsc" …) so that "OOO",
"Obshchestvo s Ogranichennoy Otvetstvennostyu" and "Limited Liability Company" are
one thing; the matcher then ignores them unless both names carry one. Titles,
particles and generic words stay in the name but weigh little: "Haji" or "Trading"
alone must not make a match, and neither must they break one.
"""

from __future__ import annotations

import functools
import itertools

LEGAL_PREFIX = "#"

# canonical -> spellings (as lower-case token sequences, after romanisation).
_LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "llc": (
        "llc", "l l c", "limited liability company", "limited liability co",
        "ooo", "obshchestvo|obschestvo|obshestvo s ogranichennoy|ogranichennoi|ogranichennoj "
        "otvetstvennostyu|otvetstvennostiu|otvetstvennostju|otvetstvennostiyu", "tov",
        "tovarystvo z obmezhenoyu vidpovidalnistyu", "too", "gmbh", "mbh", "sarl", "srl",
        "s r l", "ltda", "sp z o o", "sp z oo", "spzoo", "sro", "s r o", "spol s r o", "kft", "doo",
        "d o o", "fz llc", "fzllc", "fzco", "fze", "fzc", "llc fz", "bv", "b v", "ltd sti",
        "limited sirketi", "ltd co", "limitada", "sociedad de responsabilidad limitada",
        "societe a responsabilite limitee", "societa a responsabilita limitata",
        "gesellschaft mit beschrankter haftung", "mchj", "xk",
    ),
    "ltd": (
        "ltd", "limited", "co ltd", "company limited", "co limited", "company ltd",
        "pte ltd", "pvt ltd", "private limited", "pty ltd", "proprietary limited",
        "sdn bhd", "bhd", "berhad", "private ltd", "pte", "pvt",
    ),
    "plc": ("plc", "public limited company", "public company limited", "pcl"),
    "jsc": (
        "jsc", "joint stock company", "joint stock co", "ao",
        "aktsionernoe|aktsionernoye|aktsionernoje obshchestvo|obschestvo",
        "ad", "a d", "sc", "jscb",
        "joint stock commercial bank",
    ),
    "cjsc": (
        "cjsc", "closed joint stock company", "zao",
        "zakrytoe|zakrytoye aktsionernoe|aktsionernoye obshchestvo|obschestvo", "closed jsc",
    ),
    "ojsc": (
        "ojsc", "open joint stock company", "oao",
        "otkrytoe|otkrytoye aktsionernoe|aktsionernoye obshchestvo|obschestvo", "open jsc",
    ),
    "pjsc": (
        "pjsc", "public joint stock company", "pao",
        "publichnoe|publichnoye aktsionernoe|aktsionernoye obshchestvo|obschestvo",
        "public jsc", "pat",
    ),
    "corp": ("corp", "corporation", "inc", "incorporated", "incorporation"),
    "co": ("co", "company", "cia", "compania", "compagnie", "cie", "gongsi"),
    "sa": (
        "sa", "s a", "sociedad anonima", "societe anonyme", "spa", "s p a",
        "societa per azioni", "ag", "aktiengesellschaft", "nv", "n v", "ab", "as", "a s",
        "asa", "oy", "oyj", "anonim sirketi", "sa de cv", "s a de c v", "sab de cv",
        "sapi de cv", "sas", "s a s", "se", "sae", "saog", "saoc", "psc", "pjsc uae",
        "sal", "s a l", "sarl uae", "tbk", "pt", "pt tbk",
    ),
    "lp": ("lp", "l p", "limited partnership", "llp", "l l p", "limited liability partnership",
           "kg", "gmbh co kg", "gmbh and co kg", "ohg", "partnership"),
    "coop": ("cooperative", "coop", "co op", "cooperativa", "kooperativ"),
    "est": ("establishment", "est", "fzo"),
    "ent": ("enterprise", "ent", "gup", "fgup", "federal state unitary enterprise",
            "state unitary enterprise", "unitary enterprise", "pe"),
}  # fmt: skip

# Short forms that are also ordinary words or name parts count only at the end of a
# name, or at its start for the forms written first ("OOO Romashka", "PT Bank", "AO").
_END_ONLY = frozenset(
    {"sa", "ag", "as", "ab", "ad", "sc", "nv", "bv", "oy", "se", "co", "xk", "pat", "est",
     "ent", "sal", "spa", "sas", "sae", "pte", "pvt", "cia", "cie", "doo", "sro", "psc", "lp",
     "kg", "ohg", "a s", "s a", "a d", "l p", "n v", "b v", "fzo", "fze", "fzc", "tbk"}
)  # fmt: skip
_START_OR_END = frozenset({"ao", "pt", "pe", "tov", "too"})


def _spellings(pattern: str) -> list[tuple[str, ...]]:
    """Expand "a|b c|d" (alternatives per word: transliteration variants) to word tuples."""
    words = [w.split("|") for w in pattern.split()]
    return [tuple(combo) for combo in itertools.product(*words)]


LEGAL_PHRASES: dict[tuple[str, ...], str] = {}
for _canonical, _patterns in _LEGAL_FORMS.items():
    for _pattern in _patterns:
        for _phrase in _spellings(_pattern):
            LEGAL_PHRASES[_phrase] = LEGAL_PREFIX + _canonical
LEGAL_MAX_WORDS = max(len(k) for k in LEGAL_PHRASES)
LEGAL_END_ONLY = frozenset(tuple(s.split()) for s in _END_ONLY)
LEGAL_START_OR_END = frozenset(tuple(s.split()) for s in _START_OR_END)

LEGAL_FAMILIES = {
    "#jsc": "jsc", "#cjsc": "jsc", "#ojsc": "jsc", "#pjsc": "jsc", "#sa": "jsc",
    "#llc": "llc", "#ltd": "llc", "#co": "co", "#corp": "co", "#plc": "jsc",
}  # fmt: skip


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = _words(
    """
    mr mrs ms miss mx dr doctor prof professor sir dame lord lady madam sheikh shaikh sheik
    shaykh cheikh haji hajji hadji alhaj alhajj hajj mullah mulla molla maulavi mawlawi maulvi
    moulvi maulana mawlana qari hafiz imam general gen colonel col major maj captain capt
    lieutenant lt brigadier brig admiral adm sergeant sgt commander cmdr hon honourable
    honorable rev reverend father fr excellency mufti ayatollah hojatoleslam engineer eng ing
    amir emir
    """
)
PARTICLES = _words(
    """
    al el ul ad an ar as at az bin ibn bint ben bn ould abu abou abo van von de da di du der
    den la le del della dos das do ter ten y e
    """
)
STOPWORDS = _words("and of the for und et en y i dan ve na")
GENERIC = _words(
    """
    trading trade traders group holding holdings international intl industrial industries
    industry general import export imports exports importing exporting services service
    enterprises commercial commerce development investment investments technology technologies
    engineering construction manufacturing products solutions systems global national shipping
    logistics transport management consulting partners associates resources energy electronics
    electronic digital science scientific research institute center centre foundation
    organization organisation association agency office bureau factory plant works production
    bank exchange joint stock state federal new first united
    """
)


def is_legal(token: str) -> bool:
    return token.startswith(LEGAL_PREFIX)


@functools.lru_cache(maxsize=262144)
def kind_factor(token: str) -> float:
    """How much a token can say about identity, before rarity: 0 for legal forms."""
    if token.startswith(LEGAL_PREFIX):
        return 0.0
    if any(c.isdigit() for c in token):
        return 1.0
    if token in STOPWORDS:
        return 0.05
    if token in TITLES or token in PARTICLES:
        return 0.15
    if len(token) == 1:
        return 0.3  # an initial
    if token in GENERIC:
        return 0.3
    return 1.0
