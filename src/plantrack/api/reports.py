"""API: 报告与通报."""

from ninja import Router

router = Router(tags=["reports"])
