"""Figures computed from online monitoring data (no Django).

- :mod:`.flags`: which HJ 212 data flags make an hourly value valid.
- :mod:`.rates`: 数据传输率, 数据有效率, 数据传输有效率, with amendments (修约).
- :mod:`.window`: the amendment window of a month.
- :mod:`.exceedance`: hourly averages above a source's emission limit.
- :mod:`.supervisory`: 监督性监测达标率.
- :mod:`.airdays`: daily AQI of stations and cities, share of days meeting the standard.
- :mod:`.sections`: monthly class and compliance of surface-water sections.
"""
