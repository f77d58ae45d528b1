"""Log-ins, log-outs, failures and lock-outs go into the audit log."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from timpora.audit.choices import Verb
from timpora.audit.log import record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(actor=user, verb=Verb.USER_LOGGED_IN, subject=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(actor=user, verb=Verb.USER_LOGGED_OUT, subject=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    record(
        actor=None,
        verb=Verb.USER_LOGIN_FAILED,
        subject_type="accounts.user",
        subject_code=username,
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str | None = None, **kw: Any) -> None:
    record(
        actor=None,
        verb=Verb.USER_LOCKED_OUT,
        subject_type="accounts.user",
        subject_code=str(username or "")[:150],
    )
