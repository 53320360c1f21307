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
        "gesellschaft mit beschrankter haftung", "mchj", "xk", "eood", "ood", "aps", "sl",
        "s l", "slu", "s l u", "sll", "lda", "jdoo", "j d o o", "tnhh", "cong ty tnhh",
        "cong ty trach nhiem huu han", "tnhh mtv", "cong ty tnhh mtv", "spy", "gbr", "og",
    ),
    "ltd": (
        "ltd", "limited", "co ltd", "company limited", "co limited", "company ltd",
        "pte ltd", "pvt ltd", "private limited", "youxian gongsi", "you xian gong si",
        "gufen youxian gongsi", "youxian zeren gongsi", "yugen gaisha", "pty ltd",
        "proprietary limited",
        "sdn bhd", "bhd", "berhad", "private ltd", "pte", "pvt", "bchk", "kk",
        "kabushiki kaisha", "kabushiki gaisha", "yugen kaisha",
    ),
    "plc": ("plc", "public limited company", "public company limited", "pcl", "bmch", "nyrt"),
    "jsc": (
        "jsc", "joint stock company", "joint stock co", "ao",
        "aktsionernoe|aktsionernoye|aktsionernoje obshchestvo|obschestvo",
        "ad", "a d", "sc", "jscb", "ead", "dd", "d d", "zrt", "cong ty co phan", "co phan",
        "bby", "pby", "kgaa",
        "joint stock commercial bank",
    ),
    "cjsc": (
        "cjsc", "closed joint stock company", "zao",
        "zakrytoe|zakrytoye aktsionernoe|aktsionernoye obshchestvo|obschestvo", "closed jsc",
        "aktsionernoe|aktsionernoye obshchestvo|obschestvo zakrytogo tipa", "zakrytogo tipa",
    ),
    "ojsc": (
        "ojsc", "open joint stock company", "oao",
        "otkrytoe|otkrytoye aktsionernoe|aktsionernoye obshchestvo|obschestvo", "open jsc",
        "aktsionernoe|aktsionernoye obshchestvo|obschestvo otkrytogo tipa", "otkrytogo tipa",
    ),
    "pjsc": (
        "pjsc", "public joint stock company", "pao",
        "publichnoe|publichnoye aktsionernoe|aktsionernoye obshchestvo|obschestvo",
        "public jsc", "pat",
    ),
    "corp": ("corp", "corporation", "inc", "incorporated", "incorporation"),
    "co": ("co", "company", "cia", "compania", "compagnie", "cie", "gongsi", "cong ty",
           "sirketi", "sti", "sharikat", "sherkat"),
    "sa": (
        "sa", "s a", "sociedad anonima", "societe anonyme", "spa", "s p a",
        "societa per azioni", "ag", "aktiengesellschaft", "nv", "n v", "ab", "as", "a s",
        "asa", "oy", "oyj", "anonim sirketi", "sa de cv", "s a de c v", "sab de cv",
        "sapi de cv", "sas", "s a s", "se", "sae", "saog", "saoc", "psc", "pjsc uae",
        "sal", "s a l", "sarl uae", "tbk", "pt", "pt tbk", "sau", "s a u", "ae", "a e",
        "persero", "persero tbk",
    ),
    "lp": ("lp", "l p", "limited partnership", "llp", "l l p", "limited liability partnership",
           "kg", "gmbh co kg", "gmbh and co kg", "ohg", "partnership", "oe", "o e", "kd", "kda",
           "ky", "bt", "kkt", "snc", "s n c", "scs", "vof", "hb", "hchk", "sp j", "sp k"),
    "coop": ("cooperative", "coop", "co op", "cooperativa", "kooperativ", "eg", "e g",
             "spoldzielnia", "s coop"),
    "est": ("establishment", "est", "fzo"),
    "ent": ("enterprise", "enterprises", "ent", "gup", "fgup", "federal state unitary enterprise",
            "state unitary enterprise", "unitary enterprise", "pe", "doanh nghiep tu nhan",
            "ip", "eurl", "tmi", "ud", "pd", "cv", "ei", "me", "pfa"),
}  # fmt: skip

# Short forms that are also ordinary words or name parts count only at the end of a
# name, or at its start for the forms written first ("OOO Romashka", "PT Bank", "AO").
_END_ONLY = frozenset(
    {"sa", "ag", "as", "ab", "ad", "sc", "nv", "bv", "oy", "se", "co", "xk", "pat", "est",
     "ent", "sal", "spa", "sas", "sae", "pte", "pvt", "cia", "cie", "doo", "sro", "psc", "lp",
     "kg", "ohg", "a s", "s a", "a d", "l p", "n v", "b v", "fzo", "fze", "fzc", "tbk", "ood",
     "sl", "s l", "sll", "lda", "og", "kk", "dd", "d d", "ae", "a e", "oe", "o e", "kd", "ky",
     "bt", "hb", "ip", "tmi", "ei", "me", "eg", "e g", "sau", "spy", "kda",
     "sti", "aps", "snc", "scs", "vof", "pfa", "sp j", "sp k"}
)  # fmt: skip
_START_OR_END = frozenset({"ao", "pt", "pe", "tov", "too", "cong ty", "cv", "ud", "pd", "tnhh"})


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
    trading trade trader group holding international industry general import export
    importing exporting service enterprise commercial commerce development investment
    technology engineering construction manufacturing manufacturer product solution system
    global national shipping logistics transport management consulting partner associate
    resource energy electronic digital science scientific research institute center
    foundation organization association agency office bureau factory plant work production
    bank exchange joint stock state federal new first united line way airway department
    government ministry university laboratory equipment machinery material chemical metal
    mineral pharmaceutical supply device component instrument project venture communication
    telecommunication brothers sons fils hijos figli filhos sonner sohne hermanos hnos
    asociados associados grupo grupa groep gruppen grupp
    """
)
# Before canonical_word (what the tables above map from), for callers that see raw words.
GENERIC |= _words(
    "traders holdings intl industrial industries imports exports services "
    "enterprises investments technologies products solutions systems partners "
    "associates resources electronics centre organisation works"
)


# Generic words that only a company or body has in its name: a query with one of them
# (or a legal form) is not a person's name, whatever type it was given. Left out: words
# that are also surnames or titles (General, Way, Sons, Brothers, First, New, Work…).
ORGANISATION_WORDS = GENERIC - _words(
    """
    general way line work sons brothers fils hijos figli filhos sonner sohne hermanos hnos
    first new united state federal national global plant office exchange partner associate
    """
)


# Query understanding: words written short or in several ways, brought to one token on
# both sides (listed names and queries), so "Natl Iranian Oil Co" and "NATIONAL IRANIAN
# OIL COMPANY" have the same words. Only unambiguous forms: "int", "ind", "nat", "dev"
# and "st" stay as written (integer or internal, Indian, a given name, a street).
ABBREVIATIONS: dict[str, str] = {
    "natl": "national", "ntl": "national", "intl": "international",
    "internat": "international", "rep": "republic", "repub": "republic",
    "govt": "government", "gov": "government", "dept": "department", "depts": "department",
    "assn": "association", "assoc": "association", "mfg": "manufacturing",
    "mfrs": "manufacturers", "bros": "brothers", "tech": "technology", "techs": "technology",
    "elec": "electric", "univ": "university", "inst": "institute", "ctr": "center",
    "cntr": "center", "centre": "center", "org": "organization",
    "organisation": "organization", "orgn": "organization", "svc": "service",
    "svcs": "service", "sys": "system", "hldg": "holding", "hldgs": "holding",
    "grp": "group", "mgmt": "management", "mgt": "management", "trdg": "trading",
    "shpg": "shipping", "petrochem": "petrochemical", "pharma": "pharmaceutical",
    "pharm": "pharmaceutical", "chem": "chemical", "invt": "investment", "ins": "insurance",
    "insur": "insurance", "defence": "defense", "programme": "program",
    "labs": "laboratory", "lab": "laboratory", "devt": "development",
    "engg": "engineering", "eqpt": "equipment", "equip": "equipment", "entp": "enterprise",
    "prod": "product", "prods": "product", "transp": "transport", "comm": "communication",
}  # fmt: skip
# Plural and adjective forms of generic words: one token each.
GENERIC_FORMS: dict[str, str] = {
    "industries": "industry", "industrial": "industry", "systems": "system",
    "services": "service", "technologies": "technology", "technological": "technology",
    "electronics": "electronic", "holdings": "holding", "enterprises": "enterprise",
    "investments": "investment", "products": "product", "solutions": "solution",
    "resources": "resource", "partners": "partner", "associates": "associate",
    "lines": "line", "exports": "export", "imports": "import", "laboratories": "laboratory",
    "laboratorios": "laboratory", "communications": "communication",
    "telecommunications": "telecommunication", "manufacturers": "manufacturer",
    "materials": "material", "chemicals": "chemical", "metals": "metal",
    "minerals": "mineral", "pharmaceuticals": "pharmaceutical", "ventures": "venture",
    "traders": "trader", "agencies": "agency", "factories": "factory", "works": "work",
    "shipyards": "shipyard", "projects": "project", "logistic": "logistics",
    "instruments": "instrument", "devices": "device", "components": "component",
    "machines": "machine", "supplies": "supply", "equipments": "equipment",
}  # fmt: skip
# Words written as one or as two: each becomes its parts ("Iran Airlines" = "Iran Air Lines").
COMPOUNDS: dict[str, tuple[str, ...]] = {
    "airlines": ("air", "line"), "airline": ("air", "line"), "airways": ("air", "way"),
    "seaways": ("sea", "way"),
}  # fmt: skip
_ONES = (  # noqa: SIM905
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_ORDINALS = (  # noqa: SIM905
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
    "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
    "twentieth"
).split()
# Roman numerals that are not also names or syllables ("vi", "xi", "li", "di" are).
_ROMAN = {"ii": 2, "iii": 3, "iv": 4, "vii": 7, "viii": 8, "ix": 9, "xii": 12, "xiii": 13,
          "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17, "xviii": 18, "xix": 19, "xx": 20}  # fmt: skip
NUMBER_WORDS: dict[str, str] = {
    **{w: str(k) for k, w in enumerate(_ONES) if k},
    **{w: str(k) for k, w in enumerate(_ORDINALS) if k},
    **{w: str(k) for w, k in _ROMAN.items()},
    **{f"{k}{suffix}": str(k) for k in range(1, 100) for suffix in ("st", "nd", "rd", "th")},
}


def canonical_word(token: str) -> tuple[str, ...]:
    """The token(s) one Latin word stands for: abbreviations spelled out, number words
    as digits, generic plurals singular, compounds in parts; else the word itself."""
    if token in NUMBER_WORDS:
        return (NUMBER_WORDS[token],)
    if token in COMPOUNDS:
        return COMPOUNDS[token]
    token = ABBREVIATIONS.get(token, token)
    return (GENERIC_FORMS.get(token, token),)


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
