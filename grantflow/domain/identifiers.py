"""Polish public identifiers: NIP (tax number) and TERYT (territorial code)."""

from __future__ import annotations

import re

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)

# TERYT voivodeship prefix -> voivodeship name as written in Polish.
VOIVODESHIPS: dict[str, str] = {
    "02": "dolnośląskie",
    "04": "kujawsko-pomorskie",
    "06": "lubelskie",
    "08": "lubuskie",
    "10": "łódzkie",
    "12": "małopolskie",
    "14": "mazowieckie",
    "16": "opolskie",
    "18": "podkarpackie",
    "20": "podlaskie",
    "22": "pomorskie",
    "24": "śląskie",
    "26": "świętokrzyskie",
    "28": "warmińsko-mazurskie",
    "30": "wielkopolskie",
    "32": "zachodniopomorskie",
}

# Gmina type digit of TERYT: 1 urban, 2 rural, 3 urban-rural, 4 town in an
# urban-rural gmina, 5 rural area of it, 8 and 9 districts of Warsaw/cities.
TERYT_TYPES = frozenset("1234589")

_NIP = re.compile(r"\d{10}")
_TERYT = re.compile(r"\d{7}")


def normalise_nip(text: str) -> str:
    """Drop the separators people type (``123-456-78-90``, ``PL`` prefix)."""
    cleaned = re.sub(r"[\s\-\u00a0]", "", text.strip())
    if cleaned[:2].upper() == "PL":
        cleaned = cleaned[2:]
    return cleaned


def nip_checksum(first_nine: str) -> int:
    """The NIP check digit; 10 means no valid NIP has these nine digits."""
    return sum(int(d) * w for d, w in zip(first_nine, NIP_WEIGHTS, strict=True)) % 11


def nip_is_valid(text: str) -> bool:
    nip = normalise_nip(text)
    if not _NIP.fullmatch(nip):
        return False
    check = nip_checksum(nip[:9])
    return check != 10 and check == int(nip[9])


def teryt_is_well_formed(text: str) -> bool:
    """7 digits: even voivodeship 02-32, county, commune, type digit."""
    code = text.strip()
    return (
        bool(_TERYT.fullmatch(code))
        and code[:2] in VOIVODESHIPS
        and code[2:4] != "00"
        and code[4:6] != "00"
        and code[6] in TERYT_TYPES
    )


def voivodeship_of(teryt: str) -> str | None:
    return VOIVODESHIPS.get(teryt.strip()[:2])


def normalise_voivodeship(text: str) -> str:
    """``Województwo Lubelskie`` and ``lubelskie`` name the same voivodeship."""
    name = " ".join(text.strip().lower().split())
    for prefix in ("województwo ", "woj. ", "woj "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name
