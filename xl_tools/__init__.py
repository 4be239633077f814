"""xl-tools: prepare, check and publish the 项目支出绩效目标表 in Excel."""

__version__ = "0.1.0"
