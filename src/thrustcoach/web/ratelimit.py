"""Slows password guessing without handing the attacker a lock on the owner's account.

Three counters of failed logins, in memory (per server process):

* **account and client** (the pair): after ``free_failures`` failures in a row, each further
  attempt from that client on that account waits twice as long as the last (1 s, 2 s, 4 s ...
  up to ``max_delay_s``). The owner signing in from another client is not affected, so ten
  wrong guesses by someone else no longer lock the owner out.
* **client**: ``client_limit`` failures within ``window_s`` from one client, whatever the
  accounts (a password spray), block that client until the window has moved on.
* **account**: ``account_limit`` failures within ``window_s`` from many clients (a
  distributed attack on one account) slow down *unknown* clients on that account with the
  same doubling delay; a client that signed in to the account before (a signed device cookie,
  or the same address) still gets straight in.

The client is the TCP peer address (IPv6 grouped by /64, which one subscriber usually holds),
and proxy headers count only from ``Settings.trusted_proxies`` (see ``create_app``): a spray
that makes up ``X-Forwarded-For`` values is throttled like any other.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from thrustcoach.errors import ThrustCoachError

__all__ = ["LoginThrottle", "TooManyAttemptsError", "client_key"]


class TooManyAttemptsError(ThrustCoachError):
    http_status = 429
    title = "Too many attempts"

    def __init__(self, message: str, *, hint: str | None = None, retry_after_s: float) -> None:
        super().__init__(message, hint=hint)
        self.retry_after_s = max(1, math.ceil(retry_after_s))
        self.headers = {"retry-after": str(self.retry_after_s)}


def client_key(host: str | None) -> str:
    """The throttle's key for a peer address: IPv4 as is, IPv6 by its /64 network."""
    if not host:
        return "-"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass
class _Streak:
    failures: int = 0
    last_s: float = 0.0


def _wait_text(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, math.ceil(seconds))} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


class LoginThrottle:
    """Failed-login bookkeeping; thread-safe. Keys are bounded (``max_keys`` per counter)."""

    def __init__(
        self,
        *,
        free_failures: int = 5,
        max_delay_s: float = 900.0,
        client_limit: int = 50,
        account_limit: int = 20,
        window_s: float = 900.0,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_failures = free_failures
        self.max_delay_s = max_delay_s
        self.client_limit = client_limit
        self.account_limit = account_limit
        self.window_s = window_s
        self.max_keys = max_keys
        self._clock = clock
        self._pairs: OrderedDict[tuple[str, str], _Streak] = OrderedDict()
        self._clients: OrderedDict[str, deque[float]] = OrderedDict()
        self._accounts: OrderedDict[str, deque[float]] = OrderedDict()
        self._known: OrderedDict[str, set[str]] = OrderedDict()  # account -> clients signed in
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self._clock()

    def _delay(self, failures_over: int) -> float:
        return float(min(2.0 ** max(failures_over - 1, 0), self.max_delay_s))

    def _recent(self, table: OrderedDict[str, deque[float]], key: str, now: float) -> deque[float]:
        times = table.get(key)
        if times is None:
            return deque()
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def check(self, *, account: str, client: str, known_client: bool = False) -> None:
        """Raise :class:`TooManyAttemptsError` if this attempt must wait."""
        now = self._now()
        with self._lock:
            known = known_client or client in self._known.get(account, set())
            waits: list[float] = []
            streak = self._pairs.get((account, client))
            if streak is not None and streak.failures >= self.free_failures:
                delay = self._delay(streak.failures - self.free_failures + 1)
                waits.append(streak.last_s + delay - now)
            by_client = self._recent(self._clients, client, now)
            if len(by_client) >= self.client_limit:
                waits.append(by_client[0] + self.window_s - now)
            by_account = self._recent(self._accounts, account, now)
            if not known and len(by_account) >= self.account_limit:
                delay = self._delay(len(by_account) - self.account_limit + 1)
                waits.append(by_account[-1] + delay - now)
        wait = max(waits, default=0.0)
        if wait > 0:
            raise TooManyAttemptsError(
                "too many failed logins",
                hint=f"wait {_wait_text(wait)} and try again",
                retry_after_s=wait,
            )

    def failed(self, *, account: str, client: str) -> None:
        now = self._now()
        with self._lock:
            streak = self._pairs.pop((account, client), None) or _Streak()
            streak.failures += 1
            streak.last_s = now
            self._pairs[(account, client)] = streak
            for table, key in ((self._clients, client), (self._accounts, account)):
                times = self._recent(table, key, now)
                times.append(now)
                table.pop(key, None)
                table[key] = times
            self._prune(now)

    def succeeded(self, *, account: str, client: str) -> None:
        """A correct password: this client is known for this account from now on."""
        with self._lock:
            self._pairs.pop((account, client), None)
            clients = self._known.pop(account, set())
            clients.add(client)
            if len(clients) > 20:
                clients.pop()
            self._known[account] = clients
            while len(self._known) > self.max_keys:
                self._known.popitem(last=False)

    def _prune(self, now: float) -> None:
        """Drop the oldest keys beyond ``max_keys`` (made-up e-mails cannot fill memory)."""
        for table in (self._pairs, self._clients, self._accounts):
            while len(table) > self.max_keys:
                table.popitem(last=False)
        horizon = now - max(self.window_s, self.max_delay_s)
        while self._pairs:
            key, streak = next(iter(self._pairs.items()))
            if streak.last_s >= horizon:
                break
            del self._pairs[key]
