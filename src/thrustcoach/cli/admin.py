"""``thrustcoach admin``: account chores for whoever runs the server (there is no e-mail)."""

from __future__ import annotations

import secrets
import sys

import typer

from thrustcoach.errors import NotFoundError, UsageError

__all__ = ["register"]

admin_app = typer.Typer(
    help="Account chores for the person who runs the server (password reset).",
    no_args_is_help=True,
)


@admin_app.command("reset-password")
def reset_password(
    email: str = typer.Argument(..., help="The e-mail address the user signs in with."),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the new password from standard input instead of generating one.",
    ),
) -> None:
    """Give a user a new password (printed once: hand it over, they can sign in with it).

    The web app has no e-mail, so a forgotten password is reset here, on the server.
    """
    from thrustcoach.cli.log_common import db_session
    from thrustcoach.log import accounts
    from thrustcoach.web.accounts import MAX_PASSWORD_LEN, MIN_PASSWORD_LEN
    from thrustcoach.web.security import hash_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not MIN_PASSWORD_LEN <= len(password) <= MAX_PASSWORD_LEN:
            raise UsageError(
                f"the password must have {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} characters",
                hint="or leave out --password-stdin to get a generated one",
            )
    else:
        password = secrets.token_urlsafe(12)  # 16 characters, ~96 bits
    with db_session() as session:
        user = accounts.user_by_email(session, email=accounts.normalise_email(email))
        if user is None:
            raise NotFoundError(f"no account with the e-mail {email}", hint="check the spelling")
        accounts.set_password_hash(session, user=user, password_hash=hash_password(password))
        address = user.email
    if password_stdin:
        typer.echo(f"New password set for {address}.")
    else:
        typer.echo(f"New password for {address}: {password}")
        typer.echo("Hand it over privately; they can sign in with it right away.")


def register(app: typer.Typer) -> None:
    app.add_typer(admin_app, name="admin")
