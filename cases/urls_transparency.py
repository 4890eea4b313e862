from django.urls import path

from . import views_transparency as views

app_name = "transparency"
urlpatterns = [
    path("", views.public_report, name="public"),
    path("full/", views.full_report, name="full"),
]
