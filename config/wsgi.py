import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

# A current cached answer to an anonymous GET is sent before Django's handler does any work.
from newsdesk.common.cached_wsgi import CachedHitApplication  # noqa: E402  (needs the settings configured above)

application = CachedHitApplication(application)

from newsdesk.common.secret_key import secret_key_require  # noqa: E402  (needs the settings configured above)

secret_key_require()
