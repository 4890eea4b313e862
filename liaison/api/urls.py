from django.urls import path

from . import views

urlpatterns = [
    path("keys/", views.PublicKeyList.as_view(), name="api-keys"),
    path("whoami/", views.WhoAmI.as_view(), name="api-whoami"),
]
