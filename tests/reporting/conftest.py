from ..fixtures_reporting import data_set, xihu_july  # noqa: F401
