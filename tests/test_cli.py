import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sdrscan", *args], capture_output=True, text=True, timeout=120)


def test_help_lists_commands() -> None:
    r = run("--help")
    assert r.returncode == 0
    assert "synth" in r.stdout and "info" in r.stdout


def test_unknown_command_is_one_line_error() -> None:
    r = run("no-such-command")
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
