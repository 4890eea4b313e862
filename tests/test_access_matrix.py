"""The access matrix (issue 8): every app URL and API endpoint by every role, with the
expected result of each cell, run through the real request path.

One shared world (built once for the module, rolled back at the end; every cell runs in
its own savepoint, so a POST that acts leaves nothing behind for the next cell):

- DE and NL, each with a police authority and a liaison desk; FR as a third country.
- desk_officer: officer of the DE desk, which leads the case. Holds the personal
  permissions no role grants (evidence content, evidence export, victim data), so the
  rows show the way in for the right person.
- other_officer: officer of the NL desk, with the *same* personal permissions: where they
  are refused, it is the desk/jurisdiction check that refuses them, not a missing
  permission.
- prosecutor: of the DE prosecution authority (which the DE case's requests go to), with
  a signing key. auditor: DE police authority, group auditor. operator: is_staff, group
  operator.
- platform_a: the addressee of the issued order (Bearer key); platform_b: another
  platform's key; partner: a DE hotline's key.
- The case (assessed, three items on platform A): an issued order to platform A for two
  items with an open clarification question, an open order request for the third, an
  evidence package with one file uploaded through the view, a purged package, an MLA
  request sent to FR, two victims: one with a drafted message, one whose approved message
  waits in the outbox; plus an import by the officer, a bulk import and a report by the
  partner, and a dead-letter notification.

Cell values: a status code; ``LOGIN`` is a 302 to ``/accounts/login/`` (and ``ADMIN`` to
the admin's login); a plain ``302`` is any other redirect (the page an action returns to,
with its outcome flashed). Bearer keys mean nothing to the HTML views: there a platform or
partner is anonymous. A POST is sent with a minimal body: the point is who gets in (a
right role gets a non-403/404 answer such as 200/302/400), not validation.

Besides the cells: what a stranger to the case may open (200) shows no trace of it; the
auditor's refused evidence writes (answered with a redirect) change nothing; the operator's
outbox shows no victim's address; a refused upload leaves nothing in the evidence store;
and the step-up views ask again for a second factor confirmed too long ago.
"""

from __future__ import annotations

import json
import logging
import os
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.api.views import submitter_of
from cases.models import ProtectedSource
from cases.services import mla as mla_services
from cases.services import orders, triage, victims
from cases.services.bulk import bulk_import_create
from cases.services.intake import ItemInput, ReportInput, SourceIdentity, report_submit
from deadlines.choices import NotificationChannel, NotificationStatus
from deadlines.models import Notification
from deadlines.outbox import notification_enqueue, platform_webhook_test
from evidence import services as evidence
from evidence.models import EvidenceItem
from liaison.api.authentication import ApiClient
from liaison.choices import AuthorityKind, KeyPurpose
from liaison.keys import authority_key_create
from liaison.models import ApiKey
from takedown.core.choices import Role
from takedown.core.models import AuditEvent
from takedown.core.otp import SESSION_VERIFIED_AT
from tests.cases.factories import assessed_case, join, submit
from tests.conftest import login
from tests.evidence.conftest import synthetic_png
from tests.liaison.factories import (
    AuthorityFactory,
    DeskFactory,
    JurisdictionFactory,
    PlatformFactory,
    UserFactory,
    api_key_for,
    officer_of,
)

ROLES = (
    "anonymous",
    "desk_officer",
    "other_officer",
    "prosecutor",
    "auditor",
    "operator",
    "platform_a",
    "platform_b",
    "partner",
)

LOGIN = "login"  # 302 to /accounts/login/?next=...
ADMIN = "admin-login"  # 302 to /admin/login/?next=...

# One row per URL name and method; the columns are ROLES, in that order.
# fmt: off
MATRIX: dict[tuple[str, str], tuple] = {
    # url name                      method      anon   desk  other  pros  audit  oper   plat_a plat_b partner
    # --- Probes, public pages and the schema: open to anyone ---------------------------------------
    ("healthz",                     "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),
    ("readyz",                      "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),
    ("metrics",                     "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),  # METRICS_TOKEN unset
    ("transparency:public",         "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),
    ("transparency:full",           "GET"):    (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    ("api-schema",                  "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),
    ("api-docs",                    "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),
    ("api-keys",                    "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),
    ("problems",                    "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),
    ("problem",                     "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),
    # The public report page: no account; an empty form or an unknown code is refused.
    ("public:report",               "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),
    ("public:report",               "POST"):   (400,   400,  400,   400,  400,   400,   400,   400,   400),
    ("public:follow-up",            "GET"):    (200,   200,  200,   200,  200,   200,   200,   200,   200),
    ("public:follow-up",            "POST"):   (400,   400,  400,   400,  400,   400,   400,   400,   400),
    ("public:follow-up-add",        "POST"):   (404,   404,  404,   404,  404,   404,   404,   404,   404),
    # The demo platforms' stand-in receiver: off outside the embedded demo settings.
    ("demo:webhook-receiver",       "POST"):   (404,   404,  404,   404,  404,   404,   404,   404,   404),
    # --- Sign-in, second factor, sessions ----------------------------------------------------------
    ("home",                        "GET"):    (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    ("login",                       "GET"):    (200,   302,  302,   302,  302,   302,   200,   200,   200),
    ("logout",                      "GET"):    (405,   405,  405,   405,  405,   405,   405,   405,   405),
    ("logout",                      "POST"):   (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("second-factor",               "GET"):    (LOGIN, 302,  302,   302,  302,   302,   LOGIN, LOGIN, LOGIN),  # not enrolled: to setup
    ("second-factor-setup",         "GET"):    (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    ("receiving-keys",              "GET"):    (LOGIN, 200,  200,   403,  403,   403,   LOGIN, LOGIN, LOGIN),  # an authority's officers
    ("receiving-keys",              "POST"):   (LOGIN, 400,  400,   403,  403,   403,   LOGIN, LOGIN, LOGIN),  # step-up; no key sent
    ("sessions",                    "GET"):    (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    ("session-end",                 "POST"):   (LOGIN, 302,  302,   302,  302,   302,   LOGIN, LOGIN, LOGIN),
    ("security-keys",               "GET"):    (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    ("security-keys",               "POST"):   (LOGIN, 302,  302,   302,  302,   302,   LOGIN, LOGIN, LOGIN),  # removes only one's own
    ("security-key-options",        "POST"):   (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    ("security-key-register",       "POST"):   (LOGIN, 400,  400,   400,  400,   400,   LOGIN, LOGIN, LOGIN),  # no browser answer
    ("second-factor-key-options",   "POST"):   (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    ("second-factor-key-verify",    "POST"):   (LOGIN, 400,  400,   400,  400,   400,   LOGIN, LOGIN, LOGIN),
    ("password-change",             "GET"):    (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    ("preferences",                 "GET"):    (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    ("preferences",                 "POST"):   (LOGIN, 400,  400,   400,  400,   400,   LOGIN, LOGIN, LOGIN),  # nothing sent
    ("language-set",                "POST"):   (302,   302,  302,   302,  302,   302,   302,   302,   302),  # anyone: a cookie
    # --- People: operators manage accounts (step-up for every change) ------------------------------
    ("users",                       "GET"):    (LOGIN, 403,  403,   403,  403,   200,   LOGIN, LOGIN, LOGIN),
    ("user-new",                    "GET"):    (LOGIN, 403,  403,   403,  403,   200,   LOGIN, LOGIN, LOGIN),
    ("user-detail",                 "GET"):    (LOGIN, 403,  403,   403,  403,   200,   LOGIN, LOGIN, LOGIN),
    ("user-password",               "POST"):   (LOGIN, 403,  403,   403,  403,   302,   LOGIN, LOGIN, LOGIN),
    ("user-second-factor-reset",    "POST"):   (LOGIN, 403,  403,   403,  403,   302,   LOGIN, LOGIN, LOGIN),
    # --- The admin: one row ------------------------------------------------------------------------
    ("admin:index",                 "GET"):    (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN, ADMIN, ADMIN),
    # --- The operator's outbox ---------------------------------------------------------------------
    ("deadlines:outbox",            "GET"):    (LOGIN, 403,  403,   403,  403,   200,   LOGIN, LOGIN, LOGIN),
    ("deadlines:outbox-retry",      "POST"):   (LOGIN, 403,  403,   403,  403,   302,   LOGIN, LOGIN, LOGIN),
    # --- The triage desk: officers only; another desk's case is a 404 ------------------------------
    ("cases:queue",                 "GET"):    (LOGIN, 200,  200,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:report-new",            "GET"):    (LOGIN, 200,  200,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:import-new",            "GET"):    (LOGIN, 200,  200,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:import",                "GET"):    (LOGIN, 200,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:board",                 "GET"):    (LOGIN, 200,  200,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:board-chart",           "GET"):    (LOGIN, 200,  200,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:detail-by-id",          "GET"):    (LOGIN, 302,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:detail",                "GET"):    (LOGIN, 200,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:assign",                "POST"):   (LOGIN, 302,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:assess",                "POST"):   (LOGIN, 400,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:assess-stay-down",      "POST"):   (LOGIN, 400,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:close",                 "POST"):   (LOGIN, 400,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:merge",                 "POST"):   (LOGIN, 400,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:split",                 "POST"):   (LOGIN, 400,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:order-request",         "POST"):   (LOGIN, 400,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:close-resolved",        "POST"):   (LOGIN, 302,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:mla-new",               "GET"):    (LOGIN, 200,  404,   404,  404,   404,   LOGIN, LOGIN, LOGIN),
    ("cases:handover",              "POST"):   (LOGIN, 302,  404,   404,  404,   404,   LOGIN, LOGIN, LOGIN),
    ("cases:victims",               "GET"):    (LOGIN, 200,  404,   404,  404,   404,   LOGIN, LOGIN, LOGIN),  # step-up
    ("cases:victim-review",         "POST"):   (LOGIN, 302,  404,   404,  404,   404,   LOGIN, LOGIN, LOGIN),  # step-up
    ("cases:source-identity",       "POST"):   (LOGIN, 200,  404,   404,  404,   404,   LOGIN, LOGIN, LOGIN),  # step-up
    # --- The prosecutor's desk and the orders ------------------------------------------------------
    ("orders:queue",                "GET"):    (LOGIN, 403,  403,   200,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("orders:request",              "GET"):    (LOGIN, 403,  403,   200,  403,   403,   LOGIN, LOGIN, LOGIN),  # step-up
    ("orders:request",              "POST"):   (LOGIN, 403,  403,   400,  403,   403,   LOGIN, LOGIN, LOGIN),  # step-up
    ("orders:request-decline",      "POST"):   (LOGIN, 403,  403,   302,  403,   403,   LOGIN, LOGIN, LOGIN),  # no reason: back to the request
    ("orders:detail",               "GET"):    (LOGIN, 200,  404,   200,  404,   404,   LOGIN, LOGIN, LOGIN),
    ("orders:withdraw",             "GET"):    (LOGIN, 403,  403,   405,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("orders:withdraw",             "POST"):   (LOGIN, 403,  403,   302,  403,   403,   LOGIN, LOGIN, LOGIN),  # step-up
    ("orders:amend",                "POST"):   (LOGIN, 403,  403,   302,  403,   403,   LOGIN, LOGIN, LOGIN),  # step-up
    ("orders:answer",               "POST"):   (LOGIN, 403,  403,   302,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:joins",                 "GET"):    (LOGIN, 200,  200,   403,  403,   403,   LOGIN, LOGIN, LOGIN),
    ("cases:join-decide",           "POST"):   (LOGIN, 302,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),  # the lead desk decides
    ("orders:verify",               "POST"):   (LOGIN, 302,  404,   403,  403,   403,   LOGIN, LOGIN, LOGIN),  # officers only, as the case actions
    ("orders:platform",             "GET"):    (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    # --- Evidence: the case's desks handle it; the DE auditor sees the chain, never content ---------
    ("evidence:new",                "POST"):   (LOGIN, 302,  404,   404,  404,   404,   LOGIN, LOGIN, LOGIN),
    ("evidence:package",            "GET"):    (LOGIN, 200,  404,   404,  200,   404,   LOGIN, LOGIN, LOGIN),
    ("evidence:package",            "POST"):   (LOGIN, 200,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),
    ("evidence:case-uco",           "GET"):    (LOGIN, 200,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),  # names the source: the holders'
    ("evidence:hold-place",         "POST"):   (LOGIN, 302,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),  # the lead desk holds
    ("evidence:hold-lift",          "POST"):   (LOGIN, 302,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),
    ("evidence:upload",             "POST"):   (LOGIN, 302,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),  # auditor: sees, may not act
    ("evidence:download",           "POST"):   (LOGIN, 200,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),  # step-up
    ("evidence:seal",               "POST"):   (LOGIN, 302,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),  # auditor: sees, may not act
    ("evidence:follow-up",          "POST"):   (LOGIN, 302,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),  # auditor: sees, may not act
    ("evidence:export",             "POST"):   (LOGIN, 302,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),  # step-up; desk: a draft is not exported
    ("evidence:transfer",           "POST"):   (LOGIN, 302,  404,   404,  302,   404,   LOGIN, LOGIN, LOGIN),  # a draft is not transferred
    ("evidence:receive",            "POST"):   (LOGIN, 302,  404,   404,  302,   404,   LOGIN, LOGIN, LOGIN),  # nothing was transferred
    ("evidence:share",              "POST"):   (LOGIN, 302,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),  # the lead desk shares
    ("evidence:share-withdraw",     "POST"):   (LOGIN, 302,  404,   404,  403,   404,   LOGIN, LOGIN, LOGIN),
    ("evidence:purge-certificate",  "GET"):    (LOGIN, 200,  404,   404,  200,   404,   LOGIN, LOGIN, LOGIN),
    ("evidence:purge-certificate-json", "GET"): (LOGIN, 200, 404,   404,  200,   404,   LOGIN, LOGIN, LOGIN),
    # --- The auditor's trail -----------------------------------------------------------------------
    ("audit:trail",                 "GET"):    (LOGIN, 403,  403,   403,  200,   403,   LOGIN, LOGIN, LOGIN),
    ("audit:verify",                "POST"):   (LOGIN, 403,  403,   403,  302,   403,   LOGIN, LOGIN, LOGIN),
    ("audit:export-csv",            "GET"):    (LOGIN, 403,  403,   403,  200,   403,   LOGIN, LOGIN, LOGIN),
    ("audit:export-json",           "GET"):    (LOGIN, 403,  403,   403,  200,   403,   LOGIN, LOGIN, LOGIN),
    # --- MLA: the case's desks, the requesting and the requested authority (FR here) --------------
    ("mla:inbox",                   "GET"):    (LOGIN, 200,  200,   200,  200,   200,   LOGIN, LOGIN, LOGIN),
    ("mla:detail",                  "GET"):    (LOGIN, 200,  404,   404,  404,   404,   LOGIN, LOGIN, LOGIN),
    ("mla:action",                  "POST"):   (LOGIN, 302,  404,   404,  404,   404,   LOGIN, LOGIN, LOGIN),
    ("evidence:mla-document",       "POST"):   (LOGIN, 403,  404,   404,  404,   404,   LOGIN, LOGIN, LOGIN),  # only the requested desk
    # --- Intake API: partners' and platforms' keys; each sees its own ------------------------------
    ("api-whoami",                  "GET"):    (401,   403,  403,   403,  403,   403,   200,   200,   200),
    ("api-reports",                 "GET"):    (401,   403,  403,   403,  403,   403,   200,   200,   200),
    ("api-reports",                 "POST"):   (401,   403,  403,   403,  403,   403,   400,   400,   400),
    ("api-reports-bulk",            "POST"):   (401,   403,  403,   403,  403,   403,   400,   400,   400),
    ("api-report",                  "GET"):    (401,   403,  403,   403,  403,   403,   404,   404,   200),
    ("api-import",                  "GET"):    (401,   403,  403,   403,  403,   403,   404,   404,   200),
    # --- Cases API: officers, scoped to their desks ------------------------------------------------
    ("api-cases",                   "GET"):    (401,   200,  200,   403,  403,   403,   403,   403,   403),
    ("api-case",                    "GET"):    (401,   200,  404,   403,  403,   403,   403,   403,   403),
    ("api-platform-compliance",     "GET"):    (401,   200,  200,   200,  200,   200,   200,   404,   404),
    # --- Platform API: a platform's key sees its own orders; another's is a 404 --------------------
    ("api-platform-orders",         "GET"):    (401,   403,  403,   403,  403,   403,   200,   200,   403),
    ("api-platform-hashes",         "GET"):    (401,   403,  403,   403,  403,   403,   200,   200,   403),
    ("api-platform-hashes-snapshot", "GET"):   (401,   403,  403,   403,  403,   403,   200,   200,   403),
    ("api-platform-hashes-csv",     "GET"):    (401,   403,  403,   403,  403,   403,   200,   200,   403),
    ("api-platform-hashes-stix",    "GET"):    (401,   403,  403,   403,  403,   403,   200,   200,   403),
    ("api-platform-hashes-misp",    "GET"):    (401,   403,  403,   403,  403,   403,   200,   200,   403),
    ("api-platform-order",          "GET"):    (401,   403,  403,   403,  403,   403,   200,   404,   403),
    ("api-order-acknowledge",       "GET"):    (401,   403,  403,   403,  403,   403,   405,   405,   403),
    ("api-order-acknowledge",       "POST"):   (401,   403,  403,   403,  403,   403,   200,   404,   403),
    ("api-order-removals",          "POST"):   (401,   403,  403,   403,  403,   403,   400,   404,   403),
    ("api-order-cannot-comply",     "POST"):   (401,   403,  403,   403,  403,   403,   400,   404,   403),
    ("api-order-clarifications",    "POST"):   (401,   403,  403,   403,  403,   403,   400,   404,   403),
    ("api-order-objections",        "POST"):   (401,   403,  403,   403,  403,   403,   400,   404,   403),
    ("api-platform-sandbox",        "POST"):   (401,   403,  403,   403,  403,   403,   201,   201,   403),
    # --- A platform's own webhook: each key its own (B has no URL set, so no test event) ---
    ("api-webhook",                 "GET"):    (401,   403,  403,   403,  403,   403,   200,   200,   403),
    ("api-webhook",                 "PUT"):    (401,   403,  403,   403,  403,   403,   200,   200,   403),
    ("api-webhook",                 "DELETE"): (401,   403,  403,   403,  403,   403,   204,   204,   403),
    ("api-webhook-rotate",          "POST"):   (401,   403,  403,   403,  403,   403,   200,   200,   403),
    ("api-webhook-test",            "POST"):   (401,   403,  403,   403,  403,   403,   202,   409,   403),
    ("api-webhook-deliveries",      "GET"):    (401,   403,  403,   403,  403,   403,   200,   200,   403),
    ("api-webhook-delivery",        "GET"):    (401,   403,  403,   403,  403,   403,   200,   404,   403),
    ("api-webhook-redeliver",       "POST"):   (401,   403,  403,   403,  403,   403,   409,   404,   403),  # still pending
    # --- The sandbox's prosecutor: only on the caller's own sandbox orders (a real one is a 404) ---
    ("api-sandbox-answer-clarification",  "POST"): (401,   403,  403,   403,  403,   403,   404,   404,   403),
    ("api-sandbox-resolve-cannot-comply", "POST"): (401,   403,  403,   403,  403,   403,   404,   404,   403),
    ("api-sandbox-decide-objection",      "POST"): (401,   403,  403,   403,  403,   403,   404,   404,   403),
    ("api-sandbox-amend",                 "POST"): (401,   403,  403,   403,  403,   403,   404,   404,   403),
    ("api-sandbox-withdraw",              "POST"): (401,   403,  403,   403,  403,   403,   404,   404,   403),
    ("api-sandbox-unsuspend",             "POST"): (401,   403,  403,   403,  403,   403,   404,   404,   403),
}
# fmt: on

# The URL parameters of each pattern, from the shared world.
KWARGS = {
    "deadlines:outbox-retry": lambda w: {"pk": w.notification.pk},
    "cases:import": lambda w: {"pk": w.officer_import.pk},
    "cases:detail-by-id": lambda w: {"pk": w.case.pk},
    **{
        f"cases:{name}": (lambda w: {"reference": w.case.reference})
        for name in (
            "detail",
            "assign",
            "assess",
            "assess-stay-down",
            "close",
            "merge",
            "split",
            "order-request",
            "mla-new",
            "handover",
            "close-resolved",
            "victims",
        )
    },
    "cases:victim-review": lambda w: {"pk": w.victim_message.pk},
    "cases:source-identity": lambda w: {"reference": w.case.reference, "pk": w.source.pk},
    "orders:request": lambda w: {"pk": w.open_request.pk},
    "orders:request-decline": lambda w: {"pk": w.open_request.pk},
    "orders:detail": lambda w: {"pk": w.order.pk},
    "orders:withdraw": lambda w: {"pk": w.order.pk},
    "orders:amend": lambda w: {"pk": w.order.pk},
    "orders:answer": lambda w: {"pk": w.order.pk, "response_pk": w.clarification.pk},
    "orders:verify": lambda w: {"pk": w.item.pk},
    "problem": lambda w: {"code": "invalid_transition"},
    "orders:platform": lambda w: {"slug": w.platform_a.slug},
    "demo:webhook-receiver": lambda w: {"slug": w.platform_a.slug},
    "evidence:new": lambda w: {"reference": w.case.reference},
    "evidence:download": lambda w: {"file_id": w.evidence_item.file_id},
    **{
        f"evidence:{name}": (lambda w: {"reference": w.package.reference})
        for name in (
            "package",
            "case-uco",
            "upload",
            "seal",
            "follow-up",
            "export",
            "transfer",
            "receive",
            "share",
            "hold-place",
        )
    },
    "evidence:hold-lift": lambda w: {"reference": w.package.reference, "pk": w.hold.pk},
    "evidence:purge-certificate": lambda w: {"reference": w.purged_package.reference},
    "evidence:purge-certificate-json": lambda w: {"reference": w.purged_package.reference},
    "evidence:share-withdraw": lambda w: {"reference": w.package.reference, "pk": w.share.pk},
    "cases:join-decide": lambda w: {"pk": w.pending_join.pk},
    **{
        name: (lambda w: {"pk": w.users["desk_officer"].pk})
        for name in ("user-detail", "user-password", "user-second-factor-reset")
    },
    "mla:detail": lambda w: {"pk": w.mla.pk},
    "mla:action": lambda w: {"pk": w.mla.pk, "action": "reply"},
    "evidence:mla-document": lambda w: {"pk": w.mla.pk},
    "api-report": lambda w: {"pk": w.partner_report.pk},
    "api-import": lambda w: {"pk": w.partner_import.pk},
    "api-case": lambda w: {"reference": w.case.reference},
    "api-platform-compliance": lambda w: {"slug": w.platform_a.slug},
    "api-webhook-delivery": lambda w: {"pk": w.delivery.pk},
    "api-webhook-redeliver": lambda w: {"pk": w.delivery.pk},
    **{
        name: (lambda w: {"pk": w.order.pk})
        for name in (
            "api-platform-order",
            "api-order-acknowledge",
            "api-order-removals",
            "api-order-cannot-comply",
            "api-order-clarifications",
            "api-order-objections",
            # The real order: the sandbox endpoints must refuse it.
            "api-sandbox-answer-clarification",
            "api-sandbox-resolve-cannot-comply",
            "api-sandbox-decide-objection",
            "api-sandbox-amend",
            "api-sandbox-withdraw",
            "api-sandbox-unsuspend",
        )
    },
}

# Minimal POST bodies; JSON for the API, a form (multipart) everywhere else.
BODIES = {
    "session-end": lambda w: {"session_key": "others"},
    "cases:close-resolved": lambda w: {"reason": "access matrix"},
    "orders:request": lambda w: {"kind": "order"},  # bound, so the form is checked
    "orders:withdraw": lambda w: {"reason": "access matrix"},
    "evidence:upload": lambda w: {"file": SimpleUploadedFile("capture.png", synthetic_png(seed=7))},
    "evidence:download": lambda w: {"reason": "access matrix"},
    "evidence:export": lambda w: {"receiver": w.nl_police.pk, "reason": "access matrix"},
    "evidence:transfer": lambda w: {"to_authority": w.nl_police.pk, "reason": "access matrix"},
    "evidence:share-withdraw": lambda w: {"reason": "access matrix"},
    "cases:join-decide": lambda w: {"decision": "accept"},
    "security-keys": lambda w: {"key": 1},
    "user-password": lambda w: {
        "password1": "matrix-long-passphrase",
        "password2": "matrix-long-passphrase",
    },
    "mla:action": lambda w: {"text": "access matrix"},
    "api-webhook": lambda w: {"url": "https://hooks.example.org/matrix"},
    "evidence:mla-document": lambda w: {"file": SimpleUploadedFile("answer.csv", b"a,b\n1,2\n")},
}
FORM_API = {"api-reports-bulk"}

# The critical acts behind a fresh second factor, with the role that may perform them.
STEP_UP = [
    ("orders:request", "GET", "prosecutor"),
    ("orders:request", "POST", "prosecutor"),
    ("orders:withdraw", "POST", "prosecutor"),
    ("orders:amend", "POST", "prosecutor"),
    ("cases:victims", "GET", "desk_officer"),
    ("cases:victim-review", "POST", "desk_officer"),
    ("cases:source-identity", "POST", "desk_officer"),
    ("evidence:download", "POST", "desk_officer"),
    ("evidence:export", "POST", "desk_officer"),
    ("security-keys", "GET", "desk_officer"),
    ("user-new", "GET", "operator"),
    ("user-detail", "GET", "operator"),
    ("user-password", "POST", "operator"),
    ("user-second-factor-reset", "POST", "operator"),
]

ORDER_FIELDS = orders.OrderFields(
    kind="order",
    legal_basis="Art. 3 Regulation (EU) 2021/784 (demo)",
    reasons="Child sexual abuse material (synthetic test)",
    contact_point="duty@example.org",
)


# --- The URL patterns -------------------------------------------------------------------


def _patterns(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield name, prefix + str(entry.pattern)


def app_patterns() -> dict[str, str]:
    """Every URL pattern of the project by name (the route where it has none), without
    static/media and the admin's own pages (the admin is the one row ``admin:index``)."""
    found = {}
    for name, route in _patterns(get_resolver().url_patterns):
        if route.startswith(("static/", "media/", "^static/", "^media/")):
            continue
        if route.startswith("admin/") and name != "admin:index":
            continue  # the admin's own pages, named or not
        found[name or route] = route
    return found


def test_every_url_pattern_has_a_row():
    """A new endpoint without a row fails here; so does a row for a removed endpoint."""
    patterns = app_patterns()
    rows = {name for name, _method in MATRIX}
    assert "admin:index" in patterns and len(patterns) > 50
    missing = sorted(set(patterns) - rows)
    assert not missing, "URL patterns without a row in the access matrix: " + ", ".join(
        f"{name} ({patterns[name]})" for name in missing
    )
    stale = sorted(rows - set(patterns))
    assert not stale, f"Rows for URL patterns that no longer exist: {stale}"
    unresolved = sorted(
        name for name, route in patterns.items() if "<" in route and name not in KWARGS
    )
    assert not unresolved, f"Patterns with parameters but no KWARGS entry: {unresolved}"
    assert all(len(cells) == len(ROLES) for cells in MATRIX.values())


# --- The world --------------------------------------------------------------------------


def _grant(user, *codenames):
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    de = JurisdictionFactory(code="DE", name="Germany", timezone="Europe/Berlin")
    nl = JurisdictionFactory(code="NL", name="Netherlands", timezone="Europe/Amsterdam")
    fr = JurisdictionFactory(code="FR", name="France", timezone="Europe/Paris")
    w.de_police = AuthorityFactory(jurisdiction=de, name="DE police")
    w.nl_police = AuthorityFactory(jurisdiction=nl, name="NL police")
    w.fr_police = AuthorityFactory(jurisdiction=fr, name="FR police")
    desk_de = DeskFactory(authority=w.de_police, name="DE desk")
    desk_nl = DeskFactory(authority=w.nl_police, name="NL desk")
    authority_key_create(authority=w.de_police)  # seals the DE desk's evidence
    authority_key_create(authority=w.nl_police, purpose=KeyPurpose.ENCRYPTION)  # export target
    w.platform_a = PlatformFactory(establishment_jurisdiction=de, domains=["a-video.test"])
    w.platform_b = PlatformFactory(establishment_jurisdiction=nl, domains=["b-social.test"])

    officer = officer_of(desk_de, username="desk-officer")
    outsider = officer_of(desk_nl, username="other-officer")
    for user in (officer, outsider):
        _grant(
            user,
            "view_evidence_content",
            "export_evidence",
            "view_victim_data",
            "handle_protected_sources",
        )
    prosecution = AuthorityFactory(
        jurisdiction=de, kind=AuthorityKind.PROSECUTOR, name="DE prosecution"
    )
    authority_key_create(authority=prosecution)
    prosecutor = UserFactory(username="prosecutor", authority=prosecution, roles=[Role.PROSECUTOR])
    auditor = UserFactory(username="auditor", authority=w.de_police, roles=[Role.AUDITOR])
    operator = UserFactory(
        username="operator", authority=None, is_staff=True, roles=[Role.OPERATOR]
    )
    w.users = {
        "desk_officer": officer,
        "other_officer": outsider,
        "prosecutor": prosecutor,
        "auditor": auditor,
        "operator": operator,
    }
    hotline = AuthorityFactory(jurisdiction=de, kind=AuthorityKind.HOTLINE, name="DE hotline")
    w.keys = {
        "platform_a": api_key_for(platform=w.platform_a),
        "platform_b": api_key_for(platform=w.platform_b),
        "partner": api_key_for(partner=hotline),
    }
    partner = submitter_of(ApiClient(ApiKey.objects.get(partner=hotline)))

    # The case: assessed, an order to platform A for two items, a request for the third.
    w.case = assessed_case(
        officer,
        "https://a-video.test/v/matrix-1",
        "https://a-video.test/v/matrix-2",
        "https://a-video.test/v/matrix-3",
    )
    first, second, third = w.case.items.order_by("id")
    w.item = first
    issued = triage.order_request_create(
        case=w.case,
        officer=officer,
        platform=w.platform_a,
        items=[first, second],
        expected_version=None,
    )
    w.open_request = triage.order_request_create(
        case=w.case, officer=officer, platform=w.platform_a, items=[third], expected_version=None
    )
    w.order = orders.order_issue(request=issued, prosecutor=prosecutor, fields=ORDER_FIELDS)
    w.clarification = orders.order_ask_clarification(
        order=w.order, platform=w.platform_a, question="Which copy? (access matrix)"
    )
    # Platform A's webhook, with one delivery (still pending) in its log.
    w.platform_a.webhook_url = "https://hooks.example.org/a"
    w.platform_a.save(update_fields=["webhook_url"])
    w.delivery = platform_webhook_test(platform=w.platform_a)

    # Evidence: a draft package with one file uploaded through the view; a purged one.
    w.package = evidence.package_create(
        case=w.case,
        officer=officer,
        collection_method="Screen capture by the desk",
        collection_tool="Takedown capture 1.0 (test)",
        captured_at=timezone.now(),
        source_url="https://a-video.test/v/matrix-1",
        hosting_ip="192.0.2.10",
        hosting_asn=64500,
        hosting_provider="Example hosting (test)",
        provenance="Reported by the DE hotline (synthetic)",
        legal_basis="Art. 3 (demo)",
        classification="illegal_all",
    )
    uploaded = login(officer).post(
        f"/evidence/{w.package.reference}/upload/",
        {"file": SimpleUploadedFile("capture.png", synthetic_png())},
    )
    assert uploaded.status_code == 302, uploaded
    w.evidence_item = EvidenceItem.objects.get(package=w.package)
    w.purged_package = evidence.package_purge(
        package=evidence.package_create(
            case=w.case, officer=officer, source_url="https://a-video.test/v/matrix-2"
        ),
        reason="access matrix",
    )

    # Cooperation: an MLA request sent to FR; a victim with a drafted message.
    w.mla = mla_services.mla_send(
        request=mla_services.mla_create(
            case=w.case,
            requester=officer,
            requested_authority=w.fr_police,
            kind="production",
            urgency="standard",
            legal_basis="Art. 18 Budapest Convention (demo)",
            description="Subscriber data for the uploader (synthetic).",
            items=list(w.case.items.all()),
        ),
        actor=officer,
    )
    for number in (1, 2):
        victims.victim_notice_create(
            case=w.case,
            officer=officer,
            pseudonym=f"V-{number} (synthetic)",
            preference="direct",
            contact_details=f"victim{number}@example.org",
        )
    w.victim_message, approved = sorted(
        victims.victim_milestone(case=w.case, milestone="content_removed"),
        key=lambda message: message.notice.pseudonym,
    )
    # V-2's notice is approved: it waits in the outbox, addressed to the victim.
    victims.victim_message_review(message=approved, officer=officer, approve=True)

    # Intake: an import by the officer; an import and a report by the partner.
    w.officer_import = bulk_import_create(
        data=b"url\nhttps://b-social.test/p/officer-import\n",
        file_name="officer.csv",
        source="hotline",
        reporting_jurisdiction="DE",
        acute=False,
        summary="",
        submitter=officer,
    )
    w.partner_import = bulk_import_create(
        data=b"url\nhttps://b-social.test/p/partner-import\n",
        file_name="partner.csv",
        source="hotline",
        reporting_jurisdiction="DE",
        acute=False,
        summary="",
        submitter=partner,
    )
    w.partner_report = report_submit(
        data=ReportInput(
            source="hotline",
            reporting_jurisdiction="DE",
            acute=False,
            items=[ItemInput(url="https://b-social.test/p/partner-report")],
            summary="synthetic partner report",
        ),
        submitter=partner,
    ).report

    # A protected source reported the case's first URL again.
    report_submit(
        data=ReportInput(
            source="law_enforcement",
            reporting_jurisdiction="DE",
            items=[ItemInput(url=w.item.url)],
            protected_source=SourceIdentity(*SOURCE_IDENTITY),
        ),
        submitter=officer,
    )
    w.source = ProtectedSource.objects.get()

    # The outbox: a dead letter to retry.
    w.notification = notification_enqueue(
        channel=NotificationChannel.WEBHOOK,
        recipient="https://hooks.example.test/matrix",
        event_type="order.issued",
        payload={},
        dedupe_key="access-matrix-dead-1",
    )
    Notification.objects.filter(pk=w.notification.pk).update(
        status=NotificationStatus.DEAD, attempts=8, last_error="HTTP 503"
    )

    # Oversight: BE's desk joins the case late (it reports the same URL), PL has no part.
    be = JurisdictionFactory(code="BE", name="Belgium", timezone="Europe/Brussels")
    be_police = AuthorityFactory(jurisdiction=be, name="BE police")
    be_desk = DeskFactory(authority=be_police, name="BE desk")
    join(officer_of(be_desk), w.item.url, jurisdiction="BE", lead=officer)
    w.share = evidence.package_share(
        package=w.package, officer=officer, desk=be_desk, reason="access matrix"
    )
    w.hold = evidence.hold_place(package=w.package, actor=officer, reason="access matrix")
    # LU's desk reports the same URL and waits: it knows the reference, nothing more.
    lu = JurisdictionFactory(code="LU", name="Luxembourg", timezone="Europe/Luxembourg")
    w.lu_officer = officer_of(DeskFactory(authority=AuthorityFactory(jurisdiction=lu)))
    _grant(w.lu_officer, "view_evidence_content", "export_evidence")
    (w.pending_join,) = submit(
        w.lu_officer, w.item.url, jurisdiction="LU"
    ).report.join_requests.all()
    pl = JurisdictionFactory(code="PL", name="Poland", timezone="Europe/Warsaw")
    w.oversight = {
        "lead": auditor,
        "participant": UserFactory(
            username="auditor-be", authority=be_police, roles=[Role.AUDITOR]
        ),
        "uninvolved": UserFactory(
            username="auditor-pl", authority=AuthorityFactory(jurisdiction=pl), roles=[Role.AUDITOR]
        ),
    }
    return w


def _stored_files() -> set[str]:
    location = getattr(storages["evidence"], "location", None)
    if not location or not os.path.isdir(location):
        return set()
    return {os.path.join(root, name) for root, _d, files in os.walk(location) for name in files}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once; every cell's own changes are rolled back after it (the ``db``
    fixture's savepoint), and the world itself at the end of the module."""
    before = _stored_files()
    cache.clear()  # throttle counters
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)
    for path in _stored_files() - before:  # the ciphertext this module uploaded
        os.remove(path)


@pytest.fixture(autouse=True)
def _quiet_expected_denials(caplog):
    """The 403s and 404s are expected here; logging each as a warning is slow."""
    caplog.set_level(logging.ERROR, logger="django.request")


# --- Running a cell ---------------------------------------------------------------------


def client_for(role: str, w) -> Client:
    if role == "anonymous":
        return Client()
    if role in w.users:
        return login(w.users[role])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {w.keys[role]}")
    return client


def path_for(name: str, w) -> str:
    kwargs = KWARGS[name](w) if name in KWARGS else {}
    return reverse(name, kwargs=kwargs)


def send(client: Client, name: str, method: str, w):
    path = path_for(name, w)
    if method == "GET":
        return client.get(path)
    body = BODIES[name](w) if name in BODIES else {}
    if name.startswith("api-") and name not in FORM_API:
        return client.generic(method, path, data=json.dumps(body), content_type="application/json")
    return client.post(path, data=body)


def describe(response) -> str:
    location = response.get("Location", "")
    if response.status_code in (301, 302):
        path = location.split("?")[0]
        if path == reverse("login"):
            return LOGIN
        if path == reverse("admin:login"):
            return ADMIN
    return str(response.status_code)


CELLS = [
    pytest.param(name, method, role, expected, id=f"{name} {method} {role}")
    for (name, method), cells in MATRIX.items()
    for role, expected in zip(ROLES, cells, strict=True)
]


# Roles with no business with the case: whatever they may open (200), it carries no trace
# of the case, its order, evidence or MLA request.
STRANGERS = ("anonymous", "other_officer", "platform_b", "partner")
VICTIM_CONTACTS = ("victim1@example.org", "victim2@example.org")
# Who the protected source is: only its handler's POST may ever show these.
SOURCE_IDENTITY = ("Source Name-Matrix", "source-matrix@example.org", "Saw-it-at-work-matrix")


def traces(w) -> tuple[str, ...]:
    return (
        w.case.reference,
        w.order.reference,
        w.package.reference,
        w.purged_package.reference,
        w.mla.reference,
        "https://a-video.test/v/matrix-",
        *VICTIM_CONTACTS,
    )


def body_of(response) -> str:
    # A file or an export is drained, so the test client closes it its own way.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace")


@pytest.mark.parametrize(
    ("name", "method", "role"),
    [
        pytest.param(name, method, role, id=f"{name} {method} {role}")
        for (name, method), cells in MATRIX.items()
        for role, expected in zip(ROLES, cells, strict=True)
        if expected == 200 and method == "GET"
    ],
)
def test_no_page_or_answer_names_a_protected_source(name, method, role, world, db):
    """Pages, exports, API answers and the audit trail, for every role and the case's own
    desk too: who the source is appears in none (only the handler's logged look-up)."""
    text = body_of(send(client_for(role, world), name, method, world))
    assert not [marker for marker in SOURCE_IDENTITY if marker in text]


@pytest.mark.parametrize(("name", "method", "role", "expected"), CELLS)
def test_access(name, method, role, expected, world, db):
    response = send(client_for(role, world), name, method, world)
    got = describe(response)
    location = response.get("Location", "")
    # A file or an export is drained, so the test client closes it its own way.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert got == str(expected), (
        f"{method} {path_for(name, world)} as {role}: expected {expected}, got {got}"
        + (f" → {location}" if location else "")
    )
    if role in STRANGERS and response.status_code == 200:
        text = body.decode(errors="replace")
        leaked = [marker for marker in traces(world) if marker in text]
        assert not leaked, f"{method} {path_for(name, world)} shows {role} {leaked}"


# --- Refusals that answer with a redirect ----------------------------------------------


def _package_state(w) -> tuple:
    package = type(w.package).objects.get(pk=w.package.pk)
    return (
        package.status,
        package.signature,
        package.custody_events.count(),
        package.items.count(),
        w.case.evidence_packages.count(),
    )


@pytest.mark.parametrize(
    "name",
    [
        name
        for (name, method), cells in MATRIX.items()
        if name.startswith("evidence:")
        and method == "POST"
        and cells[ROLES.index("auditor")] == 302
    ],
)
def test_the_auditor_sees_the_evidence_chain_but_changes_nothing(name, world, db):
    """The evidence views turn the services' refusal into a flashed error and a redirect,
    so for these cells the 302 of the matrix is checked here to be a refusal."""
    before = _package_state(world)
    response = send(client_for("auditor", world), name, "POST", world)
    assert response.status_code == 302
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert "error" in levels, levels
    assert _package_state(world) == before


@pytest.mark.parametrize("status", [NotificationStatus.PENDING, NotificationStatus.DEAD])
def test_the_operators_outbox_shows_no_victim_contact(status, world, db):
    """Victim data is for the lead desk's officers with the permission (the admin hides it
    from operators too); the outbox, the operator's page, lists every recipient."""
    Notification.objects.filter(event_type="victim.notice").update(status=status)
    response = login(world.users["operator"]).get(reverse("deadlines:outbox") + f"?status={status}")
    assert response.status_code == 200
    assert b"victim.notice" in response.content  # the row is there ...
    shown = [c for c in VICTIM_CONTACTS if c in response.content.decode()]
    assert not shown, f"the outbox shows the operator the victim's address {shown}"


@pytest.mark.parametrize("role", ["other_officer", "prosecutor", "operator"])
def test_a_refused_upload_leaves_nothing_in_evidence_storage(role, world, db, settings):
    """With the CSRF check on, as in a browser, the form's token is read from the body;
    the upload must not reach the evidence store for someone who may not see the package
    (nothing would ever record or delete it)."""
    client = login(world.users[role])
    client.handler.enforce_csrf_checks = True
    client.get(reverse("sessions"))  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    before = _stored_files()
    response = client.post(
        path_for("evidence:upload", world),
        {
            "file": SimpleUploadedFile("capture.png", synthetic_png(seed=11)),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 404
    orphans = _stored_files() - before
    for path in orphans:
        os.remove(path)
    assert not orphans, f"{len(orphans)} unrecorded file(s) left in the evidence store"


# --- Step-up ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "role"), [pytest.param(*row, id=f"{row[0]} {row[1]}") for row in STEP_UP]
)
def test_step_up_needs_a_fresh_second_factor(name, method, role, world, db):
    """Signed in with a second factor confirmed an hour ago: the critical acts send the
    user to confirm it again; the ordinary pages stay open."""
    assert (name, method) in MATRIX
    client = login(world.users[role])
    session = client.session
    session[SESSION_VERIFIED_AT] = timezone.now().timestamp() - 3600
    session.save()
    response = send(client, name, method, world)
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith(reverse("second-factor") + "?") and "step_up=1" in target, target
    ordinary = {"prosecutor": "orders:queue", "operator": "users"}.get(role, "cases:detail")
    assert send(client, ordinary, "GET", world).status_code == 200


# --- Oversight: which auditors see each kind of event of the case ---------------------------


def _kinds_seen(auditor, case_id: int) -> set[str]:
    """Every event of the case the auditor's trail shows, page after page."""
    client, kinds, query = login(auditor), set(), f"?case_id={case_id}"
    while query is not None:
        page = client.get(f"/audit/{query}")
        assert page.status_code == 200
        kinds |= {event.action.split(".")[0] for event in page.context["events"]}
        query = f"?{page.context['next_query']}" if page.context["next_query"] else None
    return kinds


@pytest.mark.parametrize(
    ("who", "sees_all"), [("lead", True), ("participant", True), ("uninvolved", False)]
)
def test_the_oversight_of_every_jurisdiction_in_the_case_sees_all_of_its_events(
    who, sees_all, world, db
):
    """Lead and participant (which joined after most of these were written) see every
    kind of event of the case — by anyone, of the case, its orders, requests, clocks,
    evidence, MLA requests and victims (whose data stays withheld); a jurisdiction with
    no part in the case sees none."""
    kinds = set(AuditEvent.objects.filter(case_id=world.case.pk).values_list("action", flat=True))
    kinds = {action.split(".")[0] for action in kinds}
    assert {
        "case",
        "order",
        "order_request",
        "deadline",
        "evidence",
        "mla",
        "victim",
    } <= kinds
    assert _kinds_seen(world.oversight[who], world.case.pk) == (kinds if sees_all else set())


def test_a_desk_that_reported_the_same_url_sees_nothing_of_the_case_until_let_in(world, db):
    """Knowing a case's URL is not access: LU's matching report made a pending join, and
    LU's officer (with the content permissions) opens neither the case nor its evidence;
    the lead's share went to BE, a desk it let in."""
    client = login(world.lu_officer)
    assert client.get(reverse("cases:detail", args=[world.case.reference])).status_code == 404
    assert (
        client.get(reverse("evidence:package", args=[world.package.reference])).status_code == 404
    )
    download = reverse("evidence:download", args=[world.evidence_item.file_id])
    assert client.post(download, {"reason": "curious"}).status_code == 404
    page = client.get(reverse("cases:joins")).content.decode()
    assert world.case.reference in page and world.package.reference not in page
