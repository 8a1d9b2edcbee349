"""The endpoint registry (trialex.endpoints, ``resources/endpoints.json`` "classes"/"codes"):
the one source of codes, and an endpoint added from data alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from trialex import endpoints, rulebook
from trialex.endpoints import parse_registry, registry
from trialex.records import ENDPOINTS, STATISTICS, DocumentResult, Record
from trialex.rulebook import RuleError

BUNDLED = rulebook.BUNDLED
TABLE = json.loads((BUNDLED / "endpoints.json").read_text("utf-8"))


def test_endpoints_registry_orders_the_codes_of_the_contract() -> None:
    reg = registry()
    assert list(ENDPOINTS) == list(reg.order())
    assert ENDPOINTS[0] == "sample_size" and ENDPOINTS[-1] == "other"
    assert {r["code"] for r in TABLE["endpoints"]} <= set(ENDPOINTS)
    for entry in reg.codes.values():
        assert entry.statistics <= set(STATISTICS)
        assert entry.colour.startswith("#") and entry.name
    assert reg.codes["OS"].languages == ("en", "zh")


def test_endpoints_the_code_sets_of_assembly_derive_from_the_registry() -> None:
    """The sets assembly used to spell out are the registry's statistics (pinned: the same
    behaviour as before the registry)."""
    from trialex.extract import candidate, linking

    survival = {"OS", "RFS", "EFS", "PFS", "DFS", "LFS"}
    assert set(candidate.TIME_ENDPOINTS) == survival | {"TTP", "DOR", "follow_up", "time_to_event"}
    assert set(candidate.RATE_ENDPOINTS) == survival | {"NRM", "relapse"}
    assert set(candidate.COUNTLESS_ENDPOINTS) == set(candidate.TIME_ENDPOINTS) - {"OS"}
    assert set(candidate.LABELLED_ENDPOINTS) == {"adverse_events", "time_to_event", "other"}
    assert set(linking._SUBTYPES) == {"CRi", "CRp", "CRh"}
    assert "TTP" in candidate.TIME_ENDPOINTS - candidate.RATE_ENDPOINTS
    assert "OS" not in candidate.TIME_ENDPOINTS - candidate.RATE_ENDPOINTS


def test_endpoints_report_colours_are_the_registry_colours() -> None:
    from trialex.report import ENDPOINT_COLOURS, _endpoint_css

    assert dict(ENDPOINT_COLOURS) == {c: e.colour for c, e in registry().codes.items()}
    assert ".ep-OS { --c: #3c4fe0;" in _endpoint_css()


def _table(**changes: Any) -> dict[str, Any]:
    return {**{k: TABLE[k] for k in ("classes", "codes")}, "endpoints": [], **changes}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_table(classes={}), "needs 'classes'"),
        (_table(codes=[*TABLE["codes"], TABLE["codes"][1]]), "duplicate code 'ORR'"),
        (_table(codes=[{**TABLE["codes"][1], "class": "nope"}]), "class 'nope' not in"),
        (_table(codes=[{**TABLE["codes"][1], "colour": "red"}]), "not #rrggbb"),
        (_table(codes=[{**TABLE["codes"][1], "name": ""}]), "display 'name'"),
        (_table(codes=[{**TABLE["codes"][1], "statistics": ["speed"]}]), "'statistics' must"),
        (_table(codes=[{**TABLE["codes"][1], "subtype_of": "XX"}]), "subtype_of 'XX'"),
        (_table(codes=[{**TABLE["codes"][1], "shape": 1}]), "unknown keys"),
        (_table(codes=[{**TABLE["codes"][1], "code": "not a code"}]), "bad code"),
        (_table(endpoints=[{"id": "x", "code": "MFS", "terms": {}}]), "unknown code 'MFS'"),
    ],
)
def test_endpoints_registry_rejects_bad_entries(data: dict, message: str) -> None:
    with pytest.raises(RuleError, match=message) as caught:
        parse_registry(data, "endpoints.json")
    assert str(caught.value).startswith("endpoints.json: ")


def _record(code: str) -> dict[str, Any]:
    return {
        "endpoint": code,
        "statistic": "median",
        "value": 40.5,
        "span": {"start": 0, "end": 4},
        "text": "40.5",
        "extractor": "rules",
    }


def test_endpoints_record_codes_are_validated_against_the_registry() -> None:
    assert Record.model_validate(_record("OS")).endpoint == "OS"
    with pytest.raises(ValidationError, match="unknown endpoint code 'MFS'"):
        Record.model_validate(_record("MFS"))
    schema = Record.model_json_schema()["properties"]["endpoint"]
    assert schema["enum"] == list(endpoints.bundled().order())


# ---- adding an endpoint from data alone ----------------------------------------------------

MFS_CODE = {
    "code": "MFS",
    "class": "time_to_event",
    "name": "Metastasis-free survival",
    "colour": "#1f7a8c",
}
MFS_TERMS = {
    "id": "mfs",
    "code": "MFS",
    "terms": {"en": ["metastasis-free survival", "MFS"], "zh": ["无转移生存期", "无转移生存"]},
    "examples": {
        "match": ["median metastasis-free survival was 40.5 months", "中位无转移生存期为40.5个月"],
        "no_match": ["no metastases at baseline"],
    },
}
# an invented abstract of the phrasing class "median <endpoint> was x months (CI) with A and
# y months with B (HR h; P p); the n-year <endpoint> rate was z%", and its Chinese sentence
TEXT = (
    "Abstract\n"
    "Results: Median metastasis-free survival was 40.5 months (95% CI, 36.4 to 44.6) with "
    "drug A and 18.4 months with placebo (hazard ratio, 0.29; P<0.001). The 3-year MFS rate "
    "was 62%.\n"
    "摘要\n"
    "结果：中位无转移生存期为40.5个月。\n"
)


def _mfs_rules(tmp_path: Path) -> Path:
    """A copy of the bundled rules with one new endpoint: a ``codes`` entry and its terms."""
    root = tmp_path / "rules"
    shutil.copytree(BUNDLED, root, ignore=shutil.ignore_patterns("ner", "report", "review"))
    data = json.loads((root / "endpoints.json").read_text("utf-8"))
    data["codes"].append(MFS_CODE)
    data["endpoints"].append(MFS_TERMS)
    (root / "endpoints.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return root


def _rows(result: DocumentResult) -> list[tuple[Any, ...]]:
    return [
        (r.endpoint, r.statistic, r.value, r.timepoint.value if r.timepoint else None, r.language)
        for r in result.records
    ]


def test_endpoints_an_endpoint_is_added_from_data_alone(tmp_path: Path) -> None:
    """MFS is one ``codes`` entry (class, name, colour) and one term entry (en + zh, with its
    examples) in a rules folder: the pipeline on that folder gives MFS records with the
    statistics of its class (median, hazard ratio, rate at a time point), they validate, the
    report colours them, ``trialex eval`` scores them; the bundled rules know no MFS."""
    from trialex.evaluate import evaluate
    from trialex.io import write_result
    from trialex.pipeline import process
    from trialex.records import Document
    from trialex.report import render_report
    from trialex.settings import Settings

    root = _mfs_rules(tmp_path)
    document = Document(doc_id="mfs", source="mfs.txt", sha256="0" * 64, text=TEXT)
    bundled = process(document, settings=Settings())
    assert "MFS" not in {r.endpoint for r in bundled.records}

    result = process(document, settings=Settings(rules_dir=root))
    assert _rows(result) == [
        ("MFS", "median", 40.5, None, "en"),
        ("MFS", "median", 18.4, None, "en"),
        ("MFS", "hazard_ratio", 0.29, None, "en"),
        ("MFS", "rate", 62.0, 3.0, "en"),
        ("MFS", "median", 40.5, None, "zh"),
    ]
    assert all(TEXT[r.span.start : r.span.end] == r.text for r in result.records)
    assert all(not r.warnings for r in result.records)

    # validation: the result is valid under the registry of its rules folder, not without it
    data = result.model_dump_json()
    with rulebook.using(root):
        assert DocumentResult.model_validate_json(data) == result
        assert registry().name("MFS") == "Metastasis-free survival"
    with pytest.raises(ValidationError, match="unknown endpoint code 'MFS'"):
        DocumentResult.model_validate_json(data)

    # report colour
    with rulebook.using(root):
        page = render_report(result, TEXT)
    assert ".ep-MFS { --c: #1f7a8c;" in page
    assert 'title="Metastasis-free survival">MFS<' in page

    # eval: gold of the same records scores them (per endpoint MFS)
    pred, gold = tmp_path / "pred", tmp_path / "gold"
    pred.mkdir()
    gold.mkdir()
    write_result(result, TEXT, pred)
    gold_records = [
        {
            **r.model_dump(mode="json", exclude={"span", "text", "extractor", "confidence"}),
            "evidence": r.text,
        }
        for r in result.records
    ]
    (gold / "mfs.gold.json").write_text(
        json.dumps({"doc_id": "mfs", "source": "mfs.txt", "records": gold_records}), "utf-8"
    )
    with rulebook.using(root):
        scores = evaluate(pred, gold, raw_dirs=[pred]).per_endpoint()
    assert scores["MFS"]["f1"] == 1.0


def test_endpoints_the_cli_extracts_an_added_endpoint(tmp_path: Path, monkeypatch: Any) -> None:
    """``TRIALEX_RULES_DIR`` with the added endpoint: ``trialex extract`` writes MFS records
    and ``trialex eval`` reads them back."""
    from trialex.cli import app

    root = _mfs_rules(tmp_path)
    article = tmp_path / "mfs.txt"
    article.write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("TRIALEX_RULES_DIR", str(root))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(article), "--out", str(out)])
    assert result.exit_code == 0, result.output
    records = json.loads((out / "mfs.json").read_text("utf-8"))["records"]
    assert {r["endpoint"] for r in records} == {"MFS"}
    gold = tmp_path / "gold"
    gold.mkdir()
    gold_records = [
        {
            **{k: v for k, v in r.items() if k not in ("span", "text", "extractor")},
            "evidence": r["text"],
        }
        for r in records
    ]
    (gold / "mfs.gold.json").write_text(
        json.dumps({"doc_id": "mfs", "source": "mfs.txt", "records": gold_records}), "utf-8"
    )
    scored = CliRunner().invoke(app, ["eval", "--pred", str(out), "--gold", str(gold), "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.output)["per_endpoint"]["MFS"]["f1"] == 1.0


def test_endpoints_a_rules_folder_of_terms_only_keeps_the_bundled_codes(tmp_path: Path) -> None:
    (tmp_path / "endpoints.json").write_text(
        json.dumps({"version": 1, "endpoints": [{**MFS_TERMS, "code": "OS"}]}), "utf-8"
    )
    assert registry(str(tmp_path)).order() == endpoints.bundled().order()


def test_endpoints_live_code_sets_follow_the_rules_folder(tmp_path: Path) -> None:
    from trialex.extract import candidate

    root = _mfs_rules(tmp_path)
    assert "MFS" not in candidate.TIME_ENDPOINTS and "MFS" not in ENDPOINTS
    with rulebook.using(root):
        assert "MFS" in candidate.TIME_ENDPOINTS and "MFS" in candidate.RATE_ENDPOINTS
        assert "MFS" in ENDPOINTS and ENDPOINTS.index("MFS") == len(ENDPOINTS) - 1
