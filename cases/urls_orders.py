from django.urls import path

from . import views_orders as views

app_name = "orders"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("requests/<int:pk>/", views.request_issue, name="request"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request-decline"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/withdraw/", views.order_withdraw, name="withdraw"),
    path("<int:pk>/amend/", views.order_amend, name="amend"),
    path("<int:pk>/responses/<int:response_pk>/answer/", views.response_answer, name="answer"),
    path("items/<int:pk>/verify/", views.item_verify, name="verify"),
    path("platforms/<slug:slug>/", views.platform_page, name="platform"),
]
