"""Issue 13, `tui agreement`: published values reproduced through the real CLI
on databases built from the published tables.

- Cohen's kappa = 0.40 for the classic 2x2 table (20 yes/yes, 5 yes/no,
  10 no/yes, 15 no/no): yes = `claim`, no = an untagged sentence (`none`).
  Percent agreement 70.0; Gwet's AC1 by hand: po = 0.7, pi_yes = (0.5 +
  0.6) / 2 = 0.55, pe = 2 * 0.55 * 0.45 / (2 - 1) = 0.495, AC1 = 0.205 /
  0.505 = 0.405941. Krippendorff's alpha of the same table by hand: 100
  values, coincidences o_yy 40, o_nn 30, o_yn = o_ny 15, n_y 55, n_n 45:
  alpha = 1 - 99 * 30 / (2 * 55 * 45) = 0.400.
- Krippendorff's alpha = 0.743 for the nominal data of Krippendorff (2011),
  "Computing Krippendorff's Alpha-Reliability", 4 coders x 12 units with
  missing values. Values 1, 2, 3 = claim, quote, background; 4 = `none`
  (untagged in an article the coder coded); 5 = `opinion`, a label of
  another program, written into the table as a client before migration m002
  could (see tests/fixtures/v1_annotations.db): tui has only three labels
  and `none`, and the table needs five categories. A missing value is an
  article the coder did not code, so the units are grouped into articles by
  which coders have a value.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_tui
from tui.store import AnnotationStore
from tui.text import load_article

VALUES = {1: "claim", 2: "quote", 3: "background", 4: "none", 5: "opinion"}
# Krippendorff (2011), p. 3, nominal data; None = missing.
K2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def build(db: Path, articles: list[list[dict[str, str]]]) -> None:
    """One article per list; one sentence per unit; each coder's label on it
    ('none': left untagged; 'opinion': written straight into the table).

    A coder has a value for every unit of an article or for none of them
    (missing = the article not coded).
    """
    foreign = []
    for number, units in enumerate(articles, start=1):
        body = "\n\n".join(f"Unit {number}.{i} of the table is a sentence."
                           for i in range(1, len(units) + 1))
        # Real files: an article whose file is gone may be taken for a moved one.
        path = db.parent / f"table-{number}.txt"
        path.write_text(f"4 April 2014\nTable {number}\nTables\n\n{body}\n", encoding="utf-8")
        article = load_article(path)
        assert [len(p.sentences) for p in article.paragraphs] == [1] * len(units)
        coders = {c for unit in units for c in unit}
        for coder in sorted(coders):
            assert all(coder in unit for unit in units), (number, coder)
            assert any(unit[coder] != "none" for unit in units), "uncoded article"
            store = AnnotationStore(db, annotator=coder)
            doc = store.open_article(article)
            for i, unit in enumerate(units):
                s = article.paragraphs[i].sentences[0]
                if unit[coder] == "opinion":
                    foreign.append((doc.id, i + 1, s.start, s.end, s.text, coder))
                elif unit[coder] != "none":
                    store.tag(doc, i + 1, s, unit[coder])
            store.close()
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DROP TRIGGER annotations_label_insert")
        conn.executemany(
            'INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, label, '
            "annotator, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, 'opinion', ?, 'x', 'x')",
            foreign)
    conn.close()


def k2011_articles() -> list[list[dict[str, str]]]:
    """The 12 units grouped by which coders have a value (one article each)."""
    groups: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for u in range(12):
        unit = {c: VALUES[v[u]] for c, v in K2011.items() if v[u] is not None}
        groups.setdefault(tuple(sorted(unit)), []).append(unit)
    return list(groups.values())


def agreement(db: Path, *args: str):
    return run_tui("agreement", "--db", str(db), *args)


def test_krippendorff_2011_alpha_is_0_743_through_the_cli(tmp_path):
    db = tmp_path / "k2011.db"
    build(db, k2011_articles())
    result = agreement(db, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["units"] == 12
    assert report["coders"] == ["A", "B", "C", "D"]
    assert round(report["alpha"], 3) == 0.743
    assert set(report) == {"units", "coders", "alpha", "pairs", "labels"}
    assert set(report["pairs"][0]) == {"a", "b", "n", "kappa", "percent", "ac1"}
    # A and B share units 1-9: they agree on 8 of them (unit 6: 1 vs 2).
    ab = report["pairs"][0]
    assert (ab["a"], ab["b"], ab["n"], ab["percent"]) == ("A", "B", 9, 88.8889)
    assert ab["kappa"] == 0.844828  # by hand: pe = 23/81, (72 - 23) / (81 - 23) = 49/58


def kappa_table() -> list[list[dict[str, str]]]:
    cells = [("claim", "claim")] * 20 + [("claim", "none")] * 5 + [("none", "claim")] * 10 \
        + [("none", "none")] * 15
    return [[{"a": x, "b": y} for x, y in cells]]


def test_cohens_kappa_is_0_40_for_the_classic_table_through_the_cli(tmp_path):
    db = tmp_path / "kappa.db"
    build(db, kappa_table())
    report = json.loads(agreement(db, "--format", "json").stdout)
    assert report["units"] == 50
    assert report["pairs"] == [{"a": "a", "b": "b", "n": 50, "kappa": 0.4, "percent": 70.0,
                                "ac1": 0.405941}]
    assert report["labels"]["claim"]["confusion"] == [
        {"a": "a", "b": "b", "both": 20, "a_only": 5, "b_only": 10, "neither": 15}]
    text = agreement(db).stdout.splitlines()
    assert text[:5] == ["units: 50   coders: a, b",
                        "Krippendorff's alpha (nominal): 0.400", "",
                        "pair  n  kappa  percent  AC1",
                        "a / b  50  0.400  70.0%  0.406"]
    rows = agreement(db, "--format", "csv").stdout.splitlines()
    assert rows[:5] == ["measure,a,b,label,n,value", "alpha,,,,50,0.4",
                        "kappa,a,b,,50,0.4", "percent,a,b,,50,70.0", "ac1,a,b,,50,0.405941"]


def test_untagged_missing_leaves_only_the_tagged_sentences(tmp_path):
    db = tmp_path / "kappa.db"
    build(db, kappa_table())
    report = json.loads(agreement(db, "--format", "json", "--untagged", "missing").stdout)
    # Units a coder tagged: 35 (any claim); shared by both: the 20 yes/yes.
    assert report["units"] == 35
    assert report["pairs"] == [{"a": "a", "b": "b", "n": 20, "kappa": None, "percent": 100.0,
                                "ac1": None}]


def test_annotators_chooses_the_coders(tmp_path):
    db = tmp_path / "k.db"
    build(db, k2011_articles())
    report = json.loads(agreement(db, "--format", "json", "--annotators", "B,D").stdout)
    assert report["coders"] == ["B", "D"]
    # B and D share units 1-10: they differ on unit 6 (2 vs 4) only.
    assert report["pairs"][0]["n"] == 10 and report["pairs"][0]["percent"] == 90.0
    # By hand: B 1:2 2:4 3:2 4:1 5:1, D 1:2 2:3 3:2 4:2 5:1 of 10; po 0.9;
    # kappa pe = (4 + 12 + 4 + 2 + 1) / 100 = 0.23 -> 0.67 / 0.77;
    # AC1 (q = 5) pi = .2 .35 .2 .15 .1, pe = 0.765 / 4 -> 0.70875 / 0.80875.
    assert (report["pairs"][0]["kappa"], report["pairs"][0]["ac1"]) == (0.87013, 0.876352)


@pytest.mark.parametrize("args, message", [
    (["--annotators", "A"], "agreement needs at least two coders; found 1 (A)"),
    (["--annotators", "A,nobody"], "no tags by coder 'nobody' in {db}"),
    (["--annotators", "A,\x1b"], "--annotators name \\x1b contains a control character (U+001B)"),
])
def test_one_coder_or_an_unknown_one_is_one_line_and_exit_2(tmp_path, args, message):
    db = tmp_path / "k.db"
    build(db, k2011_articles())
    result = agreement(db, *args)
    assert (result.returncode, result.stderr) == (2, f"tui: {message.format(db=db)}\n")


def test_coders_who_share_no_sentence_are_one_line_and_exit_2(tmp_path):
    db = tmp_path / "apart.db"
    build(db, [[{"a": "claim"}], [{"b": "quote"}]])
    result = agreement(db)
    assert (result.returncode, result.stderr) == (
        2, "tui: no sentence was coded by two of these coders; nothing to compare\n")
    result = agreement(tmp_path / "missing.db")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1


def test_a_path_limits_the_units_to_its_articles(tmp_path):
    db = tmp_path / "k.db"
    build(db, k2011_articles())
    # table-2.txt holds units 2-9 (every coder has a value): 8 sentences.
    report = json.loads(agreement(db, str(tmp_path / "table-2.txt"), "--format", "json").stdout)
    assert report["units"] == 8
    # By hand: A 1:2 2:3 3:2 4:1, B 1:1 2:4 3:2 4:1 of 8; pe = 19/64, kappa = 37/45.
    ab = report["pairs"][0]
    assert (ab["a"], ab["b"], ab["n"], ab["kappa"], ab["percent"]) == ("A", "B", 8, 0.822222, 87.5)
    folder = agreement(db, str(tmp_path), "--format", "json")
    assert json.loads(folder.stdout)["units"] == 12
    outside = tmp_path / "other.txt"
    outside.write_text("4 April 2014\nNot here\nWire\n\nNobody coded this one.\n")
    result = agreement(db, str(outside))
    assert (result.returncode, result.stderr) == (
        2, f"tui: {outside}: none of its articles is in the database\n")
