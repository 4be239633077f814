"""Rule configuration: region profiles (TOML under ``data/profiles``), workbook overrides, files.

A profile is a TOML file named after its region (``广东.toml`` is the default, it suits the seed); its
keys that describe the table (framework, money_unit, value_columns …: ``profiles.FORM_KEYS``) are
``profiles.Profile``'s, the rest are rule options, and ``base`` names a profile whose options apply first:

    title = "广东省（广州市）"
    disabled = ["VAL015"]           # codes or dotted names of rules that do not run

    [VAL006]                        # a rule by code (or by its dotted name)
    severity = "warning"            # error | warning | info (错误 | 警告 | 提示)
    floor = "80"                    # the rule's own keys, see docs/rules.md

Layers, later ones win: the profile (named by the config file's ``profile``, else the workbook's
规则配置, else 广东) → the workbook's 基本信息 overrides (``Filing.settings``, keys like
``VAL006.floor``, ``VAL006.severity``, ``VAL006.enabled``, ``disabled``) → a config file passed by
the reviewer (``--config F``, same shape as a profile). Any unknown key is an ``XlToolsError`` that
names it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Mapping

from ..catalogue import codes, family_of
from ..errors import XlToolsError
from ..fileio import read_bytes
from ..findings import ERROR, INFO, WARNING
from ..profiles import DEFAULT_PROFILE, FORM_KEYS, profile_text
from .base import Rule
from .registry import RULES

SEVERITY_WORDS = {ERROR: ERROR, WARNING: WARNING, INFO: INFO, "错误": ERROR, "警告": WARNING,
                  "提示": INFO}
_TRUE = {"true", "yes", "on", "1", "是", "开", "启用", "开启"}
_FALSE = {"false", "no", "off", "0", "否", "关", "停用", "关闭"}
_LIST_SEP = re.compile(r"[,，、;；\s]+")
MAX_OPTION = Decimal(10) ** 12      # a rule's numeric option: percentages, amounts, tolerances
IMPORT_FAMILY = "IMP"


@dataclass
class Config:
    """The resolved configuration of one check: what runs, at what severity, with what options."""

    profile: str = DEFAULT_PROFILE
    disabled: set[str] = field(default_factory=set)
    severities: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, object]] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        return code not in self.disabled

    def severity(self, rule: type[Rule]) -> str:
        return self.severities.get(rule.code, rule.default_severity)

    def options_for(self, rule: type[Rule]) -> dict[str, object]:
        return {**rule.config_keys, **self.options.get(rule.code, {})}

    def make(self, rule: type[Rule]) -> Rule:
        return rule(self.severity(rule), self.options_for(rule))


def _index() -> dict[str, type[Rule]]:
    out: dict[str, type[Rule]] = {}
    for r in RULES:
        out[r.code] = r
        out[r.name] = r
    return out


def _coerce(value: object, default: object, key: str) -> object:
    """A configured value in the type of the rule's default (strings from the workbook included)."""
    bad = XlToolsError(f"规则配置项「{key}」的值无效：{value!r}")
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise bad
    if isinstance(default, int):
        if isinstance(value, bool):
            raise bad
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        raise bad
    if isinstance(default, Decimal):
        if isinstance(value, bool):
            raise bad
        text = repr(value) if isinstance(value, float) else str(value).strip().rstrip("%％")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise bad from None
        if not number.is_finite() or number.copy_abs() > MAX_OPTION:     # nan, inf, 1e999999
            raise bad
        return number
    if isinstance(default, (list, tuple)):
        if isinstance(value, str):
            return [w for w in _LIST_SEP.split(value.strip()) if w]
        if isinstance(value, list) and all(isinstance(w, str) for w in value):
            return list(value)
        raise bad
    if isinstance(value, str):
        return value
    raise bad


def _codes(value: object, key: str) -> set[str]:
    index = _index()
    words = [w for w in _LIST_SEP.split(value.strip()) if w] if isinstance(value, str) else value
    if not isinstance(words, list):
        raise XlToolsError(f"规则配置项「{key}」应为规则编号列表：{value!r}")
    out = set()
    for w in words:
        if w in index:
            out.add(index[w].code)
        elif _imported(w):
            out.add(w)
        else:
            raise XlToolsError(f"规则配置项「{key}」中的未知规则「{w}」")
    return out


def _imported(code: str) -> bool:
    """An import's finding code (IMP…): not a rule, but the person may switch what it reports off once
    they have checked it against the source table (``Config.enabled``: the workbook's import findings)."""
    return family_of(code) == IMPORT_FAMILY and code in codes()


def _set(config: Config, rule: type[Rule], key: str, value: object, where: str) -> None:
    if key == "severity":
        word = str(value).strip().lower()
        if word not in SEVERITY_WORDS:
            raise XlToolsError(f"规则配置项「{where}」的级别无效：{value!r}（应为 错误/警告/提示）")
        config.severities[rule.code] = SEVERITY_WORDS[word]
    elif key == "enabled":
        if _coerce(value, True, where):
            config.disabled.discard(rule.code)
        else:
            config.disabled.add(rule.code)
    elif key in rule.config_keys:
        config.options.setdefault(rule.code, {})[key] = _coerce(value, rule.config_keys[key], where)
    else:
        raise XlToolsError(f"未知的规则配置项「{where}」")


def apply_table(config: Config, data: Mapping[str, object], source: str) -> Config:
    """Apply a profile-shaped mapping (parsed TOML) onto ``config``."""
    index = _index()
    for key, value in data.items():
        if key in FORM_KEYS or key in ("profile", "base"):
            continue                        # what the table looks like (profiles.Profile), not a rule
        if key == "disabled":
            config.disabled |= _codes(value, key)
        elif key in index and isinstance(value, Mapping):
            for sub, v in value.items():
                _set(config, index[key], sub, v, f"{key}.{sub}")
        else:
            raise XlToolsError(f"{source} 中未知的规则配置项「{key}」")
    return config


def apply_settings(config: Config, settings: Mapping[str, str]) -> Config:
    """Apply the workbook's 基本信息 overrides: ``CODE.key = value`` and ``disabled = A, B``."""
    index = _index()
    for key, value in settings.items():
        key = key.strip()
        if key in ("disabled", "停用规则"):
            config.disabled |= _codes(value, key)
            continue
        head, _, sub = key.rpartition(".")
        if head and sub == "enabled" and _imported(head):          # IMP010.enabled = 否: checked, said enough
            (config.disabled.discard if _coerce(value, True, key) else config.disabled.add)(head)
            continue
        if not head or head not in index:
            raise XlToolsError(f"基本信息中未知的规则配置项「{key}」")
        _set(config, index[head], sub, value, key)
    return config


def _read_file(path: str | Path) -> dict:
    path = Path(path)
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise XlToolsError("配置文件不是 UTF-8 编码：请用记事本等另存为 UTF-8 后再试", file=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise XlToolsError(f"配置文件格式错误：{exc}", file=str(path)) from None
    except (RecursionError, ValueError):
        raise XlToolsError("配置文件嵌套过深或数值过长，无法读取", file=str(path)) from None


def load_config(profile: str | None = None, *, settings: Mapping[str, str] | None = None,
                path: str | Path | None = None) -> Config:
    """Profile → workbook settings → config file; ``profile`` None means the default profile."""
    extra = _read_file(path) if path is not None else {}
    name = str(extra.get("profile") or profile or DEFAULT_PROFILE)
    config = Config(profile=name)
    data = tomllib.loads(profile_text(name))
    base = data.get("base")
    if base:                                # a profile that differs from another only in a few options
        apply_table(config, tomllib.loads(profile_text(str(base))), f"规则配置「{base}」")
    apply_table(config, data, f"规则配置「{name}」")
    if settings:
        apply_settings(config, settings)
    if extra:
        apply_table(config, extra, f"配置文件 {path}")
    return config


def config_for(filing, path: str | Path | None = None) -> Config:
    """The configuration a check of ``filing`` uses: its profile, its overrides, then ``path``."""
    return load_config(filing.profile or None, settings=filing.settings, path=path)
