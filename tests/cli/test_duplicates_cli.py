"""``houselights duplicates``, ``merge`` and ``unmerge``, on the demo organization."""

from __future__ import annotations

import json

import pytest

from desktop.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path, capsys) -> str:
    data = str(tmp_path / "data")
    code, out, _ = run(capsys, "--data", data, "demo", "--patrons", "60", "--json")
    assert code == 0 and json.loads(out)["duplicates"] == 5
    return data


def test_duplicates_json_lists_the_demo_pairs_with_their_reasons(capsys, data):
    code, out, _ = run(capsys, "--data", data, "duplicates", "--json")
    pairs = json.loads(out)

    assert code == 0
    assert len(pairs) >= 5
    assert all(set(p) == {"a", "b", "a_name", "b_name", "reasons"} for p in pairs)
    reasons = {r for p in pairs for r in p["reasons"]}
    assert reasons == {"email", "phone", "name"}
    assert all(p["reasons"] and p["a"] != p["b"] for p in pairs)


def test_merge_takes_a_pair_off_the_list_and_unmerge_brings_it_back(capsys, data):
    _, out, _ = run(capsys, "--data", data, "duplicates", "--json")
    before = json.loads(out)
    pair = before[0]

    code, out, _ = run(capsys, "--data", data, "merge", pair["b"], pair["a"], "--json")
    assert code == 0 and json.loads(out) == {"merged": pair["b"], "into": pair["a"]}
    _, out, _ = run(capsys, "--data", data, "duplicates", "--json")
    assert pair not in json.loads(out)
    _, out, _ = run(capsys, "--data", data, "patrons", "--search", pair["b_name"], "--json")
    assert pair["b"] not in [p["id"] for p in json.loads(out)]

    code, out, _ = run(capsys, "--data", data, "unmerge", pair["b"])
    assert code == 0 and "is a separate patron again" in out
    _, out, _ = run(capsys, "--data", data, "duplicates", "--json")
    assert json.loads(out) == before


def test_merging_a_patron_into_itself_is_refused_in_words(capsys, data):
    _, out, _ = run(capsys, "--data", data, "duplicates", "--json")
    a = json.loads(out)[0]["a"]

    code, out, err = run(capsys, "--data", data, "merge", a, a)

    assert code == 1 and out == ""
    assert "cannot be merged into itself" in err
