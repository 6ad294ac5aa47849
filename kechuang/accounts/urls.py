from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from kechuang.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("workspace/", views.workspace, name="workspace"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review_organisation, name="review_organisation"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("password/change/", auth_views.PasswordChangeView.as_view(
        template_name="accounts/form_page.html", success_url=reverse_lazy("accounts:password_change_done"),
        extra_context={"title": "修改密码"}), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/message.html", extra_context={"title": "密码已修改", "text": "您的密码已修改成功。"}),
        name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(
        template_name="accounts/form_page.html", email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"), extra_context={"title": "找回密码"}),
        name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/message.html",
        extra_context={"title": "邮件已发送", "text": "如果该邮箱已注册，您将收到一封重置密码的邮件。"}),
        name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/form_page.html", success_url=reverse_lazy("accounts:password_reset_complete"),
        extra_context={"title": "设置新密码"}), name="password_reset_confirm"),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/message.html", extra_context={"title": "密码已重置", "text": "请使用新密码登录。"}),
        name="password_reset_complete"),
]
