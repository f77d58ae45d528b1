from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from timpora.core.apps import TimporaAppConfig


class AccountsConfig(TimporaAppConfig):
    default = True
    name = "timpora.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from timpora.accounts import signals  # noqa: F401  (connects the log-in audit receivers)

    def load_reference_data(self, *, log: Any) -> None:
        """The Batam agencies and Timpora teams: the city team and one per kecamatan."""
        from timpora.accounts.actions import ensure_agency, ensure_team
        from timpora.accounts.choices import TeamLevel

        folder = settings.REFERENCE_DATA_DIR
        with (folder / "timpora-agencies.csv").open(encoding="utf-8") as handle:
            agencies = [
                ensure_agency(
                    code=row["code"],
                    name=row["name"],
                    kind=row["kind"],
                    note=row["note"],
                    actor=None,
                )
                for row in csv.DictReader(handle)
            ]
        by_code = {agency.code: agency for agency in agencies}
        chair = by_code["IMI-BTM"]
        city = ensure_team(
            name="Timpora Kota Batam",
            level=TeamLevel.CITY,
            area_code="21.71",
            area_name="Kota Batam",
            chair=chair,
            members=agencies,
            actor=None,
        )
        # A kecamatan team brings together the agencies present in the field there.
        local = [by_code[c] for c in ("IMI-BTM", "POLRESTA-BRL", "KODIM-0316", "SATPOLPP-BTM")]
        with (folder / "batam-kecamatan.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                ensure_team(
                    name=f"Timpora Kecamatan {row['kecamatan']}",
                    level=TeamLevel.KECAMATAN,
                    area_code=row["kemendagri_code"],
                    area_name=row["kecamatan"],
                    chair=chair,
                    members=local,
                    parent=city,
                    actor=None,
                )
        if log:
            log.write(f"Agencies: {len(agencies)}; Timpora teams: city and kecamatan.")
