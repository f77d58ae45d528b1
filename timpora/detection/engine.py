"""Running the rules: a full sweep, one rule, or the subjects an import touched.

:func:`detect` loads a :class:`~timpora.detection.frame.Frame` as of a date, evaluates the rules
in registry order, and persists each rule's drafts with :func:`~timpora.detection.actions.persist`
before the next rule runs (``SPONSOR_ANOMALY`` reads the open alerts the others left). It records
a :class:`~timpora.detection.models.DetectionRun` with the counts and seconds per rule.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from timpora.audit import log
from timpora.audit.choices import Verb
from timpora.detection import actions
from timpora.detection.choices import RunKind, SubjectType
from timpora.detection.frame import Frame, Scope
from timpora.detection.models import DetectionRun
from timpora.detection.parameters import Parameters
from timpora.detection.rules import RULES, Context, Rule
from timpora.registry.status import end_of_day


class UnknownRule(ValueError):  # noqa: N818
    pass


def place_window_days(parameters: Parameters) -> int:
    """How far back the place rules (LATE_REPORT, ADDRESS_CLUSTER) look."""
    return max(
        parameters.integer(code)
        for code in ("LATE_REPORT_WINDOW_DAYS", "ADDRESS_CLUSTER_WINDOW_DAYS")
    )


def select_rules(codes: Iterable[str] | None) -> list[Rule]:
    if codes is None:
        return list(RULES.values())
    wanted = set(codes)
    unknown = wanted - set(RULES)
    if unknown:
        raise UnknownRule(", ".join(sorted(unknown)))
    return [rule for rule in RULES.values() if rule.code in wanted]


def _subjects(rule: Rule, scope: Scope | None) -> frozenset[int] | None:
    if scope is None:
        return None
    return {
        SubjectType.PERSON: scope.person_ids,
        SubjectType.PLACE: scope.place_ids,
        SubjectType.COMPANY: scope.company_ids,
    }[SubjectType(rule.subject_type)]


def detect(
    as_of: date | None = None,
    *,
    rules: Iterable[str] | None = None,
    scope: Scope | None = None,
    kind: RunKind = RunKind.FULL,
    actor: Any = None,
    run: DetectionRun | None = None,
    progress: Callable[[str, dict[str, Any]], None] | None = None,
) -> DetectionRun:
    """Evaluate ``rules`` (all by default) as of ``as_of`` (today) and update the alerts."""
    as_of = as_of or timezone.localdate()
    selected = select_rules(rules)
    if run is None:
        run = DetectionRun.objects.create(
            kind=kind, as_of=as_of, rules=[r.code for r in selected], actor=actor
        )
    run.subjects = scope.size if scope is not None else None
    ctx = Context(as_of=as_of, parameters=actions.parameters_at(as_of))
    frame = Frame(as_of, scope, place_window_days=place_window_days(ctx.parameters))
    routes = actions.route_agencies()
    started = time.perf_counter()
    for rule in selected:
        if scope is not None and not _subjects(rule, scope):
            continue
        began = time.perf_counter()
        loads_before = dict(frame.load_seconds)
        if rule.reads_alerts:
            frame.forget("open_alerts")
        drafts = list(rule.evaluate(frame, ctx))
        evaluated = time.perf_counter()
        outcome = actions.persist(rule, drafts, ctx, subjects=_subjects(rule, scope), routes=routes)
        load = sum(frame.load_seconds.values()) - sum(loads_before.values())
        counts = outcome.as_dict()
        counts["load_seconds"] = round(load, 3)
        counts["rule_seconds"] = round(evaluated - began - load, 3)
        counts["seconds"] = round(time.perf_counter() - began, 3)
        run.counts[rule.code] = counts
        if progress is not None:
            progress(rule.code, counts)
    run.finished_at = timezone.now()
    run.counts["_total"] = {
        "seconds": round(time.perf_counter() - started, 3),
        "rows_read": frame.rows_read,
        "load_seconds": round(sum(frame.load_seconds.values()), 3),
    }
    run.save()
    log.record(
        actor=actor,
        verb=Verb.DETECTION_RUN,
        subject_type="detection.detectionrun",
        subject_code=str(run.pk),
        changes={
            "kind": run.kind,
            "as_of": as_of.isoformat(),
            "rules": {code: c.get("fired") for code, c in run.counts.items() if code != "_total"},
            "subjects": run.subjects,
        },
    )
    return run


def scope_of_persons(
    person_ids: Iterable[int], *, places_since: date | None = None, with_places: bool = True
) -> Scope:
    """The persons an import touched, the places they stayed at and the companies that
    sponsor or employ them: everything whose rules the import can change.

    The place rules read only stays (``LATE_REPORT``, ``ADDRESS_CLUSTER``): an import of
    another kind leaves the places out (``with_places=False``), and of a person's stays only
    those still open, or ended or reported since ``places_since``, can change a place's lead.
    """
    from timpora.registry.models import Stay, StayPermit, WorkPermit

    persons = frozenset(person_ids)
    if not persons:
        return Scope()
    ids = actions.ids_subquery(persons)
    places: set[int] = set()
    if with_places:
        stays = Stay.objects.filter(person_id__in=ids)
        if places_since is not None:
            since = end_of_day(places_since - timedelta(days=1))
            stays = stays.filter(
                Q(check_out__isnull=True) | Q(check_out__gte=since) | Q(reported_at__gte=since)
            )
        places = set(stays.values_list("place_id", flat=True))
    companies = {
        c
        for c in StayPermit.objects.filter(person_id__in=ids).values_list(
            "sponsor_company_id", flat=True
        )
        if c is not None
    }
    companies.update(
        WorkPermit.objects.filter(person_id__in=ids).values_list("employer_id", flat=True)
    )
    return Scope(persons, frozenset(places), frozenset(companies))
