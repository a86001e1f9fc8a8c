from django.urls import path

from newsdesk.community.views import accounts

app_name = "accounts"

urlpatterns = [
    path("signup/", accounts.SignUpView.as_view(), name="signup"),
    path("verify/<str:uidb64>/<str:token>/", accounts.VerifyEmailView.as_view(), name="verify"),
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("login/code/", accounts.SignInCodeView.as_view(), name="login_code"),
    path("logout/", accounts.SignOutView.as_view(), name="logout"),
    path("two-factor/", accounts.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("password-reset/", accounts.PASSWORD_RESET_VIEWS["password_reset"], name="password_reset"),
    path("password-reset/sent/", accounts.PASSWORD_RESET_VIEWS["password_reset_done"], name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts.PASSWORD_RESET_VIEWS["password_reset_confirm"],
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        accounts.PASSWORD_RESET_VIEWS["password_reset_complete"],
        name="password_reset_complete",
    ),
]
