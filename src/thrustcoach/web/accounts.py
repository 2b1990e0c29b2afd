"""Accounts: sign-up, password check, API tokens and coach invitations (over the log models)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from thrustcoach.errors import ConflictError, NotFoundError, PermissionDeniedError, UsageError
from thrustcoach.log.models import ApiToken, Athlete, CoachLink, Role, User
from thrustcoach.web.security import hash_password, new_api_token, verify_password

__all__ = [
    "MIN_PASSWORD_LEN",
    "accept_invitation",
    "authenticate",
    "create_token",
    "invite_coach",
    "remove_link",
    "revoke_token",
    "sign_up",
]

MIN_PASSWORD_LEN = 8  # NIST SP 800-63B minimum for user-chosen passwords
MAX_PASSWORD_LEN = 256
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# Verifying against a dummy hash when the e-mail is unknown keeps the response time the same,
# so login timing does not reveal which addresses have accounts.
_DUMMY_HASH = hash_password("not-a-real-password-used-for-timing-only")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise UsageError(
            f"{email!r} is not an e-mail address", hint="use the form name@example.org"
        )
    return email


def _unique_athlete_name(db: Session, name: str) -> str:
    base = name.strip()[:100] or "Athlete"
    candidate, n = base, 1
    while db.scalar(select(func.count()).where(Athlete.name == candidate)):
        n += 1
        candidate = f"{base} ({n})"
    return candidate


def sign_up(db: Session, email: str, *, password: str, role: Role, name: str) -> User:
    """Create a user; an athlete also gets their athlete row (their training log)."""
    email = normalise_email(email)
    if not MIN_PASSWORD_LEN <= len(password) <= MAX_PASSWORD_LEN:
        raise UsageError(
            f"the password must have {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} characters",
            hint="a few unrelated words make a long password that is easy to remember",
        )
    if db.scalar(select(User).where(User.email == email)) is not None:
        raise ConflictError(
            "an account with this e-mail already exists",
            hint="log in instead, or use another address",
        )
    user = User(email=email, password_hash=hash_password(password), role=role.value)
    if role is Role.ATHLETE:
        athlete = Athlete(name=_unique_athlete_name(db, name or email.split("@")[0]))
        db.add(athlete)
        db.flush()
        user.athlete_id = athlete.id
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, email: str, *, password: str) -> User | None:
    try:
        email = normalise_email(email)
    except UsageError:
        return None
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def create_token(db: Session, user: User, *, name: str) -> str:
    """A new API token for ``user``; returns the plain token (shown once, stored hashed)."""
    plain, digest = new_api_token()
    db.add(ApiToken(user_id=user.id, token_hash=digest, name=(name.strip() or "token")[:100]))
    db.flush()
    return plain


def revoke_token(db: Session, user: User, *, token_id: int) -> None:
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFoundError(f"token {token_id} not found")
    db.delete(token)


def invite_coach(db: Session, user: User, *, coach_email: str) -> CoachLink:
    """The athlete ``user`` invites a coach account (by e-mail) to see their log."""
    if user.athlete_id is None:
        raise PermissionDeniedError("only athletes can invite a coach")
    email = normalise_email(coach_email)
    coach = db.scalar(select(User).where(User.email == email, User.role == Role.COACH.value))
    if coach is None:
        raise NotFoundError(
            f"no coach account with the e-mail {email}",
            hint="ask your coach to sign up as a coach first",
        )
    existing = db.scalar(
        select(CoachLink).where(
            CoachLink.coach_user_id == coach.id, CoachLink.athlete_id == user.athlete_id
        )
    )
    if existing is not None:
        raise ConflictError(f"{email} is already invited")
    link = CoachLink(coach_user_id=coach.id, athlete_id=user.athlete_id)
    db.add(link)
    db.flush()
    return link


def accept_invitation(db: Session, coach: User, *, link_id: int) -> CoachLink:
    link = db.get(CoachLink, link_id)
    if link is None or link.coach_user_id != coach.id:
        raise NotFoundError(f"invitation {link_id} not found")
    link.accepted = True
    link.accepted_at = _now()
    return link


def remove_link(db: Session, user: User, *, link_id: int) -> None:
    """Either side may end a coaching link (athlete withdraws, coach declines or leaves)."""
    link = db.get(CoachLink, link_id)
    if link is None or (link.coach_user_id != user.id and link.athlete_id != user.athlete_id):
        raise NotFoundError(f"coach link {link_id} not found")
    db.delete(link)
