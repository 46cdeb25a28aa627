from django.apps import AppConfig


class AnnualplansConfig(AppConfig):
    name = "plantrack.annualplans"
    verbose_name = "年度实施计划与责任报告"
