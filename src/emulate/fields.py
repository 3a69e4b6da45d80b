"""Value types shared by every file format, with messages in the user's terms.

Numbers arrive from `yamlio` as `int` or `Decimal`; everything else a user may
type where a number belongs (`12,5`, `"1620"`, `.nan`, `yes`) is explained
here. Errors are `PydanticCustomError`s whose type is our problem code, so
`validation` can report them without guessing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from .i18n import _
from .problems import clip
from .yamlio import MAX_DECIMALS, MAX_INTEGER_DIGITS, OutOfRange

# An id: lowercase ASCII letters, digits, `-` and `_`, starting and ending with a letter or digit.
ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\Z")
_COMMA_DECIMAL = re.compile(r"\s*[-+]?[0-9]+,[0-9]+\s*\Z")
_COMMA_THOUSANDS = re.compile(r"\s*[-+]?[0-9]{1,3}(?:,[0-9]{3})+\s*\Z")
_DOT_THOUSANDS = re.compile(r"\s*[0-9]{1,3}(?:\.[0-9]{3}){2,}(?:,[0-9]+)?\s*\Z")
_NUMBER_TEXT = re.compile(r"\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)\s*\Z")
_PERCENT_TEXT = re.compile(r"\s*([0-9]+(?:[.,][0-9]+)?)\s*%\s*\Z")
YAML11_BOOLEANS = frozenset(
    {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF", "Y", "N"}
)


def show(value: Any) -> str:
    """A value as the user wrote it, for messages (a very long one is shortened)."""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, str):
        return f"'{clip(value)}'"
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    return str(value)


def fold(text: str) -> str:
    """Lowercase ASCII form of a label: `Tốt` -> `tot`, `Trung bình` -> `trung-binh`."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s_]+", "-", bare.strip().lower())


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The choice the user most likely meant, or None."""
    choices = list(choices)
    folded = {fold(c): c for c in choices}
    if fold(word) in folded:
        return folded[fold(word)]
    close = difflib.get_close_matches(fold(word), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    guess = suggest(word, choices)
    return " " + _("(did you mean '{guess}'?)").format(guess=guess) if guess else ""


def comma_advice(text: str) -> str | None:
    """The advice for a number written with a comma, or None if `text` is not one.

    `12,5` -> use `12.5`. A comma before exactly three digits (`20,000`, `1,500,000`) may be a
    thousands separator, and `20.000` would be read as 20 (W201): advise `20000`, and the
    decimal form only where it is a different, plain number (`1,500` -> 1500 or 1.5).
    """
    if _COMMA_THOUSANDS.match(text):
        whole = text.strip().replace(",", "")
        if text.count(",") == 1:
            decimal = f"{Decimal(text.strip().replace(',', '.')).normalize():f}"
            if "." in decimal:
                return _("(write {whole} without separators, or {decimal} for a decimal)").format(
                    whole=clip(whole), decimal=clip(decimal)
                )
        return _("(write thousands without separators: {number})").format(number=clip(whole))
    if _COMMA_DECIMAL.match(text):
        return _("(use a dot: {number})").format(number=clip(text.strip().replace(",", ".")))
    return None


def _not_a_number(value: Any) -> PydanticCustomError:
    hint = ""
    if isinstance(value, str):
        if (advice := comma_advice(value)) is not None:
            hint = " " + advice
        elif _DOT_THOUSANDS.match(value):
            hint = " " + _("(write thousands without separators: {number})").format(
                number=clip(value.strip().replace(".", "").replace(",", "."))
            )
        elif percent := _PERCENT_TEXT.match(value):
            hint = " " + _("(write the number without '%': {number})").format(number=percent.group(1).replace(",", "."))
        elif _NUMBER_TEXT.match(value):
            hint = " " + _("(it is in quotes, so it is text: write {number} without quotes)").format(
                number=clip(value.strip())
            )
        elif value.strip().lower() in (".nan", ".inf", "-.inf", "+.inf", "nan", "inf", "infinity"):
            hint = " " + _("(not-a-number and infinity are not allowed: write an ordinary number)")
    elif isinstance(value, bool):
        hint = " " + _("(true/false is not a number)")
    elif value is None:
        return PydanticCustomError("E203", _("has no value: write a number"))
    return PydanticCustomError("E203", _("must be a number, got {got}{hint}"), {"got": show(value), "hint": hint})


def _out_of_range(value: Any) -> PydanticCustomError:
    return PydanticCustomError(
        "E205",
        _(
            "is out of range: {got} (a number here has at most {digits} digits before the decimal point and"
            " {decimals} after it)"
        ),
        {"got": show(str(value)), "digits": MAX_INTEGER_DIGITS, "decimals": MAX_DECIMALS},
    )


def to_number(value: Any) -> Decimal:
    if type(value) is Decimal or type(value) is int:  # how yamlio gives a number: the common case, first
        number = Decimal(value)
        if not number.is_finite():
            raise _not_a_number(str(value))
        return number
    if isinstance(value, OutOfRange):
        raise _out_of_range(value)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise _not_a_number(value)
    number = Decimal(value)
    if not number.is_finite():
        raise _not_a_number(str(value))
    return number


def to_whole(value: Any) -> int:
    if isinstance(value, OutOfRange):
        raise _out_of_range(value)
    if isinstance(value, bool):
        raise _not_a_number(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        raise PydanticCustomError("E206", _("must be a whole number, got {got}"), {"got": show(value)})
    raise _not_a_number(value)


def non_negative(value: Any) -> Any:
    if value < 0:
        raise PydanticCustomError("E205", _("must not be negative, got {got}"), {"got": show(value)})
    return value


def positive(value: Any) -> Any:
    if value <= 0:
        raise PydanticCustomError("E205", _("must be greater than 0, got {got}"), {"got": show(value)})
    return value


def to_text(value: Any) -> str:
    if value is None:
        raise PydanticCustomError("E204", _("has no value: fill it in"))
    if isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return f"{value:f}" if isinstance(value, Decimal) else str(value)
    raise PydanticCustomError("E204", _("must be text, got {got}"), {"got": show(value)})


def to_id(value: Any) -> str:
    text = to_text(value)
    if not ID_PATTERN.match(text):
        suggestion = fold(text)
        hint = " " + _("(e.g. '{id}')").format(id=clip(suggestion)) if ID_PATTERN.match(suggestion) else ""
        raise PydanticCustomError(
            "E204",
            _("must be an id of lowercase ASCII letters, digits and hyphens, got {got}{hint}"),
            {"got": show(text), "hint": hint},
        )
    return text


def to_mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PydanticCustomError("E204", _("must be a mapping (key: value lines), got {got}"), {"got": show(value)})
    return value


Number = Annotated[Decimal, BeforeValidator(to_number)]
NonNegative = Annotated[Decimal, BeforeValidator(to_number), AfterValidator(non_negative)]
Positive = Annotated[Decimal, BeforeValidator(to_number), AfterValidator(positive)]
Whole = Annotated[int, BeforeValidator(to_whole)]
NonNegativeWhole = Annotated[int, BeforeValidator(to_whole), AfterValidator(non_negative)]
PositiveWhole = Annotated[int, BeforeValidator(to_whole), AfterValidator(positive)]
Text = Annotated[str, BeforeValidator(to_text)]
Id = Annotated[str, BeforeValidator(to_id)]


def _optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else check(value)


OptionalText = Annotated[str | None, BeforeValidator(_optional(to_text))]
OptionalPositive = Annotated[Decimal | None, BeforeValidator(_optional(lambda v: positive(to_number(v))))]
OptionalWhole = Annotated[int | None, BeforeValidator(_optional(to_whole))]


class Model(BaseModel):
    """Every model of a file: unknown keys are errors, and a value read is never changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
