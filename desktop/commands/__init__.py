"""Subcommands of ``tribunal-desk``, one module per feature.

Each module defines ``register(sub, common)``: it adds its subparser(s) to ``sub`` with ``common`` as a
parent (which carries ``--db``) and sets ``func`` to a function taking the parsed arguments and returning
the exit code. ``desktop.cli`` lists the modules in ``COMMANDS``.
"""
