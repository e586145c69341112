"""Structure before words: what an inspection covered, the years a plan is for, when a goal is due,
what a project is about, which department a member really comes from, whose plan and whose review
a record is. Each reading on both sides of its line, and each lenient reading of the past with a
case that must lower the grade."""

from __future__ import annotations

import pytest

from tests.conftest import act, check, doc, item_result, text_of


def inspection(id, date, title="安全检查", **fields):
    return act(id, "检查", date, title=title, **fields)


QUARTERS = ("2024-03-10", "2024-06-10", "2024-09-10", "2024-12-10")


# -- 8.3: comprehensive is what an inspection covered; counted by day ---------------------------

@pytest.mark.parametrize("domains, counted", [(["消防安全", "家居安全"], False), (["消防安全", "家居安全", "交通安全"], True)])
def test_8_3_three_domains_make_an_inspection_comprehensive(scheme, domains, counted):
    checks = [inspection(f"A-{n}", d, domains=domains) for n, d in enumerate(QUARTERS, 1)]
    result = item_result(scheme, "8.3", activities=checks)
    assert check(result, "four").passed is counted, check(result, "four").detail
    assert result.grade == ("A" if counted else "B")


def test_8_3_domains_come_from_the_hazards_and_rectifications_found_in_it(scheme):
    """A 安全检查 that found a fire hazard, a gas hazard and a road hazard covered three domains."""
    checks = [inspection(f"A-{n}", d) for n, d in enumerate(QUARTERS, 1)]
    hazards = [{"id": f"H-{n}-{k}", "place": place, "category": cat, "activity": f"A-{n}", "found": d, "controlled": "已控制"}
               for n, d in enumerate(QUARTERS, 1) for k, (cat, place) in enumerate([("消防", "楼道"), ("燃气", "餐馆后厨")])]
    rects = [{"id": f"R-{n}", "activity": f"A-{n}", "issue": "路口交通标志缺失，已补设", "found": d, "fixed": d, "verified": d}
             for n, d in enumerate(QUARTERS, 1)]
    with_both = item_result(scheme, "8.3", activities=checks, hazards=hazards, rectifications=rects)
    assert check(with_both, "four").passed, check(with_both, "four").detail
    without_rects = item_result(scheme, "8.3", activities=checks, hazards=hazards)
    assert not check(without_rects, "four").passed  # fire and home: two domains


def test_8_3_should_lower_five_comprehensive_inspections_on_one_day(scheme):
    same_day = [inspection(f"A-{n}", "2024-06-10", title=f"第{n}组综合安全检查", scope="综合") for n in range(1, 6)]
    result = item_result(scheme, "8.3", activities=same_day)
    assert check(result, "four").measured == 1 and result.grade == "B"
    assert "同一天的算一天" in check(result, "four").detail
    four_days = [inspection(f"A-{n}", d, title="综合安全检查", scope="综合") for n, d in enumerate(QUARTERS, 1)]
    assert item_result(scheme, "8.3", activities=four_days).grade == "A"


def test_8_3_should_lower_fire_only_inspections_titled_as_big_inspections(scheme):
    fire = [inspection(f"A-{n}", d, title="消防安全大检查") for n, d in enumerate(QUARTERS, 1)]
    result = item_result(scheme, "8.3", activities=fire)
    assert check(result, "four").measured == 0 and result.grade == "B"
    assert "只涉及消防安全" in check(result, "four").detail
    general = [inspection(f"A-{n}", d, title="安全生产大检查") for n, d in enumerate(QUARTERS, 1)]
    assert item_result(scheme, "8.3", activities=general).grade == "A"
    plain = [inspection(f"A-{n}", d, title="节前安全大检查") for n, d in enumerate(QUARTERS, 1)]
    assert item_result(scheme, "8.3", activities=plain).grade == "A"


@pytest.mark.parametrize("title", ["拉网式消防安全检查", "消防安全隐患排查活动", "镇党委书记带队开展消防安全专项检查"])
def test_8_3_should_lower_a_fire_inspection_widened_by_where_its_hazards_were(scheme, title):
    """A fire inspection finds fire hazards in homes, restaurants and shops: where they were does not make
    it comprehensive; only a written scope or the domains written on the record can."""
    def run(title, **fields):
        checks = [inspection(f"A-{n}", d, title=title, **fields) for n, d in enumerate(QUARTERS, 1)]
        hazards = [{"id": f"H-{n}-{k}", "place": place, "activity": f"A-{n}", "found": d, "controlled": "已控制"}
                   for n, d in enumerate(QUARTERS, 1) for k, place in enumerate(["居民楼道堆放杂物", "餐馆后厨灭火器过期", "超市疏散通道堵塞"])]
        return item_result(scheme, "8.3", activities=checks, hazards=hazards)

    fire = run(title)
    assert check(fire, "four").measured == 0 and fire.grade == "B", check(fire, "four").detail
    assert "只涉及消防安全" in check(fire, "four").detail
    assert run("安全检查").grade == "A"  # no domain named: what it found says what it covered
    assert run(title, domains=["消防安全", "家居安全", "公共场所安全"]).grade == "A"  # the structural rule still can
    assert run(title, scope="综合").grade == "A"


# -- plans: the years a title names -------------------------------------------------------------

def plan(title, issued, id="D-1", kind="计划"):
    return doc(id, kind, title, issued)


def test_4_2_a_plan_for_2024_issued_at_the_end_of_2023_is_the_2024_plan(scheme):
    result = item_result(scheme, "4.2", documents=[plan("2024年安全社区建设工作计划", "2023-12-28")])
    assert check(result, "plan-current").passed, check(result, "plan-current").detail


def test_4_2_should_lower_a_2025_2027_plan_issued_in_december_taken_for_the_years_plan(scheme):
    result = item_result(scheme, "4.2", documents=[plan("2025—2027年安全社区建设规划", "2024-12-20")])
    assert check(result, "plan").passed and not check(result, "plan-current").passed
    assert "不在评估期内" in text_of(result) and result.grade == "B"


def test_1_5_reads_the_plans_years_too(scheme):
    early = item_result(scheme, "1.5", documents=[plan("2024年安全社区创建工作计划", "2023-12-28")])
    assert check(early, "plan-current").passed
    ahead = item_result(scheme, "1.5", documents=[plan("2025—2027年安全社区创建规划", "2024-12-20")])
    assert not check(ahead, "plan-current").passed


def test_a_plan_without_a_year_in_its_title_is_of_the_year_it_was_issued(scheme):
    assert check(item_result(scheme, "1.5", documents=[plan("安全社区创建工作计划", "2024-02-01")]), "plan-current").passed
    assert not check(item_result(scheme, "1.5", documents=[plan("安全社区创建工作计划", "2023-12-28")]), "plan-current").passed


def test_12_2_the_plan_made_this_year_for_the_years_ahead_is_this_years_improvement_plan(scheme):
    result = item_result(scheme, "12.2", documents=[plan("安全社区持续改进计划（2025—2027年）", "2024-12-20")])
    assert check(result, "current").passed, check(result, "current").detail
    late = item_result(scheme, "12.2", documents=[plan("安全社区持续改进计划（2025—2027年）", "2025-01-20")])
    assert not check(late, "current").passed


# -- goals: due after the period is long-term ----------------------------------------------------

def goal(id, horizon, due):
    return {"id": id, "horizon": horizon, "text": "伤害人次下降10%", "due": due}


def test_4_1_should_lower_an_annual_goal_due_after_the_period(scheme):
    result = item_result(scheme, "4.1", goals=[goal("G-1", "年度", "2025-12-31"), goal("G-2", "长期", "2027-12-31")])
    assert not check(result, "annual").passed and result.grade == "B"
    in_time = item_result(scheme, "4.1", goals=[goal("G-1", "年度", "2024-12-31"), goal("G-2", "长期", "2027-12-31")])
    assert check(in_time, "annual").passed and check(in_time, "long-term").passed


def test_4_1_a_goal_due_after_the_period_is_long_term_whatever_its_horizon(scheme):
    result = item_result(scheme, "4.1", goals=[goal("G-1", "年度", "2024-12-31"), goal("G-2", "年度", "2026-12-31")])
    assert check(result, "long-term").passed
    assert not check(item_result(scheme, "4.1", goals=[goal("G-1", "年度", "2024-12-31")]), "long-term").passed


# -- projects: domains from the name -------------------------------------------------------------

def test_5_1_a_projects_domains_come_from_its_name(scheme):
    names = ["儿童防溺水", "老年人防跌倒", "电动自行车消防安全", "校园交通安全"]
    projects = [{"id": f"P-{n}", "name": name, "start": "2024-01-01", "end": "2024-12-31"} for n, name in enumerate(names, 1)]
    result = item_result(scheme, "5.1", projects=projects)
    assert check(result, "domains").measured >= 4, check(result, "domains").detail
    assert check(item_result(scheme, "5.1", projects=projects[:1]), "domains").measured < 4


# -- 1.1: the street's own offices are one department ------------------------------------------

OFFICES = ["街道党政办", "街道安监办", "街道综治办", "街道城建办", "社会事务办", "经济发展办", "朝阳社区工作站", "网格管理中心"]


def leadership(*units):
    return [{"id": "LG", "kind": "领导机构", "name": "安全社区创建工作领导小组",
             "members": [{"name": f"成员{n}", "unit": u} for n, u in enumerate(units, 1)]}]


def test_1_1_should_lower_the_streets_own_offices_counted_as_departments(scheme):
    result = item_result(scheme, "1.1", organizations=leadership("朝阳街道办事处", *OFFICES, "朝阳派出所"))
    assert check(result, "sectors").measured == 2, check(result, "sectors").detail
    assert result.grade != "A"


def test_1_1_a_written_sector_does_not_make_an_office_of_the_street_another_department(scheme):
    members = [{"name": "甲", "unit": "街道安监办", "sector": "应急"}, {"name": "乙", "unit": "街道办事处", "sector": "政府"}]
    result = item_result(scheme, "1.1", organizations=[{"id": "LG", "kind": "领导机构", "name": "领导小组", "members": members}])
    assert check(result, "cross-sector").measured == 1 and result.grade == "C"


@pytest.mark.parametrize("outside, grade", [(3, "B"), (4, "A")])
def test_1_1_five_departments_with_the_street_counted_once(scheme, outside, grade):
    units = ["大武口区应急管理局", "朝阳派出所", "消防救援大队", "社区卫生服务中心"][:outside]
    docs = [doc("D-1", "通知", "关于成立安全社区创建工作领导小组的通知", "2023-05-10")]
    result = item_result(scheme, "1.1", organizations=leadership("朝阳街道办事处", "街道党政办", "街道安监办", *units), documents=docs)
    assert result.grade == grade, text_of(result)


# -- 12.2: a project's plan is not the improvement plan ----------------------------------------

def test_12_2_should_lower_a_projects_plan_tagged_continual_improvement(scheme):
    project = {"id": "P-1", "name": "老年人防跌倒", "plan": "D-1", "start": "2024-01-01", "end": "2024-12-31"}
    own = doc("D-1", "方案", "老年人防跌倒项目实施方案", "2024-01-25", topics=["持续改进"])
    goals = [goal("G-1", "长期", "2027-12-31")]
    result = item_result(scheme, "12.2", documents=[own], projects=[project], goals=goals)
    assert not check(result, "plan").passed and result.grade == "B"
    assert "项目自己的实施方案" in check(result, "plan").detail
    community = doc("D-2", "计划", "安全社区持续改进计划", "2024-12-20")
    assert item_result(scheme, "12.2", documents=[own, community], projects=[project], goals=goals).grade == "A"


# -- 12.1: a quarterly 考评 of the sub-communities is not the community's review -------------------

def test_12_1_should_lower_a_quarterly_assessment_of_the_communities(scheme):
    quarterly = [act(f"A-{n}", "评审", d, title=f"第{n}季度各社区安全工作考评") for n, d in enumerate(QUARTERS, 1)]
    result = item_result(scheme, "12.1", activities=quarterly)
    assert not check(result, "yearly").passed and result.grade == "B"
    assert "不是整体评审" in check(result, "yearly").detail
    whole = act("A-9", "评审", "2024-12-10", title="2024年度安全社区绩效评审会")
    report = doc("D-1", "报告", "2024年度安全社区绩效评审报告", "2024-12-20")
    assert item_result(scheme, "12.1", activities=[*quarterly, whole], documents=[report]).grade == "A"


# -- 7.2: 整改中 is neither closed nor neglected -----------------------------------------------------

@pytest.mark.parametrize("state, grade", [("已控制", "A"), ("整改中", "B"), ("未控制", "C")])
def test_7_2_a_major_hazard_under_way_is_not_a_severe_defect_nor_an_a(scheme, state, grade):
    hazard = {"id": "H-1", "place": "老旧小区燃气管线", "level": "重大", "found": "2024-03-01", "controlled": state}
    result = item_result(scheme, "7.2", hazards=[hazard])
    assert result.grade == grade, text_of(result)
    if state == "整改中":
        assert "完工并经复查消除后为已控制" in check(result, "all-controlled").detail
        assert any("经复查确认消除后即为已控制" in a for a in result.advice)


# -- 5.3: a project whose name says no target is related evidence, never a blank ----------------

def project(id, name, **fields):
    return {"id": id, "name": name, "start": "2024-01-01", "end": "2024-12-31", **fields}


def test_5_3_a_project_whose_name_says_no_target_is_never_a_c(scheme):
    untold = item_result(scheme, "5.3", projects=[project("P-1", "梅兰家园社区安全体验室")])
    assert untold.grade == "B", text_of(untold)
    assert "P-1 未写明对象" in check(untold, "targeted").detail
    assert item_result(scheme, "5.3", projects=[]).grade == "C"  # no project at all: a genuine absence


@pytest.mark.parametrize("name, kind", [("“我来教您防跌倒”公益项目", "vulnerable_groups"), ("建筑企业规范化管理促进项目", "high_risk_groups"),
                                        ("建华社区“防溺水守护行动”", "high_risk_environments")])
def test_5_3_what_a_project_aims_at_is_read_from_what_it_prevents_and_whom_it_names(scheme, name, kind):
    result = item_result(scheme, "5.3", projects=[project("P-1", name)])
    assert check(result, "targeted").passed, check(result, "targeted").detail
    assert "P-1" in check(result, "targeted").detail


def test_5_1_a_project_named_by_what_it_prevents_or_a_room_for_everyone_names_no_high_risk_group(scheme):
    """防溺水 names the water it guards (a high-risk environment), not a group at high risk; a safety
    experience room open to all residents aims at no one in particular. With a vulnerable group from
    another project, 5.1 still lacks 高危人群: what the table names with 尤其是 must be named."""
    projects = [project("P-1", "老年人防跌倒"), project("P-2", "建华社区“防溺水守护行动”"), project("P-3", "旺泉街道梅兰家园社区安全体验室")]
    targets = check(item_result(scheme, "5.1", projects=projects), "targets")
    assert targets.measured == 2 and not targets.passed, targets.detail
    assert "未见针对高危人群" in targets.detail


# -- a clause of a regulation is not the community's own rule -----------------------------------

def test_8_2_should_lower_a_clause_of_a_citys_regulation_taken_for_the_communitys_inspection_rule(scheme):
    clause = doc("D-1", "制度", "社区居委会对公共聚集场所、危险化学品、建筑企业等专项检查每季不少于一次（市社区安全管理规定第八条）")
    result = item_result(scheme, "8.2", documents=[clause])
    assert not check(result, "rules").passed and result.grade == "B", text_of(result)
    own = doc("D-1", "制度", "社区居委会专项检查每季不少于一次的规定")
    assert check(item_result(scheme, "8.2", documents=[own]), "rules").passed


# -- 6.4: publicity in the community reaches residents, whoever was written as running it -------

@pytest.mark.parametrize("kind, audience, counted", [("宣传", "干部", True), ("宣传", ["干部", "志愿者"], True),
                                                     ("培训", "干部", False), ("宣传", "从业人员", False)])
def test_6_4_publicity_run_by_cadres_still_reaches_residents(scheme, kind, audience, counted):
    """A 宣传 row whose 对象 says 干部、志愿者 names who staffed it; a 培训 for cadres, or publicity aimed at
    workers, is not residents' education (the should-lower side)."""
    rows = [act(f"A-{n}", kind, d, title="安全知识宣传活动", audience=audience) for n, d in enumerate(QUARTERS, 1)]
    result = item_result(scheme, "6.4", activities=rows)
    assert check(result, "quarterly").passed is counted, check(result, "quarterly").detail
