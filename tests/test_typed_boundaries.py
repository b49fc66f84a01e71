"""Services take the msgspec structs the API decodes (issue 16, item 4).

A request body is decoded and type-checked once, into its struct, and handed to the service as it is; the
service's Checker then runs the domain's checks on the struct's fields. Turning the struct back into a dict
(`msgspec.structs.asdict`, or a helper around it) loses the types and lets a second, looser reading creep in, so
no API module may do it, and no public service entry point may declare the record it takes as a mapping.
Internal helpers that take an already checked dict (`insert_penalty(clean, ...)`) are not entry points: their
parameter is not called `data`. Workspace-only operations (a decision on a home's request) get a struct too, so a
future API route has its body ready and every service reads its input the same way.
"""

from __future__ import annotations

import ast
from pathlib import Path

CREDIT = Path(__file__).resolve().parent.parent / "credit"
# msgspec's own and the helper that wrapped it (a dataclass's asdict on an output is not a request body).
UNTYPING_CALLS = ("structs.asdict", "present_fields", "to_builtins")
# A check shared with an importer reads an import row or the struct alike (`Mapping[str, Any] | PenaltyIn`): only a
# parameter that can be nothing but a mapping is an untyped entry point.
MAPPINGS = {"Mapping", "dict", "MutableMapping"}


def modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(CREDIT.rglob("*.py"))]


def untyping(call: ast.Call) -> bool:
    name = ast.unparse(call.func)
    return any(name == u or name.endswith("." + u) for u in UNTYPING_CALLS)


def test_no_api_module_turns_a_decoded_body_back_into_a_dict():
    found = [
        f"{path.relative_to(CREDIT.parent)}:{node.lineno} {ast.unparse(node.func)}()"
        for path, tree in modules()
        if path.name == "api.py" or path.name.endswith("_api.py")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and untyping(node)
    ]
    assert found == []


def test_no_public_service_takes_its_record_as_a_mapping():
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) or node.name.startswith("_"):
                continue
            for argument in node.args.args + node.args.kwonlyargs:
                annotation = ast.unparse(argument.annotation) if argument.annotation else ""
                if argument.arg == "data" and annotation.split("[")[0] in MAPPINGS and " | " not in annotation:
                    found.append(f"{path.relative_to(CREDIT.parent)}:{node.lineno} {node.name}(data: {annotation})")
    assert found == []
