"""The deployment server: gunicorn with threaded (gthread) workers serving plantrack.wsgi.

One process per core so Python's GIL does not serialise page rendering; a few threads per
process so a slow request (an Excel export) does not hold up the others; kept-alive browser
connections wait in the worker's poller, not in a thread. Each thread keeps its database
connection between requests (``CONN_MAX_AGE`` in settings), which a thread-per-connection
server could not do without leaking connections.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication


def default_options(bind: str, workers: int | None = None, threads: int = 4) -> dict[str, Any]:
    return {
        "bind": bind,
        "workers": workers or os.cpu_count() or 2,
        "worker_class": "gthread",
        "threads": threads,
        # A listening socket per worker, so the kernel spreads new connections over the workers;
        # on one shared socket the first worker to wake accepts nearly all of them (seen: 12
        # of 13 kept-alive connections on one of two workers, the other core idle).
        "reuse_port": True,
        # Browsers reuse a connection for the page's next requests; a few seconds is enough.
        "keepalive": 5,
        # An Excel import or a cold whole-plan compute may take several seconds.
        "timeout": 120,
        "accesslog": None,
    }


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from a dict rather than its command line or a config file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantrack.settings")
        from plantrack.wsgi import application

        return application


def serve(bind: str, workers: int | None = None, threads: int = 4) -> None:
    Server(default_options(bind, workers, threads)).run()
