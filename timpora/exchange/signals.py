"""Signals through which later apps react to imports without exchange importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent when a batch finished (not when it was refused), with ``batch``, ``person_ids`` (the
# persons its rows touched) and ``company_ids`` (the NIBs of a company batch's rows).
batch_imported = Signal()
