"""The form that issues a document from the case page: one form, the fields of each kind."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from timpora.cases.choices import DocumentKind

TEXT = 300
LONG_TEXT = 4000


def parse_questions(text: str) -> list[dict[str, str]]:
    """Blocks separated by a blank line: the first line is the question, the rest the answer."""
    pairs = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if lines:
            pairs.append({"q": lines[0], "a": " ".join(lines[1:])})
    return pairs


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    action = forms.UUIDField(label=_("Action"), required=False)
    # Surat Perintah
    officers = forms.CharField(
        label=_("Officers ordered"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("User names of your agency, one per line; yourself when empty."),
    )
    task = forms.CharField(
        label=_("Task"), required=False, max_length=LONG_TEXT, widget=forms.Textarea
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=TEXT)
    period_from = forms.DateField(label=_("From"), required=False)
    period_to = forms.DateField(label=_("Until"), required=False)
    # Berita Acara Pemeriksaan
    person = forms.UUIDField(label=_("Person examined"), required=False)
    examined_at = forms.DateTimeField(
        label=_("Examined at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    questions = forms.CharField(
        label=_("Questions and answers"),
        required=False,
        max_length=LONG_TEXT * 10,
        widget=forms.Textarea,
        help_text=_("The question on one line, its answer below; a blank line between pairs."),
    )
    statement = forms.CharField(
        label=_("Statement"), required=False, max_length=LONG_TEXT * 4, widget=forms.Textarea
    )
    # Berita Acara Pendeportasian
    note = forms.CharField(
        label=_("Note"), required=False, max_length=LONG_TEXT, widget=forms.Textarea
    )

    def content(self) -> dict[str, Any]:
        """What the officer added, in the shape ``issue_document`` takes for the kind."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == DocumentKind.SURAT_PERINTAH:
            return {
                "officers": [name for name in re.split(r"[\s,;]+", data["officers"]) if name],
                "task": data["task"],
                "place": data["place"],
                "period_from": data["period_from"],
                "period_to": data["period_to"],
            }
        if kind == DocumentKind.BAP:
            return {
                "person": str(data["person"] or ""),
                "place": data["place"],
                "examined_at": data["examined_at"],
                "questions": parse_questions(data["questions"]),
                "statement": data["statement"],
            }
        if kind == DocumentKind.BA_DEPORTASI:
            return {"note": data["note"]}
        return {}


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"), max_length=LONG_TEXT, widget=forms.Textarea
    )
