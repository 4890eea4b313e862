from django.urls import path

from . import views_public as views

app_name = "public"
urlpatterns = [
    path("", views.report, name="report"),
    path("follow-up/", views.follow_up, name="follow-up"),
    path("follow-up/add/", views.follow_up_add, name="follow-up-add"),
]
