from ..fixtures_reporting import data_set  # noqa: F401
