"""API: 年度实施计划与责任报告."""

from ninja import Router

router = Router(tags=["annualplans"])
