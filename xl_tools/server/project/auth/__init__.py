"""xlwings-server imports ``auth.<provider>`` from the project directory before its own: ``custom``
here replaces its placeholder (which accepts the literal token "test-token")."""
