"""Evidence in the browser: packages on a case, encrypted uploads, logged downloads,
sealing, export and transfer. Content is only ever read by an explicit, logged,
permission-checked download; pages show metadata and the chain, never content."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from cases.access import case_for, may_add_mla_document, mla_requests_for
from cases.transitions import MLA
from takedown.core.audit import audit_record
from takedown.core.errors import ApplicationError
from takedown.core.security import step_up_required
from takedown.core.web import error_text, form_error_text, run_service

from . import services
from .access import (
    may_export,
    may_handle,
    may_hold,
    may_read_content,
    may_see_particulars,
    may_share,
    packages_for,
)
from .case_uco import package_to_case_uco
from .crypto import EvidenceIntegrityError
from .exports import EXTENSIONS, package_export
from .forms import (
    ExportForm,
    HoldForm,
    PackageForm,
    PackageNewForm,
    ReasonForm,
    ShareForm,
    TransferForm,
)
from .models import EvidenceItem, EvidencePackage
from .transitions import PACKAGE
from .uploads import EncryptedUpload, EncryptingUploadHandler


def _package(request, reference: str) -> EvidencePackage:
    return get_object_or_404(
        packages_for(request.user).select_related(
            "case", "collecting_authority", "previous_package"
        ),
        reference=reference,
    )


def _error(request, error: ApplicationError) -> None:
    """Show a refused act; a refusal of the right to act is a 403, not a message."""
    if error.status == 403:
        raise DjangoPermissionDenied(error.detail) from error
    messages.error(request, error_text(error))


@login_required
@require_POST
def package_new(request, reference: str):
    case = case_for(request.user, reference)
    package = run_service(
        request,
        lambda data: services.package_create(
            case=case, officer=request.user, source_url=data["source_url"]
        ),
        form=PackageNewForm(request.POST),
        on_form=False,
    )
    if package is None:
        return redirect("cases:detail", reference=case.reference)
    return redirect("evidence:package", reference=package.reference)


@login_required
def package_detail(request, reference: str):
    package = _package(request, reference)
    handles = may_handle(request.user, package)
    editable = PACKAGE.can(package, "package_updated")
    form = PackageForm(request.POST or None, instance=package) if editable else None
    if request.method == "POST":
        if not handles or form is None:
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                services.package_update(
                    package=package,
                    officer=request.user,
                    **{name: form.cleaned_data[name] for name in form.changed_data},
                )
            except ApplicationError as error:
                _error(request, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("evidence:package", reference=package.reference)
    return render(
        request,
        "evidence/package.html",
        {
            "package": package,
            "form": form,
            "may_handle": handles,
            "may_read": may_read_content(request.user, package),
            "particulars": may_see_particulars(request.user, package),
            "can_add_files": handles and PACKAGE.can(package, "file_added"),
            "can_seal": handles and PACKAGE.can(package, "sealed"),
            "can_follow_up": handles and PACKAGE.can(package, "followed_up"),
            "can_export": may_export(request.user, package) and PACKAGE.can(package, "exported"),
            "can_transfer": may_share(request.user, package)
            and PACKAGE.can(package, "transferred"),
            "can_receive": PACKAGE.can(package, "received"),
            "items": package.items.order_by("created_at", "id"),
            "chain": package.custody_events.order_by("sequence"),  # hashed fields only
            "chain_break": services.verify_chain(package),
            "missing": services.missing_labels(package) if editable else [],
            "seal_valid": services.seal_valid(package) if package.signature else None,
            "export_form": ExportForm(),
            "transfer_form": TransferForm(),
            "may_share": may_share(request.user, package),
            "share_form": ShareForm(package=package),
            "shares": package.shares.filter(revoked_at__isnull=True).select_related("desk"),
            "reason_form": ReasonForm(),
            "follow_ups": package.follow_ups.all(),
            "holds": services.holds_in_force(package),
            "hold_history": package.holds.all(),
            "may_hold": may_hold(request.user, package) and package.purged_at is None,
            "hold_form": HoldForm(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@csrf_exempt  # checked below, once the handler that encrypts the upload is in place
@require_POST
def upload(request, reference: str):
    # Who may upload is settled before the body is read: a refused upload stores nothing.
    package = _package(request, reference)
    if not may_handle(request.user, package):
        raise DjangoPermissionDenied
    if not PACKAGE.can(package, "file_added"):
        messages.error(
            request, _("A sealed package cannot change: put new material in a follow-up package.")
        )
        return redirect("evidence:package", reference=reference)
    handler = EncryptingUploadHandler(request)
    request.upload_handlers = [handler]
    try:
        return _upload(request, package, handler)
    finally:
        # The CSRF check in _upload reads (and so encrypts into storage) the body before
        # it can refuse; then _receive_upload never runs. Nothing without a row stays.
        handler.discard()


@csrf_protect
def _upload(request, package, handler):
    return _receive_upload(
        request,
        handler,
        back=redirect("evidence:package", reference=package.reference),
        record=lambda upload: services.item_record(
            package=package,
            officer=request.user,
            file_id=upload.file_id,
            original_name=upload.name,
            storage_name=upload.storage_name,
            content_type=upload.content_type,
            sealed=upload.sealed,
            pdq=upload.pdq,
        ),
    )


def _receive_upload(request, handler, *, record, back):
    """After the encrypting handler read the body: record the stored file, or remove it.

    Whatever the outcome (a refusal, a second part, an exception), every file the handler
    wrote that no row took is deleted on the way out.
    """
    try:
        upload = request.FILES.get("file")
        if handler.errors or not isinstance(upload, EncryptedUpload):
            messages.error(request, " ".join(handler.errors) or _("Choose a file to upload."))
            return back
        try:
            record(upload)
        except ApplicationError as error:
            _error(request, error)
        else:
            handler.keep(upload)
            messages.success(
                request, _("Stored encrypted: SHA-256 %(h)s.") % {"h": upload.sealed.sha256}
            )
        return back
    finally:
        handler.discard()


@login_required
@require_POST
@step_up_required
def download(request, file_id):
    """The only way to content: a reason, the permission, a custody event, then bytes."""
    item = get_object_or_404(
        EvidenceItem.objects.select_related("package__case").filter(
            package__in=packages_for(request.user)
        ),
        file_id=file_id,
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you open the file."))
        return redirect("evidence:package", reference=item.package.reference)
    try:
        chunks = services.item_open_for_reading(
            item=item, user=request.user, reason=form.cleaned_data["reason"]
        )
    except EvidenceIntegrityError:
        messages.error(
            request,
            _("Refused: the stored file does not match its recorded digest. This was recorded."),
        )
        return redirect("evidence:package", reference=item.package.reference)
    except ApplicationError as error:
        if error.status == 403:
            raise DjangoPermissionDenied from error
        _error(request, error)
        return redirect("evidence:package", reference=item.package.reference)
    # A server-made name and a neutral type: the browser saves it, never renders it.
    extension = EXTENSIONS.get(item.content_type, ".bin")
    response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f'attachment; filename="{item.package.reference}-{item.file_id}{extension}"'
    )
    response["Content-Length"] = str(item.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def seal(request, reference: str):
    package = _package(request, reference)
    try:
        services.package_seal(package=package, officer=request.user)
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Sealed and signed."))
    return redirect("evidence:package", reference=reference)


@login_required
@require_POST
def follow_up(request, reference: str):
    package = _package(request, reference)
    try:
        new = services.package_create(
            case=package.case, officer=request.user, previous=package, source_url=package.source_url
        )
    except ApplicationError as error:
        _error(request, error)
        return redirect("evidence:package", reference=reference)
    return redirect("evidence:package", reference=new.reference)


@login_required
@require_POST
@step_up_required
def export(request, reference: str):
    package = _package(request, reference)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("evidence:package", reference=reference)
    try:
        name, stream = package_export(
            package=package,
            officer=request.user,
            receiver=form.cleaned_data["receiver"],
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as error:
        if error.status == 403:
            raise DjangoPermissionDenied from error
        _error(request, error)
        return redirect("evidence:package", reference=reference)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def transfer(request, reference: str):
    package = _package(request, reference)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            services.package_transfer(
                package=package,
                officer=request.user,
                to_authority=form.cleaned_data["to_authority"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            _error(request, error)
        else:
            messages.success(
                request, _("Transferred; the receiver records receipt and verification.")
            )
    return redirect("evidence:package", reference=reference)


@login_required
@require_POST
def share(request, reference: str):
    package = _package(request, reference)
    if not may_share(request.user, package):
        raise DjangoPermissionDenied
    run_service(
        request,
        lambda data: services.package_share(
            package=package, officer=request.user, desk=data["desk"], reason=data["reason"]
        ),
        form=ShareForm(request.POST, package=package),
        on_form=False,
        success=_("Shared: that desk may now read the package."),
    )
    return redirect("evidence:package", reference=reference)


@login_required
@require_POST
def share_withdraw(request, reference: str, pk: int):
    package = _package(request, reference)
    if not may_share(request.user, package):
        raise DjangoPermissionDenied
    shared = get_object_or_404(package.shares.filter(revoked_at__isnull=True), pk=pk)
    run_service(
        request,
        lambda data: services.package_share_withdraw(
            share=shared, officer=request.user, reason=data["reason"]
        ),
        form=ReasonForm(request.POST),
        on_form=False,
        success=_("Share withdrawn."),
    )
    return redirect("evidence:package", reference=reference)


@login_required
@require_POST
def hold_place(request, reference: str):
    package = _package(request, reference)
    if not may_hold(request.user, package):
        raise DjangoPermissionDenied
    run_service(
        request,
        lambda data: services.hold_place(
            package=package, actor=request.user, reason=data["reason"], until=data["until"]
        ),
        form=HoldForm(request.POST),
        on_form=False,
        success=_("Legal hold placed: the package is not purged while it is in force."),
    )
    return redirect("evidence:package", reference=reference)


@login_required
@require_POST
def hold_lift(request, reference: str, pk: int):
    package = _package(request, reference)
    if not may_hold(request.user, package):
        raise DjangoPermissionDenied
    hold = get_object_or_404(package.holds.all(), pk=pk)
    run_service(
        request,
        lambda data: services.hold_lift(hold=hold, actor=request.user, reason=data["reason"]),
        form=ReasonForm(request.POST),
        on_form=False,
        success=_("Legal hold lifted."),
    )
    return redirect("evidence:package", reference=reference)


@login_required
@require_POST
def receive(request, reference: str):
    package = _package(request, reference)
    try:
        problems = services.package_receive(package=package, officer=request.user)
    except ApplicationError as error:
        _error(request, error)
    else:
        if problems:
            messages.error(
                request, _("Received, but verification FAILED: %(p)s") % {"p": "; ".join(problems)}
            )
        else:
            messages.success(request, _("Received and verified: seal, chain and every file."))
    return redirect("evidence:package", reference=reference)


@login_required
@require_GET
def purge_certificate(request, reference: str):
    package = _package(request, reference)
    if package.purged_at is None:
        raise Http404
    return render(
        request,
        "evidence/purge_certificate.html",
        {
            "package": package,
            "items": package.items.order_by("created_at"),
            "events": package.custody_events.filter(action="purged").order_by("sequence"),
        },
    )


@login_required
@require_GET
def purge_certificate_json(request, reference: str):
    """The signed, machine-readable certificate: ``certificate`` and its detached
    Ed25519 ``signature`` (``python verify.py FILE --certificate --trusted-key KEY``)."""
    package = _package(request, reference)
    if package.purge_certificate is None:
        raise Http404
    response = JsonResponse(
        {
            "certificate": package.purge_certificate,
            "signature": {
                "key_id": package.purge_certificate.get("key_id", ""),
                "algorithm": "Ed25519",
                "signature": package.purge_signature,
            },
        },
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    name = f"{package.reference}-purge-certificate.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def case_uco(request, reference: str):
    """The package as CASE/UCO JSON-LD: metadata, digests and the chain, never content;
    it names the source URL, so it is the holding desks' (recorded in the audit log; no
    custody event, as no content is read)."""
    package = _package(request, reference)
    if not may_see_particulars(request.user, package):
        raise DjangoPermissionDenied
    document = package_to_case_uco(package)
    audit_record(
        action="evidence.case_uco_exported",
        actor=request.user,
        obj=package,
        data={"reference": package.reference},
    )
    response = JsonResponse(
        document, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="{package.reference}-case-uco.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@csrf_exempt  # checked in _mla_document, once the encrypting handler is in place
@require_POST
def mla_document(request, pk: int):
    """The requested desk attaches a document to its answer (stored as evidence)."""
    mla = get_object_or_404(mla_requests_for(request.user).select_related("case"), pk=pk)
    if not may_add_mla_document(request.user, mla):
        raise DjangoPermissionDenied  # before the body is read: nothing is stored
    if not MLA.can(mla, "document_added"):
        messages.error(request, _("Documents are added while the request is open."))
        return redirect("mla:detail", pk=mla.pk)
    handler = EncryptingUploadHandler(request)
    request.upload_handlers = [handler]
    try:
        return _mla_document(request, mla, handler)
    finally:
        handler.discard()  # a CSRF refusal after the body was read keeps nothing


@csrf_protect
def _mla_document(request, mla, handler):
    return _receive_upload(
        request,
        handler,
        back=redirect("mla:detail", pk=mla.pk),
        record=lambda upload: services.mla_document_add(
            mla=mla,
            responder=request.user,
            file_id=upload.file_id,
            original_name=upload.name,
            storage_name=upload.storage_name,
            content_type=upload.content_type,
            sealed=upload.sealed,
        ),
    )
