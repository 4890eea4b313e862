from django.urls import path

from . import views

app_name = "demo"
urlpatterns = [
    path("hooks/<slug:slug>/", views.webhook_receiver, name="webhook-receiver"),
]
