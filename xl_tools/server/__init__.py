"""xlwings Server for xl-tools: the Office.js add-in's 刷新 / 生成公开表 buttons (``xl-tools serve``).

Needs the ``server`` extra (xlwings-server) and an xlwings PRO licence key, or
``XLWINGS_LICENSE_KEY=noncommercial`` under the PolyForm Noncommercial licence (government and
educational institutions). The desktop button and the command line never import this package.

Layout: ``project/`` is xlwings-server's project directory (``XLWINGS_PROJECT_DIR``): it holds only
``custom_scripts/`` (our ``@script`` functions), ``templates/`` (task pane, manifest) and ``static/``
(ribbon JS, CSS). xlwings-server puts that directory at the front of ``sys.path``, so nothing else
lives there.
"""
