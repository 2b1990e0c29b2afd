"""Security primitives of the web app: secret key, password hashing, CSRF tokens, API tokens.

* Passwords: argon2id through argon2-cffi (its defaults follow RFC 9106's recommendations).
* Sessions: Starlette's signed-cookie session (itsdangerous), HttpOnly and SameSite=Lax. The
  cookie carries a random login-session token; only its SHA-256 is stored (``login_sessions``),
  and the cookie is honoured only while that row exists, so logging out really ends it.
* CSRF: a synchronizer token kept in the session and echoed by every form (``csrf_token``
  field) or by JavaScript (``X-CSRF-Token`` header); compared in constant time.
* API tokens: 32 random bytes shown once; only their SHA-256 is stored (a high-entropy token
  needs no slow hash).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.config import Settings
from thrustcoach.errors import PermissionDeniedError, StorageError

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "DEVICE_COOKIE",
    "account_digest",
    "csrf_token",
    "hash_api_token",
    "hash_password",
    "known_device_accounts",
    "load_secret_key",
    "new_api_token",
    "new_session_token",
    "password_needs_rehash",
    "remember_device",
    "verify_csrf_value",
    "verify_password",
]

logger = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_SESSION_CSRF_KEY = "csrf"
# argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane), which OWASP rates
# as strong as the RFC 9106 profile argon2-cffi defaults to (64 MiB, 3 passes, 4 lanes). That
# profile cost ~150 ms of CPU per login here: 50 people signing in at once held both cores for
# seconds and every page waited. At most one hash per core runs at a time, so a burst of
# logins queues behind itself, not in front of everyone's pages.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_hash_slots = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def load_secret_key(settings: Settings) -> str:
    """The key that signs session cookies: from settings, else a file kept in ``data_dir``."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.data_dir / "secret_key"
    try:
        if path.is_file():
            key = path.read_text(encoding="utf-8").strip()
            if len(key) >= 32:
                return key
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
    except OSError as exc:
        raise StorageError(
            f"cannot read or create the session key {path}: {exc.strerror}",
            hint="make the data directory writable or set THRUSTCOACH_SECRET_KEY",
        ) from exc
    logger.info("created a new session key in %s", path)
    return key


def hash_password(password: str) -> str:
    with _hash_slots:
        return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        with _hash_slots:
            return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return bool(_hasher.check_needs_rehash(password_hash))


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(_SESSION_CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[_SESSION_CSRF_KEY] = token
    return token


def verify_csrf_value(request: Request, submitted: str | None) -> None:
    """Raise 403 unless ``submitted`` equals the session's token."""
    expected = request.session.get(_SESSION_CSRF_KEY)
    if not submitted or not isinstance(expected, str) or not expected:
        raise PermissionDeniedError(
            "the form's security token is missing or expired",
            hint="reload the page and submit the form again",
        )
    if not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise PermissionDeniedError(
            "the form's security token does not match",
            hint="reload the page and submit the form again",
        )


def new_api_token() -> tuple[str, str]:
    """A fresh API token and the hash to store: ``(plain, sha256_hex)``."""
    plain = "tc_" + secrets.token_urlsafe(32)
    return plain, hash_api_token(plain)


def hash_api_token(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def new_session_token() -> tuple[str, str]:
    """A fresh login-session token for the cookie and the hash to store."""
    plain = secrets.token_urlsafe(32)
    return plain, hash_api_token(plain)


# -- known devices (the login throttle lets them through during an attack on the account) ---

DEVICE_COOKIE = "thrustcoach_device"
DEVICE_MAX_AGE_S = 365 * 24 * 3600
_MAX_DEVICE_ACCOUNTS = 5


def _device_serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="thrustcoach-known-device")


def account_digest(email: str) -> str:
    """A short stable digest of a (normalised) e-mail: the cookie never shows the address."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:24]


def known_device_accounts(request: Request, *, secret: str) -> list[str]:
    """Account digests this browser signed in to before (from its signed device cookie)."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        value = _device_serializer(secret).loads(raw)
    except BadSignature:
        return []
    return (
        [v for v in value if isinstance(v, str)][:_MAX_DEVICE_ACCOUNTS]
        if isinstance(value, list)
        else []
    )


def remember_device(response: Response, request: Request, *, secret: str, email: str) -> None:
    """Mark this browser as one that signed in to ``email`` (kept a year, signed, HttpOnly)."""
    accounts = [
        a for a in known_device_accounts(request, secret=secret) if a != account_digest(email)
    ]
    accounts = [account_digest(email), *accounts][:_MAX_DEVICE_ACCOUNTS]
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer(secret).dumps(accounts),
        max_age=DEVICE_MAX_AGE_S,
        httponly=True,
        samesite="lax",
    )
