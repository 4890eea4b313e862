"""Request bodies are read strictly: what the schema does not name is refused, and a
value of the wrong JSON type is a field error, never coerced (``{"question": 5}`` is not
the question "5"). The schema says so (``additionalProperties: false``,
``strict_components`` below), so a generated client and the server agree.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

NO_NUL = "^[^\\u0000]*$"

# Strict input serializers by component name (for the schema hook below).
STRICT: dict[str, type[serializers.Serializer]] = {}


def _json_kind(field: serializers.Field) -> tuple[type, ...] | None:
    """The JSON types a field accepts; None where any is fine (JSONField)."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField | serializers.FloatField):
        return (int, float) if isinstance(field, serializers.FloatField) else (int,)
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        return (list,)
    if isinstance(field, serializers.Serializer):
        return (dict,)
    if isinstance(field, serializers.JSONField):
        return None
    return (str,)  # CharField, ChoiceField, DateTimeField, RegexField, …


def type_error(field: serializers.Field, value) -> str | None:
    kinds = _json_kind(field)
    if kinds is None or (value is None and field.allow_null):
        return None
    if isinstance(value, bool) and bool not in kinds:
        return str(_("Expected %(kind)s, not a boolean.") % {"kind": _name(kinds)})
    if kinds == (int,) and isinstance(value, float) and value.is_integer():
        return None  # JSON has one number type: 4.0 is the integer 4 (JSON Schema agrees)
    if not isinstance(value, kinds):
        return str(_("Expected %(kind)s.") % {"kind": _name(kinds)})
    return None


def form_value_error(field: serializers.Field, value: str) -> str | None:
    """A form's values are all text; a boolean one is "true" or "false" (any case: some
    clients write "True"), not "0", "yes" or "on". An empty value is an error where the
    field takes no blank (DRF would read ``?jurisdiction=`` as the parameter left out)."""
    if isinstance(field, serializers.BooleanField) and str(value).lower() not in ("true", "false"):
        return str(_("Expected true or false."))
    if value == "" and not getattr(field, "allow_blank", True):
        return str(_("Give a value, or leave the parameter out."))
    return None


def _name(kinds: tuple[type, ...]) -> str:
    names = {bool: _("a boolean"), int: _("an integer"), float: _("a number"), list: _("a list")}
    names |= {dict: _("an object"), str: _("a string")}
    return str(names[kinds[0]])


# Base of every request body the API reads. (A comment: the schema would take a
# docstring as the description of every request component.)
class StrictInputSerializer(serializers.Serializer):
    # JSON Schema keywords the fields cannot say (anyOf, if/then), added to the component.
    json_schema: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        STRICT[cls.__name__.removesuffix("Serializer")] = cls

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, f in self.fields.items() if not f.read_only}
            errors = {key: [str(_("Unknown field."))] for key in data if key not in writable}
            check = form_value_error if isinstance(data, QueryDict) else type_error
            for name in writable & set(data):
                if problem := check(self.fields[name], data[name]):
                    errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def has_offset(text: str) -> bool:
    """An ISO 8601 time that says its offset ("Z", "+02:00", "-05:00" after the date)."""
    return text.endswith(("Z", "z")) or "+" in text[10:] or "-" in text[10:]


class AwareDateTimeField(serializers.DateTimeField):
    """A time with its offset ("Z" or "+02:00"): without one it could be any zone's."""

    default_error_messages = {
        "naive": _("Give the time with its offset, e.g. 2026-12-01T09:30:00Z."),
    }

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if isinstance(value, str) and not has_offset(value):
            self.fail("naive")
        return parsed


def strict_components(result, generator, request, public):
    """drf-spectacular postprocessing hook: strict bodies admit no other properties, a
    list that may not be empty says ``minItems: 1``, free text says it holds no NUL (DRF
    refuses it: PostgreSQL cannot store it), and a serializer's own ``json_schema``
    keywords are added."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, serializer in STRICT.items():
        for component in (name, f"{name}Request"):
            schema = schemas.get(component)
            if not schema or schema.get("type") != "object":
                continue
            schema["additionalProperties"] = False
            for field_name, field in serializer().fields.items():
                listed = isinstance(field, serializers.ListSerializer | serializers.ListField)
                if listed and not field.allow_empty and field_name in schema["properties"]:
                    schema["properties"][field_name]["minItems"] = 1
            for prop in schema["properties"].values():
                for branch in prop.get("oneOf", []):  # a blank-or-pattern field's default
                    if "default" in branch:
                        prop["default"] = branch.pop("default")
                if prop.get("type") == "string" and not {"pattern", "enum", "format"} & set(prop):
                    prop["pattern"] = NO_NUL
            schema.update(serializer.json_schema)
    return result
