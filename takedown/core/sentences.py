"""What an audit event says to a person: a sentence per action ("officer.de assessed
TD-2026-000005") and a name per object, never ``deadline.escalated`` or
``cases.reporteditem 64``. Each app registers the sentences of its own actions
(``<app>/events.py``, from its AppConfig.ready); tests/core/test_sentences.py holds
every action the code records to having one."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SENTENCES: dict[str, str] = {}  # action -> msgid with %(actor)s and %(object)s
# object type (app_label.model) -> ids -> {id: its whole name}, e.g. "Item https://…";
# objects with a ``reference`` are named by it without one
NAMERS: dict[str, Callable[[list[str]], dict[str, str]]] = {}


def register(sentences: dict[str, str]) -> None:
    SENTENCES.update(sentences)


def _by_reference(model) -> Callable[[list[str]], dict[str, str]]:
    def name(ids: list[str]) -> dict[str, str]:
        rows = model.objects.filter(pk__in=ids).values_list("pk", "reference")
        return {str(pk): reference for pk, reference in rows}

    return name


def object_names(events: Iterable, *, detailed: bool) -> dict[tuple[str, str], str]:
    """A name for each event's object, with one query per object type: its reference
    (TD-…, EP-…) where it has one, else its kind and number. ``detailed`` (the case's own desks)
    also names objects by what they are (an item by its URL)."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    names: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        kind = str(model._meta.verbose_name).capitalize()
        namer = NAMERS.get(object_type) if detailed else None
        if namer is None and any(f.name == "reference" for f in model._meta.fields):
            namer = _by_reference(model)
        found = namer(sorted(ids)) if namer else {}
        for object_id in ids:
            names[object_type, object_id] = found.get(object_id) or f"{kind} #{object_id}"
    return names


# Actors without an account, in words (the log keeps the label).
ACTORS = {"public": gettext_lazy("Someone on the public report page")}


def sentence(event, names: dict[tuple[str, str], str]) -> str:
    """The event in words, in the active language."""
    name = names.get((event.object_type, event.object_id), "")
    actor = str(ACTORS.get(event.actor_label, event.actor_label))
    template = SENTENCES.get(event.action)
    if template is None:  # an action nobody described yet: still words, not a code
        what = event.action.replace(".", " ").replace("_", " ")
        return f"{actor}: {what}" + (f" ({name})" if name else "")
    return _(template) % {"actor": actor, "object": name or _("the record")}


def _case_references(ids: set[int]) -> dict[int, str]:
    from .audit import cases  # the app that owns cases registers its model

    if not ids or cases.model is None:
        return {}
    return dict(cases.model.objects.filter(pk__in=ids).values_list("pk", "reference"))


def described(events: Iterable, *, detailed: bool) -> list:
    """The events, each with ``text`` (its sentence in the active language),
    ``object_name`` and ``case_reference``."""
    events = list(events)
    names = object_names(events, detailed=detailed)
    references = _case_references({e.case_id for e in events if e.case_id is not None})
    for event in events:
        event.case_reference = references.get(event.case_id, "")
        event.text = sentence(event, names)
        event.object_name = names.get((event.object_type, event.object_id), "")
    return events
