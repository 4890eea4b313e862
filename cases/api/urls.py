from django.urls import path

from . import platform_views, sandbox_views, views

urlpatterns = [
    path("reports/", views.ReportListCreate.as_view(), name="api-reports"),
    path("reports/bulk/", views.BulkImportCreate.as_view(), name="api-reports-bulk"),
    path("reports/<int:pk>/", views.ReportDetail.as_view(), name="api-report"),
    path("imports/<uuid:pk>/", views.BulkImportDetail.as_view(), name="api-import"),
    path("cases/", views.CaseList.as_view(), name="api-cases"),
    path("cases/<str:reference>/", views.CaseDetail.as_view(), name="api-case"),
    path(
        "platforms/<slug:slug>/compliance/",
        views.PlatformCompliance.as_view(),
        name="api-platform-compliance",
    ),
    path("platform/orders/", platform_views.OrderList.as_view(), name="api-platform-orders"),
    path("platform/hashes/", platform_views.HashListChanges.as_view(), name="api-platform-hashes"),
    path(
        "platform/hashes/snapshot/",
        platform_views.HashListSnapshot.as_view(),
        name="api-platform-hashes-snapshot",
    ),
    path(
        "platform/hashes/export.csv",
        platform_views.HashListCsv.as_view(),
        name="api-platform-hashes-csv",
    ),
    path(
        "platform/hashes/export.stix.json",
        platform_views.HashListStix.as_view(),
        name="api-platform-hashes-stix",
    ),
    path(
        "platform/hashes/export.misp.json",
        platform_views.HashListMisp.as_view(),
        name="api-platform-hashes-misp",
    ),
    path(
        "platform/orders/<int:pk>/", platform_views.OrderDetail.as_view(), name="api-platform-order"
    ),
    path(
        "platform/orders/<int:pk>/acknowledge/",
        platform_views.Acknowledge.as_view(),
        name="api-order-acknowledge",
    ),
    path(
        "platform/orders/<int:pk>/removals/",
        platform_views.Removals.as_view(),
        name="api-order-removals",
    ),
    path(
        "platform/orders/<int:pk>/cannot-comply/",
        platform_views.CannotComply.as_view(),
        name="api-order-cannot-comply",
    ),
    path(
        "platform/orders/<int:pk>/clarifications/",
        platform_views.Clarification.as_view(),
        name="api-order-clarifications",
    ),
    path(
        "platform/orders/<int:pk>/objections/",
        platform_views.Objection.as_view(),
        name="api-order-objections",
    ),
    path(
        "platform/sandbox/orders/",
        platform_views.SandboxOrders.as_view(),
        name="api-platform-sandbox",
    ),
    path(
        "platform/sandbox/orders/<int:pk>/answer-clarification/",
        sandbox_views.AnswerClarification.as_view(),
        name="api-sandbox-answer-clarification",
    ),
    path(
        "platform/sandbox/orders/<int:pk>/resolve-cannot-comply/",
        sandbox_views.ResolveCannotComply.as_view(),
        name="api-sandbox-resolve-cannot-comply",
    ),
    path(
        "platform/sandbox/orders/<int:pk>/decide-objection/",
        sandbox_views.DecideObjection.as_view(),
        name="api-sandbox-decide-objection",
    ),
    path(
        "platform/sandbox/orders/<int:pk>/amend/",
        sandbox_views.Amend.as_view(),
        name="api-sandbox-amend",
    ),
    path(
        "platform/sandbox/orders/<int:pk>/withdraw/",
        sandbox_views.Withdraw.as_view(),
        name="api-sandbox-withdraw",
    ),
    path(
        "platform/sandbox/orders/<int:pk>/unsuspend/",
        sandbox_views.Unsuspend.as_view(),
        name="api-sandbox-unsuspend",
    ),
]
