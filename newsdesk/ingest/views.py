"""GET /metrics in the Prometheus text format. Set NEWSDESK_METRICS_TOKEN to require `Authorization: Bearer …`."""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import CollectorRegistry

from newsdesk.ingest.metrics import IngestCollector

_registry = CollectorRegistry(auto_describe=False)
_registry.register(IngestCollector())


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    token = getattr(settings, "NEWSDESK_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return HttpResponse("metrics need a bearer token\n", status=401, content_type="text/plain")
    return HttpResponse(generate_latest(_registry), content_type=CONTENT_TYPE_LATEST)
