"""OpenAPI links: what a client can do next with the object an answer names. A platform
that makes a sandbox order can read it and answer it with the ``id`` of the 201; a
report's 201 names the report to read back; a bulk upload's the import to follow; a
test event's the delivery. Clients and tools read them (schemathesis' state machine
follows them: tests/cases/test_api_stateful.py).

A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]):
each link names its target by ``operationId`` as the document has it, looked up by path
and method, so a renamed view cannot leave a dangling link; an operation the document
does not have (yet) gets no link to it.
"""

from __future__ import annotations

from typing import Any

ORDER = "/api/v1/platform/orders/{id}/"
SANDBOX_ORDER = "/api/v1/platform/sandbox/orders/{id}/"
THE_ORDER = {"id": "$response.body#/id"}

# What one sandbox order lets you do next: read it, answer it, and have the issuing
# authority's side of each answer played (the sandbox actions).
ORDER_NEXT: dict[str, tuple[str, str]] = {
    "GetOrder": ("get", ORDER),
    "AcknowledgeOrder": ("post", ORDER + "acknowledge/"),
    "ReportRemovals": ("post", ORDER + "removals/"),
    "AskClarification": ("post", ORDER + "clarifications/"),
    "DeclareCannotComply": ("post", ORDER + "cannot-comply/"),
    "Object": ("post", ORDER + "objections/"),
    "SandboxAmend": ("post", SANDBOX_ORDER + "amend/"),
    "SandboxAnswerClarification": ("post", SANDBOX_ORDER + "answer-clarification/"),
    "SandboxDecideObjection": ("post", SANDBOX_ORDER + "decide-objection/"),
    "SandboxResolveCannotComply": ("post", SANDBOX_ORDER + "resolve-cannot-comply/"),
    "SandboxWithdraw": ("post", SANDBOX_ORDER + "withdraw/"),
}

# (method, path, status) of an answer -> {link name: (target method, target path, parameters)}
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, str, dict[str, str]]]] = {
    ("post", "/api/v1/platform/sandbox/orders/", "201"): {
        name: (method, path, THE_ORDER) for name, (method, path) in ORDER_NEXT.items()
    },
    ("post", "/api/v1/reports/", "201"): {
        "GetReport": ("get", "/api/v1/reports/{id}/", {"id": "$response.body#/id"}),
    },
    **{
        ("post", "/api/v1/reports/bulk/", status): {
            "GetImport": ("get", "/api/v1/imports/{id}/", {"id": "$response.body#/id"}),
        }
        for status in ("201", "202")
    },
    ("post", "/api/v1/platform/webhook/test/", "202"): {
        "GetDelivery": (
            "get",
            "/api/v1/platform/webhook/deliveries/{id}/",
            {"id": "$response.body#/id"},
        ),
    },
}


def add_links(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the ``links`` of LINKS on their responses."""
    paths = result.get("paths", {})
    for (method, path, status), links in LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        for name, (target_method, target_path, parameters) in links.items():
            target = paths.get(target_path, {}).get(target_method)
            if target is None or "operationId" not in target:
                continue
            response.setdefault("links", {})[name] = {
                "operationId": target["operationId"],
                "parameters": {f"path.{key}": value for key, value in parameters.items()},
            }
    return result
