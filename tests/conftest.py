import os

import pytest
from django.test import Client

from tests.liaison.factories import (
    AuthorityFactory,
    DeskFactory,
    JurisdictionFactory,
    PlatformFactory,
    officer_of,
)

IN_CI = os.environ.get("CI") == "true"


def service_unavailable(reason: str) -> None:
    """Skip locally when a real service is missing; in CI that is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: tests never pass by skipping)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """A request in German leaves German active in its thread, as in a server, where the
    next request activates its own; a test that calls a service next expects English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def network(db):
    """Two jurisdictions, each with a police authority and desk; two platforms."""
    de = JurisdictionFactory(code="DE", name="Germany", timezone="Europe/Berlin")
    nl = JurisdictionFactory(code="NL", name="Netherlands", timezone="Europe/Amsterdam")
    desk_de = DeskFactory(authority=AuthorityFactory(jurisdiction=de), name="DE desk")
    desk_nl = DeskFactory(authority=AuthorityFactory(jurisdiction=nl), name="NL desk")
    return {
        "de": de,
        "nl": nl,
        "desk_de": desk_de,
        "desk_nl": desk_nl,
        "platform_a": PlatformFactory(establishment_jurisdiction=nl, domains=["a-video.test"]),
        "platform_b": PlatformFactory(establishment_jurisdiction=de, domains=["b-social.test"]),
    }


@pytest.fixture
def actors(network):
    """The three actors of every access rule: the owner, a colleague on the same desk,
    and an outsider from another jurisdiction."""
    return {
        "owner": officer_of(network["desk_de"], username="owner"),
        "colleague": officer_of(network["desk_de"], username="colleague"),
        "outsider": officer_of(network["desk_nl"], username="outsider"),
    }


def login(user, *, second_factor: bool = True) -> Client:
    """A signed-in client; with the second factor confirmed just now (as after the real
    sign-in, which tests/core/test_security.py goes through step by step)."""
    from django.utils import timezone

    from takedown.core.otp import SESSION_VERIFIED_AT
    from takedown.core.security import LOGIN_AT

    client = Client()
    client.force_login(user)
    session = client.session
    session[LOGIN_AT] = timezone.now().timestamp()
    if second_factor:
        session[SESSION_VERIFIED_AT] = timezone.now().timestamp()
    session.save()
    return client


@pytest.fixture
def webhook_receiver():
    from tests.webhooks import start_receiver

    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
