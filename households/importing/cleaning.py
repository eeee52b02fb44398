"""Model validation for many rows: the models' own field checks and ``clean()``, remembered
per distinct value, and the cells of a sheet turned into model values."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models.base import ModelState
from django.db.models.expressions import DatabaseDefault
from django.utils.translation import gettext as _

from households.choices import Relation
from households.importing.reading import SheetData
from households.resources import (
    CONVERTERS,
    NO,
    YES,
    Column,
    Sheet,
    choice_labels,
    choice_lookup,
    is_blank,
)
from tongren_fupin.forms import accepted_list

_MISSING = object()


class ModelCleaner:
    """``full_clean()`` of one model for many rows, remembering the field checks of values it
    has seen (a code list has few values): the rules run are the model's own, unchanged.
    Only the fields the file sets are checked (the rest keep the model's defaults); foreign keys
    and uniqueness are checked in bulk by the caller.

    The field checks are Django's ``Model.clean_fields()`` loop (each field's own ``clean()``:
    type, choices, validators; an empty value of a ``blank`` field is not checked), run over the
    checked fields only rather than over every field with a set of exclusions per row. The one
    override of ``clean_fields()`` in the register (``Member``: it leaves out sex and birth date,
    derived from the ID number) concerns fields an import never checks."""

    MEMO_LIMIT = 5000

    def __init__(self, model: type[models.Model], checked: Iterable[str]) -> None:
        self.model = model
        checked = set(checked)
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname in checked and not getattr(f, "generated", False)
        ]
        self.memo: dict[str, dict[Any, tuple[Any, Any]]] = {f.name: {} for f in fields}
        self.plan = [
            (f, f.attname, f.name, self.memo[f.name], f.blank, f.empty_values) for f in fields
        ]
        # Model.__init__ is the costliest step of a row: rows start from the field values of
        # one instance made the normal way (its defaults) instead.
        prototype = model()
        self.defaults = {k: v for k, v in prototype.__dict__.items() if k != "_state"}

    def build(self, values: dict[str, Any]) -> Any:
        instance = self.model.__new__(self.model)
        state = instance.__dict__
        state.update(self.defaults)
        state.update(values)
        state["_state"] = ModelState()
        return instance

    def clean(self, instance: models.Model) -> dict[str, list[ValidationError]]:
        errors: dict[str, list[ValidationError]] = {}
        state = instance.__dict__
        limit = self.MEMO_LIMIT
        for f, attname, name, memo, blank, empty_values in self.plan:
            raw = state[attname]
            hit: Any
            try:
                hit = memo.get(raw, _MISSING)
            except TypeError:  # unhashable (a list): not remembered
                hit = _MISSING
            if hit is not _MISSING:
                value, known = hit
                if known:
                    errors[name] = known
                else:
                    state[attname] = value
                continue
            value, known = raw, None
            if not (blank and raw in empty_values) and not isinstance(raw, DatabaseDefault):
                try:
                    value = f.clean(raw, instance)
                except ValidationError as error:
                    known = errors[name] = error.error_list
                else:
                    state[attname] = value
            if len(memo) < limit and not isinstance(raw, list):
                memo[raw] = (value, known)
        if errors:  # clean() compares fields, so it needs them valid first (as a form has them)
            return errors
        try:
            instance.clean()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
        return errors


def _cell_reader(column: Column, model: type[models.Model]) -> Callable[[Any], Any]:
    """The converter of one column (``CONVERTERS``), with a shortcut for the common cell: a
    label that is a key of the code list as it stands, a whole number, 是/否. Anything else goes
    through the converter itself, so the result is the same."""
    convert = CONVERTERS[column.kind]
    if column.kind in ("int", "decimal"):
        model_field: Any = model._meta.get_field(column.field)
        default = model_field.get_default() if model_field.has_default() else None
        whole = column.kind == "int"

        def number(cell: Any) -> Any:
            kind = type(cell)
            if kind is int:
                return cell if whole else Decimal(cell)
            if kind is float:
                if not whole:
                    return Decimal(repr(cell))
                if cell.is_integer():
                    return int(cell)
            return default if is_blank(cell) else convert(cell, column)

        return number
    if column.kind == "choice":
        assert column.choices is not None
        known = {
            key: code
            for key, code in choice_lookup(column.choices).items()
            if key == key.strip() and not (column.choices is Relation and key.isdigit()
                                           and len(key) == 1)
        }  # fmt: skip

        def choice(cell: Any) -> Any:
            if type(cell) is str:
                code = known.get(cell)
                if code is not None:
                    return code
                if cell == "":  # an empty optional code list (the converter gives "" too)
                    return ""
            return convert(cell, column)

        return choice
    if column.kind == "bool":

        def yes_no(cell: Any) -> Any:
            if cell == YES and type(cell) is str:
                return True
            if cell == NO and type(cell) is str:
                return False
            return convert(cell, column)

        return yes_no
    if column.kind == "text":

        def plain(cell: Any) -> Any:
            return cell.strip() if type(cell) is str else convert(cell, column)

        return plain
    return lambda cell: convert(cell, column)


class Converter:
    """Cells of one sheet → model values, by column position; an empty numeric cell takes the
    model field's default (0 for amounts and months) or None."""

    def __init__(self, data: SheetData, model: type[models.Model]) -> None:
        self.data = data
        self.plan = [
            (column.field, data.positions[column.field], _cell_reader(column, model))
            for column in data.sheet.columns
            if column.field in data.positions
        ]
        self.width = max(data.positions.values(), default=-1) + 1

    def values(self, cells: Any) -> dict[str, Any]:
        if len(cells) < self.width:  # a short CSV line: the missing cells are empty
            cells = [*cells, *([None] * (self.width - len(cells)))]
        return {name: read(cells[index]) for name, index, read in self.plan}

    def cells(self, cells: Any) -> dict[str, Any]:
        """The raw cells by field, for error messages."""
        width = len(cells)
        return {
            name: cells[index] if index < width else None
            for name, index in self.data.positions.items()
        }


def field_messages(
    errors: dict[str, list[ValidationError]], sheet: Sheet, cells: dict[str, Any], model: Any
) -> Iterator[tuple[str, Any, str]]:
    """(column header, cell, message) for a model's errors: one message per rule, in the words
    of the form and under its column (``rule_message``)."""
    columns = {c.field: c for c in sheet.columns}
    if "region" in columns:
        columns["region_id"] = columns["region"]
    for name, found in errors.items():
        column = columns.get(name) if name != NON_FIELD_ERRORS else None
        cell = cells.get(name, "")
        for error in found:
            if column is None:
                yield "", cell, " ".join(error.messages)
            else:
                yield column.header, cell, rule_message(column, error, cell, model)


YEAR_FIELDS = frozenset({"identification_year", "exit_year", "year", "relapse_year"})


def rule_message(column: Column, error: ValidationError, cell: Any, model: Any) -> str:
    """The message of a field rule, naming the column and what it accepts. Django's own
    messages speak of types ("应该为True或False", "整型"); a county operator needs the rule."""
    code, params = error.code, error.params or {}
    values = {"column": column.header, "limit": params.get("limit_value", "")}
    kind = column.kind
    year = column.field in YEAR_FIELDS
    if is_blank(cell) and code in {"null", "blank", "invalid", "required"}:
        return _("%(column)s cannot be empty.") % values
    if code == "invalid_choice" and column.choices is not None:
        return _("%(column)s should be one of %(choices)s.") % {
            **values, "choices": accepted_labels(column.choices)
        }  # fmt: skip
    if code == "invalid" and kind == "bool":
        return _("%(column)s can only be 是 or 否.") % values
    if code == "invalid" and kind == "int":
        return (_("%(column)s should be a four-digit year.") if year
                else _("%(column)s should be a whole number.")) % values  # fmt: skip
    if code == "invalid" and kind == "decimal":
        return _("%(column)s should be an amount in yuan (a number).") % values
    if code in {"max_digits", "max_whole_digits"}:
        return _("%(column)s is too large.") % values
    if code == "max_decimal_places":
        return _("%(column)s has at most two decimals (fen).") % values
    if code == "min_value":
        return (_("%(column)s cannot be before %(limit)s.") if year
                else _("%(column)s cannot be less than %(limit)s.")) % values  # fmt: skip
    if code == "max_value":
        return (_("%(column)s cannot be after %(limit)s.") if year
                else _("%(column)s cannot be more than %(limit)s.")) % values  # fmt: skip
    if code == "max_length":
        return _("%(column)s has at most %(limit)s characters.") % values
    return " ".join(error.messages)  # the model's own rule, already in the domain's words


def accepted_labels(choices: type[models.TextChoices]) -> str:
    """What a code list accepts, as the form names it (the label before its bracket): all of
    them, or the first ten and 等."""
    return accepted_list(list(choice_labels(choices).values()))
