"""Demo accounts, one per role, for the embedded demo (演示数据)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from plantrack.departments.models import Department
from plantrack.regions.models import Region

from .models import Profile, Role

DEMO_PASSWORD = "demo2011"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    region: str | None = None
    department: str | None = None
    label: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("admin", Role.PROVINCE_ADMIN, region="330000", label="省级管理员（浙江省）"),
    DemoAccount("leader", Role.LEADER, region="330000", label="省领导（只读）"),
    DemoAccount("fgw", Role.DEPARTMENT, department="fgw", label="省发改委"),
    DemoAccount("hbt", Role.DEPARTMENT, department="hbt", label="省环保厅"),
    DemoAccount("hangzhou", Role.CITY, region="330100", label="杭州市"),
    DemoAccount("ningbo", Role.CITY, region="330200", label="宁波市"),
    DemoAccount("xihu", Role.COUNTY, region="330106", label="杭州市西湖区"),
]


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; never reset an existing password."""
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=account.username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = account.role == Role.PROVINCE_ADMIN
            user.is_superuser = account.role == Role.PROVINCE_ADMIN
            user.save()
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "role": account.role,
                "region": Region.objects.filter(code=account.region).first(),
                "department": Department.objects.filter(code=account.department).first(),
            },
        )
    return DEMO_ACCOUNTS
