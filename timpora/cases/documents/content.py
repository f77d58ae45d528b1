"""What a document says: the snapshot of the data it prints, taken when it is issued.

The snapshot is plain JSON (stored in ``IssuedDocument.content``): the PDF is drawn from it, and
its digest is what the QR token names. It is built here from the case, the action and what the
officer adds (``extra``, checked by one pydantic model per kind of document).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticError

from timpora.accounts.models import Agency, User
from timpora.cases.choices import ActionKind, DocumentKind
from timpora.cases.documents import wording
from timpora.cases.models import AdministrativeAction, Case
from timpora.detection.parameters import rupiah
from timpora.registry.models import Checkpoint, Person

TEXT = 300
LONG_TEXT = 4000


# --- What the officer adds, per kind ------------------------------------------------------------


class _Extra(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrderExtra(_Extra):
    """Surat Perintah: who is ordered (user names of the agency), to do what, where, when."""

    officers: list[str] = Field(default_factory=list, max_length=20)
    task: str = Field("", max_length=LONG_TEXT)
    place: str = Field("", max_length=TEXT)
    period_from: dt.date | None = None
    period_to: dt.date | None = None

    @model_validator(mode="after")
    def _period(self) -> OrderExtra:
        if self.period_from and self.period_to and self.period_to < self.period_from:
            raise ValueError(_("The period ends before it starts."))
        return self


class Answer(_Extra):
    q: str = Field(min_length=1, max_length=LONG_TEXT)
    a: str = Field("", max_length=LONG_TEXT)


class ExaminationExtra(_Extra):
    """BAP: whom (a person of the case, by code), where, when, the questions and the statement."""

    person: str = ""
    place: str = Field("", max_length=TEXT)
    examined_at: dt.datetime | None = None
    questions: list[Answer] = Field(default_factory=list, max_length=100)
    statement: str = Field("", max_length=LONG_TEXT * 4)

    @model_validator(mode="after")
    def _something_said(self) -> ExaminationExtra:
        if not self.questions and not self.statement:
            raise ValueError(
                _("An examination record needs the questions and answers or a statement.")
            )
        return self


class DecisionExtra(_Extra):
    """Keputusan: everything comes from the approved action."""


class DeportationExtra(_Extra):
    """Berita Acara Pendeportasian: an optional note of how it went."""

    note: str = Field("", max_length=LONG_TEXT)


EXTRAS: dict[str, type[_Extra]] = {
    DocumentKind.SURAT_PERINTAH: OrderExtra,
    DocumentKind.BAP: ExaminationExtra,
    DocumentKind.KEPUTUSAN_TAK: DecisionExtra,
    DocumentKind.BA_DEPORTASI: DeportationExtra,
}


def clean_extra(kind: str, extra: Mapping[str, Any] | None) -> Any:
    """``extra`` checked against the kind's model; a ValidationError names each field."""
    try:
        return EXTRAS[kind].model_validate(dict(extra or {}))
    except PydanticError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            field = ".".join(str(part) for part in error.get("loc", ())) or "content"
            message = str(error.get("msg", "")).removeprefix("Value error, ")
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors) from None


# --- Pieces of the snapshot --------------------------------------------------------------------


def _user(user: User) -> dict[str, str]:
    return {
        "name": user.full_name or user.get_username(),
        "role": wording.ROLE_LABELS.get(user.role, user.role),
    }


def person_snapshot(person: Person) -> dict[str, str]:
    passport = person.documents.order_by("-expiry", "-pk").first()
    born = ", ".join(
        part for part in (person.place_of_birth, wording.partial_date(person.date_of_birth)) if part
    )
    return {
        "code": str(person.code),
        "name": person.full_name,
        "name_original": person.name_original,
        "sex": wording.SEX_LABELS.get(person.sex, ""),
        "born": born,
        "nationality": person.nationality.name_id if person.nationality_id else "",
        "passport": passport.number if passport else "",
        "address": person.current_address,
    }


def _day(value: Any) -> str:
    return wording.long_date(value) if value else ""


def _checkpoint(code: str) -> str:
    checkpoint = Checkpoint.objects.filter(code=code).first()
    return f"{checkpoint.name} ({code})" if checkpoint else code


def action_details(action: AdministrativeAction) -> list[list[str]]:
    """The action's data as label/value lines in the documents' words."""
    d: dict[str, Any] = action.details or {}
    kind = action.kind
    rows: list[tuple[str, Any]] = []
    permit = action.permit if action.permit_id else None
    if permit is not None:
        rows.append(
            (
                "Izin tinggal",
                f"{permit.permit_type} {permit.permit_number}, berlaku sampai "
                f"{_day(permit.valid_until)}",
            )
        )
    if kind == ActionKind.PENANGKALAN:
        rows += [
            ("Jangka waktu penangkalan", f"{d.get('years')} tahun"),
            ("Alasan", d.get("reason")),
        ]
    elif kind == ActionKind.PENCEGAHAN:
        rows += [
            ("Jangka waktu pencegahan", f"{d.get('months')} bulan"),
            ("Alasan", d.get("reason")),
        ]
    elif kind == ActionKind.PERMIT_LIMIT:
        rows += [
            ("Izin tinggal berlaku sampai", _day(d.get("valid_until"))),
            ("Pembatasan", d.get("conditions")),
        ]
    elif kind == ActionKind.PERMIT_CHANGE:
        rows += [
            ("Jenis izin tinggal baru", d.get("permit_type")),
            ("Berlaku sampai", _day(d.get("valid_until"))),
        ]
    elif kind == ActionKind.PERMIT_CANCEL:
        rows.append(("Berlaku sejak", _day(d.get("effective_on"))))
    elif kind == ActionKind.PLACE_BAN:
        rows += [
            ("Tempat yang dilarang", "; ".join(d.get("places", ()))),
            ("Sampai dengan", _day(d.get("until"))),
        ]
    elif kind == ActionKind.RESIDENCE_ORDER:
        rows += [
            ("Tempat tinggal yang diharuskan", d.get("address")),
            ("Sampai dengan", _day(d.get("until"))),
        ]
    elif kind == ActionKind.OVERSTAY_CHARGE:
        rows += [
            ("Izin tinggal berakhir", _day(d.get("authorised_until"))),
            ("Dihitung sampai dengan", _day(d.get("as_of"))),
            ("Lamanya melampaui izin tinggal", f"{d.get('days', action.days)} hari"),
        ]
        for part in d.get("parts", ()):
            rows.append(
                (
                    f"Biaya beban {_day(part['from'])} s.d. {_day(part['to'])}",
                    f"{part['days']} hari x {rupiah(Decimal(part['per_day']))} = "
                    f"{rupiah(Decimal(part['subtotal']))}",
                )
            )
        amount = d.get("amount", action.amount)
        rows.append(
            ("Jumlah biaya beban", rupiah(Decimal(str(amount))) if amount is not None else "")
        )
        payment = d.get("payment") or {}
        if payment:
            rows.append(
                (
                    "Dibayar",
                    f"{_day(payment.get('paid_on'))}, kuitansi {payment.get('receipt_number')}",
                )
            )
    elif kind == ActionKind.DEPORTATION:
        rows += [
            ("Tanggal keberangkatan", _day(d.get("departure_on"))),
            ("Tempat Pemeriksaan Imigrasi", _checkpoint(d.get("checkpoint", ""))),
            ("Rute", d.get("route")),
            ("Pengawalan", d.get("escort")),
        ]
        if d.get("entry_ban_years"):
            rows += [
                ("Penangkalan", f"{d['entry_ban_years']} tahun"),
                ("Alasan penangkalan", d.get("entry_ban_reason")),
            ]
    elif kind == ActionKind.DETENTION:
        rows += [
            ("Nomor keputusan detensi", d.get("decision_number")),
            ("Alasan", d.get("reason")),
            ("Tempat detensi", d.get("place")),
            ("Mulai", _day(d.get("start"))),
            ("Ditinjau kembali pada", _day(d.get("review_on"))),
        ]
    elif kind == ActionKind.PRO_JUSTITIA:
        rows += [
            ("Pasal yang disangkakan", "; ".join(d.get("articles", ()))),
            ("Penyidik", d.get("investigator")),
        ]
    return [[label, str(value)] for label, value in rows if value not in (None, "")]


def _base(
    case: Case, kind: str, *, actor: User, number: str, issued_on: dt.date, agency: Agency
) -> dict[str, Any]:
    return {
        "number": number,
        "date": issued_on.isoformat(),
        "agency": agency.name,
        "letterhead": wording.letterhead(agency.name, agency.kind),
        "title": [wording.TITLES[kind]],
        "case": case.number,
        "issuer": _user(actor),
    }


def _order(
    case: Case,
    action: AdministrativeAction | None,
    actor: User,
    extra: OrderExtra,
    issued_on: dt.date,
) -> dict[str, Any]:
    officers: list[User] = []
    for username in extra.officers:
        user = User.objects.filter(
            username=username, agency_id=case.owning_agency_id, is_active=True
        ).first()
        if user is None:
            raise ValidationError(
                {"officers": [_("%(name)s is not an officer of the agency.") % {"name": username}]}
            )
        officers.append(user)
    persons = [action.person] if action else list(case.persons.all()[:5])
    names = ", ".join(p.full_name for p in persons)
    task = extra.task or (
        "Melakukan pengawasan keimigrasian"
        + (f" terhadap orang asing atas nama {names}" if names else "")
        + f" dalam rangka penanganan kasus {case.number}."
    )
    place = extra.place or "; ".join(p.current_address for p in persons if p.current_address)
    start = extra.period_from or issued_on
    return {
        "officers": [_user(u) for u in officers or [actor]],
        "task": task,
        "place": place or case.owning_agency.name,
        "period": {"from": start.isoformat(), "to": (extra.period_to or start).isoformat()},
        "basis": list(wording.ORDER_BASIS),
        "action": (
            f"{wording.ACTION_LABELS[action.kind]} terhadap {action.person.full_name}"
            if action
            else ""
        ),
    }


def _examined(case: Case, action: AdministrativeAction | None, code: str) -> Person:
    if action is not None and not code:
        return action.person
    persons = case.persons.all()
    if code:
        found = next((p for p in persons if str(p.code) == code), None)
        if found is None:
            raise ValidationError({"person": [_("This person is not a subject of the case.")]})
        return found
    if len(persons) != 1:
        raise ValidationError({"person": [_("Choose the person who was examined.")]})
    return persons[0]


def _examination(
    case: Case,
    action: AdministrativeAction | None,
    actor: User,
    extra: ExaminationExtra,
    issued_on: dt.date,
) -> dict[str, Any]:
    at = extra.examined_at or timezone.now()
    if timezone.is_aware(at):
        at = timezone.localtime(at)
    return {
        "person": person_snapshot(_examined(case, action, extra.person)),
        "examiner": _user(actor),
        "examined_at": at.replace(tzinfo=None, second=0, microsecond=0).isoformat(
            timespec="minutes"
        ),
        "place": extra.place or case.owning_agency.name,
        "questions": [{"q": item.q, "a": item.a} for item in extra.questions],
        "statement": extra.statement,
    }


def _needed(action: AdministrativeAction | None) -> AdministrativeAction:
    if action is None:
        raise ValidationError({"action": [_("This document is about an action: choose it.")]})
    return action


def _decision(
    case: Case,
    action: AdministrativeAction | None,
    actor: User,
    extra: DecisionExtra,
    issued_on: dt.date,
) -> dict[str, Any]:
    action = _needed(action)
    agency = action.agency  # the decision is the acting agency's, whoever owns the case now
    label = wording.ACTION_LABELS[action.kind]
    basis = list(wording.DECISION_BASIS)
    if action.legal_basis and action.legal_basis not in basis:
        basis.append(action.legal_basis)
    approver = action.approved_by
    return {
        "title": [
            f"KEPUTUSAN KEPALA {agency.name.upper()}",
            "TENTANG",
            "TINDAKAN ADMINISTRATIF KEIMIGRASIAN",
        ],
        "person": person_snapshot(action.person),
        "action": {
            "code": str(action.code),
            "kind": action.kind,
            "kind_label": label,
            "grounds": action.grounds,
            "legal_basis": action.legal_basis,
            "approved_by": (approver.full_name or approver.get_username()) if approver else "",
        },
        "considering": [
            f"bahwa terhadap orang asing atas nama {action.person.full_name}, "
            f"kewarganegaraan {action.person.nationality.name_id}, terdapat alasan sebagai "
            f"berikut: {action.grounds}",
            "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu "
            f"menetapkan Keputusan tentang Tindakan Administratif Keimigrasian berupa {label}",
        ],
        "basis": basis,
        "details": action_details(action),
    }


def _deportation(
    case: Case,
    action: AdministrativeAction | None,
    actor: User,
    extra: DeportationExtra,
    issued_on: dt.date,
) -> dict[str, Any]:
    action = _needed(action)
    executed = action.executed_at
    departure = (action.details or {}).get("departure_on")
    on = departure or (timezone.localdate(executed) if executed else issued_on).isoformat()
    decision = (
        action.documents.filter(kind=DocumentKind.KEPUTUSAN_TAK, revoked_at__isnull=True)
        .order_by("created_at")
        .first()
    )
    officer = action.executed_by or actor
    return {
        "person": person_snapshot(action.person),
        "officer": _user(officer),
        "executed_on": on,
        "details": action_details(action),
        "decision": decision.number if decision else "",
        "note": extra.note or action.execution_note,
    }


_BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {
    DocumentKind.SURAT_PERINTAH: _order,
    DocumentKind.BAP: _examination,
    DocumentKind.KEPUTUSAN_TAK: _decision,
    DocumentKind.BA_DEPORTASI: _deportation,
}


def snapshot(
    kind: str,
    *,
    case: Case,
    action: AdministrativeAction | None,
    actor: User,
    extra: Any,
    number: str,
    issued_on: dt.date,
    agency: Agency | None = None,
) -> dict[str, Any]:
    """Everything the document of ``kind`` prints, as plain JSON values, on the letterhead of
    ``agency`` (the issuing agency; the case's owner when not given)."""
    content = _base(
        case,
        kind,
        actor=actor,
        number=number,
        issued_on=issued_on,
        agency=agency or case.owning_agency,
    )
    content.update(_BUILDERS[kind](case, action, actor, extra, issued_on))
    return content
