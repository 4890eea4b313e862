"""The core's audit events in words (takedown/core/sentences.py)."""

from django.utils.translation import gettext_noop

SENTENCES = {
    "auth.login": gettext_noop("%(actor)s signed in"),
    "auth.logout": gettext_noop("%(actor)s signed out"),
    "auth.login_failed": gettext_noop("A sign-in as %(actor)s failed"),
    "auth.locked_out": gettext_noop("%(actor)s was locked out after repeated failures"),
    "auth.denied": gettext_noop("%(actor)s was refused a page"),
    "auth.second_factor_enrolled": gettext_noop("%(actor)s set up a second factor"),
    "auth.second_factor_verified": gettext_noop("%(actor)s confirmed the second factor"),
    "auth.second_factor_failed": gettext_noop("%(actor)s entered a wrong code"),
    "auth.second_factor_throttled": gettext_noop("%(actor)s entered too many wrong codes"),
    "auth.second_factor_locked": gettext_noop("%(actor)s's second factor is locked"),
    "auth.recovery_code_used": gettext_noop("%(actor)s used a recovery code"),
    "auth.security_key_added": gettext_noop("%(actor)s added a security key"),
    "auth.security_key_removed": gettext_noop("%(actor)s removed a security key"),
    "auth.security_key_refused": gettext_noop("A security key was refused for %(actor)s"),
    "auth.sessions_ended": gettext_noop("%(actor)s ended sessions"),
    "auth.password_changed": gettext_noop("%(actor)s changed their password"),
    "auth.password_change_failed": gettext_noop("%(actor)s failed to change their password"),
    "auth.user_deactivated": gettext_noop("%(actor)s deactivated an account"),
    "user.created": gettext_noop("%(actor)s created an account"),
    "user.updated": gettext_noop("%(actor)s changed an account"),
    "user.password_set": gettext_noop("%(actor)s set an account's password"),
    "user.second_factor_reset": gettext_noop("%(actor)s reset an account's second factor"),
    "audit.chain_verified": gettext_noop("%(actor)s verified the audit chain"),
    "audit.exported": gettext_noop("%(actor)s exported the audit trail"),
    "secrets.rewrapped": gettext_noop("%(actor)s re-wrapped the stored secrets"),
}
