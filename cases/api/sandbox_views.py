"""The sandbox's prosecutor, driven by the platform: on one of its own sandbox orders
(any other order, real or another platform's, is a 404) it has the prosecutor answer a
question, resolve a cannot-comply report, decide an objection, amend or withdraw — through
the real services, so the real webhooks are pushed and the real clocks move."""

from drf_spectacular.utils import extend_schema

from cases.services import orders

from .platform_serializers import (
    PlatformOrderSerializer,
    SandboxAmendInputSerializer,
    SandboxAnswerInputSerializer,
    SandboxCannotComplyResolutionInputSerializer,
    SandboxObjectionDecisionInputSerializer,
    SandboxWithdrawInputSerializer,
)
from .platform_views import OrderAction
from .views import IDEMPOTENCY_HEADER


def _schema(request, summary, description):
    return extend_schema(
        request=request,
        responses={200: PlatformOrderSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        summary=summary,
        description=description
        + " Only on your own sandbox orders: any other order is a 404. Nothing open to "
        "act on is a 409 `invalid_transition`. Answers with the order as it now is.",
    )


class SandboxOrderAction(OrderAction):
    """A POST on one of the caller's own sandbox orders."""

    def orders_of(self, client):
        return super().orders_of(client).filter(is_sandbox=True)


class AnswerClarification(SandboxOrderAction):
    input_serializer = SandboxAnswerInputSerializer

    @_schema(
        SandboxAnswerInputSerializer,
        "Sandbox: the prosecutor answers your open question",
        "Answers the oldest open clarification question: the removal clock resumes "
        "(unless something else holds it) and `order.clarification_answered` is pushed. "
        "The sandbox also answers by itself a short while after you ask.",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        return orders.sandbox_clarification_answer(
            order=order, platform=platform, answer=data.get("answer")
        )


class ResolveCannotComply(SandboxOrderAction):
    input_serializer = SandboxCannotComplyResolutionInputSerializer

    @_schema(
        SandboxCannotComplyResolutionInputSerializer,
        "Sandbox: the prosecutor resolves your cannot-comply report",
        "Resolves the oldest open cannot-comply report: `maintain` (the clock resumes, "
        "`order.cannot_comply_resolved`) or `withdraw` (`order.withdrawn`).",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        return orders.sandbox_cannot_comply_resolve(
            order=order,
            platform=platform,
            resolution=data["resolution"],
            answer=data.get("answer"),
        )


class DecideObjection(SandboxOrderAction):
    input_serializer = SandboxObjectionDecisionInputSerializer

    @_schema(
        SandboxObjectionDecisionInputSerializer,
        "Sandbox: the prosecutor decides your objection",
        "Decides the oldest undecided objection: `rejected` or `suspended` "
        "(`order.objection_decided`; suspended stops the clock) or `upheld` (the order "
        "is withdrawn: `order.withdrawn`).",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        return orders.sandbox_objection_decide(
            order=order,
            platform=platform,
            resolution=data["resolution"],
            answer=data.get("answer"),
        )


class Amend(SandboxOrderAction):
    input_serializer = SandboxAmendInputSerializer

    @_schema(
        SandboxAmendInputSerializer,
        "Sandbox: the prosecutor amends the order",
        "Issues a new version (same items; new reasons and/or note) that supersedes this "
        "one: `order.amended`. The answer is the new version, with its own `id`.",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        return orders.sandbox_order_amend(
            order=order, platform=platform, reasons=data.get("reasons"), note=data.get("note")
        )


class Withdraw(SandboxOrderAction):
    input_serializer = SandboxWithdrawInputSerializer

    @_schema(
        SandboxWithdrawInputSerializer,
        "Sandbox: the prosecutor withdraws the order",
        "Withdraws the order: its clocks end and `order.withdrawn` is pushed.",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        return orders.sandbox_order_withdraw(
            order=order, platform=platform, reason=data.get("reason")
        )


class Unsuspend(SandboxOrderAction):
    @_schema(
        None,
        "Sandbox: the prosecutor lifts the suspension",
        "Lifts a suspension (see `decide-objection`): the removal clock runs again and "
        "`order.unsuspended` is pushed.",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        return orders.sandbox_order_unsuspend(order=order, platform=platform)
