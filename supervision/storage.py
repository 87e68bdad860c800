"""Evidence files live under VAR_DIR/private, outside static files and any public media URL.

They are served only through a view that checks the user's scope (PITFALLS: uploaded evidence).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Reads settings.VAR_DIR on every access, so a changed VAR_DIR (tests) is honoured."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(Path(settings.VAR_DIR) / "private")

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()
