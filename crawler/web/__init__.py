"""I/O: the web view, the JSON API, health and metrics (aiohttp.web).

Public API: :func:`create_app` (the application on a settings object and a store) and
:func:`serving` (bind it, yield the base URL, unbind). Pages and API read the store only.
"""

from crawler.web.app import create_app, serving

__all__ = ["create_app", "serving"]
