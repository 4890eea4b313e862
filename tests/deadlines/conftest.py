from datetime import UTC, datetime

import pytest

from liaison.choices import Channel, ContactRole
from tests.liaison.factories import ContactFactory, PlatformFactory, UserFactory

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def desk_with_roster(network):
    desk = network["desk_de"]
    for position, role in enumerate(
        [ContactRole.PRIMARY, ContactRole.BACKUP, ContactRole.BACKUP, ContactRole.SUPERVISOR]
    ):
        ContactFactory(desk=desk, position=position, role=role, name=f"desk rung {position}")
    return desk


@pytest.fixture
def platform_with_roster(network):
    platform = PlatformFactory(establishment_jurisdiction=network["nl"])
    ContactFactory(platform=platform, position=0, role=ContactRole.POINT_PERSON, name="pp 1")
    ContactFactory(platform=platform, position=1, role=ContactRole.POINT_PERSON, name="pp 2")
    ContactFactory(
        platform=platform,
        position=2,
        role=ContactRole.REGULATOR,
        name="regulator",
        channel=Channel.EMAIL,
    )
    return platform


@pytest.fixture
def assignee(network):
    return UserFactory(username="assignee", email="assignee@example.org")
