"""The `rapor` command line: exit codes 0 ok, 2 bad input, 1 internal fault; --version; --help everywhere."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator import __version__
from generator.cli import main

from scratch_site import TmpSite

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_version() -> None:
    assert run("--version") == (0, f"rapor, version {__version__}\n")


def test_help_on_the_group_and_every_command() -> None:
    code, output = run("--help")
    assert code == 0 and "Usage:" in output
    assert isinstance(main, click.Group)
    assert "validate" in main.commands
    for name in main.commands:
        code, output = run(name, "--help")
        assert code == 0, name
        assert output.startswith(f"Usage: main {name}") or output.startswith(f"Usage: rapor {name}"), output


def test_validate_the_ombudsman_example() -> None:
    code, output = run("validate", str(REPO / "examples" / "ombudsman"), "--strict")
    assert code == 0, output
    assert output.startswith("ok: 39 units, 115 result rows, years 2022–2024, ")


@pytest.mark.slow
def test_validate_the_sample_project() -> None:
    code, output = run("validate", str(REPO), "--strict")
    assert code == 0, output


def test_validate_defaults_to_the_current_folder(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_site.root)
    code, output = run("validate")
    assert code == 0, output


def test_the_validate_summary_counts_in_plain_english(tmp_site: TmpSite) -> None:
    """One year is "year 2024", not "years 2024–2024"; one warning is "1 warning"."""
    (tmp_site.root / "data/results/2022.csv").unlink()
    lines = (tmp_site.root / "data/results/2023.csv").read_text(encoding="utf-8").splitlines()
    # A column no field reads: one warning.
    extended = "".join(f"{line},{'nomor' if n == 0 else n}\n" for n, line in enumerate(lines))
    tmp_site.write("data/results/2023.csv", extended)
    result = tmp_site.validate()
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip()
    assert summary.startswith("ok: 8 units, 8 result rows, year 2023, 2 content pages; "), summary
    assert summary.endswith("; 1 warning"), summary


def test_bad_input_exits_2_without_a_traceback(tmp_site: TmpSite) -> None:
    tmp_site.write("data/results/2023.csv", "unit_id,index\n11-dpmptsp,3.80\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.endswith(" found; nothing was written.\n")


def test_missing_project_folder_exits_2(tmp_path: Path) -> None:
    code, output = run("validate", str(tmp_path / "nowhere"))
    assert code == 2
    assert output.startswith(f"rapor.toml:1:1: no rapor.toml in {(tmp_path / 'nowhere').resolve()}\n"
                             "  hint: run rapor in a project folder, or pass the folder: rapor build PROJECT_DIR; "
                             "to start a new project there, run: rapor init PROJECT_DIR\n")


def test_internal_fault_exits_1_and_asks_for_a_report(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("generator.pipeline.check_registry", broken)
    result = tmp_site.validate()
    assert result.exit_code == 1
    assert "RuntimeError: a bug" in result.output
    assert "rapor hit an internal error (a bug, not your input)" in result.output


def test_a_file_given_as_project_or_output_folder_is_a_located_error(tmp_site: TmpSite, tmp_path: Path) -> None:
    # Click's own folder check printed a multi-line usage error instead of the one-line located form.
    a_file = tmp_path / "a-file"
    a_file.write_text("x\n", encoding="utf-8")
    code, output = run("validate", str(a_file))
    assert code == 2 and "Usage:" not in output
    assert output.splitlines()[0] == f"{a_file.resolve()}:1:1: this is a file, not a project folder", output
    result = tmp_site.build("-o", str(a_file))
    assert result.exit_code == 2 and "Usage:" not in result.output
    assert result.stderr.splitlines()[0] == f"{a_file}:1:1: the output folder exists and was not made by rapor"
    assert a_file.read_text(encoding="utf-8") == "x\n"


@pytest.mark.parametrize(("args", "lines"), [
    (["build", "--jbos", "2"], ["--jbos:1:1: no such option '--jbos'. Did you mean '--jobs'?",
                                "  hint: see rapor build --help"]),
    (["biuld"], ["rapor:1:1: no such command 'biuld'. Did you mean 'build'?", "  hint: see rapor --help"]),
    (["serve", "--port", "70000"], ["--port:1:1: invalid value for '--port': 70000 is not in the range 0<=x<=65535",
                                    "  hint: see rapor serve --help"]),
    (["validate", "a", "b"], ["rapor validate:1:1: got unexpected extra argument (b)",
                              "  hint: see rapor validate --help"]),
    (["build", "-o"], ["-o:1:1: option '-o' requires an argument", "  hint: see rapor --help"]),
])
def test_a_bad_argument_is_one_located_line_with_a_hint(args: list[str], lines: list[str]) -> None:
    """Click's own usage errors (a block of usage text and 'Error: ...') are written like every other problem."""
    result = CliRunner().invoke(main, args, prog_name="rapor")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [*lines, "1 error found; nothing was written."]
    assert result.stdout == ""


def test_rapor_alone_shows_the_help() -> None:
    result = CliRunner().invoke(main, [], prog_name="rapor")
    assert result.exit_code == 2
    assert result.output.startswith("Usage: rapor [OPTIONS] COMMAND [ARGS]...\n")
