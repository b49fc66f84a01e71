"""eldercredit backend: tables, domain services, JSON API, auth, scheduler jobs, CLI."""

import os

# Piccolo finds its engine through this module; set before any table is imported.
os.environ.setdefault("PICCOLO_CONF", "credit.piccolo_conf")
