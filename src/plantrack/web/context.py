from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Every page says whether it shows demo data (演示数据)."""
    return {"demo_mode": settings.PLANTRACK_DEMO}
