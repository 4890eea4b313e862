from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases import views_home
from deadlines import views as deadline_views
from liaison import views_keys
from liaison import views_people as people
from takedown.core import views as core_views
from takedown.core import views_accounts, views_auth

api_v1 = [
    path("", include("liaison.api.urls")),
    path("", include("deadlines.api.urls")),
    path("", include("cases.api.urls")),
]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", deadline_views.metrics, name="metrics"),
    path("deadlines/", include("deadlines.urls")),
    path("cases/", include("cases.urls")),
    path("orders/", include("cases.urls_orders")),
    path("evidence/", include("evidence.urls")),
    path("audit/", include("takedown.core.urls_audit")),
    path("mla/", include("cases.urls_mla")),
    path("transparency/", include("cases.urls_transparency")),
    path("report/", include("cases.urls_public")),
    path("demo/", include("demo.urls")),
    path("", views_home.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", views_auth.second_factor, name="second-factor"),
    path("accounts/2fa/setup/", views_auth.second_factor_setup, name="second-factor-setup"),
    path(
        "accounts/2fa/key/options/",
        views_auth.second_factor_key_options,
        name="second-factor-key-options",
    ),
    path(
        "accounts/2fa/key/verify/",
        views_auth.second_factor_key_verify,
        name="second-factor-key-verify",
    ),
    path("accounts/security-keys/", views_auth.security_keys, name="security-keys"),
    path(
        "accounts/security-keys/options/",
        views_auth.security_key_options,
        name="security-key-options",
    ),
    path(
        "accounts/security-keys/register/",
        views_auth.security_key_register,
        name="security-key-register",
    ),
    path("accounts/sessions/", views_auth.sessions, name="sessions"),
    path("accounts/sessions/end/", views_auth.session_end, name="session-end"),
    path("accounts/password/", views_accounts.password_change, name="password-change"),
    path("accounts/preferences/", views_accounts.preferences, name="preferences"),
    path("language/", views_accounts.language_set, name="language-set"),
    path("accounts/receiving-keys/", views_keys.receiving_keys, name="receiving-keys"),
    path("accounts/users/", people.users, name="users"),
    path("accounts/users/new/", people.user_new, name="user-new"),
    path("accounts/users/<int:pk>/", people.user_detail, name="user-detail"),
    path("accounts/users/<int:pk>/password/", people.user_password, name="user-password"),
    path(
        "accounts/users/<int:pk>/second-factor/reset/",
        people.user_second_factor_reset,
        name="user-second-factor-reset",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("problems/", core_views.problems, name="problems"),
    path("problems/<slug:code>", core_views.problems, name="problem"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "takedown.core.views.handler404"
handler500 = "takedown.core.views.handler500"
