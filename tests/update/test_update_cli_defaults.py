"""The CLI repeats the download defaults (to start fast); they must agree."""

from clearance.cli import update_command
from clearance.update import download


def test_cli_defaults_are_the_download_defaults() -> None:
    assert update_command.DEFAULT_TIMEOUT == download.DEFAULT_TIMEOUT
    assert update_command.DEFAULT_TRIES == download.DEFAULT_TRIES
