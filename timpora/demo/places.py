"""Where the demo population works and sleeps: companies, hotels and private hosts in Batam.

Kecamatan, kelurahan and centroids come from the reference data (``batam-kecamatan.csv``), so
that every place names a kecamatan exactly as the registry knows it. Industrial estates and hotel
districts are placed where they are in Batam (DOMAIN.md): Batamindo and Panbil in Muka Kuning,
Kabil and the Nongsa resorts in Nongsa, the shipyards of Tanjung Uncang, Nagoya's hotels in
Lubuk Baja, Batam Centre in Batam Kota, Harbour Bay in Batu Ampar.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from timpora.demo.identities import pick, weighted
from timpora.demo.names import INDONESIAN_FAMILY, INDONESIAN_GIVEN_FEMALE, INDONESIAN_GIVEN_MALE

CITY = "Batam"


@dataclass(frozen=True)
class Kecamatan:
    code: str  # Kemendagri code without dots, the first six digits of a NIK
    name: str
    latitude: float
    longitude: float
    kelurahan: tuple[str, ...]


@dataclass(frozen=True)
class Geography:
    """Batam's kecamatan and checkpoints, read from the reference data."""

    kecamatan: dict[str, Kecamatan]
    checkpoints: frozenset[str]

    @classmethod
    def read(cls, folder: Path) -> Geography:
        with (folder / "batam-kecamatan.csv").open(encoding="utf-8") as handle:
            kecamatan = {
                row["kecamatan"]: Kecamatan(
                    code=row["kemendagri_code"].replace(".", ""),
                    name=row["kecamatan"],
                    latitude=float(row["latitude"]),
                    longitude=float(row["longitude"]),
                    kelurahan=tuple(k.strip() for k in row["kelurahan"].split(";")),
                )
                for row in csv.DictReader(handle)
            }
        with (folder / "batam-checkpoints.csv").open(encoding="utf-8") as handle:
            checkpoints = frozenset(row["code"] for row in csv.DictReader(handle))
        return cls(kecamatan, checkpoints)

    def kelurahan(self, kecamatan: str, wanted: str) -> str:
        """``wanted`` checked against the reference: a change there must fail here, loudly."""
        if wanted not in self.kecamatan[kecamatan].kelurahan:
            raise ValueError(f"kelurahan {wanted!r} is not in kecamatan {kecamatan!r}")
        return wanted

    def near(self, rng: random.Random, kecamatan: str, spread: float = 0.012) -> tuple[str, str]:
        """A point near the kecamatan's centroid, as reported by a lodging's app."""
        centre = self.kecamatan[kecamatan]
        return (
            f"{centre.latitude + rng.uniform(-spread, spread):.4f}",
            f"{centre.longitude + rng.uniform(-spread, spread):.4f}",
        )


@dataclass
class Place:
    """A reporter and the building it reports guests at: hotel, company mess or private house."""

    number: int  # the reporter system's own number, used in its report ids
    reporter_type: str
    reporter_id: str
    reporter_name: str
    place_name: str
    address: str
    kelurahan: str
    kecamatan: str
    latitude: str
    longitude: str
    zone: str = ""
    popularity: float = 1.0

    def columns(self) -> dict[str, str]:
        """The place's columns of a residence report."""
        return {
            "reporter_type": self.reporter_type,
            "reporter_id": self.reporter_id,
            "reporter_name": self.reporter_name,
            "place_name": self.place_name,
            "address": self.address,
            "kelurahan": self.kelurahan,
            "kecamatan": self.kecamatan,
            "city": CITY,
            "latitude": self.latitude,
            "longitude": self.longitude,
        }

    def domicile(self) -> dict[str, str]:
        """The place as a declared address (stay permits, registrations)."""
        return {
            "address": self.address,
            "kelurahan": self.kelurahan,
            "kecamatan": self.kecamatan,
            "city": CITY,
        }


@dataclass
class Company:
    """An employer and sponsor, with the mess where it houses its foreign workers."""

    company_id: str
    name: str
    npwp: str
    sector: str
    address: str
    kelurahan: str
    kecamatan: str
    industrial_estate: str
    origin: str
    size: float
    mess: Place
    rptka: dict[int, str] = field(default_factory=dict)  # year → RPTKA number

    def row(self) -> dict[str, str]:
        return {
            "company_id": self.company_id,
            "name": self.name,
            "npwp": self.npwp,
            "sector": self.sector,
            "address": self.address,
            "kelurahan": self.kelurahan,
            "kecamatan": self.kecamatan,
            "city": CITY,
            "industrial_estate": self.industrial_estate,
        }


@dataclass(frozen=True)
class Estate:
    """An area where companies of some sectors sit, with its streets."""

    name: str  # the industrial estate; empty outside one
    label: str  # how addresses there begin
    kecamatan: str
    kelurahan: tuple[str, ...]
    sectors: tuple[str, ...]
    streets: tuple[str, ...]
    weight: float


ESTATES = (
    Estate("Batamindo", "Kawasan Industri Batamindo", "Sei Beduk", ("Muka Kuning",),
           ("Electronics", "Electronics", "Precision engineering"),
           ("Jl. Beringin", "Jl. Rasamala", "Jl. Angsana", "Jl. Meranti", "Jl. Cemara"), 3.0),
    Estate("Panbil", "Panbil Industrial Estate", "Sei Beduk", ("Muka Kuning",),
           ("Electronics",), ("Jl. Ahmad Yani",), 1.5),
    Estate("Kabil", "Kawasan Industri Kabil", "Nongsa", ("Kabil",),
           ("Oil and gas services", "Oil and gas services", "Logistics"),
           ("Jl. Hang Kesturi", "Jl. Kabil Raya"), 2.0),
    Estate("Nongsa Digital Park", "Nongsa Digital Park", "Nongsa", ("Sambau",),
           ("Information technology",), ("Jl. Hang Lekir",), 0.6),
    Estate("Tanjung Uncang", "Kawasan Industri Tanjung Uncang", "Batu Aji", ("Tanjung Uncang",),
           ("Shipbuilding",), ("Jl. Brigjen Katamso", "Jl. Tanjung Uncang Raya"), 3.0),
    Estate("", "Kawasan Galangan Kapal Sagulung", "Sagulung", ("Sungai Lekop", "Sagulung Kota"),
           ("Shipbuilding",), ("Jl. Brigjen Katamso",), 1.0),
    Estate("Batu Ampar", "Kawasan Industri Batu Ampar", "Batu Ampar",
           ("Tanjung Sengkuang", "Batu Merah"),
           ("Oil and gas services", "Shipbuilding", "Logistics"), ("Jl. Yos Sudarso",), 2.0),
    Estate("Sekupang", "Kawasan Industri Sekupang", "Sekupang", ("Tanjung Riau",),
           ("Shipbuilding", "Oil and gas services"), ("Jl. R.E. Martadinata",), 1.0),
    Estate("", "Batam Centre", "Batam Kota", ("Belian", "Teluk Tering", "Taman Baloi"),
           ("Construction", "Construction", "Trading"),
           ("Jl. Engku Putri", "Jl. Raja Haji Fisabilillah", "Jl. Ahmad Yani"), 1.2),
    Estate("", "Nongsa", "Nongsa", ("Batu Besar", "Sambau"),
           ("Hospitality",), ("Jl. Hang Lekiu",), 0.6),
    Estate("", "Nagoya", "Lubuk Baja", ("Lubuk Baja Kota", "Kampung Pelita"),
           ("Hospitality", "Trading"), ("Jl. Imam Bonjol", "Jl. Raden Patah"), 0.6),
)  # fmt: skip

POSITIONS: dict[str, tuple[str, ...]] = {
    "Shipbuilding": (
        "Welding Supervisor", "Project Manager", "Hull Inspector", "QA/QC Engineer",
        "Piping Engineer", "Naval Architect", "Production Manager", "Outfitting Supervisor",
        "Painting Inspector", "Commissioning Engineer",
    ),
    "Electronics": (
        "Production Engineer", "Process Engineer", "Quality Manager", "Technical Advisor",
        "Plant Manager", "Maintenance Engineer", "SMT Engineer", "Production Supervisor",
    ),
    "Precision engineering": (
        "CNC Programmer", "Tooling Engineer", "Quality Manager", "Plant Manager",
        "Technical Advisor",
    ),
    "Oil and gas services": (
        "Commissioning Engineer", "Structural Engineer", "Project Director", "Piping Designer",
        "Rigging Supervisor", "Electrical Engineer", "HSE Manager",
    ),
    "Logistics": ("Operations Manager", "Port Operations Advisor", "Finance Director"),
    "Information technology": (
        "Software Architect", "Data Centre Manager", "Network Engineer", "Technical Lead",
    ),
    "Construction": (
        "Site Manager", "Civil Engineer", "Quantity Surveyor", "Project Manager", "MEP Engineer",
    ),
    "Hospitality": (
        "General Manager", "Executive Chef", "Director of Sales", "Spa Manager",
        "Golf Course Superintendent",
    ),
    "Trading": ("Director", "Finance Manager", "Sales Manager"),
}  # fmt: skip

_SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    "Shipbuilding": ("Shipyard", "Marine", "Offshore", "Shipbuilding", "Marine Engineering"),
    "Electronics": ("Electronics", "Elektronik", "Components", "Technology", "Circuits"),
    "Precision engineering": ("Precision", "Presisi", "Tooling", "Engineering"),
    "Oil and gas services": ("Offshore Services", "Energy", "Oilfield Services", "Petro Teknik"),
    "Logistics": ("Logistics", "Shipping", "Cargo"),
    "Information technology": ("Digital", "Data", "Cloud Services"),
    "Construction": ("Konstruksi", "Construction", "Bangun Persada", "Engineering"),
    "Hospitality": ("Resort", "Hospitality", "Leisure"),
    "Trading": ("Trading", "Niaga", "Commerce"),
}

# Where a company's capital comes from decides its name and, mostly, its foreign workers.
ORIGINS: dict[str, float] = {
    "CHN": 0.25, "SGP": 0.18, "IDN": 0.22, "MYS": 0.10, "KOR": 0.10, "JPN": 0.08, "IND": 0.07,
}  # fmt: skip
_ORIGIN_WORDS: dict[str, tuple[str, ...]] = {
    "CHN": ("Zhongtai", "Huaxin", "Jinhai", "Haiyang", "Xinyuan", "Dongfang", "Hengtong",
            "Yuanda", "Changxing", "Longsheng"),
    "SGP": ("Straits", "Merlion", "Eastpoint", "Pioneer", "Harbourside", "Tuas", "Kallang"),
    "IDN": ("Sinar Baja", "Mitra", "Karya", "Bintang", "Samudra", "Nusa", "Cahaya", "Prima",
            "Bahari", "Jaya Abadi", "Kepri"),
    "MYS": ("Tebrau", "Semenanjung", "Melaka", "Kinabalu", "Pasir Gudang"),
    "KOR": ("Daesan", "Hanil", "Seowon", "Mirae", "Sungjin", "Dongyang"),
    "JPN": ("Sanko", "Tokai", "Nishida", "Yamato", "Shinwa", "Kyoei"),
    "IND": ("Bharat", "Sagar", "Surya", "Shakti", "Ganga"),
}  # fmt: skip
WORKFORCE: dict[str, dict[str, float]] = {
    "CHN": {"CHN": 0.85, "MYS": 0.05, "SGP": 0.04, "IND": 0.06},
    "SGP": {"SGP": 0.30, "MYS": 0.25, "IND": 0.20, "PHL": 0.15, "CHN": 0.10},
    "IDN": {"CHN": 0.25, "IND": 0.20, "MYS": 0.15, "PHL": 0.15, "SGP": 0.10, "VNM": 0.10,
            "KOR": 0.05},
    "MYS": {"MYS": 0.60, "IND": 0.20, "SGP": 0.10, "PHL": 0.10},
    "KOR": {"KOR": 0.80, "IND": 0.10, "PHL": 0.10},
    "JPN": {"JPN": 0.75, "MYS": 0.15, "PHL": 0.10},
    "IND": {"IND": 0.85, "SGP": 0.10, "MYS": 0.05},
}  # fmt: skip


@dataclass(frozen=True)
class Zone:
    """A hotel district."""

    kecamatan: str
    kelurahan: tuple[str, ...]
    streets: tuple[str, ...]
    kinds: tuple[str, ...]
    suffix: str
    weight: float


ZONES: dict[str, Zone] = {
    "Nagoya": Zone("Lubuk Baja", ("Lubuk Baja Kota", "Kampung Pelita", "Batu Selicin"),
                   ("Jl. Imam Bonjol", "Jl. Raden Patah", "Jl. Teuku Umar", "Jl. Pembangunan"),
                   ("Hotel", "Inn", "Boutique Hotel", "Residence"), "Nagoya", 0.32),
    "Batam Centre": Zone("Batam Kota", ("Teluk Tering", "Belian", "Taman Baloi", "Sukajadi"),
                         ("Jl. Engku Putri", "Jl. Raja Haji Fisabilillah", "Jl. Sudirman"),
                         ("Hotel", "Suites", "Residence"), "Batam Centre", 0.25),
    "Harbour Bay": Zone("Batu Ampar", ("Sungai Jodoh", "Batu Merah"),
                        ("Jl. Duyung", "Jl. Yos Sudarso"),
                        ("Hotel", "Residence", "Hotel & Spa"), "Harbour Bay", 0.15),
    "Nongsa": Zone("Nongsa", ("Batu Besar", "Sambau"), ("Jl. Hang Lekiu", "Jl. Hang Jebat"),
                   ("Resort", "Beach Resort", "Golf Resort", "Villas"), "Nongsa", 0.12),
    "Waterfront": Zone("Sekupang", ("Tanjung Riau", "Tiban Indah", "Sungai Harapan"),
                       ("Jl. Gajah Mada", "Jl. R.E. Martadinata"),
                       ("Hotel", "Resort", "Inn"), "Sekupang", 0.08),
    "Bengkong": Zone("Bengkong", ("Bengkong Laut", "Sadai", "Bengkong Indah"),
                     ("Jl. Bengkong Laut", "Jl. Bengkong Indah Raya"),
                     ("Guest House", "Homestay", "Inn"), "", 0.08),
}  # fmt: skip
_HOTEL_CORES = (
    "Harmoni", "Pacific", "Golden View", "Grand Kepri", "Royal Palm", "Sunrise", "Panorama",
    "Planet", "Mirama", "Arya", "Kartika", "Bintang", "Melati", "Samudra", "Mutiara", "Laguna",
    "Palm Spring", "Seaview", "Bayview", "Citra", "Permata", "Ocean", "Marina", "Horizon",
    "Puri", "Nirwana", "Coral", "Emerald", "Sapphire", "Orchid", "Anggrek", "Kenanga",
)  # fmt: skip
_OPERATOR_SUFFIXES = ("Hotel Batam", "Wisata Kepri", "Hospitality Indonesia", "Graha Wisata")

# Residential estates where private hosts let houses, by kecamatan (weights: where they are).
HOUSING: dict[str, tuple[float, tuple[str, ...]]] = {
    "Batam Kota": (0.35, ("Perumahan Orchard Park", "Perumahan Taman Raya",
                          "Perumahan Anggrek Mas", "Perumahan Legenda Malaka")),
    "Sekupang": (0.15, ("Perumahan Tiban Indah Permai", "Perumahan Marina Park")),
    "Sei Beduk": (0.12, ("Perumahan Villa Panbil", "Perumahan Muka Kuning Indah")),
    "Batu Aji": (0.10, ("Perumahan Bukit Indah", "Perumahan Puri Legenda")),
    "Sagulung": (0.08, ("Perumahan Griya Tembesi",)),
    "Bengkong": (0.08, ("Perumahan Bengkong Permai",)),
    "Nongsa": (0.07, ("Perumahan Nongsa Village",)),
    "Lubuk Baja": (0.05, ("Perumahan Baloi Garden",)),
}  # fmt: skip


class Places:
    """Creates companies, hotels and hosts with unique business ids (NIB) and NIKs."""

    def __init__(self, rng: random.Random, geography: Geography) -> None:
        self.rng = rng
        self.geo = geography
        self.companies: list[Company] = []
        self.hotels: list[Place] = []
        self.hosts: list[Place] = []
        self._ids: set[str] = set()
        self._names: set[str] = set()
        self._counter = 0
        self._by_zone: dict[str, list[Place]] = {}

    def _unique(self, make: str) -> str:
        for _ in range(1000):
            candidate = make + "".join(self.rng.choice("0123456789") for _ in range(9))
            if candidate not in self._ids:
                self._ids.add(candidate)
                return candidate
        raise RuntimeError("no free id")  # pragma: no cover

    def _number(self) -> int:
        self._counter += 1
        return self._counter

    def _name(self, parts: Sequence[Sequence[str]]) -> str:
        """A name made of one word of each part, not given before (numbered when all are)."""
        rng = self.rng
        for attempt in range(1000):
            name = " ".join(word for word in (rng.choice(p) for p in parts if p) if word)
            if attempt > 50:
                name = f"{name} {attempt - 49}"
            if name not in self._names:
                self._names.add(name)
                return name
        raise RuntimeError("no free name")  # pragma: no cover

    def add_company(self) -> Company:
        rng = self.rng
        estate = rng.choices(ESTATES, weights=[e.weight for e in ESTATES])[0]
        sector = rng.choice(estate.sectors)
        origin = weighted(rng, ORIGINS)
        suffix = {"IDN": "", "CHN": "Indonesia", "KOR": "Batam"}.get(origin, "Indonesia")
        name = "PT " + self._name(
            [_ORIGIN_WORDS[origin], _SECTOR_WORDS[sector], (suffix,) if suffix else ()]
        )
        kelurahan = self.geo.kelurahan(estate.kecamatan, rng.choice(estate.kelurahan))
        address = f"{estate.label}, {rng.choice(estate.streets)} Lot {rng.randint(1, 320)}"
        company_id = self._unique("8120" if rng.random() < 0.6 else "9120")
        latitude, longitude = self.geo.near(rng, estate.kecamatan)
        mess = Place(
            number=self._number(),
            reporter_type="COMPANY",
            reporter_id=company_id,
            reporter_name=name,
            place_name=rng.choice(("Mess Karyawan", "Asrama Pekerja", "Dormitory"))
            + f" Blok {rng.choice('ABCDEFG')}",
            address=address,
            kelurahan=kelurahan,
            kecamatan=estate.kecamatan,
            latitude=latitude,
            longitude=longitude,
        )
        npwp = (
            f"0{rng.randint(1, 9)}.{rng.randint(0, 999):03d}.{rng.randint(0, 999):03d}."
            f"{rng.randint(0, 9)}-215.000"
        )
        company = Company(
            company_id=company_id,
            name=name,
            npwp=npwp,
            sector=sector,
            address=address,
            kelurahan=kelurahan,
            kecamatan=estate.kecamatan,
            industrial_estate=estate.name,
            origin=origin,
            size=rng.paretovariate(1.3),
            mess=mess,
        )
        self.companies.append(company)
        return company

    def add_hotel(self) -> Place:
        rng = self.rng
        zone_name = weighted(rng, {name: zone.weight for name, zone in ZONES.items()})
        zone = ZONES[zone_name]
        while True:
            kind, core = rng.choice(zone.kinds), rng.choice(_HOTEL_CORES)
            place_name = f"{core} {kind}" + (f" {zone.suffix}" if rng.random() < 0.4 else "")
            if place_name not in self._names:
                self._names.add(place_name)
                break
        operator = f"{'CV' if kind in ('Guest House', 'Homestay') else 'PT'} {core} " + rng.choice(
            _OPERATOR_SUFFIXES
        )
        latitude, longitude = self.geo.near(rng, zone.kecamatan)
        hotel = Place(
            number=self._number(),
            reporter_type="LODGING",
            reporter_id=self._unique("9120"),
            reporter_name=operator,
            place_name=place_name,
            address=f"{rng.choice(zone.streets)} No. {rng.randint(1, 120)}",
            kelurahan=self.geo.kelurahan(zone.kecamatan, rng.choice(zone.kelurahan)),
            kecamatan=zone.kecamatan,
            latitude=latitude,
            longitude=longitude,
            zone=zone_name,
            popularity=rng.paretovariate(1.5),
        )
        self.hotels.append(hotel)
        return hotel

    def nik(self, kecamatan: str, born: date, sex: str) -> str:
        """A 16-digit NIK: kecamatan code, birth date (day + 40 for women), serial."""
        day = born.day + (40 if sex == "F" else 0)
        stem = f"{self.geo.kecamatan[kecamatan].code}{day:02d}{born.month:02d}{born.year % 100:02d}"
        while True:
            nik = f"{stem}{self.rng.randint(1, 9999):04d}"
            if nik not in self._ids:
                self._ids.add(nik)
                return nik

    def add_host(self, today: date) -> Place:
        """A private house whose Indonesian owner or resident reports the foreigners there."""
        rng = self.rng
        kecamatan = weighted(rng, {k: w for k, (w, _) in HOUSING.items()})
        sex = "M" if rng.random() < 0.5 else "F"
        given = pick(rng, INDONESIAN_GIVEN_MALE if sex == "M" else INDONESIAN_GIVEN_FEMALE)
        owner = given if rng.random() < 0.15 else f"{given} {pick(rng, INDONESIAN_FAMILY)}"
        born = date(today.year - rng.randint(28, 68), rng.randint(1, 12), rng.randint(1, 28))
        latitude, longitude = self.geo.near(rng, kecamatan)
        street = rng.choice(HOUSING[kecamatan][1])
        host = Place(
            number=self._number(),
            reporter_type="INDIVIDUAL",
            reporter_id=self.nik(kecamatan, born, sex),
            reporter_name=owner,
            place_name="",
            address=f"{street} Blok {rng.choice('ABCDEFGHJK')} No. {rng.randint(1, 60)}",
            kelurahan=rng.choice(self.geo.kecamatan[kecamatan].kelurahan),
            kecamatan=kecamatan,
            latitude=latitude,
            longitude=longitude,
        )
        self.hosts.append(host)
        return host

    def hotel_in(self, rng: random.Random, zones: dict[str, float]) -> Place:
        """A hotel in one of ``zones`` (by weight), the popular ones more often."""
        if not self._by_zone:
            for hotel in self.hotels:
                self._by_zone.setdefault(hotel.zone, []).append(hotel)
        present = {zone: weight for zone, weight in zones.items() if zone in self._by_zone}
        candidates = self._by_zone[weighted(rng, present)] if present else self.hotels
        return rng.choices(candidates, weights=[h.popularity for h in candidates])[0]
