"""The liaison app's audit events in words (takedown/core/sentences.py)."""

from django.utils.translation import gettext_noop

SENTENCES = {
    "key.created": gettext_noop("%(actor)s created a key"),
    "key.registered": gettext_noop("%(actor)s registered a receiving key"),
    "key.rotated": gettext_noop("%(actor)s rotated a key"),
    "key.revoked": gettext_noop("%(actor)s revoked a key"),
    "api_key.minted": gettext_noop("%(actor)s minted an API key"),
    "api_key.revoked": gettext_noop("%(actor)s revoked an API key"),
    "webhook.url_set": gettext_noop("%(actor)s set a webhook address"),
    "webhook.url_removed": gettext_noop("%(actor)s removed a webhook address"),
    "webhook.secret_rotated": gettext_noop("%(actor)s rotated a webhook secret"),
}
