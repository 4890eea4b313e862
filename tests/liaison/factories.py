import factory
from django.contrib.auth.models import Group

from liaison.choices import AuthorityKind, ContactRole, PlatformKind
from liaison.models import (
    ApiKey,
    Authority,
    Contact,
    Jurisdiction,
    LiaisonDesk,
    Platform,
    PlatformDomain,
)
from takedown.core.choices import Role
from takedown.core.models import User


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = factory.Iterator(["DE", "NL", "FR", "BE", "AT", "IE", "PL", "SE"])
    name = factory.LazyAttribute(lambda j: f"Jurisdiction {j.code}")
    timezone = "Europe/Berlin"


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"Authority {n}")
    kind = AuthorityKind.POLICE
    email = factory.Sequence(lambda n: f"authority{n}@example.org")


class DeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonDesk

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Desk {n}")
    email = factory.Sequence(lambda n: f"desk{n}@example.org")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    position = factory.Sequence(lambda n: n)
    role = ContactRole.PRIMARY
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Platform {n}")
    slug = factory.Sequence(lambda n: f"platform-{n}")
    kind = PlatformKind.HOSTING
    establishment_jurisdiction = factory.SubFactory(JurisdictionFactory)

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        for domain in extracted or [f"{self.slug}.test"]:
            PlatformDomain.objects.create(platform=self, domain=domain)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    authority = factory.SubFactory(AuthorityFactory)
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=Role(role).value))

    @factory.post_generation
    def desks(self, create, extracted, **kwargs):
        for desk in extracted or []:
            desk.members.add(self)


def officer_of(desk: LiaisonDesk, **kwargs) -> User:
    return UserFactory(
        authority=desk.authority, roles=[Role.LIAISON_OFFICER], desks=[desk], **kwargs
    )


def api_key_for(*, platform=None, partner=None, name="test key") -> str:
    _key, secret = ApiKey.objects.create_key(name=name, platform=platform, partner=partner)
    return secret
