"""``plantrack serve``: run PlanTrack under the deployment server (gunicorn, gthread)."""

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from plantrack.web.serve import serve


class Command(BaseCommand):
    help = "Serve PlanTrack with gunicorn (gthread workers), as a deployment does."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=None, help="default: one per core")
        parser.add_argument("--threads", type=int, default=4)

    def handle(
        self, *args: object, bind: str, workers: int | None, threads: int, **_: object
    ) -> None:
        # The workers are forked from this process: none may inherit a database connection.
        connections.close_all()
        serve(bind, workers, threads)
