"""The login throttle's rules, on a fake clock."""

from __future__ import annotations

import pytest

from thrustcoach.web.ratelimit import LoginThrottle, TooManyAttemptsError, client_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _blocked(throttle: LoginThrottle, **kw: object) -> float | None:
    try:
        throttle.check(**kw)  # type: ignore[arg-type]
    except TooManyAttemptsError as exc:
        return exc.retry_after_s
    return None


def test_delays_double_after_the_free_failures_for_one_client_and_account() -> None:
    clock = Clock()
    throttle = LoginThrottle(free_failures=3, clock=clock)
    waits = []
    for _ in range(7):
        wait = _blocked(throttle, account="a", client="x")
        if wait is not None:
            clock.now += wait  # the client waits as told, then guesses again
        waits.append(wait)
        throttle.failed(account="a", client="x")
    assert waits == [None, None, None, 1, 2, 4, 8]
    assert _blocked(throttle, account="a", client="other") is None  # the owner elsewhere


def test_a_success_clears_the_pair_and_makes_the_client_known() -> None:
    clock = Clock()
    throttle = LoginThrottle(free_failures=1, account_limit=3, clock=clock)
    throttle.failed(account="a", client="x")
    assert _blocked(throttle, account="a", client="x") is not None
    throttle.succeeded(account="a", client="x")
    assert _blocked(throttle, account="a", client="x") is None
    for n in range(5):  # a distributed attack on the account
        throttle.failed(account="a", client=f"bot{n}")
    assert _blocked(throttle, account="a", client="new") is not None
    assert _blocked(throttle, account="a", client="x") is None  # known client
    assert _blocked(throttle, account="a", client="new2", known_client=True) is None


def test_a_spray_over_many_accounts_blocks_the_client() -> None:
    clock = Clock()
    throttle = LoginThrottle(client_limit=10, clock=clock)
    for n in range(10):
        throttle.failed(account=f"user{n}", client="sprayer")
    wait = _blocked(throttle, account="fresh", client="sprayer")
    assert wait is not None and 800 < wait <= 900
    clock.now += 901
    assert _blocked(throttle, account="fresh", client="sprayer") is None


def test_made_up_accounts_cannot_fill_memory() -> None:
    throttle = LoginThrottle(max_keys=100, clock=Clock())
    for n in range(1000):
        throttle.failed(account=f"made-up-{n}", client=f"c{n}")
    assert len(throttle._pairs) <= 100 and len(throttle._accounts) <= 100


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        (None, "-"),
        ("testclient", "testclient"),
    ],
)
def test_client_keys_group_an_ipv6_subscriber(host: str | None, key: str) -> None:
    assert client_key(host) == key
