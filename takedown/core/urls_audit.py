from django.urls import path

from . import views_audit

app_name = "audit"
urlpatterns = [
    path("", views_audit.trail, name="trail"),
    path("verify/", views_audit.verify_now, name="verify"),
    path("export.csv", views_audit.export_csv, name="export-csv"),
    path("export.json", views_audit.export_json, name="export-json"),
]
