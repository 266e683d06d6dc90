"""Field definitions: each field of each form is defined once, here.

A ``Field`` says what is entered (type, unit, choices, limits, help text); the Qt
widgets in ``ui/`` and the Excel fill-in template in ``exports/`` are both built
from these definitions, and ``validate`` is the one check used by forms and imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms.values import (ValueProblem, clean_text, number_text, parse_date, parse_number,
                           parse_yes_no)

TEXT = "text"  # one line
MEMO = "memo"  # several lines
NUMBER = "number"
MONEY = "money"  # 万元
DATE = "date"
CHOICE = "choice"
YESNO = "yesno"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str = TEXT
    unit: str = ""
    choices: tuple[str, ...] = ()
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_len: int = 2000
    help: str = ""
    width: int = 16  # Excel column width, in characters

    @property
    def numeric(self) -> bool:
        return self.type in (NUMBER, MONEY)

    @property
    def placeholder(self) -> str:
        """Short hint shown inside an empty widget (and in the Excel template's note)."""
        if self.type == DATE:
            return "例如 2026-12-31"
        if self.numeric:
            return f"数字{('，单位' + self.unit) if self.unit else ''}"
        if self.type in (CHOICE, YESNO):
            return "请选择"
        return self.help.split("。")[0] if self.help else ""

    def check(self, raw: Any) -> str:
        """The Chinese problem with ``raw`` for this field, or "" when it is acceptable."""
        try:
            self.validate(raw)
        except ValueProblem as exc:
            return str(exc)
        return ""

    def shown(self, raw: Any) -> str:
        """The text to show for an accepted value once it is saved: numbers without
        full-width characters, grouping or the unit (``１０．５％`` → ``10.5``), dates as
        2026-10-05. A value with a problem is shown as typed."""
        text = "" if raw is None else str(raw)
        if not text.strip() or self.check(text):
            return text
        if self.numeric:
            return number_text(text, self.unit)
        if self.type == DATE:
            return parse_date(text)
        return text

    def validate(self, raw: Any) -> Any:
        """Return the stored form of ``raw`` or raise ValueProblem (Chinese message)."""
        label = self.label
        if self.numeric:
            parsed = parse_number(raw, label=label, unit=self.unit, required=self.required,
                                  minimum=self.minimum, maximum=self.maximum)
            return parsed.value
        if self.type == DATE:
            return parse_date(raw, label=label, required=self.required)
        if self.type == YESNO:
            return parse_yes_no(raw, label=label, required=self.required)
        text = clean_text(raw, label=label, max_len=self.max_len)
        if self.type == CHOICE:
            if not text:
                if self.required:
                    raise ValueProblem(f"{label}为必填项，请从{'、'.join(self.choices)}中选择")
                return ""
            if text not in self.choices:
                raise ValueProblem(f"{label}“{text[:20]}”无效，应为{'、'.join(self.choices)}之一")
            return text
        if self.required and not text:
            raise ValueProblem(f"{label}为必填项，请填写")
        if self.type == TEXT and "\n" in text:
            text = text.replace("\n", " ")
        return text


@dataclass(frozen=True)
class FieldError:
    key: str
    label: str
    message: str


def validate_all(fields: tuple[Field, ...], values: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate a whole record: cleaned values for the good fields, errors for the rest."""
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for f in fields:
        try:
            clean[f.key] = f.validate(values.get(f.key))
        except ValueProblem as exc:
            errors.append(FieldError(f.key, f.label, str(exc)))
    return clean, errors


def field_by_key(fields: tuple[Field, ...], key: str) -> Field:
    for f in fields:
        if f.key == key:
            return f
    raise KeyError(key)
