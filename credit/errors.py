"""Domain errors, named for what happened; the API turns them into problem+json."""

from __future__ import annotations

from dataclasses import dataclass, field as default
from typing import Any

from credit.reasons import code_of


@dataclass(frozen=True, slots=True)
class FieldError:
    """A field and why it was refused: the English `reason`, and (when the reason is a credit.reasons.Reason) its
    stable `code` and `params`, which the portal translates."""

    field: str
    reason: str
    value: Any = None
    code: str | None = None
    params: dict[str, Any] = default(default_factory=dict)

    def __post_init__(self) -> None:
        code, params = code_of(self.reason)
        if code is not None:
            object.__setattr__(self, "code", code)
            object.__setattr__(self, "params", params)
        object.__setattr__(self, "reason", str(self.reason))


class DomainError(Exception):
    """Base class of the errors a service may raise on purpose."""


class ValidationFailed(DomainError):
    """The input broke one or more field rules; nothing was written."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in errors))


class NotFound(DomainError):
    """The record asked for does not exist (or is not visible to the caller)."""


class Forbidden(DomainError):
    """The caller's role or scope does not allow this operation."""


class StaleVersion(DomainError):
    """An update carried an old `version`; `current` is the record as it is now."""

    def __init__(self, current: dict[str, Any]):
        self.current = current
        super().__init__("the record was changed by someone else; reload and try again")


class Duplicate(DomainError):
    """A record with the same natural key already exists."""

    def __init__(self, field: str, value: Any):
        self.field = field
        self.value = value
        super().__init__(f"{field} {value!r} already exists")


class IllegalTransition(DomainError):
    """The entry is not in a state that allows this step (or another step won the race)."""

    def __init__(self, entry_id: int, current: str, wanted: str):
        self.entry_id, self.current, self.wanted = entry_id, current, wanted
        super().__init__(f"list entry {entry_id} is {current}; it cannot be {wanted} from there")


class ProcedureRefused(DomainError):
    """A precondition of the step does not hold (e.g. the objection window is closed); `reason` says which."""

    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, str(reason)
        self.code, self.params = code_of(reason)
        super().__init__(f"{field}: {reason}")

    def as_field_error(self, field: str | None = None) -> FieldError:
        """The refusal as a field problem (of `field`, when a form shows it elsewhere), its code kept."""
        return FieldError(field or self.field, self.reason, code=self.code, params=self.params)


class ReportConflict(Duplicate):
    """The agency already reported this decision number with different content; `current` is what is stored."""

    def __init__(self, current: dict[str, Any]):
        super().__init__("decision_number", current["decision_number"])
        self.current = current
