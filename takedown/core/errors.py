"""Domain errors raised by services; the API renders them as problem documents and
forms show them as errors."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    code = "application_error"
    title = _("The request could not be carried out.")
    status = 400

    def __init__(self, detail: str = "", *, code: str | None = None, fields: dict | None = None):
        super().__init__(detail or str(self.title))
        self.detail = detail or str(self.title)
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    title = _("The input is not valid.")
    status = 400


class InvalidTransition(ApplicationError):
    code = "invalid_transition"
    title = _("That action is not possible in the current state.")
    status = 409


class Conflict(ApplicationError):
    code = "conflict"
    title = _("Someone else changed this in the meantime.")
    status = 409


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    title = _("You may not do this.")
    status = 403


class NotFound(ApplicationError):
    code = "not_found"
    title = _("Not found.")
    status = 404
