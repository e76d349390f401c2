"""`session`: what the caller's credentials grant."""

import strawberry

from ..configuration.types import PortalConfiguration
from ..context import Info
from ..fields import field
from .types import Session


@strawberry.type
class SessionQueries:
    @field(description="The current session: customer, configuration, flow, return URL, expiry.")
    def session(self, info: Info) -> Session:
        scope = info.context.scope()
        configuration = PortalConfiguration.from_config(info.context.configuration())
        return Session.from_scope(scope, configuration)
