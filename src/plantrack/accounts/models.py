"""Who a user is in the target-responsibility system: role, region and department."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("省级管理员")
    DEPARTMENT = "department", _("部门用户")
    CITY = "city", _("设区市用户")
    COUNTY = "county", _("县（市、区）用户")
    ENTERPRISE = "enterprise", _("企业用户")
    LEADER = "leader", _("领导（只读）")


class Profile(models.Model):
    """The role of a user and the region or department it acts for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("行政区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("用户档案")
        verbose_name_plural = _("用户档案")

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.get_role_display()}）"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def issue(self, user: "User", name: str) -> tuple["ApiToken", str]:
        """Create a token and return it with its secret, which is shown once and never stored."""
        secret = secrets.token_urlsafe(32)
        token = self.create(user=user, name=name, digest=ApiToken.digest_of(secret))
        return token, secret

    def authenticate(self, secret: str) -> "ApiToken | None":
        token = (
            self.filter(digest=ApiToken.digest_of(secret), revoked_at__isnull=True)
            .select_related("user")
            .first()
        )
        if token and token.user.is_active:
            return token
        return None


class ApiToken(models.Model):
    """A bearer token for systems that call the API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()
