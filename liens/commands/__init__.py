"""The ``liens`` commands, one module per family; importing this package registers them all.

Add a command in the module of its family (or a new module imported here) with
``@app.command()`` on :data:`liens.commands.common.app`. ``liens --help`` lists the commands in
the order the modules are imported below.
"""

# isort: off
from liens.commands import data  # noqa: F401  (registration, in help order)
from liens.commands import collect  # noqa: F401
from liens.commands import analysis  # noqa: F401
from liens.commands import crisis  # noqa: F401
from liens.commands import handles  # noqa: F401
from liens.commands.common import app

# isort: on

__all__ = ["app"]
