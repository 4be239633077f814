"""The ``custom`` authentication provider: the unit's own token validator, never a placeholder.

xlwings-server's own ``custom`` provider is a placeholder that accepts the token "test-token". This one
calls the validator the deployment installed (``XL_TOOLS_AUTH_VALIDATOR=模块:函数``, see
``xl_tools.server.auth``); the server refuses to start with ``custom`` and no validator, and a token the
validator does not accept is a 401 here in any case.
"""

from __future__ import annotations

from xl_tools.server.auth import validate_custom_token as validate_token

__all__ = ["validate_token"]
