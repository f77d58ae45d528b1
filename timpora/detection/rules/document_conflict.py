"""``DOCUMENT_CONFLICT``: one passport number held by two identities that cannot be one person.

A passport number with its issuing state (a travel document's ``number_key``) is held by two
or more current persons whose dates of birth are not compatible (the test of
:func:`~timpora.detection.rules.watchlist_hit.compatible_births`: a typo is forgiven), or the
importer recorded an :class:`~timpora.registry.models.IdentityConflict` between two current
persons (it does when the names do not match either). The identity known first (the lowest
id) is the reference; every later identity in conflict with an earlier one is the subject.
Merging two persons (an officer's decision) ends the conflict: the merged one is no longer
current. A renewed passport (the same person, a new number) is no conflict at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Severity, SubjectType
from timpora.detection.frame import Frame
from timpora.detection.rules import text
from timpora.detection.rules.base import DOCUMENT, Context, Draft, Ref, Rule
from timpora.detection.rules.watchlist_hit import compatible_births


def evaluate(frame: Frame, ctx: Context) -> Iterable[Draft]:
    frame.use("documents", "conflicts")
    rows = frame.rows(
        f"""
        WITH by_birth AS (
            SELECT a.person_id AS earlier, b.person_id AS later, a.number_key, a.issuing_state
            FROM documents a
            JOIN documents b
              ON b.number_key = a.number_key AND b.issuing_state = a.issuing_state
             AND a.person_id < b.person_id
            WHERE NOT {compatible_births("a.date_of_birth", "b.date_of_birth")}
        ),
        recorded AS (
            SELECT least(c.person_id, c.other_person_id) AS earlier,
                   greatest(c.person_id, c.other_person_id) AS later,
                   c.number_key, c.issuing_state
            FROM conflicts c
            WHERE c.person_id <> c.other_person_id
        ),
        pairs AS (
            SELECT DISTINCT * FROM (SELECT * FROM by_birth UNION ALL SELECT * FROM recorded)
        )
        SELECT p.later, p.earlier, p.number_key, p.issuing_state,
               e.id AS earlier_document, e.full_name AS earlier_name,
               e.date_of_birth AS earlier_born,
               l.id AS later_document, l.full_name AS later_name, l.date_of_birth AS later_born,
               NOT {compatible_births("e.date_of_birth", "l.date_of_birth", typos=False)}
                   AS birth_differs
        FROM pairs p
        -- Both identities must be current and hold the number: a merged person has no row.
        JOIN documents e
          ON e.person_id = p.earlier AND e.number_key = p.number_key
         AND e.issuing_state = p.issuing_state
        JOIN documents l
          ON l.person_id = p.later AND l.number_key = p.number_key
         AND l.issuing_state = p.issuing_state
        ORDER BY p.later, p.earlier, p.issuing_state, p.number_key
        """  # noqa: S608 (the interpolated text is this module's own SQL, no input)
    )
    found: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        found[row[0]].append(row)
    for person_id, conflicts in found.items():
        evidence: list[Ref] = []
        facts = []
        for (
            _later,
            earlier,
            number,
            state,
            earlier_document,
            earlier_name,
            earlier_born,
            later_document,
            later_name,
            later_born,
            birth_differs,
        ) in conflicts:
            for document_id in (earlier_document, later_document):
                if Ref(DOCUMENT, document_id) not in evidence:
                    evidence.append(Ref(DOCUMENT, document_id))
            facts.append(
                {
                    "number": number,
                    "issuing_state": state,
                    "earlier_person_id": earlier,
                    "earlier_name": earlier_name,
                    "earlier_born": earlier_born or "",
                    "name": later_name,
                    "born": later_born or "",
                    "name_differs": (earlier_name or "") != (later_name or ""),
                    "birth_differs": bool(birth_differs),
                }
            )
        yield Draft(person_id, {"conflicts": facts}, evidence)


def _born(value: str) -> str:
    if not value:
        return gettext("unknown")
    if len(value) == 10:
        return text.day(value)
    return value


def explain(facts: Mapping[str, Any], ctx: Context) -> str:
    first, *others = facts["conflicts"]
    values = {
        "number": first["number"],
        "state": first["issuing_state"],
        "earlier": first["earlier_name"],
        "earlier_born": _born(first["earlier_born"]),
        "name": first["name"],
        "born": _born(first["born"]),
    }
    if first["birth_differs"] and first["name_differs"]:
        said = gettext(
            "Passport %(number)s (%(state)s) is also held by an identity known earlier, "
            "%(earlier)s born %(earlier_born)s, with another name and date of birth than this "
            "one's (%(name)s, born %(born)s)"
        )
    elif first["birth_differs"]:
        said = gettext(
            "Passport %(number)s (%(state)s) is also held by an identity known earlier, "
            "%(earlier)s born %(earlier_born)s, with another date of birth than this one's "
            "(%(born)s)"
        )
    elif first["name_differs"]:
        said = gettext(
            "Passport %(number)s (%(state)s) is also held by an identity known earlier under "
            "another name, %(earlier)s (this one: %(name)s)"
        )
    else:
        said = gettext(
            "Passport %(number)s (%(state)s) is also held by an identity known earlier, "
            "%(earlier)s born %(earlier_born)s, recorded as a conflict when the records arrived"
        )
    said %= values
    if others:
        said += ngettext(
            " (and %(n)s other conflicting identity).",
            " (and %(n)s other conflicting identities).",
            len(others),
        ) % {"n": len(others)}
    else:
        said += "."
    return said


RULE = Rule(
    code="DOCUMENT_CONFLICT",
    title=_("Document conflict"),
    subject_type=SubjectType.PERSON,
    severity=Severity.HIGH,
    legal_basis="UU 6/2011 Pasal 119",
    parameters=(),
    evaluate=evaluate,
    explain=explain,
)
