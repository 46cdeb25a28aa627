"""Where evidence files live.

Settings define no MEDIA_ROOT yet, so evidence goes under ``DATA_DIR/media`` unless
``PLANTRACK_MEDIA_ROOT`` says otherwise; files are served only through the access-checked
download view, never as public media.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def media_root() -> Path:
    explicit = getattr(settings, "MEDIA_ROOT", "") or os.environ.get("PLANTRACK_MEDIA_ROOT")
    return Path(explicit) if explicit else Path(settings.DATA_DIR) / "media"


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
