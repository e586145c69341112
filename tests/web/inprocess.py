"""Django in this process, for the page and rule tests (TestCase + Client): settings from the
environment (SAFECOMM_DATABASE_URL chooses PostgreSQL), a throwaway data folder and test database,
set up once per process and removed at exit."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_ready = False


def setup() -> None:
    global _ready
    if _ready:
        return
    data = tempfile.mkdtemp(prefix="safecomm-web-test-")
    os.environ["SAFECOMM_DATA"] = data
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecomm.web.settings")
    import django

    django.setup()
    from django.conf import settings

    # Argon2 is deliberately slow; the tests log in hundreds of times. test_web_accounts checks
    # that the shipped settings put Argon2 first.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    os.makedirs(os.path.join(data, "tmp"), exist_ok=True)

    def cleanup() -> None:
        teardown_databases(old, verbosity=0)
        shutil.rmtree(data, ignore_errors=True)

    atexit.register(cleanup)
    _ready = True


setup()
