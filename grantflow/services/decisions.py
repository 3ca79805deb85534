"""The operator's direct decisions on one application (``grantflow decide``).

Only actions that need no other bookkeeping are applied here, each through
the use case that keeps the ledger, the ranking and the partnerships right:

- ``resubmit``: a returned application re-enters the formal check;
- ``withdraw``: the city leaves (``selection.withdraw``: its open lump sum
  released, its partnership given up, a reserve moved up);
- ``start_implementation``: the project starts (``partnership.start_implementation``:
  refused while any of its lump sum is still reserved);
- ``close``: the project is closed after its final report.

Every other action moves money, changes a ranking or belongs to a flow (the
formal check, the committee's decision, the partner search, signing, the
final report): :class:`NotADirectDecision`, and the caller names the
command to use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from grantflow.domain.errors import GrantflowError
from grantflow.domain.lifecycle import Action
from grantflow.services import lifecycle, partnership, selection
from grantflow.services.ports.applications import Application
from grantflow.services.ports.unit_of_work import UnitOfWork

DIRECT_ACTIONS = frozenset(
    {Action.RESUBMIT, Action.WITHDRAW, Action.START_IMPLEMENTATION, Action.CLOSE}
)


class NotADirectDecision(GrantflowError):
    """The action has its own use case (it books money, ranks, or is a flow's step)."""

    def __init__(self, action: Action) -> None:
        super().__init__(f"'{action}' is not a direct decision")
        self.action = action


@dataclass(frozen=True)
class Decided:
    application: Application  # after the action
    promoted: Application | None = None  # a withdrawal let this reserve move up


def decide(
    uow: UnitOfWork,
    application_id: int,
    action: Action,
    *,
    at: datetime,
    actor: str,
    reason: str = "",
) -> Decided:
    """Apply one of :data:`DIRECT_ACTIONS` through its use case; NotADirectDecision if not."""
    if action is Action.WITHDRAW:
        withdrawn = selection.withdraw(uow, application_id, at=at, actor=actor, reason=reason)
        return Decided(withdrawn.application, withdrawn.promoted)
    if action is Action.START_IMPLEMENTATION:
        started = partnership.start_implementation(
            uow, application_id, at=at, actor=actor, reason=reason
        )
        return Decided(started)
    if action in DIRECT_ACTIONS:
        return Decided(
            lifecycle.apply(uow, application_id, action, at=at, actor=actor, reason=reason)
        )
    raise NotADirectDecision(action)
