from timpora.registry.models.facts import (
    BorderCrossing,
    FactRevision,
    Registration,
    Stay,
    StayPermit,
    WorkPermit,
)
from timpora.registry.models.organisations import Company, Place
from timpora.registry.models.person import (
    IdentityConflict,
    Person,
    PersonNameToken,
    TravelDocument,
)
from timpora.registry.models.reference import Checkpoint, Country, Kecamatan, Kelurahan

__all__ = [
    "BorderCrossing",
    "Checkpoint",
    "Company",
    "Country",
    "FactRevision",
    "IdentityConflict",
    "Kecamatan",
    "Kelurahan",
    "Person",
    "PersonNameToken",
    "Place",
    "Registration",
    "Stay",
    "StayPermit",
    "TravelDocument",
    "WorkPermit",
]
