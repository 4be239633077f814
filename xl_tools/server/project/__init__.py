"""xlwings-server's project directory (XLWINGS_PROJECT_DIR) for xl-tools; a package only so that
``custom_scripts`` is installed as code. xlwings-server imports ``custom_scripts`` from here as a
top-level module; do not import ``xl_tools.server.project.custom_scripts`` yourself."""
