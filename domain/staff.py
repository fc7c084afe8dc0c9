"""Staff accounts (issue 9): who may sign in, with which role.

Accounts are event-sourced like everything else, so every workstation on a
shared store knows them. Passwords and door PINs are kept only as argon2
hashes (argon2-cffi). A ``StaffRoster`` aggregate lists every account, so
"are there accounts yet?" and "who is there?" need no read model.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from eventsourcing.domain import Aggregate, event

from domain.contact import clean_text, fold
from domain.errors import ValidationError
from domain.recording import Stamp
from domain.roles import DOOR, check_role

_NAMESPACE = uuid5(NAMESPACE_URL, "https://houselights.app/staff")
_hasher = PasswordHasher()
MIN_PASSWORD = 8
#: wrong sign-ins allowed in a row before each next try must wait (issue 19)...
FREE_ATTEMPTS = 3
#: ... 2, 4, 8 ... seconds, at most this long ...
LONGEST_WAIT = timedelta(minutes=5)
#: ... and after this many in a row the account is locked until a manager unlocks it
LOCK_AFTER = 10


def staff_uuid(name: str) -> UUID:
    """One account per name: accents, case and spaces do not make a second one."""
    return uuid5(_NAMESPACE, "staff:" + " ".join(fold(name).split()))


def check_name(name: str) -> str:
    name = clean_text(name)
    if not name:
        raise ValidationError("name", "Type the staff member's name.")
    if len(name) > 80:
        raise ValidationError("name", "That name is too long (80 characters at most).")
    return name


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError("password", f"A password needs at least {MIN_PASSWORD} characters.")
    return _hasher.hash(password)


def hash_pin(pin: str) -> str:
    pin = (pin or "").strip()
    if not pin.isdigit() or not 4 <= len(pin) <= 8:
        raise ValidationError("pin", "A door PIN is 4 to 8 digits.")
    return _hasher.hash(pin)


def verify(stored_hash: str, secret: str) -> bool:
    if not stored_hash or not secret:
        return False
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class StaffMember(Aggregate):
    class Event(Aggregate.Event):
        occurred_at: datetime
        recorded_by: str
        workstation: str

    @event("Created")
    def __init__(
        self, name: str, role: str, occurred_at: datetime, recorded_by: str, workstation: str
    ):
        self.name = name
        self.role = role
        self.password_hash = ""
        self.pin_hash = ""
        self.active = True
        self.created_at = occurred_at
        self.failed_attempts = 0
        self.last_failed_at: datetime | None = None
        self.locked = False

    @classmethod
    def create(cls, name: str, role: str, stamp: Stamp) -> StaffMember:
        name = check_name(name)
        return cls._create(
            cls.Created, id=staff_uuid(name), name=name, role=check_role(role), **stamp
        )

    def change_role(self, role: str, stamp: Stamp) -> bool:
        role = check_role(role)
        if role == self.role:
            return False
        self._role_changed(role=role, **stamp)
        return True

    @event("RoleChanged")
    def _role_changed(
        self, role: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.role = role

    def set_password(self, password: str, stamp: Stamp) -> None:
        self._password_set(password_hash=hash_password(password), **stamp)

    @event("PasswordSet")
    def _password_set(
        self, password_hash: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.password_hash = password_hash

    def set_pin(self, pin: str, stamp: Stamp) -> None:
        self._pin_set(pin_hash=hash_pin(pin), **stamp)

    @event("PinSet")
    def _pin_set(
        self, pin_hash: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.pin_hash = pin_hash

    def deactivate(self, stamp: Stamp) -> bool:
        if not self.active:
            return False
        self._deactivated(**stamp)
        return True

    @event("Deactivated")
    def _deactivated(self, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.active = False

    # -- wrong sign-ins (issue 19) --------------------------------------------------
    def wait_before_next_try(self, now: datetime) -> timedelta:
        """How long until the next sign-in may be tried (zero: now)."""
        failed = getattr(self, "failed_attempts", 0)
        if failed < FREE_ATTEMPTS or self.last_failed_at is None:
            return timedelta(0)
        wait = min(timedelta(seconds=2 ** (failed - FREE_ATTEMPTS + 1)), LONGEST_WAIT)
        return max(timedelta(0), self.last_failed_at + wait - now)

    @property
    def is_locked(self) -> bool:
        return getattr(self, "locked", False)

    def record_failed_sign_in(self, stamp: Stamp) -> None:
        self._sign_in_failed(**stamp)

    @event("SignInFailed")
    def _sign_in_failed(self, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.failed_attempts = getattr(self, "failed_attempts", 0) + 1
        self.last_failed_at = occurred_at
        if self.failed_attempts >= LOCK_AFTER:
            self.locked = True

    def record_sign_in(self, stamp: Stamp) -> None:
        """A right password after wrong ones: the count starts again."""
        if getattr(self, "failed_attempts", 0):
            self._signed_in(**stamp)

    @event("SignedInAfterFailures")
    def _signed_in(self, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.failed_attempts = 0
        self.last_failed_at = None

    def unlock(self, stamp: Stamp) -> bool:
        if not self.is_locked and not getattr(self, "failed_attempts", 0):
            return False
        self._unlocked(**stamp)
        return True

    @event("Unlocked")
    def _unlocked(self, occurred_at: datetime, recorded_by: str, workstation: str) -> None:
        self.failed_attempts = 0
        self.last_failed_at = None
        self.locked = False

    def accepts(self, password: str | None = None, pin: str | None = None) -> bool:
        """Staff sign in with a password; a door volunteer may also use the door PIN
        (a short PIN never opens a box-office or manager session)."""
        if not self.active:
            return False
        if password and verify(self.password_hash, password):
            return True
        return (
            self.role == DOOR
            and pin is not None
            and bool(pin)
            and verify(self.pin_hash, pin.strip())
        )


class StaffRoster(Aggregate):
    """The list of every staff account (one per store)."""

    ID = uuid5(_NAMESPACE, "roster")

    class Event(Aggregate.Event):
        occurred_at: datetime
        recorded_by: str
        workstation: str

    @event("Opened")
    def __init__(self, occurred_at: datetime, recorded_by: str, workstation: str):
        self.staff_ids: list[str] = []

    @classmethod
    def open(cls, stamp: Stamp) -> StaffRoster:
        return cls._create(cls.Opened, id=cls.ID, **stamp)  # type: ignore[attr-defined]  # made by @event("Opened")

    def add(self, staff_id: str, stamp: Stamp) -> None:
        if staff_id not in self.staff_ids:
            self._member_added(staff_id=staff_id, **stamp)

    @event("MemberAdded")
    def _member_added(
        self, staff_id: str, occurred_at: datetime, recorded_by: str, workstation: str
    ) -> None:
        self.staff_ids.append(staff_id)
