"""The deadlines app's audit events in words (takedown/core/sentences.py)."""

from django.utils.translation import gettext_noop

SENTENCES = {
    "deadline.started": gettext_noop("The clock %(object)s started"),
    "deadline.assigned": gettext_noop("%(actor)s assigned the clock %(object)s"),
    "deadline.met": gettext_noop("The clock %(object)s was met"),
    "deadline.cancelled": gettext_noop("The clock %(object)s was cancelled"),
    "deadline.paused": gettext_noop("%(actor)s paused the clock %(object)s"),
    "deadline.resumed": gettext_noop("The clock %(object)s runs again"),
    "deadline.transferred": gettext_noop("The clock %(object)s moved to another desk"),
    "deadline.handed_over": gettext_noop("The clock %(object)s was handed over with the lead"),
    "deadline.reminded": gettext_noop("A reminder went out for the clock %(object)s"),
    "deadline.escalated": gettext_noop("The clock %(object)s escalated to the next contact"),
    "deadline.missed": gettext_noop("The clock %(object)s was missed"),
    "notification.retried": gettext_noop("%(actor)s sent a message again"),
    "notification.redelivered": gettext_noop(
        "%(actor)s asked for a webhook event to be delivered again"
    ),
    "notification.dead_lettered": gettext_noop("A message could not be delivered"),
}


def clock_names(ids: list[str]) -> dict[str, str]:
    """A clock by what it guards and its kind ("TD-… (Assessment)")."""
    from .models import Deadline, clock_title

    rows = Deadline.objects.filter(pk__in=ids).values_list("pk", "label", "kind")
    return {str(pk): clock_title(label, kind) for pk, label, kind in rows}
