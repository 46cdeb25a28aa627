"""API: 总览."""

from ninja import Router

router = Router(tags=["dashboard"])
