"""``python -m grantflow.cli``: the same as the ``grantflow`` command."""

from grantflow.cli import main

main()
