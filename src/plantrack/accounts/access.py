"""Who may see and change what. Every page, export and API endpoint asks these functions.

Province administrators, leaders and department users see every region; a city user sees its
city and the city's counties; a county user its county; an enterprise user its enterprise.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from .backends import PROFILE_LOADED
from .models import Profile, Role

SEES_EVERYTHING = {Role.PROVINCE_ADMIN, Role.LEADER, Role.DEPARTMENT}


@dataclass(frozen=True)
class Scope:
    """A user's role and the unit it acts for; a user without a profile has no scope."""

    role: str | None
    region_code: str | None = None
    department_code: str | None = None
    enterprise_code: str | None = None

    @property
    def sees_everything(self) -> bool:
        return self.role in SEES_EVERYTHING

    @property
    def is_admin(self) -> bool:
        return self.role == Role.PROVINCE_ADMIN

    @property
    def read_only(self) -> bool:
        return self.role == Role.LEADER or self.role is None


def scope_of(user: AbstractBaseUser | AnonymousUser) -> Scope:
    if not user.is_authenticated:
        return Scope(None)
    if getattr(user, PROFILE_LOADED, False) and "profile" in user._state.fields_cache:
        # A request's user, read with its profile by backends.ProfileBackend.
        profile = user._state.fields_cache["profile"]
    else:
        profile = (
            Profile.objects.filter(user_id=user.pk)
            .select_related("region", "department", "enterprise")
            .first()
        )
    if profile is None:
        return Scope(None)
    return Scope(
        profile.role,
        profile.region.code if profile.region else None,
        profile.department.code if profile.department else None,
        profile.enterprise.code if profile.enterprise else None,
    )


def region_filter(scope: Scope, field: str = "region") -> Q:
    """A filter on a region foreign key named ``field`` that keeps what the scope may see."""
    if scope.sees_everything:
        return Q()
    if scope.role == Role.CITY and scope.region_code:
        return Q(**{f"{field}__code": scope.region_code}) | Q(
            **{f"{field}__parent__code": scope.region_code}
        )
    if scope.role == Role.COUNTY and scope.region_code:
        return Q(**{f"{field}__code": scope.region_code})
    return Q(pk__in=[])


def can_see_region(scope: Scope, code: str, parent_code: str | None) -> bool:
    if scope.sees_everything:
        return True
    if scope.role == Role.CITY:
        return scope.region_code in (code, parent_code)
    return scope.role == Role.COUNTY and scope.region_code == code
