"""Shape validation with pydantic, and its errors as positioned Problems.

`validate(model, data, document, prefix)` runs a pydantic model over plain data
taken from a `Document` and turns every error into a `Problem` at the line and
column of the value (or of the key, for an unknown key; of the enclosing
mapping, for a missing one), with a message that names the key and says how to
fix it. Checks that need the ruleset (which labels, how many targets) are not
done here: they are plain functions in `ruleset` and `submission`.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from .fields import did_you_mean, show, suggest
from .i18n import _
from .problems import Problem, clip, error
from .yamlio import Document, PathKey

M = TypeVar("M", bound=BaseModel)

_TYPE_KINDS = (
    "model_type",
    "model_attributes_type",
    "dict_type",
    "list_type",
    "string_type",
    "bool_type",
    "int_type",
    "decimal_type",
)


def _type_words(kind: str) -> str:
    """What a value of pydantic's error `kind` must be, in the user's terms (translated when asked)."""
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("a mapping (key: value lines)")
    if kind == "list_type":
        return _("a list (lines starting with '- ')")
    if kind == "string_type":
        return _("text")
    if kind == "bool_type":
        return _("true or false")
    if kind == "int_type":
        return _("a whole number")
    return _("a number")


def validate(model: type[M], data: Any, document: Document, prefix: PathKey = ()) -> tuple[M | None, list[Problem]]:
    """Validate `data` (found at `prefix` in `document`) as `model`."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = _drop_missing_explained_by_typo(exc.errors(include_url=False), model)
        return None, [to_problem(e, model, data, document, prefix) for e in errors]


# One adapter per sequence of models met: a workspace's files have few shapes (which values, in which order).
_TOGETHER: dict[tuple[type[BaseModel], ...], TypeAdapter[tuple[Any, ...]]] = {}
_MAX_TOGETHER = 64  # beyond that many shapes (files all different), values are validated one call each


def validate_together(models: tuple[type[BaseModel], ...], data: Sequence[Any]) -> list[Any] | None:
    """`data[i]` validated as `models[i]`, all in one call; None when any of them is invalid.

    The same validation as `model_validate` on each (each model's own schema), without the cost of a
    call each. On None, validate them one by one (`validate`): that is what says what is wrong.
    """
    if not models:
        return []
    adapter = _TOGETHER.get(models)
    if adapter is None:
        if len(_TOGETHER) >= _MAX_TOGETHER:
            return None
        adapter = _TOGETHER[models] = TypeAdapter(tuple[models])  # type: ignore[valid-type]
    try:
        return list(adapter.validate_python(tuple(data)))
    except ValidationError:
        return None


def _drop_missing_explained_by_typo(errors: list[Any], model: type[BaseModel]) -> list[Any]:
    """`actaul: 5` makes `actual` missing too: report the mistake once, as the unknown key.

    The unknown key stands for the missing one when it looks like it (did you
    mean), or when it is the only unknown key where exactly one key is missing
    (`{points: 27}` where `{percent: ...}` belongs): the unknown key's problem
    then names the key expected instead.
    """
    extras: dict[tuple[Any, ...], list[Any]] = {}
    missing: dict[tuple[Any, ...], list[Any]] = {}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            extras.setdefault(loc[:-1], []).append(err)
        elif err["type"] == "missing":
            missing.setdefault(loc[:-1], []).append(err)
    explained: set[tuple[Any, ...]] = set()
    for parent, unknown in extras.items():
        wanted = {str(e["loc"][-1]) for e in missing.get(parent, [])}
        for err in unknown:
            guess = suggest(str(err["loc"][-1]), allowed_keys(model, parent))
            if guess in wanted:
                explained.add((*parent, guess))
        if len(unknown) == 1 and len(wanted) == 1 and not explained & {(*parent, w) for w in wanted}:
            (only,) = wanted
            unknown[0]["instead"] = only
            explained.add((*parent, only))
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in explained)]


def tree_path(data: Any, loc: tuple[Any, ...]) -> tuple[PathKey, str | int | None]:
    """The part of a pydantic `loc` that exists in `data`, and the last step if it does not.

    pydantic adds steps of its own to `loc` (a union member's tag, a validator's
    name); they are skipped because they are not keys of the data.
    """
    path: list[str | int] = []
    node = data
    for step in loc:
        inside = (isinstance(node, dict) and isinstance(step, str) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        )
        if inside:
            node = node[step]
            path.append(step)
    found_all = bool(loc) and path[-1:] == [loc[-1]]
    return tuple(path), (None if found_all or not loc else loc[-1])


def describe(path: PathKey) -> str:
    """How a message names the value: the last key, or the item number."""
    for step in reversed(path):
        if isinstance(step, str):
            return f"'{step}'"
    return _("the value")


def to_problem(err: Any, model: type[BaseModel], data: Any, document: Document, prefix: PathKey) -> Problem:
    kind: str = err["type"]
    loc = tuple(err["loc"])
    inner, missing = tree_path(data, loc)
    path = (*prefix, *inner)
    pos = document.at(path)
    value = err.get("input")
    label = describe(path)
    last = path[-1] if path else None
    if isinstance(last, int):
        label = _("item {n} of {container}").format(n=last + 1, container=describe(path[:-1]))

    def at(code: str, message: str, where: Any = pos) -> Problem:
        return error(document.file, where.line, where.column, code, message)

    if kind.startswith("E") and kind[1:].isdigit():  # our own PydanticCustomError
        return at(kind, _("{label} {message}").format(label=label, message=err["msg"]))
    if kind == "missing":
        key = missing if missing is not None else (loc[-1] if loc else "?")
        if path:
            return at(
                "E202",
                _("'{key}' is missing in {container}: add it (`{key}: ...`)").format(
                    key=key, container=_container(data, inner, describe(path))
                ),
            )
        return at("E202", _("'{key}' is missing: add it (`{key}: ...`)").format(key=key))
    if kind == "extra_forbidden":
        key = str(loc[-1])
        comma = _decimal_comma_in_flow(data, inner, key)
        if comma is not None:
            return at("E203", comma, document.key_at(path))
        allowed = allowed_keys(model, loc[:-1])
        hint = (
            did_you_mean(key, allowed)
            or ("; " + _("'{key}' is expected here").format(key=err["instead"]) if err.get("instead") else "")
            or ("; " + _("allowed keys: {keys}").format(keys=", ".join(allowed)) if allowed else "")
        )
        if key.isdigit():
            hint += (
                " " + _("(a comma inside {{ }} separates entries: for a decimal number use a dot, e.g. 0.7)").format()
            )
        return at("E201", _("unknown key '{key}'{hint}").format(key=clip(key), hint=hint), document.key_at(path))
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        return at(
            "E207",
            _("{label} must be one of {choices}; got {got}{hint}").format(
                label=label, choices=", ".join(choices), got=show(value), hint=hint
            ),
        )
    if kind in ("union_tag_invalid",):
        choices = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected_tags", ""))
        tag = err.get("ctx", {}).get("tag", "")
        hint = did_you_mean(str(tag), choices)
        return at(
            "E207",
            _("unknown kind '{tag}'{hint}; the kinds are {kinds}").format(
                tag=clip(str(tag)), hint=hint, kinds=", ".join(choices)
            ),
            document.at((*path, "kind")),
        )
    if kind == "union_tag_not_found":
        return at("E202", _("'kind' is missing in {label}: add it (`kind: ...`)").format(label=label))
    if kind in ("too_short", "too_long"):
        return at("E208", _length_message(label, err.get("ctx", {})))
    if kind in _TYPE_KINDS:
        hint = ""
        if kind == "bool_type" and isinstance(value, str):
            hint = " " + _("(write true or false; 'yes', 'no', 'on' and 'off' are not read as true or false)")
        return at(
            "E204",
            _("{label} must be {expected}, got {got}{hint}").format(
                label=label, expected=_type_words(kind), got=show(value), hint=hint
            ),
        )
    return at("E204", _("{label}: {message}").format(label=label, message=err["msg"]))


def _container(data: Any, path: PathKey, fallback: str) -> str:
    """Names the mapping a key is missing from: `item 2 of 'criteria' (cai-cach-hanh-chinh)`."""
    if not path or not isinstance(path[-1], int):
        return fallback
    node: Any = data
    for step in path:
        node = node[step]
    item = _("item {n} of {container}").format(n=path[-1] + 1, container=describe(path[:-1]))
    return f"{item} ({node['id']})" if isinstance(node, dict) and isinstance(node.get("id"), str) else item


def _decimal_comma_in_flow(data: Any, path: PathKey, key: str) -> str | None:
    """`{actual: 54,5}` parses as `actual: 54` and a key `5`: say so, in the user's terms."""
    parent: Any = data
    for step in path[:-1]:
        parent = parent[step]
    if not (key.isdigit() and isinstance(parent, dict) and parent.get(key, "") is None):
        return None
    keys = list(parent)
    before = keys[keys.index(key) - 1] if keys.index(key) > 0 else None
    value = parent.get(before) if before is not None else None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if len(key) == 3 and 0 <= value < 1000:  # `{target: 20,000}`: `20.000` would be read as 20 (W201)
        return _(
            "'{before}: {value},{key}' is read as '{before}: {value}' followed by a key '{key}', because a comma "
            "separates entries inside {{ }}: write thousands without separators ({before}: {value}{key})"
        ).format(before=before, value=value, key=key)
    return _(
        "'{before}: {value},{key}' is read as '{before}: {value}' followed by a key '{key}', because a comma "
        "separates entries inside {{ }}: use a dot for decimals ({before}: {value}.{key})"
    ).format(before=before, value=value, key=key)


def _length_message(label: str, ctx: dict[str, Any]) -> str:
    low, high, count = ctx.get("min_length"), ctx.get("max_length"), ctx.get("actual_length")
    if low is not None and high is not None and low == high:
        return _("{label} has {count} items; it needs exactly {low}").format(label=label, count=count, low=low)
    if low is not None:
        return _("{label} has {count} items; it needs at least {low}").format(label=label, count=count, low=low)
    return _("{label} has {count} items; it allows at most {high}").format(label=label, count=count, high=high)


def allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys the model accepts at `loc` (for "did you mean")."""
    current: Any = model
    for step in loc:
        current = _step_into(current, step)
        if current is None:
            return []
    model_class = _model_of(current)
    if model_class is None:
        return []
    return [f.alias or name for name, f in model_class.model_fields.items()]


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _step_into(annotation: Any, step: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _step_into(typing.get_args(annotation)[0], step)
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(annotation)
        for member in members:  # a discriminated union's loc names the member's tag
            model_class = _model_of(member)
            if model_class is not None and isinstance(step, str):
                kind = model_class.model_fields.get("kind")
                if kind is not None and step in typing.get_args(kind.annotation):
                    return model_class
        for member in members:
            found = _step_into(member, step)
            if found is not None:
                return found
        return None
    if origin in (list, tuple):
        return typing.get_args(annotation)[0] if isinstance(step, int) else None
    if origin is dict:
        return typing.get_args(annotation)[1]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(step, str):
        for name, f in annotation.model_fields.items():
            if step in (name, f.alias):
                return f.annotation
        return None
    return None
