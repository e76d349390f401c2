"""The gateway's error codes: one list every layer draws from (imports nothing of the gateway)."""

from .codes import *  # noqa: F403
from .codes import __all__ as __all__
