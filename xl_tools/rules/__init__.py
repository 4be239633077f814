"""Review rules: what a careful reviewer at the finance bureau would flag (``check(filing)``)."""

from .config import Config, config_for, load_config, profile_names
from .engine import RULES, check, rule_by_code

__all__ = ["Config", "RULES", "check", "config_for", "load_config", "profile_names", "rule_by_code"]
