"""``WATCHLIST_HIT``: a person who matches an entry of a watch list in force at D.

Two ways to match (``detection-rules.md``): one of the person's travel documents bears a
passport number of the entry; or screening raised a match of their names scored at or above
the screening threshold (``settings.SCREEN_THRESHOLD``), not ruled out by an officer, and the
dates of birth are compatible (:func:`compatible_births`). A hit is a lead for an officer to
review, never a finding: the explanation gives the list, the entry, why it is listed and what
the listing agency asks an officer to do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules.base import DOCUMENT, WATCHLIST_ENTRY, Context, Draft, Ref, Rule
from timpora.registry.choices import WatchList


def compatible_births(a: str, b: str, *, typos: bool = True) -> str:
    """SQL (DuckDB) that is true when the dates of birth in columns ``a`` and ``b`` (``YYYY``,
    ``YYYY-MM``, ``YYYY-MM-DD`` or empty) may be one person's.

    Compatible: unknown on either side; equal; a partial date whose known parts agree with the
    other (``1983-07`` and ``1983-07-14``); and, unless ``typos`` is false, two full dates that
    differ as a typo does, in exactly one character (``1979-04-12`` and ``1979-04-13``) or by
    day and month swapped (``1979-04-12`` and ``1979-12-04``).
    """
    typo = (
        f"""hamming({a}, {b}) = 1
                OR (left({a}, 5) = left({b}, 5)
                    AND substr({a}, 6, 2) = substr({b}, 9, 2)
                    AND substr({a}, 9, 2) = substr({b}, 6, 2))"""
        if typos
        else "false"
    )
    return f"""(
        coalesce({a}, '') = '' OR coalesce({b}, '') = '' OR {a} = {b}
        OR CASE
            WHEN length({a}) < length({b}) THEN starts_with({b}, {a})
            WHEN length({b}) < length({a}) THEN starts_with({a}, {b})
            WHEN length({a}) = 10 THEN {typo}
            ELSE false
        END
    )"""


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("persons", "documents", "entries", "hits")
    rows = frame.rows(
        f"""
        WITH by_passport AS (
            SELECT d.person_id, e.id AS entry, min(d.id) AS document_id
            FROM documents d
            JOIN entry_passports ep ON ep.number_key = d.number_key
            JOIN entries e ON e.id = ep.entry_id
            JOIN persons p ON p.id = d.person_id
            GROUP BY d.person_id, e.id
        ),
        by_name AS (
            SELECT h.person_id, h.entry_id AS entry, max(h.score) AS score
            FROM hits h
            JOIN entries e ON e.id = h.entry_id
            JOIN persons p ON p.id = h.person_id
            WHERE h.score >= $threshold
              AND {compatible_births("p.date_of_birth", "e.date_of_birth")}
            GROUP BY h.person_id, h.entry_id
        ),
        first_document AS (
            SELECT person_id, min(id) AS document_id FROM documents GROUP BY person_id
        ),
        matches AS (
            SELECT coalesce(bp.person_id, bn.person_id) AS person_id,
                   coalesce(bp.entry, bn.entry) AS entry,
                   bp.person_id IS NOT NULL AS by_passport,
                   bn.score,
                   coalesce(bp.document_id, fd.document_id) AS document_id
            FROM by_passport bp
            FULL OUTER JOIN by_name bn ON bn.person_id = bp.person_id AND bn.entry = bp.entry
            LEFT JOIN first_document fd ON fd.person_id = coalesce(bp.person_id, bn.person_id)
        )
        SELECT m.person_id, m.entry, m.by_passport, m.score, m.document_id,
               e.list, e.entry_id, e.reason, e.action_on_hit
        FROM matches m JOIN entries e ON e.id = m.entry
        ORDER BY m.person_id, m.by_passport DESC, m.score DESC NULLS LAST, e.list, e.entry_id
        """,  # noqa: S608 (the interpolated text is this module's own SQL, no input)
        threshold=float(settings.SCREEN_THRESHOLD),
    )
    found: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        found[row[0]].append(row)
    for person_id, matches in found.items():
        evidence: list[Ref] = []
        for _p, entry, _by, _score, document_id, *_rest in matches:
            evidence.append(Ref(WATCHLIST_ENTRY, entry))
            if document_id is not None and Ref(DOCUMENT, document_id) not in evidence:
                evidence.append(Ref(DOCUMENT, document_id))
        yield Draft(
            person_id,
            {
                "matches": [
                    {
                        "list": list_code,
                        "entry_id": entry_id,
                        "reason": reason,
                        "action_on_hit": action,
                        "by": "passport" if by_passport else "name",
                        "score": None if score is None else round(float(score), 4),
                    }
                    for _p, _e, by_passport, score, _d, list_code, entry_id, reason, action in (
                        matches
                    )
                ]
            },
            evidence,
        )


def _list_name(code: str) -> str:
    try:
        return str(WatchList(code).label)
    except ValueError:
        return code


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    first, *others = facts["matches"]
    values = {
        "entry": first["entry_id"],
        "list": _list_name(first["list"]),
        "reason": first["reason"],
        "action": first["action_on_hit"],
        "score": formats.number_format(first["score"] or 0, 2),
    }
    if first["by"] == "passport":
        said = (
            gettext(
                "Holds a passport number of entry %(entry)s on the %(list)s list, listed for "
                "“%(reason)s”; action on a hit: “%(action)s”"
            )
            % values
        )
    else:
        said = (
            gettext(
                "Matches entry %(entry)s on the %(list)s list by name (score %(score)s) with a "
                "compatible date of birth, listed for “%(reason)s”; action on a hit: "
                "“%(action)s”"
            )
            % values
        )
    if others:
        said += ngettext(
            " (and %(n)s other entry).", " (and %(n)s other entries).", len(others)
        ) % {"n": len(others)}
    else:
        said += "."
    return said


RULE = Rule(
    code="WATCHLIST_HIT",
    title=_("Watch-list hit"),
    subject_type=SubjectType.PERSON,
    severity=Severity.HIGH,
    legal_basis="UU 6/2011 Bab IX (pencegahan dan penangkalan); the legal basis of each list",
    parameters=(),
    evaluate=evaluate,
    explain=explain,
)
