"""API: 监测指标."""

from ninja import Router

router = Router(tags=["quality"])
