"""The lump-sum ledger (SPEC section 6): entries, never a mutable balance.

Money is kept per account: a call and a city (its TERYT code), so a city
funded in two calls (the 2014-2021 programme, then the "Bilateral
Initiative") has two accounts, and a booking of one call never draws on the
other call's money. In each account the partnership lump sum moves through
five kinds of entry:

- ``reserve``: a Stage 2 proposal is accepted (the lump-sum budget line);
- ``release``: the city is not funded after all, up to the open reservation;
- ``commit``: a partnership agreement is signed, up to the open reservation;
- ``spend``: reported in the final report, up to the unspent commitment;
- ``return``: back to the Programme Operator, either the open reservation
  (no partner by the deadline) or the unspent commitment at closing. A
  return draws on the open reservation first, then on the unspent
  commitment, so every return has one meaning whatever the order of events.

Balances (:class:`CityBalance`, one per account) keep the invariants of the
SPEC, with ``committed`` net of what a closing return took back out of the
commitment:

    reserved = committed + released + returned + open,   open >= 0,
    spent <= committed,

and the totals of a call, and of the programme, are the sums of the account
balances, to the cent.

Every entry carries an idempotency key. Booking a key again with the same
content (city, kind, amount) changes nothing and returns the entry already
booked, so a retried or re-run flow never books twice; the same key with a
different content (account, kind, amount) is an :class:`IdempotencyConflict` (two operations claim
one identity). Serialising concurrent bookings is the store's job (it books
under a lock); this module decides whether a booking is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple, TypeVar

from grantflow.domain.errors import LedgerError
from grantflow.domain.money import cents

ZERO = Decimal("0.00")


class IdempotencyConflict(LedgerError):
    """An idempotency key already names a different booking."""


class EntryKind(StrEnum):
    RESERVE = "reserve"
    RELEASE = "release"
    COMMIT = "commit"
    SPEND = "spend"
    RETURN = "return"


class Account(NamedTuple):
    """Whose lump sum: the call that funds it and the city (TERYT). Sorts by call, then city."""

    call: str
    city: str


@dataclass(frozen=True)
class LedgerEntry:
    key: str  # idempotency key, e.g. "reserve:stage2-proposal:12"
    city: str  # TERYT of the city whose lump sum this is
    kind: EntryKind
    amount: Decimal  # EUR, positive, whole cents
    at: datetime
    actor: str = ""
    reason: str = ""
    # The call whose lump sum this is. The services always name it; a ledger
    # built by hand for one call may leave it empty (one account per city).
    call: str = ""

    @property
    def account(self) -> Account:
        return Account(self.call, self.city)

    def same_booking(self, other: LedgerEntry) -> bool:
        """Same money movement; when and by whom do not matter for a retry."""
        return (self.account, self.kind, self.amount) == (other.account, other.kind, other.amount)


@dataclass(frozen=True)
class CityBalance:
    """One account's balance, or (``call`` None) a city's over all its calls."""

    city: str
    call: str | None = None
    reserved: Decimal = ZERO
    released: Decimal = ZERO
    committed: Decimal = ZERO  # net: commitments minus what was returned from them
    spent: Decimal = ZERO
    returned: Decimal = ZERO  # everything returned, from the reservation or the commitment
    returned_from_commitment: Decimal = ZERO
    open: Decimal = ZERO  # reserved, not yet committed, released or returned

    @property
    def unspent(self) -> Decimal:
        """Committed and not (yet) spent: what a closing return gives back."""
        return self.committed - self.spent

    def problems(self) -> list[str]:
        """Broken invariants (none for a balance built by booking)."""
        found = []
        name = self.city if self.call is None else f"{self.call}/{self.city}"
        if self.reserved != self.committed + self.released + self.returned + self.open:
            found.append(
                f"{name}: reserved {self.reserved} != committed {self.committed} + released "
                f"{self.released} + returned {self.returned} + open {self.open}"
            )
        if self.open < 0:
            found.append(f"{name}: open reservation {self.open} is negative")
        if self.spent > self.committed:
            found.append(f"{name}: spent {self.spent} exceeds committed {self.committed}")
        return found


@dataclass(frozen=True)
class LedgerTotals:
    """Totals of a call or of the programme: the sums of the account balances."""

    reserved: Decimal = ZERO
    released: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    returned: Decimal = ZERO
    returned_from_commitment: Decimal = ZERO
    open: Decimal = ZERO

    @property
    def reconciles(self) -> bool:
        return self.reserved == self.committed + self.released + self.returned + self.open


def _apply(balance: CityBalance, entry: LedgerEntry) -> CityBalance:
    amount = entry.amount
    if not amount.is_finite() or amount <= 0 or amount != cents(amount):
        raise LedgerError(f"entry '{entry.key}': amount {amount} is not a positive sum in cents")
    whose = f"{entry.city} in {entry.call}" if entry.call else entry.city
    refusal = f"entry '{entry.key}': cannot {entry.kind} EUR {amount} for {whose}"
    kind = entry.kind
    if kind is EntryKind.RESERVE:
        return replace(balance, reserved=balance.reserved + amount, open=balance.open + amount)
    if kind in (EntryKind.RELEASE, EntryKind.COMMIT):
        if amount > balance.open:
            raise LedgerError(f"{refusal}: only EUR {balance.open} of the reservation is open")
        if kind is EntryKind.RELEASE:
            return replace(balance, released=balance.released + amount, open=balance.open - amount)
        return replace(balance, committed=balance.committed + amount, open=balance.open - amount)
    if kind is EntryKind.SPEND:
        if amount > balance.unspent:
            raise LedgerError(f"{refusal}: only EUR {balance.unspent} is committed and unspent")
        return replace(balance, spent=balance.spent + amount)
    if amount > balance.open + balance.unspent:
        raise LedgerError(
            f"{refusal}: only EUR {balance.open} open and EUR {balance.unspent} "
            "committed and unspent"
        )
    from_open = min(amount, balance.open)
    from_commitment = amount - from_open
    return replace(
        balance,
        open=balance.open - from_open,
        committed=balance.committed - from_commitment,
        returned=balance.returned + amount,
        returned_from_commitment=balance.returned_from_commitment + from_commitment,
    )


def _opening(account: Account) -> CityBalance:
    """An account before its first entry."""
    return CityBalance(account.city, account.call)


def replayed(existing: LedgerEntry, entry: LedgerEntry) -> LedgerEntry:
    """``existing`` when ``entry`` repeats it under the same key; IdempotencyConflict if not."""
    if existing.key != entry.key or not existing.same_booking(entry):
        raise IdempotencyConflict(
            f"key '{existing.key}' already books {existing.kind} EUR {existing.amount} for "
            f"{'/'.join(existing.account)}; refusing {entry.kind} EUR {entry.amount} for "
            f"{'/'.join(entry.account)}"
        )
    return existing


@dataclass(frozen=True)
class Booking:
    ledger: Ledger
    entry: LedgerEntry  # the entry now in the ledger (the earlier one for a replay)
    created: bool  # False: the key was already booked with the same content


@dataclass(frozen=True)
class Ledger:
    """An immutable ledger value: build it from stored entries, book to get the next value."""

    entries: tuple[LedgerEntry, ...] = ()
    _by_key: Mapping[str, LedgerEntry] = field(default_factory=dict, repr=False, compare=False)
    _balances: Mapping[Account, CityBalance] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def from_entries(cls, entries: Iterable[LedgerEntry]) -> Ledger:
        """Replay stored entries in booking order; LedgerError if one breaks a rule.

        One pass over tables of its own: replaying through :meth:`book` copied
        every entry and both tables for each entry, quadratic in the ledger
        (10,000 entries took 3.7 s; benchmarks/bench_scaling.py).
        """
        booked: list[LedgerEntry] = []
        by_key: dict[str, LedgerEntry] = {}
        balances: dict[Account, CityBalance] = {}
        for entry in entries:
            if entry.key in by_key:
                raise IdempotencyConflict(f"entry '{entry.key}' is stored twice")
            account = entry.account
            balances[account] = _apply(balances.get(account) or _opening(account), entry)
            by_key[entry.key] = entry
            booked.append(entry)
        return cls(entries=tuple(booked), _by_key=by_key, _balances=balances)

    def book(self, entry: LedgerEntry) -> Booking:
        existing = self._by_key.get(entry.key)
        if existing is not None:
            return Booking(self, replayed(existing, entry), created=False)
        balance = _apply(self.account_balance(entry.account), entry)
        ledger = Ledger(
            entries=(*self.entries, entry),
            _by_key={**self._by_key, entry.key: entry},
            _balances={**self._balances, entry.account: balance},
        )
        return Booking(ledger, entry, created=True)

    def entry(self, key: str) -> LedgerEntry | None:
        return self._by_key.get(key)

    def account_balance(self, account: Account) -> CityBalance:
        return self._balances.get(account) or _opening(account)

    def balance(self, city: str, call: str | None = None) -> CityBalance:
        """The city's account in ``call``; without a call, the city's sum over all its calls."""
        if call is not None:
            return self.account_balance(Account(call, city))
        return _summed(CityBalance(city), (b for a, b in self._balances.items() if a.city == city))

    def balances(self) -> tuple[CityBalance, ...]:
        """Every account's balance, by call and city."""
        return tuple(self._balances[account] for account in sorted(self._balances))

    def calls(self) -> tuple[str, ...]:
        return tuple(sorted({account.call for account in self._balances}))

    def totals(self, call: str | None = None) -> LedgerTotals:
        """The totals of one call, or of the whole programme."""
        chosen = (b for a, b in self._balances.items() if call is None or a.call == call)
        return _summed(LedgerTotals(), chosen)

    def problems(self) -> list[str]:
        """Every broken invariant, recomputed from the entries independently of the balances."""
        found: list[str] = []
        by_kind: dict[tuple[Account, EntryKind], Decimal] = {}
        for entry in self.entries:
            slot = (entry.account, entry.kind)
            by_kind[slot] = by_kind.get(slot, ZERO) + entry.amount
        for balance in self.balances():
            found.extend(balance.problems())
            account = Account(balance.call or "", balance.city)

            def total(kind: EntryKind, account: Account = account) -> Decimal:
                return by_kind.get((account, kind), ZERO)

            expected = {
                "reserved": total(EntryKind.RESERVE),
                "released": total(EntryKind.RELEASE),
                "committed": total(EntryKind.COMMIT) - balance.returned_from_commitment,
                "spent": total(EntryKind.SPEND),
                "returned": total(EntryKind.RETURN),
            }
            for name, value in expected.items():
                if getattr(balance, name) != value:
                    found.append(
                        f"{'/'.join(account)}: {name} {getattr(balance, name)} != entries {value}"
                    )
        for call in self.calls():
            if not self.totals(call).reconciles:
                found.append(f"totals of {call or 'the ledger'} do not reconcile")
        totals = self.totals()
        if not totals.reconciles:
            found.append(f"programme totals do not reconcile: {totals}")
        if totals.reserved != sum(
            (e.amount for e in self.entries if e.kind is EntryKind.RESERVE), ZERO
        ):
            found.append("programme reserved total differs from the reserve entries")
        return found

    def reconciles(self) -> bool:
        """The ledger reconciles: every account and every total adds up to the cent, and no
        invariant is broken. Totals that add up are not enough: an account can still
        spend more than it committed, or disagree with its entries (:meth:`problems`)."""
        return not self.problems()


_Summable = TypeVar("_Summable", CityBalance, LedgerTotals)


def _summed(start: _Summable, balances: Iterable[CityBalance]) -> _Summable:
    """``start`` plus the money fields of ``balances`` (the fields LedgerTotals names)."""
    chosen = list(balances)
    sums = {
        f.name: getattr(start, f.name) + sum((getattr(b, f.name) for b in chosen), ZERO)
        for f in fields(LedgerTotals)
    }
    return replace(start, **sums)
