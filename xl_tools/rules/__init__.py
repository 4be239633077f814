"""Review rules: what a careful reviewer at the finance bureau would flag (``check(filing)``)."""

from .config import Config, config_for, load_config
from .engine import check
from .registry import RULES, rule_by_code

__all__ = ["Config", "RULES", "check", "config_for", "load_config", "rule_by_code"]
