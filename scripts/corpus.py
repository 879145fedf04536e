"""A generator of valid, realistic archives for benchmarks (fixed seed): scripts/gen_corpus.py and
scripts/bench.py use it; it is not part of the runtime package.

Units of every kind, plans with dated stages, records of every type spread over years and
stages, briefings numbered per unit and year, Chinese text of realistic length built from the
vocabulary of the domain, with invented names and rare phrases that search must find.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from filing_archive.schema import STUDY_FORMS
from filing_archive.storage import front_matter_text

KINDS = ["town", "school", "kindergarten", "bureau", "community", "clinic"]
UNIT_NAMES = {
    "town": ("镇党委", "Town Party Committee"),
    "school": ("中学党支部", "Middle School Party Branch"),
    "kindergarten": ("幼儿园党支部", "Kindergarten Party Branch"),
    "bureau": ("区教育局", "District Education Bureau"),
    "community": ("社区党委", "Community Party Committee"),
    "clinic": ("卫生院党支部", "Health Centre Party Branch"),
}
PLACE = "青石红星雨苗杏花白沙东岭西河南山北湖金桥柳塘松岗梅林竹园桃源莲花"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜"
    "戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "明华静建国晓燕思远立新志强秀英海波丽娟文军红梅国庆春生玉兰德胜永刚慧敏晓东卫东振华淑珍子涵欣怡浩然宇轩梓萱"
TYPE_WEIGHTS = [
    ("study", 30), ("briefing", 12), ("minutes", 10), ("analysis", 8), ("opinion", 8),
    ("report", 8), ("summary", 6), ("notice", 6), ("duty", 4), ("plan", 0),
]
TYPE_TITLES = {
    "plan": "{year}年意识形态工作方案",
    "study": "{topic}{form}记录",
    "briefing": "意识形态工作简报（{year}年第{issue}期）",
    "summary": "{year}年{topic}工作总结",
    "report": "关于{topic}情况的专题汇报",
    "analysis": "{year}年第{q}季度意识形态风险分析研判报告",
    "opinion": "关于{topic}的舆情信息",
    "minutes": "{topic}专题会议纪要",
    "duty": "{year}年度抓意识形态工作述职报告",
    "notice": "关于{topic}检查情况的通报",
}
TOPICS = [
    "意识形态工作责任制", "网络意识形态安全", "师德师风建设", "理论学习中心组", "课堂教学阵地管理",
    "控辍保学", "宗教领域意识形态", "校园文化建设", "舆情监测处置", "党风廉政建设",
    "社会主义核心价值观", "新时代文明实践", "主题党日活动", "青年教师思想政治", "家长群管理",
]
# Phrases staff write again and again: the bulk of the text.
PHRASES = [
    "坚持以新时代中国特色社会主义思想为指导", "牢牢掌握意识形态工作的领导权管理权话语权",
    "落实意识形态工作责任制", "把意识形态工作作为党的建设的重要内容", "纳入重要议事日程",
    "同部署同落实同检查同考核", "守好意识形态工作这块责任田", "加强网络意识形态阵地建设",
    "按学习阶段及时将学习资料整理归档以备查", "每季度分析研判意识形态风险", "教职工理论学习每月集中学习不少于两次",
    "严格落实一岗双责", "坚持正确政治方向", "发现苗头性问题及时报告", "建立健全舆情监测处置机制",
    "舆情每天下午十七时汇总报送当天信息", "深入开展调查研究", "全面掌握思想动态", "加强队伍建设",
    "提高政治站位", "增强四个意识", "坚定四个自信", "做到两个维护", "弘扬主旋律传播正能量",
    "强化阵地管理", "严肃责任追究", "营造风清气正的良好氛围", "补足精神之钙", "筑牢思想之魂",
    "推动学习教育走深走实", "控辍保学风险学生台账", "建立网络评论员队伍", "教材讲座论坛实行审批备案",
    "定期召开专题会议研究部署", "每半年向上级专题汇报一次", "开展专题督查和综合检查",
]
CONNECTIVES = ["。", "，", "；", "。", "，"]
# Clauses built from these (verb + field + object) make most of the text: any run of words is
# in some records and not others, as in real writing, so phrases are not found everywhere.
VERBS = ["加强", "落实", "推进", "健全", "完善", "开展", "部署", "研判", "排查", "整改", "规范", "深化", "统筹",
         "压实", "强化", "创新", "优化", "夯实", "抓好", "做好", "研究", "督促", "指导", "总结", "通报", "审核", "摸排",
         "跟踪"]
FIELDS = ["网络", "校园", "课堂", "宗教领域", "思想政治", "舆情", "党建", "师德", "宣传", "理论学习", "青年教师",
          "家长群", "学生社团", "讲座论坛", "教材选用", "新媒体", "村级组织", "网格员", "少先队", "班主任", "意识形态",
          "文明实践"]
OBJECTS = ["阵地管理", "工作责任", "风险排查", "安全教育", "队伍建设", "制度机制", "信息报送", "问题整改", "考核评价",
           "专题研讨", "示范创建", "台账资料", "应急处置", "分析研判", "督导检查", "宣传引导", "阵地建设", "学习交流"]
DETAILS = ["全年共开展{n}次", "覆盖{n}个村", "参与党员{n}人次", "形成报告{n}份", "整改问题{n}个", "走访群众{n}户"]
RARE_CHARS = "璞瑄珩翊琰瑾珏玥璟琮瑭珺玢璇琪瑜琨瑶璐"


@dataclass
class CorpusSpec:
    records: int
    units: int = 12
    years: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025)
    chars: int = 3400  # Han characters of body text per record, on average
    seed: int = 20231
    filed_share: float = 0.0  # share of records written with status filed (needs filing to stamp them)


def registry_text(units: list[tuple[str, str, str, str]], fonds: str = "Z001") -> str:
    lines = [f"fonds: {fonds}", "fonds_name: 基准测试全宗", "fonds_name_en: Benchmark fonds", "records_dir: archive"]
    lines.append("units:")
    for code, name, name_en, kind in units:
        lines += [f"  - code: {code}", f"    name: {name}", f"    name_en: {name_en}", f"    kind: {kind}"]
    lines.append("stages: [宣传动员, 学习讨论, 调查研究, 总结]")
    return "\n".join(lines) + "\n"


def make_units(n: int) -> list[tuple[str, str, str, str]]:
    units = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        place = PLACE[(2 * i) % len(PLACE)] + PLACE[(2 * i + 1) % len(PLACE)]
        zh, en = UNIT_NAMES[kind]
        code = f"U{i:02d}" if i < 100 else f"{i:03d}"
        units.append((code, f"{place}{zh}", f"Unit {i:02d} {en}", kind))
    return units


class TextMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def rare(self) -> str:
        """A string found in very few records: search must still find it."""
        chars = "".join(self.rng.choice(RARE_CHARS) for _ in range(3))
        return chars + self.rng.choice(("工作法", "示范点", "台账", "计划"))

    def clause(self) -> str:
        rng = self.rng
        clause = rng.choice(VERBS) + rng.choice(FIELDS) + rng.choice(OBJECTS)
        roll = rng.random()
        if roll < 0.15:
            clause += rng.choice(DETAILS).format(n=rng.randint(2, 90))
        elif roll < 0.22:
            clause = f"{self.person()}同志要求{clause}"
        return clause

    def paragraph(self, chars: int) -> str:
        out, size = [], 0
        while size < chars:
            phrase = self.rng.choice(PHRASES) if self.rng.random() < 0.3 else self.clause()
            out.append(phrase + self.rng.choice(CONNECTIVES))
            size += len(phrase) + 1
        text = "".join(out)
        return text[:-1] + "。"

    def body(self, chars: int, rare: str) -> str:
        sections = ["一、总体情况", "二、主要做法", "三、存在问题", "四、下一步打算"]
        per = max(chars // len(sections), 40)
        parts = []
        for i, heading in enumerate(sections):
            para = self.paragraph(per)
            if i == 1:
                para = para[:-1] + f"，探索形成{rare}。"
            parts.append(f"## {heading}\n\n{para}\n")
        return "\n".join(parts)


def generate(root: Path, spec: CorpusSpec) -> list[Path]:
    """Write archive.yml and ``spec.records`` valid records under ``root``; return the paths."""
    rng = random.Random(spec.seed)
    text = TextMaker(rng)
    units = make_units(spec.units)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "archive.yml").write_text(registry_text(units), encoding="utf-8")
    records_root = root / "docs" / "archive"
    types = [t for t, _ in TYPE_WEIGHTS]
    weights = [w for _, w in TYPE_WEIGHTS]
    forms = [f.code for f in STUDY_FORMS]
    written: list[Path] = []
    issues: dict[tuple[str, int], int] = {}
    plans: dict[tuple[str, int], tuple[str, list[tuple[str, date, date]]]] = {}

    # One plan per unit and year, four stages a quarter each.
    for code, _, _, _ in units:
        for year in spec.years:
            stages = [
                ("宣传动员", date(year, 1, 1), date(year, 3, 31)),
                ("学习讨论", date(year, 4, 1), date(year, 6, 30)),
                ("调查研究", date(year, 7, 1), date(year, 9, 30)),
                ("总结", date(year, 10, 1), date(year, 12, 31)),
            ]
            plan_id = f"{code.lower()}-{year}-plan"
            plans[(code, year)] = (plan_id, stages)
    remaining = max(spec.records - len(plans), 0)
    for (code, year), (plan_id, stages) in plans.items():
        if len(written) >= spec.records:
            break
        fields = {
            "title": f"{next(u[1] for u in units if u[0] == code)}{year}年意识形态工作方案",
            "id": plan_id, "type": "plan", "unit": code, "date": date(year, 1, 2),
            "status": "published", "responsible": text.person(),
            "stages": [{"name": n, "start": s, "end": e} for n, s, e in stages],
        }
        path = records_root / code / str(year) / f"{year}-01-02-{code.lower()}-plan.md"
        written.append(write(path, fields, text.body(spec.chars, text.rare())))

    doc_numbers: dict[tuple[str, int], int] = {}
    for i in range(remaining):
        code = units[rng.randrange(len(units))][0]
        year = rng.choice(spec.years)
        day = date(year, 1, 3) + timedelta(days=rng.randrange(360))
        type_code = rng.choices(types, weights)[0]
        plan_id, stages = plans[(code, year)]
        stage = next(n for n, s, e in stages if s <= day <= e)
        topic = rng.choice(TOPICS)
        form = rng.choice(forms)
        fields: dict[str, object] = {
            "title": "", "type": type_code, "unit": code, "date": day, "status": "published",
            "plan": plan_id, "stage": stage, "keywords": [topic],
        }
        if type_code == "study":
            fields.update(form=form, host=text.person(), attendees=rng.randint(5, 80),
                          hours=rng.choice((1, 1.5, 2, 3)))
        if type_code == "briefing":
            issues[(code, year)] = issues.get((code, year), 0) + 1
            fields["issue"] = issues[(code, year)]
        if type_code in ("report", "notice", "summary") and rng.random() < 0.7:
            rng.randint(1, 60)  # drawn as before, so every other record of a corpus stays as it was
            doc_numbers[(code, year)] = doc_numbers.get((code, year), 0) + 1  # one 文号 per document
            fields["doc_no"] = f"{code}党发〔{year}〕{doc_numbers[(code, year)]}号"
        fields["title"] = TYPE_TITLES[type_code].format(
            year=year, topic=topic, form=form, issue=fields.get("issue", 1), q=(day.month - 1) // 3 + 1
        )
        path = records_root / code / str(year) / f"{day.isoformat()}-{code.lower()}-{i:06d}.md"
        body = text.body(spec.chars, text.rare())
        if "doc_no" in fields:  # a 公文 prints its 文号 above the text
            body = f"{fields['doc_no']}\n\n{body}"
        written.append(write(path, fields, body))
    if spec.filed_share:
        file_share(root, written, spec.filed_share)
    return written


def file_share(root: Path, paths: list[Path], share: float) -> None:
    """File every n-th record with the real filing code (manifest and log included)."""
    from filing_archive.filing import file_records

    step = max(round(1 / share), 1)
    by_retention: dict[str, list[str]] = {"永久": [], "30年": [], "10年": []}
    for i, path in enumerate(p for p in paths if not p.name.endswith("-plan.md")):
        if i % step == 0:
            by_retention[list(by_retention)[(i // step) % 3]].append(str(path))
    from filing_archive.storage import edit_front_matter

    for retention, chosen in by_retention.items():
        for path in map(Path, chosen):  # 页数 is required to file; several at once take it from the front-matter
            path.write_bytes(edit_front_matter(path.read_bytes(), {"pages": 1 + len(chosen) % 7}))
        if chosen:
            result = file_records(root, chosen, retention, by="王整理", checked_by="李检查")
            if result.problems:
                raise RuntimeError("\n".join(map(str, result.problems[:5])))


def write(path: Path, fields: dict, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front_matter_text(fields) + "\n" + body, encoding="utf-8")
    return path
