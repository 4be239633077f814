"""The upload page: xl-tools for WPS and any spreadsheet, through a browser.

A person drops a workbook on the page and gets it back refreshed under the same name, with the findings
listed; the 公开表 as xlsx or PDF; a reviewer drops several units' files and gets the 审核汇总. Served by
``xl-tools serve`` at ``/web/`` (beside the add-in) and by ``xl-tools web`` on one PC (127.0.0.1).

- ``tasks``: each request's work through ``app`` (and the reviewer's ``batch``), in a temporary folder
  removed before the answer;
- ``site``: the ASGI app (page, script, style, JSON routes), limits and error answers;
- ``serving``: the page beside the add-in, or alone on 127.0.0.1.
"""
