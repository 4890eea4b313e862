from django.urls import path

from . import views_cooperation as views

app_name = "mla"
urlpatterns = [
    path("", views.mla_inbox, name="inbox"),
    path("<int:pk>/", views.mla_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.mla_action, name="action"),
]
