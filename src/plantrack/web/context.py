from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Every page says whether it shows demo data (演示数据), and the plan it is about (the
    ``code`` of its URL) so the navigation stays within that plan."""
    match = getattr(request, "resolver_match", None)
    code = match.kwargs.get("code") if match else None
    return {
        "demo_mode": settings.PLANTRACK_DEMO,
        "current_plan": code if isinstance(code, str) else "",
    }
