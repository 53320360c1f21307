"""The HTTP API: a yente-compatible FastAPI server over the store and the screener.

from clearance.api import ApiSettings, create_app
app = create_app(ApiSettings(db="clearance.db"))   # run with uvicorn
"""

from clearance.api.app import Services, build_services, create_app
from clearance.api.keys import SCOPES, ApiKey, KeyStore
from clearance.api.settings import ApiSettings

__all__ = [
    "SCOPES",
    "ApiKey",
    "ApiSettings",
    "KeyStore",
    "Services",
    "build_services",
    "create_app",
]
