"""Data access for the web app's accounts: users, API tokens, login sessions, coach links.

Keyword-only functions taking a SQLAlchemy ``Session``, like :mod:`thrustcoach.log.repo`.
Password hashing and token generation stay with the caller (``thrustcoach.web``): this module
only stores the hashes it is given.

Login sessions are rows (:class:`~thrustcoach.log.models.LoginSession`): a browser's cookie
names one by a random token. :func:`revoke_user_sessions` ends every session of a user (on a
password change, a password reset, account deletion), :func:`end_login_session` one (log out).
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from thrustcoach.errors import ConflictError, NotFoundError, PermissionDeniedError, UsageError
from thrustcoach.log.models import (
    ApiToken,
    Athlete,
    CoachLink,
    LoginSession,
    Role,
    User,
    valid_id,
)

__all__ = [
    "accept_invitation",
    "add_api_token",
    "create_user",
    "delete_user",
    "end_login_session",
    "invite_coach",
    "login_session_user",
    "normalise_email",
    "remove_link",
    "revoke_token",
    "revoke_user_sessions",
    "set_password_hash",
    "set_weight_unit",
    "start_login_session",
    "user_by_email",
]

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise UsageError(
            f"{email!r} is not an e-mail address", hint="use the form name@example.org"
        )
    return email


def user_by_email(db: Session, *, email: str) -> User | None:
    """The user with this (already normalised) e-mail, or None."""
    return db.scalar(select(User).where(User.email == email))


def _unique_athlete_name(db: Session, name: str) -> str:
    base = name.strip()[:100] or "Athlete"
    candidate, n = base, 1
    while db.scalar(select(func.count()).where(Athlete.name == candidate)):
        n += 1
        candidate = f"{base} ({n})"
    return candidate


def create_user(db: Session, *, email: str, password_hash: str, role: Role, name: str) -> User:
    """Store a user (normalised ``email``); an athlete also gets their athlete row (their log)."""
    if user_by_email(db, email=email) is not None:
        raise ConflictError(
            "an account with this e-mail already exists",
            hint="log in instead, or use another address",
        )
    user = User(email=email, password_hash=password_hash, role=role.value)
    if role is Role.ATHLETE:
        athlete = Athlete(name=_unique_athlete_name(db, name or email.split("@")[0]))
        db.add(athlete)
        db.flush()
        user.athlete_id = athlete.id
    db.add(user)
    db.flush()
    return user


def add_api_token(db: Session, *, user: User, token_hash: str, name: str) -> ApiToken:
    """Store the hash of a new API token of ``user`` (a blank name becomes "token")."""
    token = ApiToken(user_id=user.id, token_hash=token_hash, name=(name.strip() or "token")[:100])
    db.add(token)
    db.flush()
    return token


def revoke_token(db: Session, *, user: User, token_id: int) -> None:
    token = db.get(ApiToken, token_id) if valid_id(token_id) else None
    if token is None or token.user_id != user.id:
        raise NotFoundError(f"token {token_id} not found")
    db.delete(token)


def start_login_session(
    db: Session, *, user_id: int, token_hash: str, lifetime: dt.timedelta
) -> LoginSession:
    """Store a new login session (the caller keeps the token, we keep its hash)."""
    now = _now()
    db.execute(  # the user's expired sessions are of no use to anyone
        delete(LoginSession).where(LoginSession.user_id == user_id, LoginSession.expires_at <= now)
    )
    row = LoginSession(
        user_id=user_id, token_hash=token_hash, created_at=now, expires_at=now + lifetime
    )
    db.add(row)
    db.flush()
    return row


def login_session_user(db: Session, *, user_id: int, token_hash: str) -> User | None:
    """The user of a live (stored, unexpired) login session, else None."""
    row = db.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash))
    if row is None or row.user_id != user_id or row.expires_at <= _now():
        return None
    return db.get(User, user_id)


def end_login_session(db: Session, *, token_hash: str) -> None:
    """Log one browser out: its cookie stops working, wherever a copy of it is."""
    db.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash))


def revoke_user_sessions(db: Session, *, user_id: int, except_token_hash: str | None = None) -> int:
    """End every login session of ``user_id`` (but ``except_token_hash``); returns how many.

    Call it whenever the right to be signed in changes: a password change or reset, an
    account deletion, "log out everywhere". API tokens are separate (revoke them by id).
    """
    query = delete(LoginSession).where(LoginSession.user_id == user_id)
    if except_token_hash is not None:
        query = query.where(LoginSession.token_hash != except_token_hash)
    result = db.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)


def invite_coach(db: Session, *, user: User, coach_email: str) -> CoachLink:
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


def accept_invitation(db: Session, *, coach: User, link_id: int) -> CoachLink:
    link = db.get(CoachLink, link_id) if valid_id(link_id) else None
    if link is None or link.coach_user_id != coach.id:
        raise NotFoundError(f"invitation {link_id} not found")
    link.accepted = True
    link.accepted_at = _now()
    return link


def remove_link(db: Session, *, user: User, link_id: int) -> None:
    """Either side may end a coaching link (athlete withdraws, coach declines or leaves)."""
    link = db.get(CoachLink, link_id) if valid_id(link_id) else None
    if link is None or (link.coach_user_id != user.id and link.athlete_id != user.athlete_id):
        raise NotFoundError(f"coach link {link_id} not found")
    db.delete(link)


def set_password_hash(
    db: Session, *, user: User, password_hash: str, keep_token_hash: str | None = None
) -> None:
    """Store a new password hash (a reset by the administrator, or a change by the user) and
    end the user's login sessions, but ``keep_token_hash`` (the browser that made the change):
    whoever knew the old password is signed out everywhere."""
    user.password_hash = password_hash
    revoke_user_sessions(db, user_id=user.id, except_token_hash=keep_token_hash)
    db.flush()


def set_weight_unit(db: Session, *, user: User, unit: str) -> None:
    """How the pages show and read loads for ``user``: "kg" or "lb" (stored loads stay kg)."""
    if unit not in ("kg", "lb"):
        raise UsageError(f"unknown weight unit {unit!r}", hint="choose kg or lb")
    user.weight_unit = unit
    db.flush()


def delete_user(db: Session, *, user: User) -> None:
    """Delete ``user`` and, for an athlete, their whole training log (plans, sessions, sets,
    analyses, body mass, coach links); API tokens go with the user. Export first."""
    athlete = db.get(Athlete, user.athlete_id) if user.athlete_id is not None else None
    revoke_user_sessions(db, user_id=user.id)
    db.delete(user)
    db.flush()
    if athlete is not None:
        db.delete(athlete)
        db.flush()
