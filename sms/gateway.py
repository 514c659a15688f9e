"""Kannel's side of things: its sendsms interface for what the system sends, and reading what
its smsbox hands over for what the system receives.

Nothing here touches the database: sms.services decides, this module speaks HTTP to Kannel.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger("sms.gateway")

SENDSMS_TIMEOUT = 10  # seconds; Kannel answers at once, it queues the message itself
# Every delivery report: delivered (1), undeliverable (2), buffered (4), accepted by the SMS
# centre (8), rejected by it (16).
DLR_MASK = 31

# The GSM 03.38 default alphabet (with its extension table): text within it goes as 7-bit,
# 160 characters a part; anything else as UCS-2, 70 a part.
GSM_CHARACTERS = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    "^{}\\[~]|€"
)


# Typography that reads well on a page but would push a whole message out of the GSM alphabet
# (and into UCS-2, 70 characters a part) for nothing on a phone.
_PLAIN = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
    }
)


def plain_text(text: str) -> str:
    return text.translate(_PLAIN)


def is_configured() -> bool:
    """A gateway to send through; without one, messages are written to the log."""
    return bool(settings.KANNEL_SENDSMS_URL)


def coding_for(text: str) -> int:
    """Kannel's coding: 0 (GSM 7-bit) when every character fits, 2 (UCS-2) otherwise."""
    return 0 if set(text) <= GSM_CHARACTERS else 2


@dataclass(frozen=True)
class SendResult:
    accepted: bool
    # A refusal that sending again will not change (bad credentials, a number Kannel cannot
    # route): the message goes to the dead letters at once instead of being retried.
    permanent: bool = False
    detail: str = ""


def sendsms(*, to: str, text: str, dlr_url: str) -> SendResult:
    """Hand one message to Kannel's sendsms interface."""
    text = plain_text(text)
    params = {
        "username": settings.KANNEL_SENDSMS_USERNAME,
        "password": settings.KANNEL_SENDSMS_PASSWORD,
        "to": to,
        "text": text,
        "charset": "UTF-8",
        "coding": str(coding_for(text)),
        "dlr-mask": str(DLR_MASK),
        "dlr-url": dlr_url,
    }
    if settings.SMS_NUMBER:
        params["from"] = settings.SMS_NUMBER
    if settings.KANNEL_SMSC_ID:
        params["smsc"] = settings.KANNEL_SMSC_ID
    url = f"{settings.KANNEL_SENDSMS_URL}?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=SENDSMS_TIMEOUT) as response:
            body = response.read(500).decode("utf-8", "replace").strip()
            return SendResult(accepted=True, detail=f"{response.status} {body}")
    except urllib.error.HTTPError as error:
        body = error.read(500).decode("utf-8", "replace").strip()
        # 4xx: Kannel refused the request itself (credentials, a bad number, "Not routable.
        # Do not try again."); 5xx: a temporary failure, try again later.
        return SendResult(
            accepted=False, permanent=400 <= error.code < 500, detail=f"{error.code} {body}"
        )
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        return SendResult(accepted=False, detail=f"gateway unreachable: {error}")


# --- what Kannel sends us -----------------------------------------------------------------


def secret_matches(authorization: str) -> bool:
    """The shared secret, sent by Kannel as HTTP basic auth (kannel:<secret>@ in the URL of the
    sms-service). Never in the query string: web servers log those. Without a secret
    configured nothing matches."""
    expected = settings.KANNEL_SECRET
    if not expected or not authorization.startswith("Basic "):
        return False
    try:
        decoded = base64.b64decode(authorization[6:], validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    given = decoded.partition(":")[2]
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def report_token(message_id: int) -> str:
    """The token of one outgoing message's delivery-report URL: it proves the report comes
    from the gateway the message was handed to, without putting the secret in any URL."""
    key = settings.KANNEL_SECRET.encode() or settings.SECRET_KEY.encode()
    return hmac.new(key, f"sms-dlr:{message_id}".encode(), hashlib.sha256).hexdigest()[:32]


def report_token_matches(message_id: int, token: str) -> bool:
    return bool(settings.KANNEL_SECRET) and hmac.compare_digest(
        report_token(message_id).encode(), token.encode()
    )


def decode_text(raw: bytes, *, coding: int, charset: str) -> tuple[str, bool]:
    """The text of a message as Kannel passed it (%b, the original bytes): (text, binary).

    Coding 2 is UCS-2 (UTF-16 big-endian); 1 is 8-bit data, not text; 0 is text in the
    charset Kannel names, UTF-8 when it names none."""
    if coding == 1:
        return raw.hex(), True
    if coding == 2:
        return raw.decode("utf-16-be", "replace"), False
    for encoding in (charset or "utf-8", "utf-8", "latin-1"):
        try:
            return raw.decode(encoding), False
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("latin-1"), False  # pragma: no cover - latin-1 decodes any byte
