"""The WebSub callback: hubs verify our intent with GET and deliver content with signed POSTs."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from newsdesk.websub.services import MAX_PUSH_BYTES, websub_intent_confirm, websub_push_receive

PUSH_TOO_LARGE = "push body larger than 15 MiB"


@method_decorator(csrf_exempt, name="dispatch")  # hubs cannot hold a CSRF token; pushes are HMAC-signed instead
class WebSubCallbackView(View):
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, subscription_id: int, token: str) -> HttpResponse:
        challenge = websub_intent_confirm(subscription_id=subscription_id, token=token, params=request.GET.dict())
        if challenge is None:
            return HttpResponseNotFound("unknown subscription or unexpected verification", content_type="text/plain")
        return HttpResponse(challenge, content_type="text/plain; charset=utf-8")

    def post(self, request: HttpRequest, subscription_id: int, token: str) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit() or int(declared) > MAX_PUSH_BYTES:
            return HttpResponse(PUSH_TOO_LARGE, status=413, content_type="text/plain")
        # request.read, not request.body: the body check against DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is
        # for forms; pushes are whole feeds, bounded here by MAX_PUSH_BYTES instead.
        body = request.read(MAX_PUSH_BYTES + 1)
        if len(body) > MAX_PUSH_BYTES:
            return HttpResponse(PUSH_TOO_LARGE, status=413, content_type="text/plain")
        outcome = websub_push_receive(
            subscription_id=subscription_id,
            token=token,
            body=body,
            signature=request.headers.get("X-Hub-Signature", ""),
            content_type=request.headers.get("Content-Type", ""),
        )
        return HttpResponse(status=outcome.status)
