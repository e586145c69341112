"""Realistic random evidence bundles (`safecomm/evidence@1` as plain data), for benchmarks and property tests.

A bundle looks like what a street office writes: a leadership and a working body, a few dozen
documents and activities spread over the year, key projects with participation between weak
and strong, hazards, injuries over three years, surveys. Everything comes from the `random.Random`
given, so a seed names a bundle. Some bundles are ready, most need rectifying, a few are vetoed.

    python benchmarks/gen.py OUT_DIR [COUNT] [SEED]   # writes OUT_DIR/<n>/evidence.yaml with attachments
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

YEAR = 2024
PERIOD = (date(YEAR, 1, 1), date(YEAR, 12, 31))

SECTORS = ["政府", "应急", "公安", "消防", "交通", "卫生", "教育", "民政", "工会", "妇联", "共青团", "企业", "学校", "医院", "社会组织", "居民"]
CATEGORIES = ["社区管理人员", "相关单位工作人员", "安全卫生技术人员", "志愿者", "社区居民"]
DOMAINS = ["消防安全", "工作场所安全", "公共场所安全", "家居安全", "交通安全", "学校安全", "老年人安全", "涉水安全", "儿童安全", "体育运动安全", "社会治安", "防灾减灾和环境安全"]
AUDIENCES = ["居民", "从业人员", "学生", "老年人", "儿童", "残疾人", "流动人口", "志愿者", "干部", "企业", "应急队伍"]
ACTIVITY_KINDS = ["教育", "培训", "演练", "检查", "交流", "评审", "会议", "宣传", "议事"]
DOCUMENT_KINDS = ["制度", "计划", "目标", "方案", "预案", "责任书", "记录", "档案", "报告", "纪要", "通知", "台账", "总结"]
# Keywords street offices put in titles and topics; they include the ones the national rule set looks for.
TOPICS = [
    "安全检查", "隐患排查", "应急", "伤害监测", "事故报告", "档案", "培训", "公共设施", "职责", "责任", "议事", "协商",
    "危险源", "伤害记录", "事故记录", "信息报告", "检查", "评审", "伤害", "原因", "改进", "安全社区", "创建", "教育",
    "通报", "公示", "综合", "总体", "生产", "交通", "消防", "治安", "家居", "创建过程", "安全管理", "安全促进", "风险控制",
]
EVENTS = ["安全生产月宣传", "6·16 安全宣传咨询日", "119 消防日演练", "防灾减灾日宣传", "老年人防跌倒讲座", "儿童防溺水课堂",
          "电动自行车安全充电宣传", "有限空间作业培训", "燃气安全入户检查", "校园周边交通劝导", "季度综合安全检查"]
PROJECTS = ["老年人防跌倒", "儿童防溺水", "电动自行车安全充电", "企业有限空间作业安全", "居家燃气安全", "校园周边交通安全"]
TARGETS = {
    "vulnerable_groups": ["老年人", "儿童", "残疾人", "独居老人"],
    "high_risk_groups": ["有限空间作业人员", "电动自行车骑行者", "外卖骑手"],
    "high_risk_environments": ["老旧小区楼道", "城市排洪沟", "学校门口路段", "电动车集中停放点"],
}
CAUSES = ["交通", "跌倒", "火灾", "溺水", "烧烫伤", "中毒", "机械伤害"]


def day(rng: random.Random, start: date = PERIOD[0], end: date = PERIOD[1]) -> str:
    return (start + timedelta(days=rng.randrange((end - start).days + 1))).isoformat()


def pick(rng: random.Random, values: list, low: int, high: int) -> list:
    return rng.sample(values, rng.randint(low, min(high, len(values))))


def member(rng: random.Random, n: int, **fields) -> dict:
    return {"name": f"成员{n}", "unit": rng.choice(["街道办事处", "派出所", "消防救援站", "卫生服务中心", "中心小学", "社区居委会"]), **fields}


def organizations(rng: random.Random, charters: list[str]) -> list[dict]:
    leadership = {
        "id": "LG", "kind": "领导机构", "name": "安全社区创建工作领导小组", "established": f"{YEAR - 1}-05-10",
        "members": [member(rng, n, sector=s) for n, s in enumerate(pick(rng, SECTORS, 1, 11))],
    }
    working = {
        "id": "WG", "kind": "执行机构", "name": "安全社区创建办公室",
        "members": [member(rng, n, category=c) for n, c in enumerate(pick(rng, CATEGORIES, 1, 5))],
    }
    if charters and rng.random() < 0.8:
        leadership["charter"], working["charter"] = charters[0], charters[-1]
    orgs = [leadership, working]
    if rng.random() < 0.8:
        orgs.append({"id": "V1", "kind": "志愿者组织", "name": "平安志愿者服务队", "size": rng.randint(10, 120)})
    return orgs


def document(rng: random.Random, ident: str, kind: str | None = None) -> dict:
    kind = kind or rng.choice(DOCUMENT_KINDS)
    topics = pick(rng, TOPICS, 1, 3)
    doc = {"id": ident, "kind": kind, "title": f"{'、'.join(topics)}{kind}", "topics": topics, "issued": day(rng, date(YEAR - 1, 6, 1))}
    if rng.random() < 0.9:
        doc["file"] = f"attachments/{ident.lower()}.pdf"
    return doc


def goal(rng: random.Random, ident: str) -> dict:
    metric = rng.choice(["伤害人次", "火灾起数", "老年人跌倒人次", "儿童溺水人次", "交通事故起数"])
    baseline = rng.randint(20, 200)
    complete = rng.random() < 0.8
    g = {"id": ident, "horizon": rng.choice(["年度", "长期"]), "text": f"{metric}下降{rng.randint(5, 30)}%"}
    if complete:
        g.update(metric=metric, baseline=baseline, target=round(baseline * rng.uniform(0.6, 0.95)), due=day(rng, PERIOD[1], date(YEAR + 3, 12, 31)))
    return g


def activity(rng: random.Random, ident: str, projects: list[str] = (), organizers: list[str] = ()) -> dict:
    kind = rng.choice(ACTIVITY_KINDS + ["教育", "宣传", "检查"])
    act = {"id": ident, "kind": kind, "date": day(rng, date(YEAR - 1, 11, 1), date(YEAR + 1, 1, 31)),
           "title": rng.choice(EVENTS), "audience": rng.choice(AUDIENCES), "domains": pick(rng, DOMAINS, 0, 3)}
    if kind == "检查":
        act["scope"] = rng.choice(["综合", "专项", "日常"])
        act["findings"] = rng.randint(0, 6)
    if kind in ("教育", "培训", "演练", "宣传"):
        act["participants"] = rng.randint(10, 400)
    if projects and rng.random() < 0.4:
        act["project"] = rng.choice(projects)
    if organizers and rng.random() < 0.3:
        act["organizer"] = rng.choice(organizers)
    if rng.random() < 0.7:
        act["files"] = [f"attachments/{ident.lower()}.jpg"]
    return act


def project(rng: random.Random, ident: str, name: str, plans: list[str]) -> dict:
    population = rng.randint(200, 9000)
    p = {"id": ident, "name": name, "domains": pick(rng, DOMAINS, 1, 2), "key": rng.random() < 0.7,
         "targets": {group: pick(rng, values, 0, 2) for group, values in TARGETS.items()},
         "start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}
    if plans and rng.random() < 0.85:
        p["plan"] = rng.choice(plans)
    if rng.random() < 0.9:
        # Participation mostly around the 50% line, sometimes under the 30% veto.
        p.update(target_population=population, participants=int(population * min(1.0, rng.betavariate(4, 3))))
    if rng.random() < 0.7:
        baseline = rng.randint(10, 60)
        p["outcomes"] = [{"metric": f"{name}相关伤害人次", "baseline": baseline, "latest": baseline + rng.randint(-8, 3), "better": "降低"}]
    return p


def hazard(rng: random.Random, ident: str) -> dict:
    return {"id": ident, "found": day(rng, date(YEAR - 1, 6, 1)), "place": rng.choice(TARGETS["high_risk_environments"] + ["农贸市场", "建筑工地"]),
            "category": rng.choice(["消防", "交通", "燃气", "涉水", "用电"]), "level": rng.choice(["一般", "一般", "一般", "较大", "重大"]),
            "method": rng.choice(["日常巡查", "专项排查", "居民报告", "专家评估"]),
            "high_risk_environment": rng.random() < 0.5, "controlled": rng.random() < 0.85}


def rectification(rng: random.Random, ident: str, inspections: list[dict]) -> dict:
    source = rng.choice(inspections) if inspections else None
    found = source["date"] if source else day(rng)
    r = {"id": ident, "kind": rng.choice(["整改", "整改", "纠正", "预防"]), "issue": rng.choice(["楼道堆放杂物", "消防通道占用", "电动车违规充电", "井盖缺失"]),
         "found": found}
    if source:
        r["activity"] = source["id"]
    if rng.random() < 0.9:
        fixed = date.fromisoformat(found) + timedelta(days=rng.randint(1, 20))
        r["fixed"] = fixed.isoformat()
        if rng.random() < 0.8:
            r["verified"] = (fixed + timedelta(days=rng.randint(0, 10))).isoformat()
    return r


def survey(rng: random.Random, ident: str) -> dict:
    respondents = rng.randint(100, 800)
    return {"id": ident, "kind": rng.choice(["满意度", "满意度", "知晓率", "需求"]), "date": day(rng),
            "respondents": respondents, "positive": int(respondents * rng.uniform(0.5, 0.97))}


def bundle(rng: random.Random, scale: int = 1) -> dict:
    """One community's evidence; `scale` multiplies the number of records."""
    docs = [document(rng, f"D-{n:03d}") for n in range(1, rng.randint(8, 30) * scale + 1)]
    docs += [document(rng, f"D-9{n}", kind="方案") for n in range(rng.randint(0, 4))]
    charters = [d["id"] for d in docs if d["kind"] in ("制度", "通知")]
    orgs = organizations(rng, charters)
    plans = [d["id"] for d in docs if d["kind"] == "方案"]
    projects = [project(rng, f"P-{n}", name, plans) for n, name in enumerate(pick(rng, PROJECTS, 1, 6), 1)]
    acts = [activity(rng, f"A-{n:03d}", [p["id"] for p in projects], [o["id"] for o in orgs])
            for n in range(1, rng.randint(6, 45) * scale + 1)]
    inspections = [a for a in acts if a["kind"] == "检查" and a.get("findings")]
    start = rng.randint(80, 200)
    totals = [start, int(start * rng.uniform(0.8, 1.1)), int(start * rng.uniform(0.7, 1.05))]
    data = {
        "format": "safecomm/evidence@1",
        "community": {
            "name": f"{rng.choice(['朝阳', '新华', '河滨', '东风', '青山', '柳湾'])}街道办事处", "kind": rng.choice(["街道", "乡镇"]),
            "province": "宁夏回族自治区", "city": "石嘴山市", "county": "大武口区",
            "population": rng.randint(8000, 90000), "launched": f"{YEAR - 1}-05-10",
            "period": {"start": PERIOD[0].isoformat(), "end": PERIOD[1].isoformat()},
        },
        "organizations": orgs,
        "documents": docs,
        "goals": [goal(rng, f"G-{n}") for n in range(1, rng.randint(1, 8) + 1)],
        "budget": [{"year": YEAR, "planned": 500000, "spent": rng.randint(200000, 520000)}],
        "activities": acts,
        "projects": projects,
        "hazards": [hazard(rng, f"H-{n}") for n in range(1, rng.randint(0, 15) * scale + 1)],
        "injuries": {
            "sources": pick(rng, ["社区卫生服务中心伤害监测", "派出所", "消防救援站", "交警中队", "学校"], 0, 5),
            "reports_to": pick(rng, ["区应急管理局", "交警大队", "区卫健局", "消防救援大队"], 0, 4),
            "years": [{"year": YEAR - 2 + i, "total": t, "by_cause": {c: rng.randint(1, max(1, t // 5)) for c in pick(rng, CAUSES, 0, 5)}}
                      for i, t in enumerate(totals)],
        },
        "agreements": {"units": (units := rng.randint(20, 200)), "signed": rng.randint(units // 2, units),
                       "special_equipment": {"total": (eq := rng.randint(0, 30)), "registered": rng.randint(eq // 2, eq)}},
        "rectifications": [rectification(rng, f"R-{n}", inspections) for n in range(1, rng.randint(0, 12) * scale + 1)],
        "emergency": {
            "teams": [{"id": f"T-{n}", "name": f"应急救援队{n}", "members": rng.randint(5, 40), "kind": rng.choice(["专职", "兼职"])}
                      for n in range(1, rng.randint(0, 3) + 1)],
            "equipment": [{"id": f"E-{n}", "name": rng.choice(["灭火器", "应急照明", "救生圈", "担架"]), "quantity": rng.randint(1, 200),
                           "checked": day(rng), "ok": rng.random() < 0.9} for n in range(1, rng.randint(0, 6) + 1)],
        },
        "publicity": {"boards": rng.randint(0, 40), "channels": pick(rng, ["广播", "电视", "网络", "微信", "短信", "宣传栏"], 0, 6)},
        "workforce_training": {"units": (wt := rng.randint(10, 150)), "trained": rng.randint(wt // 2, wt)},
        "surveys": [survey(rng, f"S-{n}") for n in range(1, rng.randint(0, 3) + 1)],
        "feedback": {"received": (fb := rng.randint(20, 200)), "handled": (h := rng.randint(fb // 2, fb)), "satisfied": rng.randint(h // 2, h)},
    }
    return data


def attachments(data: dict) -> list[str]:
    """Every attachment path the bundle cites."""
    paths = [d["file"] for d in data.get("documents", []) if d.get("file")]
    return paths + [f for a in data.get("activities", []) for f in a.get("files", [])]


def write(data: dict, folder: Path) -> Path:
    """`folder/evidence.yaml` and a small file for each attachment; returns the evidence path."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    for path in attachments(data):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f"附件 {path}\n".encode())
    evidence = folder / "evidence.yaml"
    evidence.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return evidence


if __name__ == "__main__":
    out, count, seed = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10, int(sys.argv[3]) if len(sys.argv) > 3 else 0
    rng = random.Random(seed)
    for n in range(count):
        print(write(bundle(rng), out / f"{n:04d}"))
