"""The ASGI entry point for uvicorn: `credit.asgi:app`."""

from credit.app import create_app

app = create_app()
