from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.ReportListCreate.as_view(), name="api-reports"),
    path("reports/bulk/", views.BulkImportCreate.as_view(), name="api-reports-bulk"),
    path("reports/<int:pk>/", views.ReportDetail.as_view(), name="api-report"),
    path("imports/<uuid:pk>/", views.BulkImportDetail.as_view(), name="api-import"),
    path("cases/", views.CaseList.as_view(), name="api-cases"),
    path("cases/<str:reference>/", views.CaseDetail.as_view(), name="api-case"),
]
