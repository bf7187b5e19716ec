"""Opening the window does not import the command modules (issue 23); a command line naming one, or asking
for help, gets the whole parser."""

from __future__ import annotations

import pytest

from desktop import cli


@pytest.mark.parametrize(
    ("words", "window_only"),
    [
        ([], True),
        (["--demo"], True),
        (["--db", "/tmp/x.sqlite3"], True),
        (["--db", "demo"], True),  # a file named like a command
        (["--db=postgresql://u@h/d", "--smoke-test"], True),
        (["demo", "/tmp/x.sqlite3"], False),
        (["--db", "x.sqlite3", "reminders"], False),
        (["--help"], False),
        (["-h"], False),
        (["nonsense"], False),  # argparse says which commands there are
    ],
)
def test_window_only(words: list[str], window_only: bool) -> None:
    assert cli._window_only(words) is window_only


def test_the_window_parser_has_the_window_options_and_no_commands() -> None:
    parser = cli.build_parser(commands=False)
    args = parser.parse_args(["--db", "x.sqlite3", "--demo"])
    assert args.demo and str(args.db) == "x.sqlite3" and args.func is cli._cmd_gui
    with pytest.raises(SystemExit):
        parser.parse_args(["reminders"])
    full = cli.build_parser()
    assert full.parse_args(["doctor"]).func is not cli._cmd_gui
