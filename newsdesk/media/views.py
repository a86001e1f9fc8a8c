"""GET /images/<key>-<size>.webp: our renditions of lead images. A name is a hash of the source bytes, so what it
names never changes: browsers and proxies may keep it for a year without asking again."""

import re

from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest
from django.views import View

IMAGE_NAME = re.compile(r"[0-9a-f]{32}-(card|lead)\.webp")
IMMUTABLE = "public, max-age=31536000, immutable"


class ImageServeView(View):
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, name: str) -> FileResponse:
        # The pattern is the only gate between a URL and a storage path: nothing else reaches storage.open().
        if not IMAGE_NAME.fullmatch(name):
            raise Http404("No such image")
        storage = storages["images"]
        try:
            handle = storage.open(name, "rb")
        except FileNotFoundError:
            raise Http404("No such image") from None
        response = FileResponse(handle, content_type="image/webp")
        response["Cache-Control"] = IMMUTABLE
        response["ETag"] = f'"{name.removesuffix(".webp")}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
