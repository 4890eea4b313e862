"""The cases app's audit events in words (takedown/core/sentences.py)."""

from django.utils.translation import gettext_noop

SENTENCES = {
    "report.received": gettext_noop("%(actor)s sent a report (%(object)s)"),
    "case.preclassified": gettext_noop(
        "%(actor)s confirmed %(object)s from the stay-down list, without viewing it again"
    ),
    "hashlist.updated": gettext_noop(
        "The stay-down hash list was updated from the assessment of this case"
    ),
    "source.protected": gettext_noop("A report came from a protected source (%(object)s)"),
    "source.identity_viewed": gettext_noop("%(actor)s looked up who a protected source is"),
    "report.information_added": gettext_noop("%(actor)s added information (%(object)s)"),
    "bulk_import.done": gettext_noop("%(actor)s imported a file of reports"),
    "bulk_import.failed": gettext_noop("%(actor)s's file of reports was refused: nothing imported"),
    "case.opened": gettext_noop("%(actor)s opened %(object)s"),
    "case.report_joined": gettext_noop("A new report joined %(object)s"),
    "case.desk_joined": gettext_noop("Another desk joined %(object)s"),
    "case.access_denied": gettext_noop("%(actor)s was refused access to %(object)s"),
    "case.triaged": gettext_noop("%(actor)s started triage of %(object)s"),
    "case.assigned": gettext_noop("%(actor)s took %(object)s"),
    "case.assessed": gettext_noop("%(actor)s assessed %(object)s"),
    "case.order_requested": gettext_noop("%(actor)s asked a prosecutor for an order on %(object)s"),
    "case.order_issued": gettext_noop("An order was issued on %(object)s"),
    "case.resolved": gettext_noop("%(object)s is resolved: every item was dealt with"),
    "case.closed": gettext_noop("%(actor)s closed %(object)s"),
    "case.closed_not_illegal": gettext_noop("%(actor)s closed %(object)s as not illegal"),
    "case.handed_over": gettext_noop("%(actor)s handed over the lead of %(object)s"),
    "case.merged_in": gettext_noop("Another case was merged into %(object)s"),
    "case.merged_into": gettext_noop("%(actor)s merged %(object)s into another case"),
    "case.split": gettext_noop("%(actor)s split items off %(object)s"),
    "item.ordered": gettext_noop("An order now covers %(object)s"),
    "item.removed": gettext_noop("The platform removed %(object)s"),
    "item.disabled": gettext_noop("The platform disabled access to %(object)s"),
    "item.not_found": gettext_noop("The platform did not find %(object)s"),
    "item.verified": gettext_noop("%(actor)s verified that %(object)s is gone"),
    "item.reopened": gettext_noop("%(actor)s reopened %(object)s: it is back"),
    "order_request.fulfilled": gettext_noop("%(actor)s issued the order that was asked for"),
    "order_request.declined": gettext_noop(
        "%(actor)s returned a request for an order without one, saying why"
    ),
    "order.linked_duplicate": gettext_noop("%(object)s was linked to an order already running"),
    "order.acknowledged": gettext_noop("%(actor)s acknowledged %(object)s"),
    "order.removals_reported": gettext_noop("%(actor)s reported removals under %(object)s"),
    "order.completed": gettext_noop("%(object)s is complete"),
    "order.clarification_asked": gettext_noop("%(actor)s asked a question about %(object)s"),
    "order.clarification_answered": gettext_noop(
        "%(actor)s answered the question about %(object)s"
    ),
    "order.cannot_comply": gettext_noop("%(actor)s reported that it cannot comply with %(object)s"),
    "order.cannot_comply_maintained": gettext_noop("%(actor)s maintained %(object)s"),
    "order.objection_filed": gettext_noop("%(actor)s objected to %(object)s"),
    "order.objection_decided": gettext_noop("%(actor)s decided the objection to %(object)s"),
    "order.superseded": gettext_noop("%(actor)s replaced %(object)s with a new version"),
    "order.unsuspended": gettext_noop("%(actor)s lifted the suspension of %(object)s"),
    "order.withdrawn": gettext_noop("%(actor)s withdrew %(object)s"),
    "mla.drafted": gettext_noop("%(actor)s drafted %(object)s"),
    "mla.sent": gettext_noop("%(actor)s sent %(object)s"),
    "mla.accepted": gettext_noop("%(actor)s accepted %(object)s"),
    "mla.refused": gettext_noop("%(actor)s refused %(object)s"),
    "mla.info_requested": gettext_noop("%(actor)s asked for more information on %(object)s"),
    "mla.information_given": gettext_noop("%(actor)s gave the information asked for on %(object)s"),
    "mla.document_added": gettext_noop("%(actor)s added a document to %(object)s"),
    "mla.answered": gettext_noop("%(actor)s answered %(object)s"),
    "mla.withdrawn": gettext_noop("%(actor)s withdrew %(object)s"),
    "mla.linked_duplicate": gettext_noop("%(object)s was linked to a request already running"),
    "join.requested": gettext_noop("%(actor)s asked to join a case"),
    "join.accepted": gettext_noop("%(actor)s let a desk join the case"),
    "join.declined": gettext_noop("%(actor)s declined a desk's request to join"),
    "victim.notice_recorded": gettext_noop("%(actor)s recorded a victim's notice preference"),
    "victim.notices_drafted": gettext_noop("Notices to victims were drafted"),
    "victim.notice_approved": gettext_noop("%(actor)s approved a notice to a victim"),
    "victim.notice_discarded": gettext_noop("%(actor)s discarded a notice to a victim"),
    "victim.data_viewed": gettext_noop("%(actor)s viewed victims' details"),
}


def item_names(ids: list[str]) -> dict[str, str]:
    """An item by what it is (its URL, or its hash): for the case's own desks."""
    from django.utils.translation import gettext as _

    from .models import ReportedItem

    names = {}
    for pk, url, sha256 in ReportedItem.objects.filter(pk__in=ids).values_list(
        "pk", "url", "sha256"
    ):
        names[str(pk)] = _("Item %(what)s") % {"what": url or sha256[:16]}
    return names
