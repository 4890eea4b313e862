"""The problem types the API answers with: one stable code and one title each, served
as a catalogue at ``/problems/`` on the installation, so every problem document's
``type`` is a URL that says what the code means. The ``detail`` of a document says what
went wrong in that request."""

from django.utils.translation import gettext_lazy as _

# code: (HTTP status, title, what it means and what to do)
CATALOGUE = {
    "validation_failed": (
        400,
        _("The input is not valid."),
        _("A field, filter or page cursor is not valid; errors names each field."),
    ),
    "malformed_request": (
        400,
        _("The body could not be read."),
        _(
            "The body is not parseable JSON, or it is nested deeper than 32 levels; or the "
            "path or query string holds a NUL character."
        ),
    ),
    "invalid_idempotency_key": (
        400,
        _("The Idempotency-Key header is not valid."),
        _("Send 1 to 255 printable ASCII characters without spaces; a UUID is ideal."),
    ),
    "file_too_large": (400, _("The file is too large."), _("Split the CSV file.")),
    "invalid_csv": (400, _("The file is not valid CSV."), _("Send UTF-8 CSV with a header row.")),
    "invalid_csv_header": (
        400,
        _("The CSV header is not valid."),
        _("Name columns from url, sha256, md5, pdq, hosting_country, hosting_ip, each once."),
    ),
    "too_many_rows": (400, _("The file has too many rows."), _("Split the CSV file.")),
    "package_incomplete": (
        400,
        _("The evidence package is incomplete."),
        _("Fill in every required field of the template before sealing."),
    ),
    "application_error": (400, _("The request could not be carried out."), ""),
    "not_authenticated": (
        401,
        _("Authentication is needed."),
        _("Send your key as Authorization: Bearer <key>."),
    ),
    "authentication_failed": (
        401,
        _("The credentials were refused."),
        _("The key is unknown, revoked or expired, or the platform is deactivated."),
    ),
    "permission_denied": (403, _("You may not do this."), _("The key or account lacks the right.")),
    "second_factor_required": (
        403,
        _("Confirm your second factor first."),
        _("Staff sessions need a confirmed second factor."),
    ),
    "not_found": (
        404,
        _("Not found."),
        _("There is no such thing for you (including what belongs to others)."),
    ),
    "method_not_allowed": (405, _("This method is not allowed here."), ""),
    "not_acceptable": (406, _("The response cannot be given in the format asked."), ""),
    "invalid_transition": (
        409,
        _("That action is not possible in the current state."),
        _("detail names the state; read the object again before acting."),
    ),
    "conflict": (
        409,
        _("Someone else changed this in the meantime."),
        _("Read it again and retry."),
    ),
    "no_signing_key": (
        409,
        _("The authority has no signing key."),
        _("An operator must create one (manage.py authority_keys create)."),
    ),
    "payload_too_large": (
        413,
        _("The body is too large."),
        _("JSON bodies are at most 10 MiB; a larger declared length is refused unread."),
    ),
    "unsupported_media_type": (415, _("The body's media type is not supported."), ""),
    "idempotency_key_reused": (
        422,
        _("This Idempotency-Key was used with a different request."),
        _("Use a new key for a new request; the same key replays the first answer."),
    ),
    "throttled": (429, _("Too many requests."), _("Wait for Retry-After seconds.")),
    "server_error": (
        500,
        _("Something went wrong on our side; it was logged."),
        _("Retry later; the request id in X-Request-ID helps the operator find it."),
    ),
    "error": (400, _("The request could not be carried out."), ""),
}


def title_of(code: str, fallback: str = "") -> str:
    entry = CATALOGUE.get(code)
    return str(entry[1]) if entry else fallback
