"""Authentication backend that reads a request's user together with its profile.

Every page asks ``access.scope_of(request.user)``; loading the profile (and its region,
department and enterprise) in the same statement as the user saves one query per request.
The profile is as fresh as the user row: both are read anew for every request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

# Set on users read by this backend: their profile relation is known to be loaded for this
# request (present or absent), so access.scope_of may use it without a query.
PROFILE_LOADED = "_plantrack_profile_loaded"


class ProfileBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = (
            get_user_model()
            ._default_manager.select_related(
                "profile__region", "profile__department", "profile__enterprise"
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        setattr(user, PROFILE_LOADED, True)
        return user
