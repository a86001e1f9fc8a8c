"""GET /metrics in the Prometheus text format.

With NEWSDESK_METRICS_TOKEN set it needs `Authorization: Bearer <token>`. Without one it answers only while the
site URL is loopback (or NEWSDESK_METRICS_PUBLIC opens it on purpose); otherwise 403 with a one-line reason.
"""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import CollectorRegistry

from newsdesk.common.methods import read_only
from newsdesk.common.site_url import site_url_is_loopback
from newsdesk.ingest.metrics import IngestCollector

METRICS_NEED_TOKEN = "metrics are off: set NEWSDESK_METRICS_TOKEN (needed when NEWSDESK_SITE_URL is not loopback)\n"  # noqa: S105  (a message)

_registry = CollectorRegistry(auto_describe=False)
_registry.register(IngestCollector())


@read_only
def metrics_view(request: HttpRequest) -> HttpResponse:
    token = getattr(settings, "NEWSDESK_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return HttpResponse("metrics need a bearer token\n", status=401, content_type="text/plain")
    elif not (settings.NEWSDESK_METRICS_PUBLIC or site_url_is_loopback(settings.SITE_URL)):
        return HttpResponse(METRICS_NEED_TOKEN, status=403, content_type="text/plain")
    return HttpResponse(generate_latest(_registry), content_type=CONTENT_TYPE_LATEST)
