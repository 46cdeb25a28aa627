"""Excel and CSV routes, included under /reporting/ by ``reporting.urls``."""

from django.urls import path

from . import views_excel

urlpatterns = [
    path("excel/template/", views_excel.excel_template, name="excel-template"),
    path("excel/upload/", views_excel.excel_upload, name="excel-upload"),
    path("excel/export/", views_excel.excel_export, name="excel-export"),
    path("csv/template/", views_excel.csv_template, name="csv-template"),
    path("csv/upload/", views_excel.csv_upload, name="csv-upload"),
]
