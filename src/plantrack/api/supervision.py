"""API: 督查整改与联席会议."""

from ninja import Router

router = Router(tags=["supervision"])
