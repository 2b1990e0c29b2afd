"""Request dependencies: the signed-in user (session cookie or API token) and CSRF checks.

Pages use the session cookie; every state-changing form carries the session's CSRF token.
The API takes ``Authorization: Bearer <token>``; a browser script calling the API with the
session cookie must send the CSRF token in ``X-CSRF-Token`` for any unsafe method.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection, Request

from thrustcoach.config import Settings
from thrustcoach.errors import ThrustCoachError
from thrustcoach.log.accounts import end_login_session, login_session_user, start_login_session
from thrustcoach.log.db import session_scope
from thrustcoach.log.models import ApiToken, User
from thrustcoach.web.db import SAFE_METHODS, app_engine, get_db
from thrustcoach.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    hash_api_token,
    new_session_token,
    verify_csrf_value,
)

__all__ = [
    "SESSION_LIFETIME",
    "ApiUser",
    "CsrfProtect",
    "Db",
    "LoginRequiredError",
    "OptionalUser",
    "PageUser",
    "UserView",
    "connection_user",
    "csrf_protect",
    "current_session_hash",
    "login_user",
    "logout_user",
]

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_SESSION_UID = "uid"
_SESSION_TOKEN = "sid"  # the login-session token (its hash is a login_sessions row)
SESSION_LIFETIME = dt.timedelta(days=14)

Db = Annotated[Session, Depends(get_db)]


@dataclass(frozen=True)
class UserView:
    """What templates show of the signed-in user: plain values, safe after the session ends
    (error pages render after the request's database session was rolled back)."""

    id: int
    email: str
    role: str
    athlete_id: int | None
    weight_unit: str = "kg"


def _remember(request: Request, user: User | None) -> None:
    request.state.user = (
        UserView(user.id, user.email, user.role, user.athlete_id, user.weight_unit or "kg")
        if user is not None
        else None
    )


class LoginRequiredError(ThrustCoachError):
    """401: pages redirect to the login form, the API answers with a problem."""

    http_status = 401
    title = "Sign-in required"


async def csrf_protect(request: Request) -> None:
    """Reject unsafe requests whose CSRF token (form field or header) is not the session's."""
    if request.method not in _UNSAFE:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if not submitted and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    verify_csrf_value(request, submitted)


CsrfProtect = Depends(csrf_protect)


def _session_user(request: Request, db: Session) -> User | None:
    """The user of the cookie's login session, if that session is still live on the server."""
    uid = request.session.get(_SESSION_UID)
    token = request.session.get(_SESSION_TOKEN)
    if not isinstance(uid, int) or not isinstance(token, str):
        return None
    user = login_session_user(db, user_id=uid, token_hash=hash_api_token(token))
    if user is None:  # logged out, revoked, expired or the account is gone
        request.session.pop(_SESSION_UID, None)
        request.session.pop(_SESSION_TOKEN, None)
    return user


def connection_user(conn: HTTPConnection, db: Session) -> User | None:
    """The signed-in user of any connection, a WebSocket's included (its handshake carries
    the session cookie; FastAPI's Request-based dependencies do not run for sockets)."""
    return _session_user(cast(Request, conn), db)


def optional_user(request: Request, db: Db) -> User | None:
    user = _session_user(request, db)
    _remember(request, user)
    return user


def page_user(request: Request, db: Db) -> User:
    user = optional_user(request, db)
    if user is None:
        raise LoginRequiredError("please log in to see this page", hint="log in or sign up first")
    return user


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


_TOKEN_TOUCH_S = 60  # "last used" to the minute: reads need not write on every call


def _touch_token(request: Request, row: ApiToken) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if row.last_used_at is not None and (now - row.last_used_at).total_seconds() < _TOKEN_TOUCH_S:
        return
    if request.method not in SAFE_METHODS:
        row.last_used_at = now  # written with the request's own changes
        return
    # A read's transaction does not hold the write lock: note the use in a short one of its own.
    settings: Settings = request.app.state.settings
    with contextlib.suppress(ThrustCoachError), session_scope(app_engine(settings)) as w:
        w.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))


def api_user(request: Request, db: Db) -> User:
    # Sync on purpose: FastAPI runs it in the thread pool. Its first query may wait for
    # SQLite's write lock (POST/PUT/...), and waiting on the event loop would stall every
    # request of this server process, including the one holding the lock.
    token = _bearer_token(request)
    if token is not None:
        row = db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_api_token(token)))
        if row is None:
            raise LoginRequiredError(
                "the API token is unknown or revoked", hint="create a new token"
            )
        _touch_token(request, row)
        _remember(request, row.user)
        return row.user
    user = _session_user(request, db)
    if user is None:
        raise LoginRequiredError(
            "authentication required",
            hint="send 'Authorization: Bearer <token>' (create a token on the account page)",
        )
    if request.method in _UNSAFE:
        verify_csrf_value(request, request.headers.get(CSRF_HEADER))
    _remember(request, user)
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
PageUser = Annotated[User, Depends(page_user)]
ApiUser = Annotated[User, Depends(api_user)]


def login_user(request: Request, db: Session, user: User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token: no session fixation)."""
    plain, digest = new_session_token()
    start_login_session(db, user_id=user.id, token_hash=digest, lifetime=SESSION_LIFETIME)
    request.session.clear()
    request.session[_SESSION_UID] = user.id
    request.session[_SESSION_TOKEN] = plain


def current_session_hash(request: Request) -> str | None:
    """The stored hash of this browser's login session (to keep it when revoking others)."""
    token = request.session.get(_SESSION_TOKEN)
    return hash_api_token(token) if isinstance(token, str) else None


def logout_user(request: Request, db: Session) -> None:
    """End this browser's login session on the server, then forget the cookie's contents."""
    digest = current_session_hash(request)
    if digest is not None:
        end_login_session(db, token_hash=digest)
    request.session.clear()
