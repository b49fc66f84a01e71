"""The audit history of any record: who changed what, and when."""

from __future__ import annotations

import json
from typing import Any

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from credit.accounts.roles import Principal
from credit.audit.queries import history_of
from credit.errors import NotFound
from credit.settings import settings
from portal.workspace.base import WorkspaceController, page
from portal.workspace.forms import as_text
from portal.workspace.labels import ENTITY_TYPES, action_label, field_label


def shown(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return as_text(value) if value not in ("", None) else "—"


def change_rows(changes: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per field: its label, the value before and after (a create has only "after")."""
    if "changes" in changes:
        pairs = [
            (field, values[0] if isinstance(values, list) else None, values[1] if isinstance(values, list) else values)
            for field, values in changes["changes"].items()
        ]
    else:
        pairs = [(field, None, value) for field, value in (changes.get("after") or {}).items()]
    return [
        {"field": field, "label": field_label(field), "before": shown(before), "after": shown(after)}
        for field, before, after in pairs
    ]


class HistoryController(WorkspaceController):
    @get("/history/{entity_type:str}/{entity_id:int}", operation_id="workspaceHistory")
    async def history(
        self, entity_type: FromPath[str], entity_id: FromPath[int], principal: NamedDependency[Principal]
    ) -> Template:
        """Every audit entry of the record, oldest first."""
        if entity_type not in ENTITY_TYPES:
            raise NotFound(f"no history kind {entity_type}")
        entries = await history_of(entity_type, entity_id)
        if not entries:
            raise NotFound(f"{entity_type} {entity_id} has no history")
        institution_id = (
            entity_id
            if entity_type == "institution"
            else next(
                (
                    e["changes"].get("after", {}).get("institution")
                    for e in entries
                    if isinstance(e["changes"].get("after"), dict) and e["changes"]["after"].get("institution")
                ),
                None,
            )
        )
        rows = [
            {
                "seq": e["seq"],
                "at": e["at"].astimezone(settings.timezone).strftime("%Y-%m-%d %H:%M:%S"),
                "actor": e["actor"],
                "action": e["action"],
                "action_words": action_label(e["action"]),
                "changes": change_rows(e["changes"] or {}),
            }
            for e in entries
        ]
        return page(
            "history.html",
            principal,
            kind=ENTITY_TYPES[entity_type],
            entity_type=entity_type,
            entity_id=entity_id,
            entries=rows,
            institution_id=institution_id,
        )
