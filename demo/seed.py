"""The demo data set. Deterministic (seeded random), created in one transaction."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from cases.choices import CaseStatus, ReportSource
from cases.models import Case
from cases.services import orders, triage
from cases.services.intake import ItemInput, ReportInput, SourceIdentity, report_submit
from liaison.choices import (
    AuthorityKind,
    ContactRole,
    KeyPurpose,
    PlatformKind,
    VictimNotificationRule,
)
from liaison.keys import authority_key_create
from liaison.models import (
    Agreement,
    Authority,
    Contact,
    Jurisdiction,
    LiaisonDesk,
    Platform,
    PlatformDomain,
)
from liaison.webhooks import new_webhook_secret
from takedown.core import otp
from takedown.core.choices import Role
from takedown.core.models import TOTPDevice, User

DEMO_PASSWORD = "takedown-demo-2026"  # noqa: S105 (printed demo credential, never production)
ILLUSTRATIVE = "Illustrative demo profile: not a statement of this country's law."

JURISDICTIONS = [
    {
        "code": "DE",
        "name": "Germany",
        "timezone": "Europe/Berlin",
        "holiday_calendar": "DE",
        "criminalises_drawn": True,
        "criminalises_text": False,
        "evidence_retention_days": 3650,
        "case_retention_days": 1825,
        "victim_notification_rule": VictimNotificationRule.PRIVACY_FIRST,
        "accepts_direct_orders": True,
        "requires_minimised_exports": True,
        "business_days": True,
    },
    {
        "code": "NL",
        "name": "Netherlands",
        "timezone": "Europe/Amsterdam",
        "holiday_calendar": "NL",
        "criminalises_drawn": True,
        "criminalises_text": True,
        "evidence_retention_days": 1825,
        "case_retention_days": 1095,
        "victim_notification_rule": VictimNotificationRule.EITHER,
        "accepts_direct_orders": True,
        "requires_minimised_exports": False,
        "business_days": True,
    },
    {
        "code": "US",
        "name": "United States",
        "timezone": "America/New_York",
        "holiday_calendar": "US",
        "criminalises_drawn": False,
        "criminalises_text": False,
        "evidence_retention_days": 2555,
        "case_retention_days": 2555,
        "victim_notification_rule": VictimNotificationRule.DIRECT_REQUIRED,
        "accepts_direct_orders": False,
        "requires_minimised_exports": False,
        "business_days": False,
    },
    {
        "code": "JP",
        "name": "Japan",
        "timezone": "Asia/Tokyo",
        "holiday_calendar": "JP",
        "criminalises_simulated": False,
        "criminalises_drawn": False,
        "criminalises_text": False,
        "evidence_retention_days": 1095,
        "case_retention_days": 1095,
        "victim_notification_rule": VictimNotificationRule.PRIVACY_FIRST,
        "accepts_direct_orders": True,
        "requires_minimised_exports": True,
        "business_days": True,
    },
]

DEMO_WEBHOOK_BASE = "http://127.0.0.1:8000"

PLATFORMS = [
    (
        "Example Video",
        "example-video",
        PlatformKind.HOSTING,
        "NL",
        ["example-video.test", "cdn.example-video.test"],
    ),
    ("Sample Social", "sample-social", PlatformKind.SOCIAL, "US", ["social.example.org"]),
    ("Demo Cloud", "demo-cloud", PlatformKind.CLOUD, "DE", ["demo-cloud.test"]),
]

# The language a demo jurisdiction's authorities write in (others: English).
LANGUAGE_OF = {"DE": "de", "NL": "nl", "FR": "fr", "ES": "es"}

# username, role, jurisdiction, authority kind, timezone, language (empty: the
# browser's), description
USERS = [
    (
        "officer.de",
        Role.LIAISON_OFFICER,
        "DE",
        AuthorityKind.POLICE,
        "Europe/Berlin",
        "de",
        "liaison officer, DE desk",
    ),
    (
        "officer.nl",
        Role.LIAISON_OFFICER,
        "NL",
        AuthorityKind.POLICE,
        "Europe/Amsterdam",
        "nl",
        "liaison officer, NL desk",
    ),
    (
        "officer.us",
        Role.LIAISON_OFFICER,
        "US",
        AuthorityKind.POLICE,
        "America/New_York",
        "",
        "liaison officer, US desk",
    ),
    (
        "prosecutor.de",
        Role.PROSECUTOR,
        "DE",
        AuthorityKind.PROSECUTOR,
        "Europe/Berlin",
        "de",
        "prosecutor, DE",
    ),
    (
        "prosecutor.nl",
        Role.PROSECUTOR,
        "NL",
        AuthorityKind.PROSECUTOR,
        "Europe/Amsterdam",
        "nl",
        "prosecutor, NL",
    ),
    (
        "auditor.de",
        Role.AUDITOR,
        "DE",
        AuthorityKind.REGULATOR,
        "Europe/Berlin",
        "de",
        "oversight body, DE",
    ),
    ("operator", Role.OPERATOR, "NL", AuthorityKind.POLICE, "UTC", "", "operator (admin)"),
]

# How many demo cases end up in each status.
STATUS_SPREAD = [
    (CaseStatus.NEW, 7),
    (CaseStatus.TRIAGE, 5),
    (CaseStatus.ASSESSED, 4),
    (CaseStatus.ACTION, 5),
    (CaseStatus.RESOLVED, 3),
    (CaseStatus.CLOSED, 2),
    (CaseStatus.NOT_ILLEGAL, 2),
    (CaseStatus.MERGED, 2),
]


def _already_seeded() -> bool:
    return User.objects.filter(username="officer.de").exists()


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, TOTP secret) of the demo users."""
    secrets = dict(
        TOTPDevice.objects.filter(user__username__in=[u[0] for u in USERS]).values_list(
            "user__username", "secret"
        )
    )
    return [(u[0], u[6], secrets.get(u[0], "")) for u in USERS]


def seed(*, webhook_base: str = DEMO_WEBHOOK_BASE) -> tuple[bool, list[tuple[str, str, str]]]:
    """``webhook_base``: where the app itself answers, for the demo platforms' stand-in
    receiver (demo/views.py)."""
    if _already_seeded():
        return False, demo_logins()
    with transaction.atomic():
        # S311: demo data, not security.
        _seed(random.Random(2026), timezone.now(), webhook_base.rstrip("/"))  # noqa: S311
    return True, demo_logins()


def _seed(rng: random.Random, now, webhook_base: str) -> None:
    jurisdictions = {}
    for spec in JURISDICTIONS:
        jurisdictions[spec["code"]] = Jurisdiction.objects.create(profile_note=ILLUSTRATIVE, **spec)

    authorities, desks = {}, {}
    for code, j in jurisdictions.items():
        for kind, name in (
            (AuthorityKind.POLICE, f"{j.name} National Police (demo)"),
            (AuthorityKind.PROSECUTOR, f"{j.name} Public Prosecution (demo)"),
            (AuthorityKind.REGULATOR, f"{j.name} Online Safety Regulator (demo)"),
        ):
            authorities[code, kind] = Authority.objects.create(
                jurisdiction=j,
                name=name,
                kind=kind,
                email=f"{kind}.{code.lower()}@example.org",
                language=LANGUAGE_OF.get(code, "en"),
            )
        desk = LiaisonDesk.objects.create(
            authority=authorities[code, AuthorityKind.POLICE],
            name=f"{code} Liaison Desk",
            email=f"desk.{code.lower()}@example.org",
        )
        desks[code] = desk
        for position, (role, title) in enumerate(
            [
                (ContactRole.PRIMARY, "Duty officer"),
                (ContactRole.BACKUP, "Backup duty officer"),
                (ContactRole.BACKUP, "Second backup"),
                (ContactRole.SUPERVISOR, "Desk supervisor"),
            ]
        ):
            Contact.objects.create(
                desk=desk,
                position=position,
                role=role,
                name=f"{title} {code}",
                email=f"{role}{position}.{code.lower()}@example.org",
            )
    hotline = Authority.objects.create(
        jurisdiction=jurisdictions["NL"],
        name="Netherlands Hotline (demo)",
        kind=AuthorityKind.HOTLINE,
        language="nl",
        email="hotline.nl@example.org",
    )
    authorities["NL", AuthorityKind.HOTLINE] = hotline

    platforms = []
    for name, slug, kind, est, domains in PLATFORMS:
        platform = Platform.objects.create(
            name=name,
            slug=slug,
            kind=kind,
            establishment_jurisdiction=jurisdictions[est],
            webhook_url=f"{webhook_base}/demo/hooks/{slug}/",
            webhook_secret=new_webhook_secret(),
            # Orders in the language of its establishment, and English.
            order_languages=list(dict.fromkeys([LANGUAGE_OF.get(est, "en"), "en"])),
        )
        for domain in domains:
            PlatformDomain.objects.create(platform=platform, domain=domain)
        for position, (role, title) in enumerate(
            [
                (ContactRole.POINT_PERSON, "Trust & Safety lead"),
                (ContactRole.POINT_PERSON, "Trust & Safety backup"),
            ]
        ):
            Contact.objects.create(
                platform=platform,
                position=position,
                role=role,
                name=f"{title}, {name}",
                email=f"{role}{position}@{slug}.test",
            )
        regulator = authorities[est, AuthorityKind.REGULATOR]
        Contact.objects.create(
            platform=platform,
            position=2,
            role=ContactRole.REGULATOR,
            name=regulator.name,
            email=regulator.email,
        )
        platforms.append(platform)

    for (_code, kind), authority in authorities.items():
        # Valid from a month back, so the demo's back-dated orders are signed in time.
        purpose = KeyPurpose.SIGNING if kind == AuthorityKind.PROSECUTOR else KeyPurpose.ENCRYPTION
        authority_key_create(authority=authority, purpose=purpose, now=now - timedelta(days=30))
        if kind == AuthorityKind.POLICE:  # collecting authorities sign evidence seals
            authority_key_create(authority=authority, now=now - timedelta(days=30))

    agreement = Agreement.objects.create(
        name="DE–NL rapid removal protocol (illustrative)",
        valid_from=date(now.year - 1, 1, 1),
        assessment_hours=24,
        final_order_days=5,
        removal_minutes=60,
        acknowledgement_minutes=30,
        consequence_text="Undue delay is reported to the regulator of the establishment state.",
    )
    agreement.parties.set([jurisdictions["DE"], jurisdictions["NL"]])

    groups = {role: Group.objects.get(name=role.value) for role in Role}
    users = {}
    for username, role, code, kind, tz, language, _description in USERS:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@example.org",
            first_name=username.split(".")[0].capitalize(),
            authority=authorities[code, kind],
            timezone=tz,
            language=language,
            is_staff=role == Role.OPERATOR,
        )
        user.groups.add(groups[role])
        if role == Role.LIAISON_OFFICER:
            desks[code].members.add(user)
            user.user_permissions.add(
                *Permission.objects.filter(
                    codename__in=[
                        "view_evidence_content",
                        "export_evidence",
                        "view_victim_data",
                        "handle_protected_sources",
                    ]
                )
            )
        users[username] = user
        # Enrolled, so the demo can be tried at once: seed_demo prints the secrets.
        TOTPDevice.objects.create(user=user, secret=otp.new_secret(), confirmed_at=now)

    _seed_cases(rng, now, jurisdictions, desks, platforms, users)
    _seed_pending_join(users, now)
    _seed_protected_source(users, now)


def _synthetic_hashes(n: int) -> tuple[str, str]:
    data = f"synthetic demo bytes #{n}".encode()
    return hashlib.sha256(data).hexdigest(), hashlib.md5(data, usedforsecurity=False).hexdigest()


def _seed_cases(rng, now, jurisdictions, desks, platforms, users) -> None:
    """Every case goes through the same services an officer's clicks would call."""
    officer_of = {code: users[f"officer.{code.lower()}"] for code in ("DE", "NL", "US")}
    # Only platforms a direct order can reach take a case to "action" (Sample Social is
    # established in US, which requires an MLA request).
    orderable = [p for p in platforms if p.establishment_jurisdiction.accepts_direct_orders]
    item_no = 0
    survivors: list[Case] = []
    for status, count in STATUS_SPREAD:
        for _ in range(count):
            target = rng.choice(survivors) if status == CaseStatus.MERGED else None
            if target is not None:  # a duplicate of an open case, on the same platform
                platform = target.items.first().platform
            else:
                platform = rng.choice(orderable if status in ACTED_ON else platforms)
            lead_code = platform.establishment_jurisdiction_id
            reporter = officer_of[rng.choice(["DE", "NL", "US"])]
            # Far enough back that every step the demo replays lies in the past.
            earliest = 1 if status == CaseStatus.NEW else 13
            received = now - timedelta(hours=rng.randint(earliest, 160))
            items = []
            for _n in range(rng.randint(1, 3)):
                item_no += 1
                sha256, md5 = _synthetic_hashes(item_no)
                domain = platform.domains.first().domain
                items.append(
                    ItemInput(
                        url=f"https://{domain}/v/{rng.getrandbits(40):010x}", sha256=sha256, md5=md5
                    )
                )
            result = report_submit(
                data=ReportInput(
                    source=rng.choice(
                        [ReportSource.HOTLINE, ReportSource.LAW_ENFORCEMENT, ReportSource.PUBLIC]
                    ),
                    reporting_jurisdiction=reporter.jurisdiction_code,
                    acute=rng.random() < 0.25,
                    summary=f"Demo report of material on {platform.name} (synthetic).",
                    items=items,
                ),
                submitter=reporter,
                now=received,
            )
            case = result.cases_opened[0]
            _advance(case, status, officer_of[lead_code], received, target)
            if status == CaseStatus.NEW:
                survivors.append(case)


def _seed_pending_join(users, now) -> None:
    """The NL desk reports an item of an open case it is not on: the lead desk finds the
    request on /cases/joins/ and on the case page; NL sees the reference only."""
    nl = users["officer.nl"]
    case = (
        Case.objects.filter(status=CaseStatus.NEW)
        .exclude(participants__desk__in=nl.desks.all())
        .order_by("id")
        .first()
    )
    if case is None:
        return
    item = case.items.exclude(url="").order_by("id").first()
    report_submit(
        data=ReportInput(
            source=ReportSource.HOTLINE,
            reporting_jurisdiction="NL",
            summary="The same material, reported to the NL hotline (synthetic demo).",
            items=[ItemInput(url=item.url)],
        ),
        submitter=nl,
        now=now - timedelta(minutes=40),
    )


def _seed_protected_source(users, now) -> None:
    """An informant told the DE desk about an item of a case it leads: the case page shows
    that there is a protected source, and officer.de (a source handler) can look it up."""
    de = users["officer.de"]
    case = Case.objects.filter(lead_desk__in=de.desks.all()).order_by("id").first()
    if case is None:
        return
    item = case.items.exclude(url="").order_by("id").first()
    report_submit(
        data=ReportInput(
            source=ReportSource.LAW_ENFORCEMENT,
            reporting_jurisdiction="DE",
            summary="An informant saw the same material being shared (synthetic demo).",
            items=[ItemInput(url=item.url)],
            protected_source=SourceIdentity(
                name="Informant Example (synthetic)",
                contact="informant@example.org",
                how_they_know="Member of the group where it was shared (synthetic).",
            ),
        ),
        submitter=de,
        now=now - timedelta(minutes=25),
    )


ACTED_ON = (CaseStatus.ASSESSED, CaseStatus.ACTION, CaseStatus.RESOLVED, CaseStatus.CLOSED)


def _advance(case: Case, status: CaseStatus, officer, received, merge_into: Case | None) -> None:
    def fresh() -> Case:
        return Case.objects.get(pk=case.pk)

    at = received + timedelta(minutes=30)
    if status == CaseStatus.NEW:
        return
    if status == CaseStatus.MERGED:
        triage.case_merge(
            survivor=Case.objects.get(pk=merge_into.pk),
            merged=fresh(),
            officer=officer,
            survivor_version=None,
            merged_version=None,
            now=at,
        )
        return
    triage.case_assign(
        case=fresh(), officer=officer, assignee=officer, expected_version=None, now=at
    )
    if status == CaseStatus.TRIAGE:
        return
    if status == CaseStatus.NOT_ILLEGAL:
        triage.case_close_not_illegal(
            case=fresh(),
            officer=officer,
            expected_version=None,
            reason="Adults only; no indication of a minor (demo).",
            now=at,
        )
        return
    triage.case_assess(
        case=fresh(),
        officer=officer,
        depiction_type="real",
        age_group="prepubescent",
        severity=4,
        risk_score=70,
        classification=None,
        expected_version=None,
        now=at + timedelta(hours=2),
    )
    if status == CaseStatus.ASSESSED:
        return
    items = list(fresh().items.all())
    request = triage.order_request_create(
        case=fresh(),
        officer=officer,
        platform=items[0].platform,
        items=items,
        note="Please issue a removal order (demo).",
        expected_version=None,
        now=at + timedelta(hours=3),
    )
    if status == CaseStatus.ACTION and case.pk % 2:
        return  # waiting in the prosecutor's queue
    lead = case.lead_desk.authority.jurisdiction_id.lower()
    prosecutor = User.objects.get(username=f"prosecutor.{lead}")
    order = orders.order_issue(
        request=request,
        prosecutor=prosecutor,
        fields=orders.OrderFields(
            kind="order",
            legal_basis="Art. 3 Regulation (EU) 2021/784 (illustrative demo)",
            reasons="Child sexual abuse material, assessed by the liaison desk (synthetic demo).",
            contact_point=f"{prosecutor.email}, 24/7",
            preservation_instruction="Preserve the content and account data for six months.",
        ),
        now=at + timedelta(hours=4),
    )
    platform = items[0].platform
    orders.order_acknowledge(
        order=order, platform=platform, now=at + timedelta(hours=4, minutes=25)
    )
    if status == CaseStatus.ACTION:
        # One platform asks a question: the removal clock stops until the prosecutor answers.
        orders.order_ask_clarification(
            order=order,
            platform=platform,
            now=at + timedelta(hours=5),
            question="Does the order cover the account's other uploads too? (demo)",
        )
        return
    removed = at + timedelta(hours=9)
    orders.order_report_removals(
        order=order,
        platform=platform,
        removals=[
            orders.RemovalInput(item_id=i.pk, outcome="removed", happened_at=removed) for i in items
        ],
        now=removed,
    )
    for item in items:
        orders.item_verify_removal(
            item=item, officer=officer, removed=True, now=at + timedelta(hours=11)
        )
    if status == CaseStatus.CLOSED:
        case = fresh()
        triage.case_close(
            case=case,
            officer=officer,
            expected_version=case.version,
            now=at + timedelta(hours=12),
        )


def print_logins(out) -> None:
    out.write(f"Demo logins (password for all: {DEMO_PASSWORD}; second factor: TOTP, add the")
    out.write("secret to an authenticator app, or run `manage.py totp_code USERNAME`):")
    for username, description, secret in demo_logins():
        out.write(f"  {username:<16} {description:<28} TOTP secret {secret}")
