"""Visitors: Singapore and Malaysia weekenders on visa-free visits, and visitors from further away.

Singaporeans and Malaysians enter visa-free (BVK, 30 days, ASEAN only), many of them several
times a year for a weekend or a day. Indians, Chinese, Koreans, Japanese and Westerners come on a
visa on arrival (VOA, 30 days, extendable once) or on a visit stay permit (ITK) from a C-index
visa, often for business with a Batam company that sponsors them; Filipinos and Vietnamese are
ASEAN nationals and need no visa either.
"""

from __future__ import annotations

import random
from datetime import timedelta

from timpora.demo.identities import Traveller, weighted
from timpora.demo.ledger import status_on
from timpora.demo.places import Company, Place
from timpora.demo.travel import (
    BUSINESS_ZONES,
    HOTEL_ZONES,
    ROUTE_MIX,
    World,
    cross,
    lodge,
    plan_trips,
)

BVK_DAYS = 30
VOA_DAYS = 30
ITK_DAYS = 60
ASEAN = frozenset({"SGP", "MYS", "PHL", "VNM", "THA", "BRN", "MMR", "KHM", "LAO"})


def _weekend_nights(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.15:
        return 0  # a day trip: shopping, golf, seafood, and the evening ferry home
    if roll < 0.50:
        return 1
    if roll < 0.85:
        return 2
    if roll < 0.97:
        return rng.randint(3, 6)
    return rng.randint(7, 25)


def _trip_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.55:
        return 1
    if roll < 0.85:
        return rng.randint(2, 4)
    return rng.randint(5, 12)


def weekend_visitor(world: World, who: Traveller) -> None:
    """A Singaporean or Malaysian who crosses for weekends, on visa-free entry each time."""
    rng = world.rng
    trips = plan_trips(
        world, _trip_count(rng), _weekend_nights, ROUTE_MIX[who.nationality], weekend=True
    )
    purpose = weighted(rng, {"TOURISM": 0.87, "BUSINESS": 0.11, "FAMILY": 0.02})
    host = rng.choice(world.family_hosts) if purpose == "FAMILY" and world.family_hosts else None
    favourite: Place | None = None
    for trip in trips:
        stay_until = trip.first.date() + timedelta(days=BVK_DAYS - 1)
        cross(world, who, trip, permit_type="BVK", stay_until=stay_until)
        if trip.nights == 0:
            continue
        place = host
        if place is None:
            if favourite is None or rng.random() < 0.3:
                favourite = world.places.hotel_in(rng, HOTEL_ZONES[trip.route_first.checkpoint])
            place = favourite
        lodge(world, who, trip, place, permit_type="BVK", purpose=purpose)


def _long_nights(rng: random.Random, permit: str) -> int:
    if permit == "VOA" and rng.random() < 0.04:
        return rng.randint(31, 50)  # stays on with the one extension a VOA allows
    if permit == "ITK":
        return rng.randint(3, 40)
    return rng.randint(2, 12)


def long_haul_visitor(world: World, who: Traveller, sponsors: list[Company]) -> None:
    """A visitor from outside Singapore and Malaysia: one to three longer visits."""
    rng = world.rng
    if who.nationality in ASEAN:
        permit = weighted(rng, {"BVK": 0.75, "ITK-C2": 0.25})
    else:
        permit = weighted(rng, {"VOA": 0.65, "ITK-C2": 0.25, "ITK-C1": 0.10})
    permit_type, _, visa_index = permit.partition("-")
    business = visa_index == "C2" or (permit_type == "VOA" and rng.random() < 0.3)
    sponsor = rng.choices(sponsors, weights=[c.size for c in sponsors])[0] if sponsors else None
    count = weighted(rng, {"1": 0.7, "2": 0.2, "3": 0.1})
    trips = plan_trips(
        world, int(count), lambda r: _long_nights(r, permit_type), ROUTE_MIX["LONG_HAUL"]
    )
    for trip in trips:
        zones = BUSINESS_ZONES if business else HOTEL_ZONES[trip.route_first.checkpoint]
        hotel = world.places.hotel_in(rng, zones)
        purpose = "BUSINESS" if business else "TOURISM"
        if permit_type == "BVK":
            stay_until = trip.first.date() + timedelta(days=BVK_DAYS - 1)
            cross(world, who, trip, permit_type="BVK", stay_until=stay_until)
            lodge(world, who, trip, hotel, permit_type="BVK", purpose=purpose)
            continue
        days = ITK_DAYS if permit_type == "ITK" else VOA_DAYS
        stay_until = trip.first.date() + timedelta(days=days - 1)
        number = world.ledger.permit_number(permit_type, trip.first.date())
        cross(
            world, who, trip, permit_type=permit_type, permit_number=number, stay_until=stay_until
        )
        extended = permit_type == "VOA" and trip.second.date() > stay_until
        valid_until = stay_until + timedelta(days=30) if extended else stay_until
        sponsored = visa_index == "C2" and sponsor is not None
        world.ledger.stay_permit(
            who,
            permit_number=number,
            permit_type=permit_type,
            visa_index=visa_index or "B1",
            status=status_on(world.today, valid_until, extended),
            issued_on=trip.first.date(),
            valid_from=trip.first.date(),
            valid_until=valid_until,
            extended_from=stay_until if extended else None,
            sponsor_type="COMPANY" if sponsored else "NONE",
            sponsor_id=sponsor.company_id if sponsored and sponsor else "",
            sponsor_name=sponsor.name if sponsored and sponsor else "",
            purpose=purpose,
            **hotel.domicile(),
        )
        lodge(
            world, who, trip, hotel, permit_type=permit_type, permit_number=number, purpose=purpose
        )
