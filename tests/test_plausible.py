"""Plausible numbers: a survey too small to say anything, participants counted as attendances,
boards for a street of many communities, media that are not media. Each rule on both sides of
its line, and each lenient reading of the past with a case that must lower the grade."""

from __future__ import annotations

import pytest

from tests.conftest import BASE, check, item_result, text_of

PERIOD_SURVEY = "2024-11-20"


def community(**fields) -> dict:
    return {**BASE["community"], **fields}


def survey(respondents: int, positive: int | None = None, id="S-1") -> dict:
    return {"id": id, "kind": "满意度", "date": PERIOD_SURVEY, "respondents": respondents,
            "positive": positive if positive is not None else respondents * 9 // 10}


# -- 12.3: a satisfaction survey needs a sample -------------------------------------------------

@pytest.mark.parametrize("asked, grade", [(99, "B"), (100, "A")])
def test_12_3_at_least_100_respondents_without_households(scheme, asked, grade):
    result = item_result(scheme, "12.3", surveys=[survey(asked)])
    assert result.grade == grade, text_of(result)
    assert check(result, "sample").passed is (grade == "A")


@pytest.mark.parametrize("asked, grade", [(169, "B"), (170, "A")])
def test_12_3_at_least_one_percent_of_households(scheme, asked, grade):
    """17,000 households: 1% is 170 respondents."""
    result = item_result(scheme, "12.3", community=community(households=17000), surveys=[survey(asked)])
    assert result.grade == grade, text_of(result)
    assert "170 人" in check(result, "sample").detail


def test_12_3_several_surveys_add_up_to_the_sample(scheme):
    two = [survey(60, id="S-1"), survey(40, id="S-2")]
    assert item_result(scheme, "12.3", surveys=two).grade == "A"


def test_12_3_should_lower_ten_people_for_a_street_of_52000(scheme):
    """The lenient reading took 9 of 10 satisfied as 90% of a street: now B, with the reason."""
    result = item_result(scheme, "12.3", community=community(population=52000, households=17000),
                         surveys=[survey(10, 9)])
    assert check(result, "satisfaction").passed  # 90% > 80%: the rate alone would give A
    assert result.grade == "B"
    assert "样本过小" in check(result, "sample").detail


def test_12_3_a_small_sample_does_not_lift_a_veto(scheme):
    result = item_result(scheme, "12.3", surveys=[survey(10, 5)])
    assert result.grade == "C" and result.vetoed


# -- 2.4: participants above the target population are attendances, not people --------------------

def project(pid: str, population: int, participants: int) -> dict:
    return {"id": pid, "name": f"项目{pid}", "key": True, "start": "2024-01-01", "end": "2024-12-31",
            "target_population": population, "participants": participants}


@pytest.mark.parametrize("participants, grade, review", [(1000, "A", False), (1001, "B", True)])
def test_2_4_participation_up_to_100_percent_is_a_rate_above_it_is_not(scheme, participants, grade, review):
    result = item_result(scheme, "2.4", projects=[project("P-1", 1000, participants)])
    assert result.grade == grade, text_of(result)
    assert result.needs_review is review
    assert ("参与人数可能按人次统计" in text_of(result)) is review


def test_2_4_should_lower_participants_entered_as_attendances_at_135_percent(scheme):
    result = item_result(scheme, "2.4", projects=[project("P-1", 1200, 1620), project("P-2", 800, 600)])
    assert result.grade == "B" and result.needs_review
    assert check(result, "participation").status == "unknown"
    assert "P-1 参与 1620 人多于相关人群 1200 人" in check(result, "participation").detail


def test_2_4_an_implausible_project_does_not_hide_another_project_under_the_veto(scheme):
    result = item_result(scheme, "2.4", projects=[project("P-1", 1000, 1350), project("P-2", 1000, 200)])
    assert result.grade == "C" and result.vetoed


# -- 6.2: boards scale with the communities under the street -----------------------------------

def publicity(boards: int) -> dict:
    return {"boards": boards, "channels": ["广播"]}


@pytest.mark.parametrize("boards, grade", [(14, "B"), (15, "A")])
def test_6_2_one_board_for_each_of_15_communities(scheme, boards, grade):
    result = item_result(scheme, "6.2", community=community(subdivisions=15), publicity=publicity(boards))
    assert result.grade == grade, text_of(result)
    assert "应有 15 处" in check(result, "boards").detail


@pytest.mark.parametrize("boards, grade", [(9, "B"), (10, "A")])
def test_6_2_never_fewer_than_ten_boards(scheme, boards, grade):
    """Four communities still need ten boards (roads and public places); no count of communities: ten."""
    assert item_result(scheme, "6.2", community=community(subdivisions=4), publicity=publicity(boards)).grade == grade
    assert item_result(scheme, "6.2", publicity=publicity(boards)).grade == grade


def test_6_2_should_lower_ten_boards_for_a_street_of_twenty_communities(scheme):
    result = item_result(scheme, "6.2", community=community(subdivisions=20), publicity=publicity(10))
    assert result.grade == "B"
    assert "应有 20 处" in check(result, "boards").detail


# -- 6.3: media from a controlled list -----------------------------------------------------------

def channels(*names) -> dict:
    return {"boards": 10, "channels": list(names)}


@pytest.mark.parametrize("names, grade", [(("社区广播", "有线电视"), "B"), (("社区广播", "有线电视", "街道网站"), "A")])
def test_6_3_three_kinds_of_media(scheme, names, grade):
    assert item_result(scheme, "6.3", publicity=channels(*names)).grade == grade


def test_6_3_should_lower_boards_banners_and_leaflets_counted_as_media(scheme):
    result = item_result(scheme, "6.3", publicity=channels("社区广播", "宣传栏", "横幅", "宣传单"))
    assert result.grade == "B"
    assert check(result, "channels").measured == 1
    assert "不属于媒体渠道的不计：宣传单、宣传栏、横幅" in check(result, "channels").detail


def test_6_3_should_lower_one_kind_of_medium_carried_by_several(scheme):
    """Three broadcasters and two WeChat accounts are two kinds of media, not five."""
    result = item_result(scheme, "6.3", publicity=channels("社区广播", "应急广播", "村村响大喇叭", "街道微信公众号", "社区微信群"))
    assert check(result, "channels").measured == 2 and result.grade == "B"


def test_6_3_every_listed_medium_is_recognised(scheme):
    names = ("应急广播", "区电视台", "街道门户网站", "微信公众号", "预警短信", "石嘴山日报", "LED电子显示屏", "抖音号")
    assert check(item_result(scheme, "6.3", publicity=channels(*names)), "channels").measured == 8
