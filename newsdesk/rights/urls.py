from django.urls import path

from newsdesk.rights.views import TakedownConfirmView, TakedownCreateView, TransparencyView

app_name = "rights"

urlpatterns = [
    path("takedown", TakedownCreateView.as_view(), name="takedown"),
    path("takedown/confirm/<str:token>", TakedownConfirmView.as_view(), name="confirm"),
    path("transparency", TransparencyView.as_view(), name="transparency"),
]
