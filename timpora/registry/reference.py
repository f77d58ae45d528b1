"""Loading the registry's reference tables: countries, kecamatan, kelurahan and checkpoints."""

from __future__ import annotations

import csv
import gettext
from pathlib import Path

import pycountry
from django.db import transaction

from timpora.accounts.models import User
from timpora.audit.choices import Verb
from timpora.audit.log import record
from timpora.registry.codes import ICAO_EXTRA_CODES
from timpora.registry.models import Checkpoint, Country, Kecamatan, Kelurahan
from timpora.registry.records import Reference


def _countries() -> dict[str, tuple[str, str]]:
    indonesian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    names = {
        country.alpha_3: (
            getattr(country, "common_name", None) or country.name,
            indonesian.gettext(country.name),
        )
        for country in pycountry.countries
    }
    names.update(ICAO_EXTRA_CODES)
    return names


@transaction.atomic
def load_reference_data(folder: Path, *, actor: User | None) -> dict[str, int]:
    """Create or update the reference rows; return how many rows of each table changed."""
    changed = {"countries": 0, "kecamatan": 0, "kelurahan": 0, "checkpoints": 0}
    existing = {c.alpha3: c for c in Country.objects.all()}
    for alpha3, (name_en, name_id) in _countries().items():
        country = existing.get(alpha3)
        if country is None or (country.name_en, country.name_id) != (name_en, name_id):
            Country.objects.update_or_create(
                alpha3=alpha3, defaults={"name_en": name_en, "name_id": name_id}
            )
            changed["countries"] += 1

    with (folder / "batam-kecamatan.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values = {
                "bps_code": row["bps_code"],
                "name": row["kecamatan"],
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
            }
            kecamatan = Kecamatan.objects.filter(code=row["kemendagri_code"]).first()
            if kecamatan is None or any(getattr(kecamatan, k) != v for k, v in values.items()):
                kecamatan, _ = Kecamatan.objects.update_or_create(
                    code=row["kemendagri_code"], defaults=values
                )
                changed["kecamatan"] += 1
            for name in row["kelurahan"].split(";"):
                _, created = Kelurahan.objects.get_or_create(kecamatan=kecamatan, name=name.strip())
                changed["kelurahan"] += int(created)

    kecamatan_ids = dict(Kecamatan.objects.values_list("name", "pk"))
    with (folder / "batam-checkpoints.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values = {
                "name": row["name"],
                "kind": row["kind"],
                "kecamatan_id": kecamatan_ids.get(row["kecamatan"]),
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
            }
            checkpoint = Checkpoint.objects.filter(code=row["code"]).first()
            if checkpoint is None or any(getattr(checkpoint, k) != v for k, v in values.items()):
                Checkpoint.objects.update_or_create(code=row["code"], defaults=values)
                changed["checkpoints"] += 1

    if any(changed.values()):
        record(
            actor=actor,
            verb=Verb.REFERENCE_DATA_LOADED,
            subject_type="registry.reference",
            changes=changed,
        )
    return changed


def current_reference() -> Reference:
    """The codes rows are checked against, read from the reference tables."""
    names = Kecamatan.objects.values_list("name", flat=True)
    return Reference(
        countries=frozenset(Country.objects.values_list("alpha3", flat=True)),
        kecamatan={" ".join(name.upper().split()): name for name in names},
    )
