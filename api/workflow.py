"""The alert workflow regulators run (DOMAIN.md), separate from the detector's open/update/closed.

open → acknowledged (canteen) → rectified (canteen: note + photo) → closed (regulator approves)
                                                   └→ acknowledged (regulator rejects)
open/acknowledged/rectified/escalated → dismissed (false positive: regulator or inspector)
open/acknowledged → escalated (deadline passed; the system) → the canteen can still act on it
"""

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from api import audit
from api.auth.principal import Principal
from api.models import ActionRow, EventRow

Status = Literal["open", "acknowledged", "rectified", "closed", "dismissed", "escalated"]
STATUSES: tuple[Status, ...] = ("open", "acknowledged", "rectified", "closed", "dismissed", "escalated")
Action = Literal["acknowledge", "rectify", "approve", "reject", "dismiss", "confirm", "escalate"]

ALLOWED_ROLES: dict[str, frozenset[str]] = {
    "acknowledge": frozenset({"canteen_manager"}),
    "rectify": frozenset({"canteen_manager"}),
    "approve": frozenset({"regulator", "admin"}),
    "reject": frozenset({"regulator", "admin"}),
    "dismiss": frozenset({"regulator", "inspector", "admin"}),
    "confirm": frozenset({"regulator", "inspector", "admin"}),
    "escalate": frozenset({"system"}),
}
_TIME_COLUMN = {"acknowledged": "acknowledged_ms", "rectified": "rectified_ms", "closed": "closed_ms",
                "escalated": "escalated_ms"}


class WorkflowError(Exception):
    """Base of the workflow's refusals."""


class NotFound(WorkflowError):
    """No such event in the caller's scope (the same answer either way, so ids do not leak)."""


class Forbidden(WorkflowError):
    """The caller's role may not take this action."""


class Conflict(WorkflowError):
    """The action is not legal in the event's current status; the text says why."""


def next_status(action: str, status: str, acknowledged: bool) -> str:
    """The status after ``action``, or :class:`Conflict` naming what was expected."""

    def expect(*ok: str) -> None:
        if status not in ok:
            raise Conflict(f"cannot {action}: event is {status}, expected {' or '.join(ok)}")

    if action == "acknowledge":
        expect("open", "escalated")
        if acknowledged:
            raise Conflict("cannot acknowledge: event is already acknowledged")
        return "acknowledged"
    if action == "rectify":
        expect("acknowledged", "escalated")
        if not acknowledged:
            raise Conflict(f"cannot rectify: event is {status}, acknowledge it first")
        return "rectified"
    if action == "approve":
        expect("rectified")
        return "closed"
    if action == "reject":
        expect("rectified")
        return "acknowledged"
    if action == "dismiss":
        expect("open", "acknowledged", "rectified", "escalated")
        return "dismissed"
    if action == "confirm":
        expect("open", "acknowledged", "rectified", "escalated", "closed")
        return status
    if action == "escalate":
        expect("open", "acknowledged")
        return "escalated"
    raise Conflict(f"unknown action {action!r}")


@dataclass(frozen=True)
class Evidence:
    note: str = ""
    photo_path: str | None = None
    photo_sha256: str | None = None


async def transition(
    session: AsyncSession, event_id: str, action: str, who: Principal, evidence: Evidence = Evidence(),
    *, now_ms: int, client_ip: str | None = None,
) -> tuple[EventRow, ActionRow]:
    """Apply one action in the caller's transaction: a conditional UPDATE (so two replicas or two
    people cannot both move the same status), the timeline entry and the audit record."""
    row = await session.get(EventRow, event_id)
    if row is None or not who.sees(row.school_id):
        raise NotFound(f"no event {event_id}")
    if who.role not in ALLOWED_ROLES.get(action, frozenset()):
        allowed = ", ".join(sorted(ALLOWED_ROLES.get(action, ())))
        raise Forbidden(f"a {who.role} may not {action} an event; allowed: {allowed}")
    before = row.status
    after = next_status(action, before, row.acknowledged_ms is not None)
    values: dict[str, object] = {"status": after, "status_ms": now_ms}
    if after in _TIME_COLUMN and action != "confirm":
        values[_TIME_COLUMN[after]] = now_ms
    if action == "dismiss":
        values["verdict"] = "false_positive"
    elif action == "confirm":
        values["verdict"] = "true_positive"
    result = await session.execute(
        update(EventRow).where(EventRow.id == event_id, EventRow.status == before).values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"cannot {action}: the event changed meanwhile; reload it")
    for key, value in values.items():
        setattr(row, key, value)
    step = ActionRow(
        event_id=event_id, action=action, actor_id=who.user_id, actor=who.username, role=who.role, at_ms=now_ms,
        from_status=before, to_status=after, note=evidence.note, photo_path=evidence.photo_path,
        photo_sha256=evidence.photo_sha256,
    )
    session.add(step)
    audit.record(session, who, f"event_{action}", "event", event_id, {
        "from": before, "to": after, "note": evidence.note[:200], "photo_sha256": evidence.photo_sha256,
    }, client_ip)
    await session.flush()
    return row, step


def workflow_message(row: EventRow, step: ActionRow) -> dict[str, object]:
    """What ``/ws`` pushes to the users in scope after a workflow change."""
    return {
        "type": "workflow", "event_id": row.id, "school_id": row.school_id, "action": step.action,
        "from_status": step.from_status, "status": row.status, "verdict": row.verdict, "actor": step.actor,
        "role": step.role, "at_ms": step.at_ms, "note": step.note,
    }
