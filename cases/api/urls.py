from django.urls import path

from . import platform_views, views

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
]
