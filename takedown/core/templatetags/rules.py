"""``{% load rules %}``: templates ask the transition tables, never compare statuses.

``{% if item|can:"verified" %}`` is true when the item's machine allows that move from
its current state. Who may do it is the view's to say (from the app's access module)."""

from django import template

from takedown.core.transitions import machine_for

register = template.Library()


@register.filter
def can(obj, action: str) -> bool:
    machine = machine_for(obj)
    if machine is None:
        raise template.TemplateSyntaxError(f"No transition table for {type(obj).__name__}.")
    return machine.can(obj, action)
