"""Rate limits kept in the database, so that every process and machine shares one count.

Fixed windows: at most ``limit`` hits per key in each window of ``seconds``. Used on the log-in
form (per client address) and on public forms. It needs no cache server, which the default
single-machine deployment does not have.
"""

from __future__ import annotations

import functools
import random
import re
import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from timpora.core.models import RateCounter

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/m"`` → ``(30, 60)``."""
    match = re.fullmatch(r"([1-9][0-9]*)/([smhd])", rate)
    if not match:
        raise ValueError(f"{rate!r} is not a rate such as 30/m")
    return int(match.group(1)), _UNITS[match.group(2)]


def hit(key: str, limit: int, seconds: int) -> bool:
    """Count one hit; return whether it is within the limit."""
    now = time.time()
    window = int(now // seconds)
    bucket = f"{key[:180]}:{window}"
    with transaction.atomic():
        if not RateCounter.objects.filter(key=bucket).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(
                        key=bucket, count=1, expires_at=(window + 1) * seconds
                    )
            except IntegrityError:  # another process created it first
                RateCounter.objects.filter(key=bucket).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=bucket).values_list("count", flat=True)[0]
    if random.random() < 0.01:  # noqa: S311  (not security: when to sweep old windows)
        RateCounter.objects.filter(expires_at__lt=now).delete()
    return count <= limit


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def rate_limit(
    scope: str, rate: str, *, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer 429 when one client address sends more than ``rate`` requests to the view."""
    limit, seconds = parse_rate(rate)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods and not hit(
                f"{scope}:{client_address(request)}", limit, seconds
            ):
                return render(request, "errors/429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
