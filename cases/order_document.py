"""An order speaks two languages: the issuing authority's and the first one the platform
receives orders in (``Platform.order_languages``), side by side, from the one catalogue
every page uses. The printable document's labels and a webhook's human fields come from
here."""

from __future__ import annotations

from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_noop

from liaison.choices import WebhookEvent

from .models import TakedownOrder

# The document's field labels, in the order the document shows them.
LABELS = {
    "issuing_state": gettext_noop("Issuing state"),
    "issuing_authority": gettext_noop("Issuing authority"),
    "addressee": gettext_noop("Addressee"),
    "contact_point": gettext_noop("Contact point"),
    "issued": gettext_noop("Issued"),
    "removal_due": gettext_noop("Removal due"),
    "urls": gettext_noop("URLs"),
    "reasons": gettext_noop("Reasons"),
    "legal_basis": gettext_noop("Legal basis"),
    "preservation": gettext_noop("Preservation"),
    "note": gettext_noop("Note"),
    "supersedes": gettext_noop("Supersedes"),
    "signature": gettext_noop("Signature"),
    "withdrawn": gettext_noop("Withdrawn"),
}


def document_languages(order: TakedownOrder) -> list[str]:
    """The issuer's language, then the platform's first designated one if it differs."""
    languages = [order.issuing_authority.language]
    designated = [code for code in order.platform.order_languages if code not in languages]
    return languages + designated[:1]


def _in_each(languages: list[str], text) -> list[tuple[str, str]]:
    """``text`` (a msgid, or a callable giving a translated string) in each language."""
    out = []
    for code in languages:
        with translation.override(code):
            out.append((code, str(text() if callable(text) else translation.gettext(text))))
    return out


def _side_by_side(texts: list[tuple[str, str]]) -> SafeString:
    if len({text for _code, text in texts}) == 1:  # the same words: say them once
        texts = texts[:1]
    return format_html_join(" / ", '<span lang="{}">{}</span>', texts)


def document_labels(order: TakedownOrder) -> dict[str, SafeString]:
    """Each label of the document in its languages (``labels.reasons`` in the template),
    and the title: the order's kind."""
    languages = document_languages(order)
    labels = {key: _side_by_side(_in_each(languages, text)) for key, text in LABELS.items()}
    labels["title"] = _side_by_side(_in_each(languages, order.get_kind_display))
    return labels


def event_texts(order: TakedownOrder, event: str) -> list[dict[str, str]]:
    """A webhook's human fields, one entry per language of the order."""
    label = WebhookEvent(event).label
    texts = []
    for code in document_languages(order):
        with translation.override(code):
            texts.append(
                {
                    "language": code,
                    "event": str(label),
                    "kind": str(order.get_kind_display()),
                    "status": str(order.get_status_display()),
                }
            )
    return texts
