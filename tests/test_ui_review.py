"""The reader's review loop through Pilot: ] [ } { w W, the tags panel (t), the note bar.

Real SQLite files; a second store on the same file plays another window.
The seed's sentences: ¶1 (1), ¶2 (3), ¶3..¶5 (1 each), ¶6 (2), ¶7 (1), ¶8 (3).
"""

from __future__ import annotations

from pathlib import Path

from tests.test_ui_faults import SlowOpener, wait_until
from tests.test_ui_reader import SIZE, messages, press, settle, status_of, view_of
from tui.store import AnnotationStore
from tui.store.database import write_transaction
from tui.text import load_article, parse_article
from tui.ui.app import AnnotateApp
from tui.ui.note_bar import NoteBar
from tui.ui.screens.help import HelpScreen
from tui.ui.tags_panel import TagsPanel

RIGHT, LEFT = "right_square_bracket", "left_square_bracket"
NEXT_SAME, PREV_SAME = "right_curly_bracket", "left_curly_bracket"


def where(app) -> tuple[int, int]:
    view = view_of(app)
    return view.paragraph, view.sentence


def panel_of(app) -> TagsPanel:
    return app.screen.query_one(TagsPanel)


def panel_lines(app) -> list[str]:
    """The panel's text lines as drawn (trailing blanks dropped)."""
    panel = panel_of(app)
    lines = ["".join(s.text for s in panel.render_line(y)).rstrip()
             for y in range(panel.scrollable_content_region.height)]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def note_bar(app) -> NoteBar:
    return app.screen.query_one(NoteBar)


def new_app(tmp_path, seed_path, annotator="tester", article=None):
    store = AnnotationStore(tmp_path / "a.db", annotator=annotator)
    return AnnotateApp(store, article=article or load_article(seed_path),
                       exports=tmp_path / "exports")


async def test_brackets_step_through_tags_in_text_order_and_wrap(tmp_path, seed_path):
    app = new_app(tmp_path, seed_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c", "j", "j", "q", "j", "b", "g")
        await pilot.press(RIGHT)
        assert where(app) == (3, 1)
        await pilot.press(RIGHT)
        assert where(app) == (4, 1)
        await pilot.press(RIGHT)
        assert where(app) == (1, 1)
        assert messages(app)[-1] == "No more tagged sentences below: back to the first."
        await pilot.press(LEFT)
        assert where(app) == (4, 1)
        assert messages(app)[-1] == "No more tagged sentences above: back to the last."
        await pilot.press(LEFT, LEFT)
        assert where(app) == (1, 1)


async def test_brackets_with_no_tag_say_so_and_stay(tmp_path, seed_path):
    app = new_app(tmp_path, seed_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", RIGHT)
        assert where(app) == (2, 1)
        assert messages(app)[-1] == "No tagged sentences in this article."


async def test_curly_brackets_follow_the_label_of_the_cursors_tag(tmp_path, seed_path):
    app = new_app(tmp_path, seed_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # claim 1.1, quote 3.1, claim 6.2
        await press(pilot, "c", "j", "j", "q", "j", "j", "j", "l", "c", "g")
        await pilot.press(NEXT_SAME)
        assert where(app) == (6, 2)  # the quote on 3.1 is skipped
        await pilot.press(NEXT_SAME)
        assert where(app) == (1, 1)
        assert messages(app)[-1] == "No more claim tags below: back to the first."
        await pilot.press(PREV_SAME)
        assert where(app) == (6, 2)
        await pilot.press("k", "k", "k")  # 3.1, the only quote
        await pilot.press(NEXT_SAME)
        assert where(app) == (3, 1)
        assert messages(app)[-1] == "This is the only one of the quote tags."
        await pilot.press("k", NEXT_SAME)  # 2.1 has no tag
        assert where(app) == (2, 1)
        assert messages(app)[-1] == ("} and { follow the label of the tag under the cursor: "
                                     "this sentence has none (] goes to the next tag).")


async def test_w_goes_to_the_next_untagged_sentence(tmp_path, seed_path):
    app = new_app(tmp_path, seed_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c", "l", "q", "l", "b", "g")  # 1.1, 2.1, 2.2 tagged
        await pilot.press("w")
        assert where(app) == (2, 3)
        await pilot.press("w")
        assert where(app) == (3, 1)
        await pilot.press("W")
        assert where(app) == (2, 3)
        await pilot.press("W")  # nothing untagged above: back to the last
        assert where(app) == (8, 3)
        assert messages(app)[-1] == "No more untagged sentences above: back to the last."


async def test_w_when_every_sentence_is_tagged(tmp_path, seed_path):
    article = parse_article("One. Two.\n\nThree.\n", path=str(tmp_path / "small.txt"))
    app = new_app(tmp_path, seed_path, article=article)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c", "l", "c", "l", "q", "g")
        assert sorted(view_of(app).labels.values()) == ["claim", "claim", "quote"]
        await pilot.press("w")
        assert where(app) == (1, 1)
        assert messages(app)[-1] == "Every sentence is tagged."


async def test_review_keys_typed_before_the_database_opens_are_kept_in_order(tmp_path,
                                                                             seed_path):
    db = tmp_path / "a.db"
    store = AnnotationStore(db, annotator="tester")
    doc = store.open_article(load_article(seed_path))
    store.tag(doc, 4, doc.article.paragraphs[3].sentences[0], "claim")
    store.tag(doc, 6, doc.article.paragraphs[5].sentences[1], "claim")
    store.close()
    opener = SlowOpener()
    app = AnnotateApp(db_path=db, article=load_article(seed_path), opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.pause()
            await pilot.press(RIGHT, RIGHT, "w")
            assert where(app) == (1, 1)
            assert status_of(app) == "¶ 1/8   opening the database…   3 key(s) waiting"
        finally:
            opener.release.set()
        await settle(pilot)
        # ] to 4.1, ] to 6.2, w to the next untagged sentence: 7.1.
        assert where(app) == (7, 1)


# -- the tags panel ---------------------------------------------------------


def edited_story(tmp_path: Path, seed_path: Path) -> Path:
    """The seed, tagged, then edited so its tags are exact, moved, fuzzy and orphaned."""
    path = tmp_path / "story.txt"
    text = seed_path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    doc = store.open_article(load_article(path))
    paragraphs = doc.article.paragraphs
    store.tag(doc, 1, paragraphs[0].sentences[0], "claim")
    store.tag(doc, 3, paragraphs[2].sentences[0], "quote")
    store.tag(doc, 4, paragraphs[3].sentences[0], "background")
    store.tag(doc, 8, paragraphs[7].sentences[2], "claim")
    store.set_note(doc, paragraphs[0].sentences[0], "[b]check[/b] the \x1b[31mdate")
    store.close()
    parts = text.split("\n\n")
    assert parts[3].startswith("M. Elaine Bunn") and parts[8].startswith("Moscow has repeatedly")
    text = text.replace(parts[3], "Nothing of that paragraph is left.")  # 3.1: orphan
    text = text.replace("Asked by Interfax for a response",  # 4.1: fuzzy
                        "Asked by Interfax news agency for a response")
    text = text.replace("\n\n" + parts[8], "").replace(parts[2], parts[8] + "\n\n" + parts[2])
    path.write_text(text, encoding="utf-8")  # ¶8 moved up to ¶2: its 8.3 is now 2.3, moved
    return path


async def test_the_panel_lists_tags_in_text_order_with_place_words_note_and_anchor(
        tmp_path, seed_path):
    path = edited_story(tmp_path, seed_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        assert app.focused is panel_of(app)
        assert panel_lines(app) == [
            "C ¶1.1 Russia is unfazed by the … ✎ exact",
            "C ¶2.3 Korotchenko also recommen…   moved",
            "B ¶5.1 Asked by Interfax news ag…   fuzzy",
            "Q ¶—   M. Elaine Bunn, a deputy …   orphan",
        ]
        assert panel_of(app).border_title == "Tags 4"
        await pilot.press("end", "enter")  # an orphan has no sentence to go to
        assert where(app) == (1, 1)
        assert messages(app)[-1] == ("That tag's sentence is no longer in the text (orphan): "
                                     "o lists orphans to re-attach or delete.")
        await pilot.press("k", "enter")
        assert where(app) == (5, 1)
        await pilot.press("1")  # claims only
        assert panel_lines(app) == [
            "C ¶1.1 Russia is unfazed by the … ✎ exact",
            "C ¶2.3 Korotchenko also recommen…   moved",
        ]
        assert panel_of(app).border_title == "Tags: claim 2 of 4"
        await pilot.press("3")
        assert panel_lines(app) == ["B ¶5.1 Asked by Interfax news ag…   fuzzy"]
        await pilot.press("0")
        assert len(panel_lines(app)) == 4
        await pilot.press("t")  # hides it, the article has the keys again
        assert not panel_of(app).display
        assert app.focused is view_of(app)


async def test_a_click_on_a_panel_line_jumps_there(tmp_path, seed_path):
    app = new_app(tmp_path, seed_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c", "j", "j", "q", "j", "b", "g", "t")
        # Line 0 of the panel is under its top border: y=1 is the first tag, y=3 the third.
        await pilot.click(TagsPanel, offset=(5, 3))
        await settle(pilot)
        assert where(app) == (4, 1)
        assert panel_of(app).highlight == 2


async def test_the_panel_follows_tags_undo_notes_and_another_window(tmp_path, seed_path):
    app = new_app(tmp_path, seed_path)
    other = AnnotationStore(tmp_path / "a.db", annotator="tester")  # a second window
    theirs = other.open_article(load_article(seed_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        assert panel_lines(app) == ["No tags yet: c, q or b tags a sentence."]
        await press(pilot, "escape")  # the article has the keys; the panel stays
        assert app.focused is view_of(app) and panel_of(app).display
        await press(pilot, "j", "q")
        assert panel_lines(app) == ["Q ¶2.1 The two countries had bee…   exact"]
        await press(pilot, "c")  # replaced
        assert panel_lines(app) == ["C ¶2.1 The two countries had bee…   exact"]
        await press(pilot, "u")
        assert panel_lines(app) == ["Q ¶2.1 The two countries had bee…   exact"]
        await press(pilot, "u")
        assert panel_lines(app) == ["No tags yet: c, q or b tags a sentence."]
        await press(pilot, "ctrl+r")
        assert panel_lines(app) == ["Q ¶2.1 The two countries had bee…   exact"]
        await pilot.press("a")
        await pilot.press(*"why")
        await press(pilot, "enter")
        assert panel_lines(app) == ["Q ¶2.1 The two countries had bee… ✎ exact"]
        other.tag(theirs, 1, theirs.article.paragraphs[0].sentences[0], "background")
        await wait_until(pilot, lambda: len(panel_lines(app)) == 2, "their tag in the panel")
        assert panel_lines(app) == ["B ¶1.1 Russia is unfazed by the …   exact",
                                    "Q ¶2.1 The two countries had bee… ✎ exact"]
    other.close()


async def test_the_panel_goes_under_the_article_below_100_columns(tmp_path, seed_path):
    app = new_app(tmp_path, seed_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c", "t")
        panel, view = panel_of(app), view_of(app)
        assert panel.region.y > view.region.y and panel.region.width == view.region.width
        assert panel_lines(app)[0].startswith("C ¶1.1 Russia is unfazed by the U.S. announcem")


async def test_ten_thousand_tags_draw_only_the_lines_on_screen(tmp_path, monkeypatch):
    body = "\n\n".join(f"Sentence number {i} is here." for i in range(10_000))
    article = parse_article(body + "\n", path=str(tmp_path / "long.txt"))
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    doc = store.open_article(article)
    rows = [(doc.id, i + 1, 1, p.start, p.end, p.text, "", "", "claim", "", "tester", "t", "t")
            for i, p in enumerate(article.paragraphs)]
    with write_transaction(store.db):
        store.db.conn.executemany(
            'INSERT INTO annotations (article_id, paragraph, sentence, start, "end", text, '
            "context_before, context_after, label, note, annotator, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    drawn = []
    original = TagsPanel.render_line
    monkeypatch.setattr(TagsPanel, "render_line",
                        lambda self, y: drawn.append(y) or original(self, y))
    app = AnnotateApp(store, article=article)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        panel = panel_of(app)
        assert len(panel.rows) == 10_000
        height = panel.scrollable_content_region.height
        drawn.clear()
        await press(pilot, "end")
        assert panel.highlight == 9_999
        assert panel_lines(app)[-1] == "C ¶10000.1 Sentence number 9999…   exact"
        assert 0 < len(drawn) <= 4 * height  # a screenful or so, never 10,000
        await press(pilot, "enter")
        assert where(app) == (10_000, 1)


# -- the note bar ---------------------------------------------------------------


async def test_the_note_bar_shows_the_cursors_note_literally_and_cut_to_the_width(
        tmp_path, seed_path):
    app = new_app(tmp_path, seed_path)
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        assert not note_bar(app).display  # no note in the article: no bar
        await press(pilot, "c", "a")
        await pilot.press(*"[b]see[/b] the minister's own statement of Thursday afternoon")
        await press(pilot, "enter")
        bar = note_bar(app)
        assert bar.display
        assert str(bar.render()) == "✎ [b]see[/b] the minister's own statement of Thursday aft…"
        await press(pilot, "j")
        assert str(note_bar(app).render()) == "no note on this sentence"
        await press(pilot, "k")
        assert str(note_bar(app).render()).startswith("✎ [b]see[/b] the minister")


async def test_the_note_bar_makes_control_characters_visible(tmp_path, seed_path):
    path = edited_story(tmp_path, seed_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        assert str(note_bar(app).render()) == "✎ [b]check[/b] the ␛[31mdate"


# -- help, Footer, palette --------------------------------------------------------


async def test_help_footer_and_palette_name_the_review_keys(tmp_path, seed_path):
    app = new_app(tmp_path, seed_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader = app.screen
        titles = [command.title for command in app.get_system_commands(reader)]
        for title in ("Next tag", "Previous tag", "Next tag, same label",
                      "Previous tag, same label", "Next untagged", "Previous untagged", "Tags"):
            assert title in titles
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for line in ("               ]  Next tag", "               [  Previous tag",
                     "               }  Next tag, same label", "               w  Next untagged",
                     "               W  Previous untagged", "               t  Tags",
                     "Tags panel (t)", "           Enter  Go to tag",
                     "               1  Only claim", "               0  All labels"):
            assert line in text


async def test_the_footer_shows_next_tag_and_tags_where_there_is_room(tmp_path, seed_path):
    from textual.widgets._footer import FooterKey

    app = new_app(tmp_path, seed_path)
    async with app.run_test(size=(240, 30)) as pilot:
        await settle(pilot)
        keys = {key.description: key.key for key in app.screen.query(FooterKey)}
        assert keys["Next tag"] == "right_square_bracket"
        assert keys["Tags"] == "t"


async def test_panel_text_is_printable_and_never_markup(tmp_path, seed_path):
    article = parse_article("A [b]bold[/b] \x1b]0;pwned\x07 claim. Second one.\n",
                            path=str(tmp_path / "odd.txt"))
    app = new_app(tmp_path, seed_path, article=article)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c", "t")
        assert panel_lines(app) == ["C ¶1.1 A [b]bold[/b] ␛]0;pwned␇ …   exact"]
        await press(pilot, "tab")  # Tab gives the keys back to the article
        assert app.focused is view_of(app)


async def test_the_panel_follows_the_anchors_screen(tmp_path, seed_path):
    path = edited_story(tmp_path, seed_path)
    app = AnnotateApp(AnnotationStore(tmp_path / "a.db", annotator="tester"),
                      article=load_article(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t", "escape", "j", "o")
        await press(pilot, "down", "r")  # re-attach the orphan (listed second) on 2.1
        await press(pilot, "escape")
        assert panel_lines(app) == [
            "C ¶1.1 Russia is unfazed by the … ✎ exact",
            "Q ¶2.1 Moscow has repeatedly sai…   exact",
            "C ¶2.3 Korotchenko also recommen…   moved",
            "B ¶5.1 Asked by Interfax news ag…   fuzzy",
        ]
        await press(pilot, "o", "a")  # accept the fuzzy tag
        await press(pilot, "escape")
        assert panel_lines(app)[3] == "B ¶5.1 Asked by Interfax news ag…   exact"


async def test_t_without_a_database_says_so(tmp_path, seed_path):
    opener = SlowOpener(fail="a.db: locked by another program")
    app = AnnotateApp(db_path=tmp_path / "a.db", article=load_article(seed_path), opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        opener.release.set()
        await settle(pilot)
        await pilot.press("t")
        assert not list(app.screen.query(TagsPanel))
        assert messages(app)[-1] == "No tags to list: the database is not open."


def test_the_store_names_moved_and_fuzzy_tags(tmp_path, seed_path):
    path = edited_story(tmp_path, seed_path)
    store = AnnotationStore(tmp_path / "a.db", annotator="tester")
    try:
        doc = store.open_article(load_article(path))
        # 8.3 now 2.3 (moved), 4.1 now 5.1 and edited (fuzzy); 1.1 exact is not listed.
        assert store.anchor_states(doc) == {(459, 542): "moved", (1122, 1296): "fuzzy"}
        other = AnnotationStore(tmp_path / "a.db", annotator="someone else")
        assert other.anchor_states(other.open_article(load_article(path))) == {}
        other.close()
    finally:
        store.close()
