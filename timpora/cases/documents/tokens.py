"""The signed token in a document's QR code, and the document it names.

A token is ``<code>.<digest>.<signature>``: the document's public code (its UUID in URL-safe
base64), the first 16 hex digits of :func:`content_digest`, and an HMAC of both with the
project's secret key under a salt of its own (``django.core.signing``). It never expires: a
deportation record is shown at a checkpoint years later.

The digest is of what the document says (number, kind, date, agency and the content printed),
recomputed from the stored row at each check. A PDF cannot carry the hash of its own bytes, so
the token names the content instead: a document whose number or content was changed after it
was issued no longer matches the token printed on it. The file's own SHA-256 is kept on the row
and checked before each download.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from typing import Any

from django.core import signing

from timpora.cases.models import IssuedDocument

SALT = "timpora.cases.documents.verify"
DIGEST_LENGTH = 16


def content_digest(
    *, number: str, kind: str, issued_on: Any, agency_code: str, content: dict[str, Any]
) -> str:
    """The SHA-256 of a document's data in a canonical form (hex)."""
    canonical = json.dumps(
        {
            "number": number,
            "kind": str(kind),
            "issued_on": str(issued_on),
            "agency": agency_code,
            "content": content,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def document_digest(document: IssuedDocument) -> str:
    return content_digest(
        number=document.number,
        kind=document.kind,
        issued_on=document.issued_on,
        agency_code=document.agency.code,
        content=document.content,
    )


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, sep=".")


def _encode_code(code: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(code.bytes).decode().rstrip("=")


def _decode_code(text: str) -> uuid.UUID | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return uuid.UUID(bytes=raw)
    except (binascii.Error, ValueError):
        return None


def token_for(document: IssuedDocument) -> str:
    """The token printed in ``document``'s QR code."""
    code = document.code if isinstance(document.code, uuid.UUID) else uuid.UUID(str(document.code))
    value = f"{_encode_code(code)}.{document_digest(document)[:DIGEST_LENGTH]}"
    return _signer().sign(value)


def document_for_token(token: str) -> IssuedDocument | None:
    """The document ``token`` names, or ``None`` when it is forged, altered, or names a document
    that does not exist or no longer says what it said when the token was made."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    encoded, _sep, digest = value.partition(".")
    code = _decode_code(encoded)
    if code is None or len(digest) != DIGEST_LENGTH:
        return None
    document = IssuedDocument.objects.select_related("agency").filter(code=code).first()
    if document is None or document_digest(document)[:DIGEST_LENGTH] != digest:
        return None
    return document
