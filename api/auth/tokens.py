"""Session tokens: ``base64url(json claims).base64url(HMAC-SHA256)``.

Claims: user id, the user's token version (bumped on a password change so older tokens die) and
the expiry. Stateless, so every api replica can check them with the shared secret.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass


class TokenError(ValueError):
    """The token is malformed, forged or expired."""


@dataclass(frozen=True)
class Claims:
    user_id: int
    version: int
    expires_ms: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(secret: bytes, claims: Claims) -> str:
    body = _b64(json.dumps({"u": claims.user_id, "v": claims.version, "exp": claims.expires_ms}).encode())
    sig = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(sig)}"


def verify(secret: bytes, token: str, now_ms: int) -> Claims:
    """The claims of a genuine, unexpired token; :class:`TokenError` otherwise."""
    try:
        body, sig = token.split(".")
        expected = hmac.new(secret, body.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(sig)):
            raise TokenError("bad signature")
        doc = json.loads(_unb64(body))
        claims = Claims(int(doc["u"]), int(doc["v"]), int(doc["exp"]))
    except TokenError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise TokenError("malformed token") from exc
    if claims.expires_ms <= now_ms:
        raise TokenError("token expired")
    return claims
