"""Authentication settings of the xlwings Server, checked before it starts (issue 22.4).

``XLWINGS_AUTH_PROVIDERS`` names xlwings-server's providers. ``entraid`` validates Microsoft Entra ID
tokens itself. ``custom`` is a hook: xlwings-server's own implementation is a placeholder that accepts
the literal token "test-token", so it counts as authentication only when the deployment installed a
validator — ``XL_TOOLS_AUTH_VALIDATOR=模块:函数`` (environment or the ``DOTENV_PATH`` file), a function
importable on the server that takes the ``Authorization`` header and returns the user (a mapping with
``id``, ``name``, optionally ``email``, ``roles``; or None/False to refuse; it may be async). Our project
directory's ``auth/custom`` replaces the placeholder, so even a server started some other way never
accepts "test-token".
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import sys

from ..errors import XlToolsError

logger = logging.getLogger("xl_tools.server")

VALIDATOR_ENV = "XL_TOOLS_AUTH_VALIDATOR"
KNOWN_PROVIDERS = ("entraid", "custom")
MSG_UNKNOWN_PROVIDER = ("XLWINGS_AUTH_PROVIDERS 中的「{name}」不是 xlwings Server 的身份验证方式：只能是 entraid 或 custom"
                        "（见 docs/服务器部署.md）。")
MSG_NO_VALIDATOR = ("XLWINGS_AUTH_PROVIDERS 含 custom，但没有安装令牌校验程序：xlwings Server 自带的 custom 只是示例，"
                    "会接受任何人都知道的令牌 test-token。请设置 {env}=模块:函数，指向本单位校验令牌的 Python 函数"
                    "（见 docs/服务器部署.md「身份验证」）。")
MSG_BAD_VALIDATOR = "{env}={value!r} 无法使用：{why}。应写成 模块:函数，例如 czj_sso.xltools:validate（见 docs/服务器部署.md）。"
MSG_REFUSED = "身份验证失败：令牌无效或已过期，请重新登录后再试。"


def validator_setting(dotenv: dict[str, str] | None = None) -> str:
    """``XL_TOOLS_AUTH_VALIDATOR`` from the environment, else from the DOTENV_PATH file's settings."""
    value = os.environ.get(VALIDATOR_ENV)
    if value is None and dotenv:
        value = dotenv.get(VALIDATOR_ENV)
    return (value or "").strip()


def load_validator(spec: str):
    """The function ``spec`` ("module:function") names; XlToolsError (one Chinese line) if it cannot be."""
    module_name, sep, func_name = spec.partition(":")
    if not sep or not module_name.strip() or not func_name.strip():
        raise XlToolsError(MSG_BAD_VALIDATOR.format(env=VALIDATOR_ENV, value=spec, why="缺少冒号分隔的模块和函数"))
    try:
        module = importlib.import_module(module_name.strip())
    except Exception as exc:                                  # noqa: BLE001 - any import failure is the setting's
        raise XlToolsError(MSG_BAD_VALIDATOR.format(env=VALIDATOR_ENV, value=spec,
                                                    why=f"无法导入模块 {module_name.strip()}（{type(exc).__name__}）")) from None
    func = getattr(module, func_name.strip(), None)
    if not callable(func):
        raise XlToolsError(MSG_BAD_VALIDATOR.format(env=VALIDATOR_ENV, value=spec,
                                                    why=f"模块中没有函数 {func_name.strip()}"))
    return func


_validator = None


def check_providers(providers, dotenv: dict[str, str] | None = None) -> None:
    """Refuse (XlToolsError) a provider xlwings-server does not have, and ``custom`` without a validator;
    remember the validator for ``validate_custom_token``."""
    global _validator
    for name in providers or []:
        if name not in KNOWN_PROVIDERS:
            raise XlToolsError(MSG_UNKNOWN_PROVIDER.format(name=str(name)[:40]))
    if "custom" in (providers or []):
        spec = validator_setting(dotenv)
        if not spec:
            raise XlToolsError(MSG_NO_VALIDATOR.format(env=VALIDATOR_ENV))
        _validator = load_validator(spec)


def _installed_validator():
    """The validator ``check_providers`` loaded; in a worker process started without it (uvicorn
    --factory always calls ``create_app``, so only by mistake), loaded from the setting now."""
    if _validator is None:
        spec = validator_setting()
        if spec:
            return load_validator(spec)
    return _validator


async def validate_custom_token(token_string: str):
    """xlwings-server's ``custom`` provider: the installed validator's user, or 401."""
    from fastapi import HTTPException, status
    from xlwings_server.models import User

    def refuse(reason: str):
        logger.warning("custom 身份验证拒绝：%s", reason)
        return HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=MSG_REFUSED)

    validator = _installed_validator()
    if validator is None or not token_string:
        raise refuse("没有校验程序" if validator is None else "请求没有令牌")
    try:
        user = validator(token_string)
        if inspect.isawaitable(user):
            user = await user
    except Exception as exc:                                  # noqa: BLE001 - the unit's code: refuse, log
        logger.warning("custom 身份验证程序出错：%s", exc, exc_info=sys.exc_info())
        raise refuse("校验程序出错") from None
    if isinstance(user, User):
        return user
    if isinstance(user, dict) and user:
        return User(**{k: v for k, v in user.items() if k in User.model_fields})
    raise refuse("令牌无效")
