"""One router module per role (``city``, ...) and ``account`` for signing in and out."""
