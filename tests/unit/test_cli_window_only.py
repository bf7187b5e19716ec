"""Opening the window does not import the command modules (issue 23); a command line naming one imports
that one alone; asking for help, or an unknown word, gets the whole parser."""

from __future__ import annotations

import pytest

from desktop import cli

ALL = cli.COMMANDS


@pytest.mark.parametrize(
    ("words", "modules"),
    [
        ([], ()),
        (["--demo"], ()),
        (["--db", "/tmp/x.sqlite3"], ()),
        (["--db", "demo"], ()),  # a file named like a command
        (["--db=postgresql://u@h/d", "--smoke-test"], ()),
        (["demo", "/tmp/x.sqlite3"], ("demo",)),
        (["--db", "x.sqlite3", "reminders", "--json"], ("reminders",)),
        (["render", "--help"], ("documents",)),
        (["--db", "x.sqlite3", "restore", "b.tdbackup"], ("backup",)),
        (["--help"], ALL),
        (["-h"], ALL),
        (["nonsense"], ALL),  # argparse says which commands there are
    ],
)
def test_the_modules_a_command_line_needs(words: list[str], modules: tuple[str, ...]) -> None:
    assert tuple(cli._command_modules(words)) == modules


def test_every_command_is_found_in_the_module_registering_it(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse
    import importlib

    registered: dict[str, str] = {}
    for name in cli.COMMANDS:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"desktop.commands.{name}").register(
            sub, argparse.ArgumentParser(add_help=False)
        )
        registered.update(dict.fromkeys(sub.choices, name))
    assert registered == cli.COMMAND_MODULES
    for word, module in registered.items():  # each is there with its module alone
        with pytest.raises(SystemExit) as exit_:
            cli.build_parser((module,)).parse_args([word, "--help"])
        assert exit_.value.code == 0
        assert f"tribunal-desk {word}" in capsys.readouterr().out


def test_the_window_parser_has_the_window_options_and_no_commands() -> None:
    parser = cli.build_parser(())
    args = parser.parse_args(["--db", "x.sqlite3", "--demo"])
    assert args.demo and str(args.db) == "x.sqlite3" and args.func is cli._cmd_gui
    with pytest.raises(SystemExit):
        parser.parse_args(["reminders"])
    full = cli.build_parser()
    assert full.parse_args(["doctor"]).func is not cli._cmd_gui
