import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

from newsdesk.common.secret_key import secret_key_require  # noqa: E402  (needs the settings configured above)

secret_key_require()
