"""Time left on a clock, said in words as well as colour."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deadlines import policy

register = template.Library()

_LABELS = {
    policy.Standing.ON_TRACK: ("state-on-track", "✓", gettext_lazy("on track")),
    policy.Standing.AT_RISK: ("state-at-risk", "!", gettext_lazy("at risk")),
    policy.Standing.OVERDUE: ("state-overdue", "✕", gettext_lazy("overdue")),
    policy.Standing.PAUSED: ("state-paused", "‖", gettext_lazy("paused")),
    policy.Standing.DONE: ("state-done", "✓", gettext_lazy("done")),
}


@register.simple_tag
def time_left(deadline, now=None):
    if deadline is None:
        return "—"
    now = now or timezone.now()
    standing = policy.standing(
        state=deadline.state,
        warn_at=deadline.warn_at,
        due_at=deadline.due_at,
        now=now,
        stopped_at=deadline.met_at or deadline.cancelled_at,
    )
    css, icon, label = _LABELS[standing]
    if standing == policy.Standing.PAUSED:
        pause = next((p for p in deadline.pauses.all() if p.ended_at is None), None)
        text = (
            _("%(left)s left when paused") % {"left": policy.humanise(pause.remaining)}
            if pause
            else label
        )
    elif standing == policy.Standing.DONE:
        text = _done_text(deadline)
    elif now >= deadline.due_at:
        text = _("overdue by %(t)s") % {"t": policy.humanise(now - deadline.due_at)}
    else:
        text = _("%(t)s left") % {"t": policy.humanise(deadline.due_at - now)}
    local_due = timezone.localtime(deadline.due_at)
    return format_html(
        '<span class="time-left {}" title="{}"><span aria-hidden="true">{}</span> {}'
        '<span class="visually-hidden"> ({})</span></span>',
        css,
        _("due %(when)s") % {"when": local_due.strftime("%Y-%m-%d %H:%M %Z (UTC%z)")},
        icon,
        text,
        label,
    )


def _done_text(deadline) -> str:
    """How a finished clock ended: met on time, met so long late, or cancelled and why."""
    if deadline.met_at is not None:
        late = deadline.met_at - deadline.due_at
        if late.total_seconds() > 0:
            return _("met %(t)s late") % {"t": policy.humanise(late)}
        return _("met on time")
    if deadline.cancelled_at is not None:
        if deadline.cancel_reason:
            return _("cancelled (%(why)s)") % {"why": deadline.cancel_reason}
        return _("cancelled")
    return str(_LABELS[policy.Standing.DONE][2])
