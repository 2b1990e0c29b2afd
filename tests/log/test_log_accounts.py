"""Account rows (thrustcoach.log.accounts): users with their athlete log, tokens, coach links."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from thrustcoach.errors import ConflictError, NotFoundError, PermissionDeniedError, UsageError
from thrustcoach.log import accounts
from thrustcoach.log.models import Role


def test_athlete_gets_a_log_with_a_unique_name(db: Session) -> None:
    ann = accounts.create_user(
        db, email="ann@example.org", password_hash="h", role=Role.ATHLETE, name="Ann"
    )
    ann2 = accounts.create_user(
        db, email="ann2@example.org", password_hash="h", role=Role.ATHLETE, name="Ann"
    )
    assert ann.athlete is not None and ann2.athlete is not None
    assert (ann.athlete.name, ann2.athlete.name) == ("Ann", "Ann (2)")
    assert accounts.user_by_email(db, email="ann@example.org") is ann
    with pytest.raises(ConflictError):
        accounts.create_user(
            db, email="ann@example.org", password_hash="h", role=Role.COACH, name=""
        )


def test_email_is_normalised_or_refused() -> None:
    assert accounts.normalise_email("  Ann@Example.ORG ") == "ann@example.org"
    with pytest.raises(UsageError):
        accounts.normalise_email("not-an-address")


def test_tokens_are_revoked_only_by_their_owner(db: Session) -> None:
    ann = accounts.create_user(
        db, email="ann@example.org", password_hash="h", role=Role.ATHLETE, name="Ann"
    )
    bob = accounts.create_user(
        db, email="bob@example.org", password_hash="h", role=Role.ATHLETE, name="Bob"
    )
    token = accounts.add_api_token(db, user=ann, token_hash="digest", name="  ")
    assert token.name == "token"
    with pytest.raises(NotFoundError):
        accounts.revoke_token(db, user=bob, token_id=token.id)
    accounts.revoke_token(db, user=ann, token_id=token.id)


def test_coach_link_invite_accept_remove(db: Session) -> None:
    ann = accounts.create_user(
        db, email="ann@example.org", password_hash="h", role=Role.ATHLETE, name="Ann"
    )
    coach = accounts.create_user(
        db, email="coach@example.org", password_hash="h", role=Role.COACH, name=""
    )
    with pytest.raises(PermissionDeniedError):
        accounts.invite_coach(db, user=coach, coach_email="coach@example.org")
    link = accounts.invite_coach(db, user=ann, coach_email="Coach@Example.org")
    with pytest.raises(ConflictError):
        accounts.invite_coach(db, user=ann, coach_email="coach@example.org")
    with pytest.raises(NotFoundError):
        accounts.accept_invitation(db, coach=ann, link_id=link.id)
    assert accounts.accept_invitation(db, coach=coach, link_id=link.id).accepted
    accounts.remove_link(db, user=ann, link_id=link.id)
    db.flush()
    with pytest.raises(NotFoundError):
        accounts.remove_link(db, user=coach, link_id=link.id)
