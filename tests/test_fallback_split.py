"""Where blingfire cannot load, a pure-Python splitter takes over, with a warning."""

from __future__ import annotations

import re
import subprocess
import sys
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SEED
from tui.text import load_article, segment
from tui.text.fallback_split import FALLBACK_WARNING, fallback_cuts

WARNING = ("the sentence splitter blingfire could not be loaded on this machine; "
           "sentences are split by a simpler built-in rule")


@pytest.fixture
def no_blingfire(monkeypatch):
    """blingfire's import fails, as on ARM; caches are reset around the test."""
    monkeypatch.setitem(sys.modules, "blingfire", None)  # import raises ImportError
    _reset()
    yield
    monkeypatch.undo()
    _reset()


def _reset():
    segment._blingfire.cache_clear()
    segment._CACHE.clear()
    segment._call_failed = False


def test_the_warning_text():
    assert FALLBACK_WARNING == WARNING


def test_seed_splits_the_same_without_blingfire(no_blingfire):
    article = load_article(SEED)
    assert article.warnings == (WARNING,)
    assert [len(p.sentences) for p in article.paragraphs] == [1, 3, 1, 1, 1, 2, 1, 3]
    texts = [s.text for p in article.paragraphs for s in p.sentences]
    assert texts[4].startswith("M. Elaine Bunn, a deputy")
    assert texts[7].startswith("Russian Lt. Gen. Yevgeny Buzhinsky")


def test_with_blingfire_there_is_no_warning():
    _reset()
    assert load_article(SEED).warnings == ()


def test_a_failing_first_call_switches_to_the_fallback(monkeypatch):
    # The library imports but cannot run (a missing symbol, a wrong binary).
    def broken(text):
        raise OSError("cannot load libblingfiretokdll.so")

    fake = types.SimpleNamespace(text_to_sentences_and_offsets=broken)
    _reset()
    monkeypatch.setattr(segment, "_blingfire", lambda: fake)
    try:
        assert segment.split_sentences("One here. Two there.") == [(0, 9), (10, 20)]
        assert segment.splitter_warning() == WARNING
    finally:
        monkeypatch.undo()
        _reset()


def test_parse_in_a_process_without_blingfire_warns_on_stderr():
    code = ("import sys; sys.modules['blingfire'] = None; "
            "from tui.cli import main; sys.argv = ['tui', 'parse', '--text', sys.argv[1]]; main()")
    result = subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"tui: warning: {WARNING}\n"
    assert len(result.stdout.splitlines()) == 13
    assert result.stdout.splitlines()[8] == (
        "6.2\t\"Talks or no talks, they don't make a difference anyway,\" he said.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One here. Two there.", {10}),
        ("Is it? Yes! “Quoted” too.", {7, 12}),
        ('He said "stop." Then left.', {16}),
        ("Mr. Smith met Dr. Jones. They spoke.", {25}),
        ("The U.S. Army came. M. Bunn said so.", {20}),
        ("It rose 5.3 percent. 2014 was good.", {21}),
        ("no capital. after this", set()),
        ("Ends with a stop.", set()),
        ("Wait… Then go.", {6}),
    ],
)
def test_fallback_cuts(text, expected):
    assert fallback_cuts(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab A B.!?…\"'”)( \n\t\x1b")), max_size=200))
def test_fallback_spans_tile_the_paragraph(text):
    saved = sys.modules.get("blingfire")
    sys.modules["blingfire"] = None
    _reset()
    try:
        spans = segment.split_sentences(text)
        assert segment.splitter_warning() == WARNING  # the fallback did the work
    finally:
        if saved is None:
            del sys.modules["blingfire"]
        else:
            sys.modules["blingfire"] = saved
        _reset()
    position = 0
    for start, end in spans:
        assert position <= start < end <= len(text)
        assert text[position:start].strip() == ""
        position = end
    assert text[position:].strip() == ""
    assert re.sub(r"\s", "", "".join(text[a:b] for a, b in spans)) == re.sub(r"\s", "", text)


def test_splitting_loads_blingfires_library_without_its_package_or_numpy():
    """The package's __init__ imports numpy (0.17 s, 14 MB in each process
    that splits: the reader's store thread, every library helper); the
    library itself is enough. A NUL byte still goes through the wrapper."""
    code = ("import sys\n"
            "from tui.text import split_sentences\n"
            "print(split_sentences('One here. Two there.'))\n"
            "print('numpy' in sys.modules, 'blingfire' in sys.modules)\n"
            "print(split_sentences('One\\x00 here. Two there.'))\n"
            "print('blingfire' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[(0, 9), (10, 20)]", "False False",
                                          "[(0, 10), (11, 21)]", "True"]
