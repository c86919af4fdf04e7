"""Columns of a data file that no field reads: reported, with the field each most likely meant.

A misspelled optional header (`grde`) would otherwise switch its check off without a word, and a header in
the export's own words (`Predikat`, `Indeks`) would be ignored instead of mapped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from .csv_read import Table
from .errors import ProblemList

# Headers Indonesian exports use for Rapor's fields, compared after `_plain`.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "year": ("tahun", "thn", "tahun evaluasi", "periode"),
    "unit_id": ("id", "kode", "kode unit", "kode upp", "id upp", "id unit", "kode instansi", "kode satker"),
    "unit_name": ("nama", "nama unit", "nama upp", "unit", "upp", "instansi", "nama instansi", "satker",
                  "nama satker", "unit pelayanan"),
    "index": ("indeks", "nilai", "skor", "score", "nilai indeks", "ikpp", "ipp", "nilai akhir", "total"),
    "grade": ("predikat", "kategori", "nilai huruf", "huruf", "opini", "peringkat huruf", "kriteria"),
}


def _plain(header: str) -> str:
    return " ".join(re.sub(r"[_\-./]+", " ", header.casefold()).split())


def likely_field(header: str, names: Mapping[str, Iterable[str]]) -> str | None:
    """The field a header most likely means, among `names` (field -> the names it goes by), or None."""
    plain = _plain(header)
    scored: list[tuple[float, str]] = []
    for field, known in names.items():
        candidates = {_plain(n) for n in (field, *known, *SYNONYMS.get(field, ()))}
        if plain in candidates:
            return field
        scored.append((max(difflib.SequenceMatcher(None, plain, c).ratio() for c in candidates), field))
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] >= 0.75 else None


def report_unread(table: Table, read: Iterable[str], ignored: frozenset[str], names: Mapping[str, Iterable[str]],
                  problems: ProblemList, strict: bool, what: str) -> None:
    """Report every named column of `table` that is neither read nor ignored (a warning; an error if strict).

    `names` holds the fields the file does not provide yet (field -> other names it goes by), for the hint.
    """
    report = problems.error if strict else problems.warning
    taken = set(read)
    for header, column in table.columns.items():
        if header in taken or header.strip().casefold() in ignored:
            continue
        field = likely_field(header, names)
        if field is not None:
            hint = (f"did you mean '{field}'? map it under [columns] in rapor.toml: {field} = \"{header}\""
                    if what == "results" else f"did you mean '{field}'? rename the column to {field}")
        else:
            hint = "list it in data.ignore_columns in rapor.toml if Rapor need not read it"
            if names and what == "results":
                hint = ("map it to a field under [columns] (not found in this file: " + ", ".join(names) + "), or "
                        + hint)
        report(table.path, 1, column, f"column '{header}' matches no field and is not read", hint)
