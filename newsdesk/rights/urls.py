from django.urls import path
from django.views.generic import RedirectView

from newsdesk.rights.views import TakedownConfirmView, TakedownCreateView, TransparencyView

app_name = "rights"

urlpatterns = [
    path("takedown", TakedownCreateView.as_view(), name="takedown"),
    path("takedown/confirm/<str:token>", TakedownConfirmView.as_view(), name="confirm"),
    path("transparency", TransparencyView.as_view(), name="transparency"),
    # Every other page of the site ends in "/": typed so, these lead to the desk's pages rather than to a 404.
    path("takedown/", RedirectView.as_view(pattern_name="rights:takedown", permanent=True)),
    path("transparency/", RedirectView.as_view(pattern_name="rights:transparency", permanent=True)),
]
