"""Accounts, the web side: password rules and hashing, login check, API token generation.

The rows themselves (users, tokens, coach links) are stored by :mod:`thrustcoach.log.accounts`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from thrustcoach.errors import UsageError
from thrustcoach.log import accounts as account_data
from thrustcoach.log.models import Role, User
from thrustcoach.web.security import hash_password, new_api_token, verify_password

__all__ = ["MIN_PASSWORD_LEN", "authenticate", "change_password", "create_token", "sign_up"]

MIN_PASSWORD_LEN = 8  # NIST SP 800-63B minimum for user-chosen passwords
MAX_PASSWORD_LEN = 256
# Verifying against a dummy hash when the e-mail is unknown keeps the response time the same,
# so login timing does not reveal which addresses have accounts.
_DUMMY_HASH = hash_password("not-a-real-password-used-for-timing-only")


def _check_password(password: str) -> None:
    if not MIN_PASSWORD_LEN <= len(password) <= MAX_PASSWORD_LEN:
        raise UsageError(
            f"the password must have {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} characters",
            hint="a few unrelated words make a long password that is easy to remember",
        )


def sign_up(db: Session, email: str, *, password: str, role: Role, name: str) -> User:
    """Create a user; an athlete also gets their athlete row (their training log)."""
    email = account_data.normalise_email(email)
    _check_password(password)
    return account_data.create_user(
        db, email=email, password_hash=hash_password(password), role=role, name=name
    )


def authenticate(db: Session, email: str, *, password: str) -> User | None:
    try:
        email = account_data.normalise_email(email)
    except UsageError:
        return None
    user = account_data.user_by_email(db, email=email)
    # End the read before the hash: argon2 takes ~0.1 s of CPU (more on a busy machine) and
    # an open SQLite transaction would hold the write lock all that time, queueing every
    # other request that writes behind each login.
    db.commit()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def change_password(
    db: Session, user: User, *, password: str, keep_token_hash: str | None = None
) -> None:
    """Set a new password; every login session but ``keep_token_hash`` ends."""
    _check_password(password)
    account_data.set_password_hash(
        db, user=user, password_hash=hash_password(password), keep_token_hash=keep_token_hash
    )


def create_token(db: Session, user: User, *, name: str) -> str:
    """A new API token for ``user``; returns the plain token (shown once, stored hashed)."""
    plain, digest = new_api_token()
    account_data.add_api_token(db, user=user, token_hash=digest, name=name)
    return plain
