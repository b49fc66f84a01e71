"""The words a home is found by, and a visitor's query in the same form (credit.search.terms)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from credit.search.terms import compact_query, fold, query_tokens, simplified, terms_of, traditional

# Issue 14 item 4: "kangle", "kl" find 康乐; traditional characters (OpenCC); fragments of the name.
KANGLE = terms_of("康乐养老院", "52320402mj56789011")


def test_a_name_is_found_by_its_full_pinyin_and_its_initials():
    forms = KANGLE.terms.split(" ")
    assert "kangleyanglaoyuan" in forms and "klyly" in forms


def test_a_name_is_found_by_its_traditional_form():
    assert "康樂養老院" in KANGLE.terms.split(" ")


def test_the_uscc_is_kept_in_upper_case():
    assert KANGLE.uscc == "52320402MJ56789011"


def test_a_traditional_name_is_indexed_under_its_simplified_form():
    assert terms_of("康樂養老院", "X").name == "康乐养老院"


def test_a_query_is_folded_simplified_and_split_at_spaces():
    assert query_tokens("  康樂　ＫＬ  Kang le ") == ["康乐", "kl", "kang", "le"]


def test_a_query_of_only_spaces_has_no_token():
    assert query_tokens(" \u3000 ") == [] and compact_query("") == ""


def test_nul_in_a_query_means_nothing():
    assert query_tokens("康\x00乐") == ["康乐"]


def test_percent_and_underscore_are_kept_as_typed():
    assert query_tokens("百分% 下划_") == ["百分%", "下划_"]


HAN = st.sampled_from("康乐养老院福寿颐和夕阳红松鹤安长青慈云仁爱温馨金色年华敬护理中心东区社会")
NAMES = st.text(HAN, min_size=1, max_size=12)


@given(NAMES, st.data())
def test_every_fragment_of_a_name_is_found_in_its_terms(name, data):
    start = data.draw(st.integers(0, len(name) - 1))
    end = data.draw(st.integers(start + 1, len(name)))
    terms = terms_of(name, "X").terms
    assert all(token in terms for token in query_tokens(name[start:end]))


@given(NAMES)
def test_the_traditional_spelling_of_a_name_finds_it(name):
    terms = terms_of(name, "X").terms
    assert all(token in terms for token in query_tokens(traditional(name)))


@given(NAMES)
def test_the_pinyin_typed_with_spaces_between_syllables_finds_the_name(name):
    from pypinyin import lazy_pinyin

    terms = terms_of(name, "X").terms
    assert all(token in terms for token in query_tokens(" ".join(lazy_pinyin(name))))


@given(st.text(max_size=30))
def test_normalising_a_query_twice_changes_nothing(text):
    once = query_tokens(text)
    assert query_tokens(" ".join(once)) == once


@given(st.text(st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E), max_size=20))
def test_full_width_characters_fold_to_their_half_width_form(text):
    half = "".join(chr(ord(c) - 0xFEE0) for c in text)
    assert fold(text) == fold(half) == " ".join(half.lower().split())


def test_simplified_leaves_a_simplified_name_alone():
    assert simplified("康乐养老院") == "康乐养老院"
