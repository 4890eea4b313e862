from django.urls import path

from . import views, views_cooperation

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.report_new, name="report-new"),
    path("import/", views.import_new, name="import-new"),
    path("import/<uuid:pk>/", views.import_detail, name="import"),
    path("board/", views.deadlines_board, name="board"),
    path("id/<int:pk>/", views.case_by_id, name="detail-by-id"),
    path("board/chart.svg", views.deadlines_chart, name="board-chart"),
    path("joins/", views_cooperation.join_requests, name="joins"),
    path("joins/<int:pk>/decide/", views_cooperation.join_decide, name="join-decide"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/assign/", views.case_assign, name="assign"),
    path("<str:reference>/assess/", views.case_assess, name="assess"),
    path(
        "<str:reference>/assess/stay-down/",
        views.case_assess_from_stay_down,
        name="assess-stay-down",
    ),
    path("<str:reference>/close/", views.case_close, name="close"),
    path("<str:reference>/merge/", views.case_merge, name="merge"),
    path("<str:reference>/split/", views.case_split, name="split"),
    path("<str:reference>/order-request/", views.order_request, name="order-request"),
    path("<str:reference>/mla/new/", views_cooperation.mla_new, name="mla-new"),
    path("<str:reference>/handover/", views_cooperation.case_handover, name="handover"),
    path("<str:reference>/close-resolved/", views.case_close_resolved, name="close-resolved"),
    path("<str:reference>/victims/", views_cooperation.victims, name="victims"),
    path(
        "<str:reference>/sources/<int:pk>/",
        views_cooperation.source_identity,
        name="source-identity",
    ),
    path(
        "victim-messages/<int:pk>/review/",
        views_cooperation.victim_message_review,
        name="victim-review",
    ),
]
