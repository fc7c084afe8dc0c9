"""Hostile chat input: random bytes, mangled exports of every supported service, wrong
types, huge fields, odd encodings and pasted text full of junk.

Whatever arrives, reading never crashes: a file that cannot be used at all raises
``UnreadableChatFile`` with a reason in words; otherwise every conversation the file
holds is either read or listed in ``rejected`` with its item number and a reason,
and importing accounts for every chat read (imported, already there, or rejected).
"""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.application import Houselights
from domain.conversations import chat_id
from domain.errors import ConversationNotFound
from imports.chat_formats import (
    ChatFile,
    UnreadableChatFile,
    read_chat_file,
    read_chat_text,
    split_transcripts,
)
from imports.chat_import import import_chats

FIXTURES = Path(__file__).parent.parent / "fixtures" / "chats"
JSON_SHAPES = ("zendesk_chat", "intercom", "crisp", "tawk_to", "livechat", "generic")
TODAY = date(2026, 11, 23)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fixture_json(shape: str):
    return json.loads((FIXTURES / f"{shape}.json").read_text(encoding="utf-8"))


def conversations_in(data) -> int | None:
    """How many conversations a JSON document holds, when that is knowable."""
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict):
        for key in ("chats", "conversations", "data", "items", "transcripts", "results"):
            if isinstance(data.get(key), list):
                return len(data[key])
        return 1
    return None


def read(text: str) -> ChatFile | None:
    """Read hostile text; a file refused as a whole must say why, in words."""
    try:
        result = read_chat_text(text, "hostile", timezone="UTC", today=TODAY)
    except UnreadableChatFile as refused:
        assert len(str(refused)) > 15, repr(str(refused))
        return None
    check_report(result)
    return result


def check_report(result: ChatFile) -> None:
    for rejected in result.rejected:
        assert set(rejected) == {"item", "reason"}
        assert isinstance(rejected["item"], int) and rejected["item"] >= 1
        reason = rejected["reason"]
        assert isinstance(reason, str) and len(reason) > 10, rejected
        assert "Traceback" not in reason and "object has no attribute" not in reason, reason
        assert "NoneType" not in reason and "KeyError" not in reason, reason
    for chat in result.chats:
        assert chat.messages and chat.conversation_id
        for message in chat.messages:
            assert message["sender"] in ("visitor", "agent", "system")
            assert isinstance(message["text"], str) and isinstance(message["name"], str)
        assert chat.started_at  # a readable moment


# -- values that do not belong where they are ------------------------------------------
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            "2026-11-10 16:00",
            "9999999999999",
            "-1",
            "visitor",
            "agent",
            "v",
            "a",
            "user",
            "operator",
            "customer",
            "<b>x</b>",
            "chat.msg",
            "x" * 100_000,
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def paths(node, prefix=()):
    """Every place in a JSON tree: a tuple of keys and indexes."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*prefix, index))


def replace(tree, where: tuple, value, delete: bool = False):
    if not where:
        return value
    parent = tree
    for step in where[:-1]:
        parent = parent[step]
    if delete:
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    return tree


@st.composite
def mutated_export(draw):
    """A real export of one service with a few places replaced, deleted or duplicated."""
    shape = draw(st.sampled_from(JSON_SHAPES))
    tree = copy.deepcopy(fixture_json(shape))
    for _ in range(draw(st.integers(1, 4))):
        places = list(paths(tree))
        where = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "delete" and where:
            tree = replace(tree, where, None, delete=True)
        elif action == "duplicate" and where:
            parent = tree
            for step in where[:-1]:
                parent = parent[step]
            if isinstance(parent, list):
                parent.append(copy.deepcopy(parent[where[-1]]))
        else:
            tree = replace(tree, where, draw(json_values))
    return shape, tree


# -- reading ---------------------------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "chats.json"
    path.write_bytes(data)
    try:
        result = read_chat_file(path, timezone="UTC", today=TODAY)
    except UnreadableChatFile as refused:
        assert str(refused)
        return
    check_report(result)


@FUZZ
@given(text=st.text(max_size=500))
def test_random_text_never_crashes(text):
    read(text)


@FUZZ
@given(export=mutated_export())
def test_mangled_exports_account_for_every_conversation(export):
    shape, tree = export
    text = json.dumps(tree)
    result = read(text)
    expected = conversations_in(tree)
    if expected is None:  # a bare number or string: not an export (read as pasted text)
        return
    assert result is not None, (shape, tree)  # a list or object is gone through, never refused
    assert len(result.chats) + len(result.rejected) == expected, (shape, result.rejected)
    items = sorted([c.item for c in result.chats] + [r["item"] for r in result.rejected])
    assert items == list(range(1, expected + 1))  # each conversation once, by its place


@FUZZ
@given(shape=st.sampled_from(JSON_SHAPES), cut=st.floats(0, 1, exclude_max=True))
def test_truncated_exports_are_refused_in_words(shape, cut):
    text = (FIXTURES / f"{shape}.json").read_text(encoding="utf-8")
    part = text[: int(len(text.rstrip()) * cut)]
    with pytest.raises(UnreadableChatFile) as refused:
        read_chat_text(part, timezone="UTC", today=TODAY)
    assert "not valid JSON" in str(refused.value) or "nothing to import" in str(refused.value)


@FUZZ
@given(
    shape=st.sampled_from(JSON_SHAPES),
    wrong=st.sampled_from([None, 7, 3.5, True, "text", [], {}, [1, 2], {"a": 0}]),
)
def test_wrong_types_for_whole_conversations(shape, wrong):
    """A conversation replaced by something else: that one rejected, the rest read."""
    good = fixture_json(shape)
    conversations = good if isinstance(good, list) else [good]
    if isinstance(good, dict):
        for key in ("chats", "conversations", "data", "items"):
            if isinstance(good.get(key), list):
                conversations = good[key]
    mixed = [wrong, *conversations]
    result = read(json.dumps(mixed))
    assert result is not None
    assert result.rejected[0]["item"] == 1
    assert len(result.chats) + len(result.rejected) == len(mixed)


def test_huge_fields_are_read_or_refused_in_words():
    huge = "x" * 2_000_000
    tree = fixture_json("generic")
    tree["conversations"][0]["messages"][0]["text"] = huge
    tree["conversations"][0]["visitor"]["name"] = huge
    tree["conversations"][0]["messages"][1]["time"] = huge
    result = read(json.dumps(tree))
    assert result is not None and not result.chats
    assert result.rejected[0]["reason"].startswith("Message 2:")
    assert len(result.rejected[0]["reason"]) < 400  # the reason quotes, it does not flood
    deep = "[" * 100_000 + "]" * 100_000  # deeper than any parser should follow
    assert read(deep) is None


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252")


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", ["generic.json", "pasted.txt", "messages.csv"])
def test_odd_encodings_and_byte_order_marks(tmp_path, name, encoding):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    expected = read_chat_text(text, timezone="UTC", today=TODAY)
    path = tmp_path / name
    data = text.encode(encoding)  # every fixture fits every encoding listed
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    elif encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    result = read_chat_file(path, timezone="UTC", today=TODAY)
    assert [c.messages for c in result.chats] == [c.messages for c in expected.chats]
    assert result.rejected == expected.rejected


def test_a_file_of_nul_bytes_and_a_lone_bom(tmp_path):
    for data in (b"\x00" * 64, b"\xef\xbb\xbf", b"\xff\xfe", b"\xef\xbb\xbf   \n\n"):
        path = tmp_path / "odd.txt"
        path.write_bytes(data)
        with pytest.raises(UnreadableChatFile):
            read_chat_file(path, timezone="UTC", today=TODAY)


junk_lines = st.lists(
    st.sampled_from(
        [
            "",
            "   ",
            "----",
            "====",
            "Name:",
            "Email: not-an-email",
            "Date: soon",
            "[99:99] Visitor: impossible time",
            "[12:00]",
            "[12:00] : nobody",
            "12:00 - Visitor - dash",
            "\x00\x01\x02",
            "\u200b\ufeff",
            "<script>",
            "[12:05] Maria (agent): ok",
            "Phone: +44 (0)20",
            "\t\t",
        ]
    )
    | st.text(max_size=40),
    max_size=8,
)


@FUZZ
@given(junk=junk_lines, where=st.integers(0, 40))
def test_pasted_text_with_junk_accounts_for_every_transcript(junk, where):
    lines = (FIXTURES / "pasted.txt").read_text(encoding="utf-8").splitlines()
    where = min(where, len(lines))
    text = "\n".join(lines[:where] + junk + lines[where:])
    result = read(text)
    if result is None:
        return
    if result.kind == "Plain-text transcript":
        assert len(result.chats) + len(result.rejected) == len(split_transcripts(text))


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@FUZZ
@given(
    name=st.sampled_from(["messages.csv", "transcripts.csv"]),
    cells=st.lists(
        st.tuples(
            st.integers(1, 12),
            st.integers(0, 9),
            st.sampled_from(
                ["", "x" * 5000, "nonsense", "2026-13-45", "1e309", "visitor", "\n\n", '"', "99:99"]
            )
            | st.text(max_size=20),
        ),
        max_size=5,
    ),
)
def test_mangled_csv_exports_never_crash(name, cells):
    rows = list(csv.reader(io.StringIO((FIXTURES / name).read_text(encoding="utf-8"))))
    for row, column, value in cells:
        if row < len(rows) and column < len(rows[row]):
            rows[row][column] = value
    read(csv_text(rows))


# -- importing -------------------------------------------------------------------------
@pytest.fixture
def sqlite_app(tmp_path):
    from infrastructure.config import resolve

    return Houselights(env=resolve(tmp_path, store="sqlite").eventsourcing_env())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(export=mutated_export())
def test_importing_mangled_exports_accounts_for_every_chat(sqlite_app, export):
    _shape, tree = export
    result = read(json.dumps(tree))
    assume(result is not None)
    keys_before = {
        chat_id(c.service, c.conversation_id)
        for c in result.chats
        if _exists(sqlite_app, chat_id(c.service, c.conversation_id))
    }
    report = import_chats(sqlite_app, result)
    assert set(report) == {"imported", "linked", "unmatched", "rejected"}
    assert report["imported"] == report["linked"] + report["unmatched"]
    read_rejected = len(result.rejected)
    save_rejected = report["rejected"][:]
    for rejected in result.rejected:
        save_rejected.remove(rejected)
    assert len(report["rejected"]) == read_rejected + len(save_rejected)
    # every chat read was imported, was there already (same service and id), or rejected
    distinct_new = {chat_id(c.service, c.conversation_id) for c in result.chats} - keys_before
    assert report["imported"] + len(save_rejected) >= len(distinct_new)
    assert report["imported"] <= len(distinct_new)
    for chat in result.chats:
        saved = _exists(sqlite_app, chat_id(chat.service, chat.conversation_id))
        assert saved or any(r["item"] == chat.item for r in save_rejected)


def _exists(app, the_id) -> bool:
    try:
        app.get_chat(str(the_id))
    except ConversationNotFound:
        return False
    return True


def test_what_the_fuzzing_found():
    """Regressions: each of these once raised instead of answering in words."""
    generic = fixture_json("generic")
    generic["conversations"][0]["messages"][0]["name"] = 42  # a number for a name
    generic["conversations"][0]["visitor"]["phone"] = 5550102  # a phone as a number
    result = read(json.dumps(generic))
    assert result.chats[0].messages[0]["name"] == "42"
    assert result.chats[0].visitor_phone == "5550102"

    livechat = fixture_json("livechat")
    livechat["chats"][0]["users"][0]["id"] = ["not", "an", "id"]  # cannot be looked up
    result = read(json.dumps(livechat))
    assert result.rejected[0]["item"] == 1
    assert "is not among the chat's users" in result.rejected[0]["reason"]
    assert len(result.chats) + len(result.rejected) == len(livechat["chats"])

    intercom = fixture_json("intercom")
    intercom["conversations"][0]["conversation_parts"] = 12  # a number for the parts
    result = read(json.dumps(intercom))
    assert result.rejected[0]["item"] == 1 and "wrong kind" in result.rejected[0]["reason"]

    with pytest.raises(UnreadableChatFile, match="nested far deeper"):
        read_chat_text("[" * 100_000 + "]" * 100_000)


def test_utf16_without_a_byte_order_mark(tmp_path):
    path = tmp_path / "pasted.txt"
    text = (FIXTURES / "pasted.txt").read_text(encoding="utf-8")
    for encoding in ("utf-16-le", "utf-16-be"):
        path.write_bytes(text.encode(encoding))
        result = read_chat_file(path, timezone="UTC", today=TODAY)
        assert [c.visitor_email for c in result.chats] == ["grace@navy.example", ""]
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le")[:-1])  # cut mid-character
    with pytest.raises(UnreadableChatFile, match="damaged"):
        read_chat_file(path, timezone="UTC", today=TODAY)
