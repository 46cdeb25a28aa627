"""API: 重点项目."""

from ninja import Router

router = Router(tags=["projects"])
