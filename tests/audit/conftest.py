from tests.monitoring.backends import db_url, store, un_entities

__all__ = ["db_url", "store", "un_entities"]
