from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("cases/<str:reference>/new/", views.package_new, name="new"),
    path("files/<uuid:file_id>/download/", views.download, name="download"),
    path("mla/<int:pk>/documents/", views.mla_document, name="mla-document"),
    path("<str:reference>/", views.package_detail, name="package"),
    path("<str:reference>/case-uco.json", views.case_uco, name="case-uco"),
    path("<str:reference>/upload/", views.upload, name="upload"),
    path("<str:reference>/seal/", views.seal, name="seal"),
    path("<str:reference>/follow-up/", views.follow_up, name="follow-up"),
    path("<str:reference>/export/", views.export, name="export"),
    path("<str:reference>/transfer/", views.transfer, name="transfer"),
    path("<str:reference>/receive/", views.receive, name="receive"),
    path("<str:reference>/holds/", views.hold_place, name="hold-place"),
    path("<str:reference>/holds/<int:pk>/lift/", views.hold_lift, name="hold-lift"),
    path("<str:reference>/share/", views.share, name="share"),
    path("<str:reference>/shares/<int:pk>/withdraw/", views.share_withdraw, name="share-withdraw"),
    path("<str:reference>/purge-certificate/", views.purge_certificate, name="purge-certificate"),
    path(
        "<str:reference>/purge-certificate.json",
        views.purge_certificate_json,
        name="purge-certificate-json",
    ),
]
