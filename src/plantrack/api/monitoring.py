"""API: 在线监测（HJ 212）."""

from ninja import Router

router = Router(tags=["monitoring"])
