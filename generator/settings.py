"""Every configuration key, declared once: dotted key, default, kind and a one-line description.

`config.py` reads `rapor.toml` against this table; the README documents every row (a test checks it).
Keys inside `[[scheme.aspects]]`, `[[scheme.grades]]`, `[[levels]]` and `[[unit_types]]` are written
`scheme.aspects[].key`; `scheme.weights.<year>.<aspect>` and `columns.<field>` are open tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    kind: str  # str, int, float, bool, list[str], table, list[table]
    doc: str


DEFAULT_ASPECTS: list[dict[str, Any]] = [
    {"key": "kebijakan", "label_id": "Kebijakan Pelayanan", "label_en": "Service policy", "weight": 24},
    {"key": "sdm", "label_id": "Profesionalisme SDM", "label_en": "Staff professionalism", "weight": 25},
    {"key": "sarpras", "label_id": "Sarana Prasarana", "label_en": "Facilities", "weight": 18},
    {
        "key": "sipp",
        "label_id": "Sistem Informasi Pelayanan Publik",
        "label_en": "Public service information system",
        "weight": 11,
    },
    {
        "key": "konsultasi",
        "label_id": "Konsultasi dan Pengaduan",
        "label_en": "Consultation and complaints",
        "weight": 10,
    },
    {"key": "inovasi", "label_id": "Inovasi", "label_en": "Innovation", "weight": 12},
]

# Colours are dark enough for white badge text (WCAG AA contrast >= 4.5:1, so marks also clear 3:1 on white)
# and safe for colour-blind readers: the good grades are blues, the poor ones ochre to dark brown, and within
# each side lightness steps apart, so neighbouring grades differ (CIE76 delta E >= 6.9) also as seen with
# deuteranopia, protanopia and tritanopia (tests/test_charts_unit.py checks both).
DEFAULT_GRADES: list[dict[str, Any]] = [
    {"letter": "A", "min": 4.51, "max": 5.00, "predikat_id": "Pelayanan Prima",
     "predikat_en": "Excellent service", "color": "#0a2f6b", "zone": ""},
    {"letter": "A-", "min": 4.01, "max": 4.50, "predikat_id": "Sangat Baik",
     "predikat_en": "Very good", "color": "#1a4f96", "zone": ""},
    {"letter": "B", "min": 3.51, "max": 4.00, "predikat_id": "Baik",
     "predikat_en": "Good", "color": "#2966a8", "zone": ""},
    {"letter": "B-", "min": 3.01, "max": 3.50, "predikat_id": "Baik (Dengan Catatan)",
     "predikat_en": "Good (with notes)", "color": "#3a78bb", "zone": ""},
    {"letter": "C", "min": 2.51, "max": 3.00, "predikat_id": "Cukup",
     "predikat_en": "Fair", "color": "#7a6a2a", "zone": ""},
    {"letter": "C-", "min": 2.01, "max": 2.50, "predikat_id": "Cukup (Dengan Catatan)",
     "predikat_en": "Fair (with notes)", "color": "#a04a00", "zone": ""},
    {"letter": "D", "min": 1.51, "max": 2.00, "predikat_id": "Buruk",
     "predikat_en": "Poor", "color": "#8a2e10", "zone": ""},
    {"letter": "E", "min": 1.01, "max": 1.50, "predikat_id": "Sangat Buruk",
     "predikat_en": "Very poor", "color": "#62200c", "zone": ""},
    {"letter": "F", "min": 0.00, "max": 1.00, "predikat_id": "Gagal",
     "predikat_en": "Failed", "color": "#3a0f05", "zone": ""},
]

DEFAULT_LEVELS: list[dict[str, Any]] = [
    {"key": "kementerian-lembaga", "label_id": "Kementerian/Lembaga", "label_en": "Ministries and agencies",
     "needs_province": False},
    {"key": "provinsi", "label_id": "Provinsi", "label_en": "Provinces", "needs_province": True},
    {"key": "kabupaten-kota", "label_id": "Kabupaten/Kota", "label_en": "Regencies and cities",
     "needs_province": True},
]

DEFAULT_UNIT_TYPES: list[dict[str, Any]] = [
    {"key": "upp-kl", "label_id": "UPP Kementerian/Lembaga", "label_en": "Ministry/agency service unit"},
    {"key": "dpmptsp", "label_id": "DPMPTSP", "label_en": "DPMPTSP"},
    {"key": "samsat", "label_id": "SAMSAT", "label_en": "SAMSAT"},
    {"key": "disdukcapil", "label_id": "Disdukcapil", "label_en": "Disdukcapil (civil registry)"},
    {"key": "mpp", "label_id": "Mal Pelayanan Publik", "label_en": "Public service mall (MPP)"},
]

SETTINGS: tuple[Setting, ...] = (
    Setting("site.title_id", "Rapor Pelayanan Publik", "str", "Site title in Indonesian."),
    Setting("site.title_en", "Public Service Report Card", "str", "Site title in English."),
    Setting("site.description_id", "", "str", "One-sentence site description in Indonesian (meta description)."),
    Setting("site.description_en", "", "str", "One-sentence site description in English."),
    Setting("site.notice_id", "", "str", "Notice shown on every Indonesian page, e.g. that figures are illustrative."),
    Setting("site.notice_en", "", "str", "Notice shown on every English page."),
    Setting("site.base_url", "", "str",
            "Public address of the site (http or https, no query or fragment), e.g. https://example.org/rapor/: "
            "absolute URLs in sitemap.xml and robots.txt's Sitemap line; the 404 page's links start at its path; "
            "pages get canonical addresses, link-preview pictures and citations with their address."),
    Setting("site.theme", "default", "str", "Theme folder under themes/ whose templates override the default theme."),
    Setting("site.languages", ["id", "en"], "list[str]", "Languages to build; the first is served at the root."),
    Setting("program.key", "pekppp", "str", "Short identifier of the evaluation program."),
    Setting("program.name_id", "Evaluasi Pelayanan Publik KemenPANRB", "str", "Program name in Indonesian."),
    Setting("program.name_en", "KemenPANRB Public Service Evaluation", "str", "Program name in English."),
    Setting("program.publisher", "", "str", "Who publishes this site (shown in the footer)."),
    Setting("program.data_license", "", "str",
            "Licence of the downloadable data as an SPDX identifier (e.g. CC-BY-4.0): datapackage.json and the "
            "data page; empty: no licence stated."),
    Setting("program.data_license_url", "", "str", "Address (http or https) of the data licence's text."),
    Setting("program.source_url", "", "str",
            "Address (http or https) where the evaluation results are officially published: the downloads' source."),
    Setting("program.published", {}, "table",
            "The day each year's results were published: [program.published] 2024 = \"2024-12-10\"; shown as "
            "'data as of' and in citations on unit, year and ranking pages (years without a date show none)."),
    Setting("scheme.scale_min", 0.0, "float", "Lowest possible index or score."),
    Setting("scheme.scale_max", 5.0, "float", "Highest possible index or score."),
    Setting("scheme.precision", 2, "int", "Published decimals; ranks and grades compare values rounded to this."),
    Setting("scheme.tolerance", 0.01, "float",
            "Largest accepted gap between the index and the weighted aspects before a warning."),
    Setting("scheme.index_label_id", "Indeks", "str", "Name of the overall score in Indonesian."),
    Setting("scheme.index_label_en", "Index", "str", "Name of the overall score in English."),
    Setting("scheme.aspects", DEFAULT_ASPECTS, "list[table]", "The weighted aspects (may be empty)."),
    Setting("scheme.aspects[].key", None, "str", "Aspect identifier, also the default column name."),
    Setting("scheme.aspects[].label_id", None, "str", "Aspect label in Indonesian."),
    Setting("scheme.aspects[].label_en", None, "str", "Aspect label in English."),
    Setting("scheme.aspects[].weight", None, "float", "Aspect weight in percent; all weights sum to 100."),
    Setting("scheme.weights", {}, "table",
            "Per-year weights overriding the aspect weights: [scheme.weights.2020] aspect = percent."),
    Setting("scheme.grades", DEFAULT_GRADES, "list[table]", "Grade bands, from best to worst, covering the scale."),
    Setting("scheme.grades[].letter", None, "str", "Grade letter as published, e.g. A or B-."),
    Setting("scheme.grades[].min", None, "float", "Lowest index in the band (inclusive)."),
    Setting("scheme.grades[].max", None, "float", "Highest index in the band (inclusive)."),
    Setting("scheme.grades[].predikat_id", None, "str", "Predikat in Indonesian, e.g. Pelayanan Prima."),
    Setting("scheme.grades[].predikat_en", None, "str", "Predikat in English."),
    Setting("scheme.grades[].color", None, "str", "Badge colour (#rrggbb) for white text."),
    Setting("scheme.grades[].zone", "", "str", "Optional zone the band belongs to (e.g. hijau, kuning, merah)."),
    Setting("levels", DEFAULT_LEVELS, "list[table]", "Government levels a unit can belong to."),
    Setting("levels[].key", None, "str", "Level identifier used in the registry's level column."),
    Setting("levels[].label_id", None, "str", "Level label in Indonesian."),
    Setting("levels[].label_en", None, "str", "Level label in English."),
    Setting("levels[].needs_province", False, "bool", "Units at this level must give a province code."),
    Setting("unit_types", DEFAULT_UNIT_TYPES, "list[table]", "Unit types (DPMPTSP, SAMSAT, ...)."),
    Setting("unit_types[].key", None, "str", "Type identifier used in the registry's type column."),
    Setting("unit_types[].label_id", None, "str", "Type label in Indonesian."),
    Setting("unit_types[].label_en", None, "str", "Type label in English."),
    Setting("data.registry", "data/units.csv", "str", "The unit registry CSV, relative to the project."),
    Setting("data.provinces", "data/reference/provinsi.csv", "str",
            "Province reference CSV (kode, nama), relative to the project."),
    Setting("data.regencies", "data/reference/kabupaten_kota.csv", "str",
            "Regency/city reference CSV (kode such as 35.07, nama); if left at its default and absent, or set "
            "to \"\", regency codes are only checked against their province."),
    Setting("data.corrections", "data/corrections.csv", "str",
            "The corrections log (see 'Correcting published results'); a missing file at the default place "
            "means no corrections, \"\" turns the log off."),
    Setting("data.province_map", "data/reference/provinsi-38-kemendagri.topo.json", "str",
            "Province boundaries (TopoJSON, each geometry's id a code of data.provinces) for the map on the "
            "province pages; if left at its default and absent, or set to \"\", the site has no map."),
    Setting("data.province_map_credit_id",
            "denyherianto/indonesia-geojson-topojson-maps-with-38-provinces (CC BY 4.0), kode 93–96 ditambahkan",
            "str", "The boundaries' source and licence in Indonesian, printed under the map (their licence may "
                   "require it); \"\" prints none."),
    Setting("data.province_map_credit_en",
            "denyherianto/indonesia-geojson-topojson-maps-with-38-provinces (CC BY 4.0), codes 93–96 added",
            "str", "The same credit in English."),
    Setting("data.layout", "per-year", "str",
            "per-year: one file per year named <year>.csv in data.results; long: one file with a year column."),
    Setting("data.results", "data/results", "str", "Folder of yearly files (per-year) or the one file (long)."),
    Setting("data.not_evaluated", ["", "-", "–", "—", "n/a", "N/A", "NA", "TD"], "list[str]",
            "Cell values meaning 'not evaluated' (compared ignoring case and surrounding spaces)."),
    Setting("data.zero_is_missing", True, "bool",
            "Treat an index of 0 (often exported with grade 0) as not evaluated."),
    Setting("data.ignore_columns", [], "list[str]",
            "Headers of the result files and the registry that Rapor does not read, e.g. [\"No\", \"Provinsi\"]: "
            "any other column that matches no field is reported (a warning; an error with --strict)."),
    Setting("columns", {}, "table",
            "Column mapping: Rapor field = the file's header. Fields: year, unit_id, unit_name, index, grade "
            "and each aspect key."),
    Setting("build.output", "output", "str", "Output folder, relative to the project."),
)

SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}
