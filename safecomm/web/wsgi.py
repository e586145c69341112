"""The WSGI application (gunicorn `safecomm.web.wsgi:application`, or waitress inside `serve`)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecomm.web.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
