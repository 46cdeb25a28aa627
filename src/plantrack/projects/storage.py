"""Where evidence files live.

``MEDIA_ROOT`` (``PLANTRACK_MEDIA_ROOT``, by default ``DATA_DIR/media``); files are served only
through the access-checked download view, never as public media.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


class EvidenceStorage(FileSystemStorage):
    """Reads the folder at each use, so a changed setting (or a test's) takes effect."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(media_root())

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def evidence_storage() -> FileSystemStorage:
    """A callable, so migrations keep no machine-specific path."""
    return EvidenceStorage()
