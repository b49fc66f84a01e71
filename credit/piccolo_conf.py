"""Piccolo configuration: the engine comes from DATABASE_URL (SQLite file or PostgreSQL)."""

from piccolo.conf.apps import AppRegistry

from credit.db import engine_for_url
from credit.settings import settings

DB = engine_for_url(settings.database_url)

APP_REGISTRY = AppRegistry(apps=["credit.piccolo_app"])
