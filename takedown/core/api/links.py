"""OpenAPI links: which answer gives the id the next call needs (an order's id from the
list or a new sandbox order, to its actions; a delivery's id from the log, to redeliver).
Swagger UI shows them under each response; a generated client's author and a stateful
test follow them."""

from __future__ import annotations

ORDER = "/api/v1/platform/orders/{id}/"
ORDER_ACTIONS = [
    ORDER,
    *(f"{ORDER}{action}/" for action in ("acknowledge", "removals", "cannot-comply")),
    *(f"{ORDER}{action}/" for action in ("clarifications", "objections")),
]
SANDBOX_ACTIONS = [
    f"/api/v1/platform/sandbox/orders/{{id}}/{action}/"
    for action in (
        "answer-clarification",
        "resolve-cannot-comply",
        "decide-objection",
        "amend",
        "withdraw",
        "unsuspend",
    )
]
DELIVERY = "/api/v1/platform/webhook/deliveries/{id}/"
DELIVERY_ACTIONS = [DELIVERY, f"{DELIVERY}redeliver/"]

# (method, path, status) → (where the id is, the operations it opens)
LINKS: dict[tuple[str, str, str], tuple[str, list[str]]] = {
    ("get", "/api/v1/platform/orders/", "200"): ("$response.body#/results/0/id", ORDER_ACTIONS),
    ("get", ORDER, "200"): ("$response.body#/id", ORDER_ACTIONS),
    ("post", "/api/v1/platform/sandbox/orders/", "201"): (
        "$response.body#/id",
        ORDER_ACTIONS + SANDBOX_ACTIONS,
    ),
    **{
        ("post", path, "200"): ("$request.path.id", [ORDER, *SANDBOX_ACTIONS])
        for path in SANDBOX_ACTIONS
    },
    **{
        ("post", path, status): ("$request.path.id", ORDER_ACTIONS)
        for path, status in zip(ORDER_ACTIONS[1:], ("200", "200", "201", "201", "201"), strict=True)
    },
    ("get", "/api/v1/platform/webhook/deliveries/", "200"): (
        "$response.body#/results/0/id",
        DELIVERY_ACTIONS,
    ),
    ("post", "/api/v1/platform/webhook/test/", "202"): ("$response.body#/id", DELIVERY_ACTIONS),
    ("get", "/api/v1/reports/", "200"): (
        "$response.body#/results/0/id",
        ["/api/v1/reports/{id}/"],
    ),
    ("post", "/api/v1/reports/", "201"): ("$response.body#/id", ["/api/v1/reports/{id}/"]),
    ("post", "/api/v1/reports/bulk/", "202"): ("$response.body#/id", ["/api/v1/imports/{id}/"]),
}


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: the table above, as ``links`` by operationId."""
    paths = result.get("paths", {})

    def operation_id(path: str) -> str | None:
        item = paths.get(path, {})
        operation = item.get("post") or item.get("get")
        return operation and operation.get("operationId")

    for (method, path, status), (expression, targets) in LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        response["links"] = {
            target_id: {"operationId": target_id, "parameters": {"id": expression}}
            for target in targets
            if (target_id := operation_id(target))
        }
    return result
