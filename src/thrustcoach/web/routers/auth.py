"""Pages: sign-up, log in/out, account (API tokens, coach invitations)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.config import Settings
from thrustcoach.errors import PermissionDeniedError, ThrustCoachError
from thrustcoach.log import accounts as account_data
from thrustcoach.log import repo
from thrustcoach.log.models import ApiToken, Athlete, CoachLink, Role, User
from thrustcoach.web import accounts, exports
from thrustcoach.web.access import own_athlete
from thrustcoach.web.db import commit
from thrustcoach.web.deps import (
    CsrfProtect,
    Db,
    OptionalUser,
    PageUser,
    current_session_hash,
    login_user,
    logout_user,
)
from thrustcoach.web.jobs import JobStore
from thrustcoach.web.ratelimit import LoginThrottle, TooManyAttemptsError, client_key
from thrustcoach.web.security import account_digest, known_device_accounts, remember_device
from thrustcoach.web.templating import flash, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect to another host."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/today"


@router.get("/signup")
def signup_form(request: Request, user: OptionalUser) -> Response:
    return render(request, "signup.html", {"form": {}, "error": None})


@router.post("/signup", dependencies=[CsrfProtect])
def signup(
    request: Request,
    db: Db,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=256)],
    name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[Role, Form()] = Role.ATHLETE,
) -> Response:
    request.state.user = None
    try:
        user = accounts.sign_up(db, email, password=password, role=role, name=name)
        commit(db, conflict="an account with this e-mail already exists")
    except ThrustCoachError as exc:
        form = {"email": email, "name": name, "role": role.value}
        return render(
            request, "signup.html", {"form": form, "error": str(exc)}, status_code=exc.http_status
        )
    login_user(request, db, user)
    commit(db)
    flash(request, "Welcome! Your account is ready.", kind="success")
    return RedirectResponse("/plans/new" if user.athlete_id else "/account", status_code=303)


@router.get("/login")
def login_form(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "email": "", "error": None})


@router.post("/login", dependencies=[CsrfProtect])
def login(
    request: Request,
    db: Db,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=500)] = "/today",
) -> Response:
    request.state.user = None
    throttle: LoginThrottle = request.app.state.login_throttle
    secret: str = request.app.state.secret_key
    account = account_digest(email)
    client = client_key(request.client.host if request.client else None)
    known = account in known_device_accounts(request, secret=secret)
    ctx = {"next": _safe_next(next), "email": email}
    try:
        throttle.check(account=account, client=client, known_client=known)
    except TooManyAttemptsError as exc:
        ctx["error"] = f"Too many failed logins: {exc.hint}."
        return render(request, "login.html", ctx, status_code=429, headers=exc.headers)
    user = accounts.authenticate(db, email, password=password)
    if user is None:
        throttle.failed(account=account, client=client)
        ctx["error"] = "Wrong e-mail or password."
        return render(request, "login.html", ctx, status_code=401)
    throttle.succeeded(account=account, client=client)
    login_user(request, db, user)
    commit(db)
    response = RedirectResponse(_safe_next(next), status_code=303)
    remember_device(response, request, secret=secret, email=email)
    return response


@router.post("/logout", dependencies=[CsrfProtect])
def logout(request: Request, db: Db) -> Response:
    logout_user(request, db)
    commit(db)
    flash(request, "You are logged out.")
    return RedirectResponse("/", status_code=303)


@router.post("/account/password", dependencies=[CsrfProtect])
def change_password(
    request: Request,
    db: Db,
    user: PageUser,
    current_password: Annotated[str, Form(max_length=256)],
    new_password: Annotated[str, Form(max_length=256)],
) -> Response:
    """A new password; every other browser signed in to this account is logged out."""
    if accounts.authenticate(db, user.email, password=current_password) is None:
        raise PermissionDeniedError(
            "the current password is wrong", hint="type your current password again"
        )
    accounts.change_password(
        db, user, password=new_password, keep_token_hash=current_session_hash(request)
    )
    return _saved(
        request,
        db,
        message="Password changed: other browsers signed in to this account are logged out.",
        to="/account#password",
    )


def _saved(request: Request, db: Session, *, message: str, to: str) -> Response:
    """The end of an account form: commit, flash ``message``, redirect (303) to ``to``."""
    commit(db)
    flash(request, message, kind="success")
    return RedirectResponse(to, status_code=303)


@router.get("/account")
def account(request: Request, db: Db, user: PageUser) -> Response:
    tokens = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    coach_links = []
    if user.athlete_id is not None:
        rows = db.execute(
            select(CoachLink, User)
            .join(User, User.id == CoachLink.coach_user_id)
            .where(CoachLink.athlete_id == user.athlete_id)
        ).all()
        coach_links = [(link, coach.email) for link, coach in rows]
    athletes = []
    if user.role == Role.COACH.value:
        rows2 = db.execute(
            select(CoachLink, Athlete)
            .join(Athlete, Athlete.id == CoachLink.athlete_id)
            .where(CoachLink.coach_user_id == user.id)
        ).all()
        athletes = [(link, athlete.name) for link, athlete in rows2]
    new_token = request.session.pop("new_token", None)
    ctx = {
        "tokens": tokens,
        "coach_links": coach_links,
        "athletes": athletes,
        "new_token": new_token,
        "athlete_name": user.athlete.name if user.athlete else None,
        "weak_side": user.athlete.weak_side if user.athlete else None,
        "body_mass": (
            repo.body_mass_on(db, athlete_id=user.athlete.id, on=dt.date.today())
            if user.athlete
            else None
        ),
    }
    return render(request, "account.html", ctx)


@router.post("/account/tokens", dependencies=[CsrfProtect])
def create_token(
    request: Request, db: Db, user: PageUser, name: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    plain = accounts.create_token(db, user, name=name)
    commit(db)
    request.session["new_token"] = plain
    return RedirectResponse("/account#tokens", status_code=303)


@router.post("/account/tokens/{token_id}/delete", dependencies=[CsrfProtect])
def delete_token(request: Request, db: Db, user: PageUser, token_id: int) -> Response:
    account_data.revoke_token(db, user=user, token_id=token_id)
    return _saved(request, db, message="Token revoked.", to="/account#tokens")


@router.post("/account/coaches", dependencies=[CsrfProtect])
def invite(
    request: Request, db: Db, user: PageUser, email: Annotated[str, Form(max_length=254)]
) -> Response:
    account_data.invite_coach(db, user=user, coach_email=email)
    return _saved(
        request,
        db,
        message="Invitation sent: your coach sees it on their account page.",
        to="/account#coaches",
    )


@router.post("/account/links/{link_id}/accept", dependencies=[CsrfProtect])
def accept(request: Request, db: Db, user: PageUser, link_id: int) -> Response:
    account_data.accept_invitation(db, coach=user, link_id=link_id)
    return _saved(request, db, message="Invitation accepted.", to="/account#athletes")


@router.post("/account/links/{link_id}/delete", dependencies=[CsrfProtect])
def remove(request: Request, db: Db, user: PageUser, link_id: int) -> Response:
    account_data.remove_link(db, user=user, link_id=link_id)
    return _saved(request, db, message="Coaching link removed.", to="/account")


@router.post("/account/profile", dependencies=[CsrfProtect])
def update_profile(
    request: Request,
    db: Db,
    user: PageUser,
    weak_side: Annotated[str, Form(max_length=5)] = "",
    body_mass_kg: Annotated[str, Form(max_length=20)] = "",
    weight_unit: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    athlete = own_athlete(db, user)
    if weak_side:
        repo.update_athlete(db, athlete_id=athlete.id, weak_side=weak_side)
    if body_mass_kg.strip():
        repo.record_body_mass(db, athlete_id=athlete.id, mass_kg=body_mass_kg.strip())
    if weight_unit:
        account_data.set_weight_unit(db, user=user, unit=weight_unit)
    commit(db)
    # Shown beside the form (the page opens at #profile, below the top of the page).
    flash(request, "Profile saved.", kind="success", where="profile")
    return RedirectResponse("/account#profile", status_code=303)


# -- deleting an account: the data is exported first ------------------------------------------

_DELETED_EXPORT = "deleted_export"


@router.get("/account/delete")
def delete_form(request: Request, user: PageUser) -> Response:
    return render(request, "account_delete.html", {"error": None})


@router.post("/account/delete", dependencies=[CsrfProtect])
def delete_account(
    request: Request,
    db: Db,
    user: PageUser,
    password: Annotated[str, Form(max_length=256)],
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    if confirm != "yes" or accounts.authenticate(db, user.email, password=password) is None:
        error = (
            "Tick the box to confirm."
            if confirm != "yes"
            else "That is not your password: nothing was deleted."
        )
        return render(request, "account_delete.html", {"error": error}, status_code=400)
    settings: Settings = request.app.state.settings
    token = None
    if user.athlete_id is not None:
        token = exports.stash(settings.data_dir, exports.export_zip(db, athlete_id=user.athlete_id))
        store: JobStore = request.app.state.jobs
        jobs, _ = store.list_for(db, [user.athlete_id], limit=100_000)
        for job in jobs:  # the rows go with the user; the clips and reports go now
            store.remove_dir(job.id)
        request.app.state.live.forget(user.id)  # live sets: landmarks and analyses on disk
        request.app.state.live.store.delete_for(user.athlete_id)
    account_data.delete_user(db, user=user)  # ends every login session of the account too
    commit(db)
    logout_user(request, db)
    if token is not None:
        request.session[_DELETED_EXPORT] = token
    return RedirectResponse("/account/deleted", status_code=303)


@router.get("/account/deleted")
def deleted_page(request: Request, user: OptionalUser) -> Response:
    ready = bool(request.session.get(_DELETED_EXPORT))
    return render(request, "account_deleted.html", {"export_ready": ready})


@router.get("/account/deleted/export.zip")
def deleted_export(request: Request, user: OptionalUser) -> Response:
    settings: Settings = request.app.state.settings
    data = exports.pop_stashed(settings.data_dir, str(request.session.pop(_DELETED_EXPORT, "")))
    return Response(
        data,
        media_type="application/zip",
        headers={"content-disposition": 'attachment; filename="thrustcoach-export.zip"'},
    )
