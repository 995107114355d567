"""Who may use the desk: users with argon2-hashed passwords and a role, sessions that expire on
the server, and a limit on failed sign-ins.

- Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory choice);
  a hash made with older parameters is replaced at the next sign-in.
- A session is a random token in the cookie; the database keeps its SHA-256. It ends after
  IDLE_SECONDS without a request or ABSOLUTE_SECONDS after sign-in, whatever the cookie says,
  and at once when the user signs out, changes password or is removed.
- After MAX_FAILURES failed sign-ins for one name from one address within FAILURE_WINDOW (or
  MAX_ADDRESS_FAILURES from one address for any names), sign-in from there is refused until
  the window has passed, before any password is checked.
- An unknown name costs the same argon2 verification as a wrong password (against a hash of
  nothing anyone knows), so the time of the answer does not tell which names exist.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from audiocast.desk.accounts import AccountStore, SessionRow
from audiocast.errors import AudiocastError

IDLE_SECONDS = 12 * 3600
ABSOLUTE_SECONDS = 7 * 24 * 3600
TOUCH_EVERY = 60  # seconds: a session's last-seen time is written at most this often
MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 30
FAILURE_WINDOW = 15 * 60
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; a megabyte of "password" is an attack
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


class DeskError(AudiocastError):
    """A desk command that cannot be done (a taken name, a short password), on one line."""


class Role(StrEnum):
    EDITOR = "editor"  # reads, listens and, in later slices, changes things
    VIEWER = "viewer"  # reads and listens


@dataclass(frozen=True)
class SignedIn:
    """The user behind a valid session."""

    name: str
    role: Role
    csrf_token: str
    token_hash: str

    @property
    def is_editor(self) -> bool:
        return self.role is Role.EDITOR


@dataclass(frozen=True)
class SignInResult:
    """A new session's cookie token, or why there is none: "wrong" (name or password) or
    "limited" (too many failures)."""

    token: str | None
    refused: str | None = None


@dataclass(frozen=True)
class UserSummary:
    name: str
    role: str
    created_at: float
    last_seen: float | None


def check_name(name: str) -> str:
    """NAME as stored, or DeskError: lower-case Latin letters, digits, '.', '_' and '-' (no
    look-alike letters, no case to confuse two accounts)."""
    if not _NAME.fullmatch(name):
        raise DeskError(
            f"user name {name!r:.80}: use 1–64 lower-case Latin letters, digits, '.', '_' or "
            "'-', starting with a letter or digit"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise DeskError(f"the password must be at least {MIN_PASSWORD} characters long")
    if len(password) > MAX_PASSWORD:
        raise DeskError(f"the password must be at most {MAX_PASSWORD} characters long")
    return password


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise DeskError(f"role {role!r:.40}: must be one of {choices}") from None


def attempt_key(name: str, address: str) -> str:
    """What failures are counted by: a name as typed is cut to a name's length, so guesses
    cannot fill the table with megabyte-long keys."""
    return f"{name.casefold()[:64]}\0{address}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """The users and sessions in STORE. CLOCK is Unix time (tests may pass their own)."""

    def __init__(
        self,
        store: AccountStore,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.store = store
        self.hasher = hasher or PasswordHasher()
        self.clock = clock

    # -- users ------------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str) -> None:
        check_name(name)
        role = check_role(role)
        password_hash = self.hasher.hash(check_password(password))
        if not self.store.add_user(name, role.value, password_hash, self.clock()):
            raise DeskError(f"user {name!r} already exists")

    def change_password(self, name: str, password: str) -> None:
        password_hash = self.hasher.hash(check_password(password))
        if not self.store.set_password(name, password_hash, self.clock(), revoke=True):
            raise DeskError(f"no user {name!r:.80}")

    def remove(self, name: str) -> None:
        if not self.store.remove_user(name):
            raise DeskError(f"no user {name!r:.80}")

    def summaries(self) -> list[UserSummary]:
        seen = self.store.last_seen()
        return [
            UserSummary(user.name, user.role, user.created_at, seen.get(user.name))
            for user in self.store.users()
        ]

    def has_users(self) -> bool:
        return self.store.count_users() > 0

    # -- signing in and out -----------------------------------------------------------------

    def sign_in(self, name: str, password: str, address: str) -> SignInResult:
        now = self.clock()
        key = attempt_key(name, address)
        by_address = attempt_key("*", address)
        since = now - FAILURE_WINDOW
        if (
            self.store.failures_since(key, since) >= MAX_FAILURES
            or self.store.failures_since(by_address, since) >= MAX_ADDRESS_FAILURES
        ):
            return SignInResult(None, "limited")
        user = self.store.user(name) if len(password) <= MAX_PASSWORD else None
        if user is None or not self._verify(user.password_hash, password):
            if user is None:
                self._verify(self._dummy_hash, password)  # the same time as a wrong password
            self.store.add_failure(key, now, since)
            self.store.add_failure(by_address, now, since)
            return SignInResult(None, "wrong")
        self.store.clear_failures(key)
        if self.hasher.check_needs_rehash(user.password_hash):
            self.store.set_password(name, self.hasher.hash(password), now, revoke=False)
        self.store.end_expired_sessions(now - IDLE_SECONDS, now - ABSOLUTE_SECONDS)
        token = secrets.token_urlsafe(32)
        self.store.add_session(
            SessionRow(token_hash(token), name, secrets.token_urlsafe(32), now, now, address,
                       user.role)
        )  # fmt: skip
        return SignInResult(token)

    def session(self, token: str) -> SignedIn | None:
        """The user of the session whose cookie holds TOKEN, if it is valid now."""
        if not token or len(token) > 200:
            return None
        hashed = token_hash(token)
        row = self.store.session(hashed)
        if row is None:
            return None
        now = self.clock()
        if now - row.seen_at > IDLE_SECONDS or now - row.created_at > ABSOLUTE_SECONDS:
            self.store.end_session(hashed)
            return None
        if now - row.seen_at > TOUCH_EVERY:
            self.store.touch_session(hashed, now)
        return SignedIn(row.user_name, Role(row.role), row.csrf_token, hashed)

    def sign_out(self, signed_in: SignedIn) -> None:
        self.store.end_session(signed_in.token_hash)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    @functools.cached_property
    def _dummy_hash(self) -> str:
        return self.hasher.hash(secrets.token_urlsafe(32))
