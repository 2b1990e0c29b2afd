"""The error tree: one root, one-line messages with a hint, distinct exit codes."""

from __future__ import annotations

import inspect

import thrustcoach.errors as errors
from thrustcoach.errors import ThrustCoachError, UsageError


def _error_classes() -> list[type[ThrustCoachError]]:
    return [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, ThrustCoachError)
    ]


def test_every_error_derives_from_the_root_and_is_exported() -> None:
    classes = _error_classes()
    assert len(classes) >= 10
    assert {c.__name__ for c in classes} <= set(errors.__all__)


def test_message_and_hint_form_one_line() -> None:
    err = UsageError("bad value\nfor --pause", hint="use a number of seconds\nlike 2")
    assert "\n" not in str(err)
    assert str(err) == "bad value for --pause (use a number of seconds like 2)"


def test_statuses_are_client_or_server_errors() -> None:
    for cls in _error_classes():
        assert 400 <= cls.http_status < 600
        assert cls.exit_code > 0
