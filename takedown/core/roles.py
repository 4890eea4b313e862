"""Staff roles as Django groups, with the permissions each role carries.

Kept in sync after every ``migrate`` (post_migrate), so a new permission reaches the
roles without a data migration. Victim data needs ``cases.view_victim_data`` on the
user as well as lead-desk membership, and so do evidence content and exports: no group
grants them.
"""

from django.apps import apps as global_apps

from .choices import Role

_CONFIG_MODELS = (
    "liaison.jurisdiction",
    "liaison.authority",
    "liaison.liaisondesk",
    "liaison.contact",
    "liaison.platform",
    "liaison.platformdomain",
    "liaison.agreement",
)
_READ_ONLY_MODELS = (
    "liaison.authoritykey",
    "liaison.apikey",
    "cases.case",
    "cases.report",
    "cases.reporteditem",
    "cases.takedownorder",
    "evidence.evidencepackage",
    "cases.assessment",
    "cases.orderrequest",
    "cases.platformresponse",
    "cases.mlarequest",
    "evidence.evidenceitem",  # the files' metadata; their content needs a personal grant
    "evidence.custodyevent",
    "deadlines.deadline",
    "deadlines.deadlinepause",
    "deadlines.escalation",
    "deadlines.notification",
    "deadlines.deliveryattempt",
    "core.auditevent",
    "core.user",
)

# In the admin for superusers only: victims' data, and the roles themselves (which this
# module keeps; an operator assigns them on the accounts pages).
SUPERUSER_ONLY = ("cases.victimnotice", "cases.victimmessage", "auth.group")

# Granted to a person, never through a role (an operator grants them on the user's page).
PERSONAL_PERMISSIONS = (
    "evidence.view_evidence_content",
    "evidence.export_evidence",
    "cases.view_victim_data",
)

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    # Evidence content and victim data need permissions granted to the person, not the
    # role: evidence.view_evidence_content, evidence.export_evidence, cases.view_victim_data.
    Role.LIAISON_OFFICER: [],
    Role.PROSECUTOR: [],
    Role.AUDITOR: ["core.view_auditevent"],
    Role.OPERATOR: [
        *(
            f"{m.split('.')[0]}.{action}_{m.split('.')[1]}"
            for m in _CONFIG_MODELS
            for action in ("add", "change", "view")
        ),
        *(f"{m.split('.')[0]}.view_{m.split('.')[1]}" for m in _READ_ONLY_MODELS),
        "deadlines.change_notification",
        # Adding a key in the admin registers an authority's own public key (the rest
        # of a key's life goes through manage.py authority_keys).
        "liaison.add_authoritykey",
    ],
}


def sync_roles(**_kwargs) -> None:
    Group = global_apps.get_model("auth", "Group")
    Permission = global_apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
