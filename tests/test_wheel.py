"""Rapor installed from its wheel (not editable) or editable from a copy of the source, in a fresh venv:
the default theme, the reference lists and the starter ship with it, so a project without themes/ builds.

The fresh venv gets Rapor alone (--no-deps); its dependencies come from this test's own environment through
a .pth file, so nothing is downloaded. A .pth line only adds a folder to sys.path (the .pth files in that
folder, such as this environment's editable install of Rapor, are not run), and the venv's own site-packages
comes first: the `generator` imported there is the installed one, which each test checks.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from generator import __version__

from scratch_site import PROVINCES, REGENCIES, TmpSite

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
# What building the package needs from the repository (pyproject.toml maps themes/ and data/reference/ in).
SOURCES = ("pyproject.toml", "README.md", "generator", "themes/default", "data/reference")


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
                          check=False)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of what the package is built from, so that building leaves the repository as it was."""
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    return copy


def pip(*args: str | Path, cwd: Path) -> str:
    # With setuptools at hand the build needs no network; without it pip fetches setuptools to build with.
    offline = ["--no-build-isolation", "--no-index"] if importlib.util.find_spec("setuptools") else []
    return ok(run(sys.executable, "-m", "pip", *args, *offline, cwd=cwd))


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """Makes an empty venv that can import this environment's packages (Rapor's dependencies) after its own."""

    def make() -> Path:
        venv = tmp_path_factory.mktemp("venv")
        ok(run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv))
        python = venv / "bin" / "python"
        own = Path(ok(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=venv))
                   .strip())
        # Wherever this environment finds its packages: its own site-packages and any system ones it uses.
        ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
                              *(p for p in sys.path if Path(p).name in ("site-packages", "dist-packages"))])
        (own / "zz_dependencies_from_the_test_environment.pth").write_text("\n".join(ours) + "\n")
        return venv

    return make


def theme_less_project(folder: Path) -> Path:
    site_ = TmpSite(folder)
    site_.config()
    site_.write("data/reference/provinsi.csv", PROVINCES)
    site_.write("data/reference/kabupaten_kota.csv", REGENCIES)
    site_.units()
    site_.results(2023, [("kl-imigrasi", 3.80), ("35.07-dpmptsp", 4.20), ("35.78-dpmptsp", 4.55)])
    assert not (folder / "themes").exists()
    return folder


def check_installed_rapor(venv: Path, work: Path) -> None:
    """The installed `rapor` builds a project that has no themes/ folder, and a project made by `rapor init`."""
    rapor = venv / "bin" / "rapor"
    assert ok(run(rapor, "--version", cwd=work)).strip() == f"rapor, version {__version__}"
    project = theme_less_project(work / "kota")
    ok(run(rapor, "build", project, cwd=work))
    out = project / "output"
    page = lxml.html.document_fromstring((out / "unit/35.07-dpmptsp/index.html").read_bytes())
    assert page.findtext(".//h1") == "DPMPTSP Kabupaten Malang"
    assert page.get("lang") == "id"
    assert (out / "static/rapor.css").read_bytes() == (REPO / "themes/default/static/rapor.css").read_bytes()
    english = lxml.html.document_fromstring((out / "en/index.html").read_bytes())
    assert english.get("lang") == "en" and "Illustrative data." in english.text_content()
    ok(run(rapor, "init", "baru", cwd=work))
    ok(run(rapor, "build", "baru", cwd=work))
    assert (work / "baru/output/unit/33.74-dpmptsp/index.html").is_file()


def test_the_wheel_ships_the_theme_and_builds_a_project_without_themes(
        source: Path, fresh_venv: Callable[[], Path], tmp_path: Path) -> None:
    pip("wheel", "--no-deps", "--wheel-dir", tmp_path / "dist", source, cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("rapor-*.whl")
    listing = set(zipfile.ZipFile(wheel).namelist())
    expected = ({f"generator/default_theme/{name}" for name in files_in(REPO / "themes/default")}
                | {f"generator/reference_data/{name}" for name in files_in(REPO / "data/reference")}
                | {f"generator/starter/{name}" for name in files_in(REPO / "generator/starter")})
    assert expected - listing == set()
    assert "generator/default_theme/templates/unit.html" in listing
    venv = fresh_venv()
    python = venv / "bin" / "python"
    ok(run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=tmp_path))
    where = ok(run(python, "-c", "import generator; print(generator.__file__)", cwd=tmp_path)).strip()
    assert Path(where).is_relative_to(venv), where
    check_installed_rapor(venv, tmp_path)


def test_an_editable_install_reads_the_theme_from_the_source(
        source: Path, fresh_venv: Callable[[], Path], tmp_path: Path) -> None:
    venv = fresh_venv()
    python = venv / "bin" / "python"
    pip("--python", python, "install", "--no-deps", "--editable", source, cwd=tmp_path)
    where = ok(run(python, "-c", "import generator.theme as t; print(t.__file__); print(t.DEFAULT_THEME)",
                   cwd=tmp_path)).split()
    assert where == [str(source / "generator/theme.py"), str(source / "themes/default")]
    check_installed_rapor(venv, tmp_path)
