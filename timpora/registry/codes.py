"""Country codes as the exchange formats accept them (ISO 3166-1 alpha-3 and ICAO's own)."""

from __future__ import annotations

# ICAO 9303 codes that differ from ISO 3166-1 alpha-3, as printed in machine-readable zones.
ICAO_TO_ISO = {
    "D": "DEU",
    "GBD": "GBR",
    "GBN": "GBR",
    "GBO": "GBR",
    "GBS": "GBR",
    "GBP": "GBR",
}

# Codes ICAO uses that are not ISO countries but appear on travel documents.
ICAO_EXTRA_CODES = {
    "RKS": ("Kosovo", "Kosovo"),
    "UNO": ("United Nations Organization", "Perserikatan Bangsa-Bangsa"),
    "UNA": ("United Nations specialized agency", "Badan khusus PBB"),
    "XXA": ("Stateless person", "Tanpa kewarganegaraan"),
    "XXB": ("Refugee (1951 Convention)", "Pengungsi (Konvensi 1951)"),
    "XXC": ("Refugee (other)", "Pengungsi (lainnya)"),
    "XXX": ("Unspecified nationality", "Kewarganegaraan tidak disebut"),
}


def normalise_country(value: str) -> str:
    """Upper-case the code and map ICAO variants to their ISO code (``D`` → ``DEU``)."""
    code = value.strip().upper()
    return ICAO_TO_ISO.get(code, code)
