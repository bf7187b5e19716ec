"""Turning core dataclasses into rows and back (dates as ISO text, enums as their Chinese label)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


def to_db(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(tp: Any, value: object) -> object:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if tp is bool:
        return bool(value)
    if tp is datetime:
        return datetime.fromisoformat(str(value))
    if tp is date:
        return date.fromisoformat(str(value))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    return value


def from_row(cls: type[T], row: dict[str, Any], **extra: object) -> T:
    """Build dataclass ``cls`` from a row, taking the columns named like its fields."""
    hints = _field_types(cls)
    kwargs: dict[str, object] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in extra:
            kwargs[f.name] = extra[f.name]
        elif f.name in row:
            kwargs[f.name] = _convert(hints[f.name], row[f.name])
    return cls(**kwargs)


def to_row(obj: object, exclude: tuple[str, ...] = ()) -> dict[str, object]:
    """The scalar fields of a dataclass as column values (tuples of children are left out)."""
    row: dict[str, object] = {}
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if f.name in exclude or isinstance(value, tuple):
            continue
        row[f.name] = to_db(value)
    return row


def to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=to_db)
