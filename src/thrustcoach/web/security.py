"""Security primitives of the web app: secret key, password hashing, CSRF tokens, API tokens.

* Passwords: argon2id through argon2-cffi (its defaults follow RFC 9106's recommendations).
* Sessions: Starlette's signed-cookie session (itsdangerous), HttpOnly and SameSite=Lax.
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
from starlette.requests import Request

from thrustcoach.config import Settings
from thrustcoach.errors import PermissionDeniedError, StorageError

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "csrf_token",
    "hash_api_token",
    "hash_password",
    "load_secret_key",
    "new_api_token",
    "password_needs_rehash",
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
