"""The web chat page over the public `qa` API: `serve(assistant, settings)`."""

from ui.app import build_app, serve

__all__ = ["build_app", "serve"]
