"""Money at the storage edge: fines are `Decimal` yuan with two places everywhere in the code and the API,
and integer fen (分, 0.01 yuan) in the database, so that SQLite, which has no exact decimal type, keeps them exact."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

FEN = Decimal("0.01")
MAX_INTEGER_DIGITS = 12  # up to 999,999,999,999.99 yuan


def yuan_to_fen(yuan: Decimal | None) -> int | None:
    """An exact amount in yuan (at most two decimals) as whole fen."""
    if yuan is None:
        return None
    fen = Decimal(yuan).scaleb(2)
    if fen != fen.to_integral_value():
        raise ValueError(f"{yuan} has more precision than one fen")
    return int(fen)


def fen_to_yuan(fen: int | None) -> Decimal | None:
    """Whole fen as yuan with exactly two decimal places."""
    return None if fen is None else Decimal(int(fen)).scaleb(-2).quantize(FEN)


def penalty_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """Penalty values as the table stores them: `fine_yuan` becomes `fine_fen`."""
    stored = {k: v for k, v in values.items() if k != "fine_yuan"}
    if "fine_yuan" in values:
        stored["fine_fen"] = yuan_to_fen(values["fine_yuan"])
    return stored


def penalty_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored penalty row as the code speaks of it: `fine_fen` becomes `fine_yuan` (Decimal, 2 places)."""
    values = {k: v for k, v in row.items() if k != "fine_fen"}
    if "fine_fen" in row:
        values["fine_yuan"] = fen_to_yuan(row["fine_fen"])
    return values
