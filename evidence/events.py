"""The evidence app's audit events in words (takedown/core/sentences.py)."""

from django.utils.translation import gettext_noop

SENTENCES = {
    "evidence.package_created": gettext_noop("%(actor)s opened evidence package %(object)s"),
    "evidence.package_updated": gettext_noop("%(actor)s updated %(object)s"),
    "evidence.file_added": gettext_noop("%(actor)s added a file to %(object)s"),
    "evidence.sealed": gettext_noop("%(actor)s sealed and signed %(object)s"),
    "evidence.followed_up": gettext_noop("%(actor)s opened a follow-up to %(object)s"),
    "evidence.shared": gettext_noop("%(actor)s shared %(object)s with another desk"),
    "evidence.share_withdrawn": gettext_noop("%(actor)s withdrew a desk's access to %(object)s"),
    "evidence.exported": gettext_noop("%(actor)s exported %(object)s"),
    "evidence.transferred": gettext_noop("%(actor)s transferred %(object)s"),
    "evidence.received": gettext_noop("%(actor)s received %(object)s and verified it"),
    "evidence.receipt_failed": gettext_noop("%(actor)s received %(object)s: it did not verify"),
    "evidence.integrity_failure": gettext_noop("A file of %(object)s failed its integrity check"),
    "evidence.hold_placed": gettext_noop("%(actor)s placed a legal hold on %(object)s"),
    "evidence.hold_lifted": gettext_noop("%(actor)s lifted a legal hold on %(object)s"),
    "evidence.purged": gettext_noop(
        "The content of %(object)s was purged at the end of its retention"
    ),
    "evidence.custody_head": gettext_noop("The chain of custody of %(object)s moved on"),
    "evidence.case_uco_exported": gettext_noop(
        "%(actor)s exported the CASE/UCO record of %(object)s"
    ),
    "evidence.keys_rewrapped": gettext_noop("%(actor)s re-wrapped the evidence keys"),
}
