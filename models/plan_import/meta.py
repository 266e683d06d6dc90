"""The plan's identity and words: name, district and its level, city and province,
issuer, adoption date, first month, peak year, office, and what the plan calls its
streets, actions and appendix.

Where a value is inferred rather than printed (the city from the city plan the text
cites, the id), a review item says so.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from models.plan_import.document import Para
from models.plan_import.draft import DraftMeta, DraftUnit
from models.plan_import.review import Review
from models.plan_words import street_word_of

_DISTRICT = re.compile(
    r"^(?:(?P<province>[^省市区县旗]{2,8}?(?:省|自治区))?(?P<city>[^省市区县旗]{2,8}?(?:市|自治州|地区|盟))?)"
    r"(?P<district>[^省市区县旗]{1,10}?(?:自治县|自治旗|新区|区|县|市|旗|林区|特区))"
    r"(?=碳达峰|碳中和|关于|“|推进|实施)")
UNKNOWN_DISTRICT = "未识别区县"
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# the place a cited title starts with: 《中共某某省委…》, 《某某市碳达峰实施方案》
_CITED = re.compile(r"《(?:中共)?([^《》“”\"\s（(]{2,7}?(?:省|自治区|市))(?:委|人民政府|碳达峰|关于|国民经济|“)")
_PEAK = re.compile(r"(\d{4})年前(?:实现)?(?:全[区县市旗])?碳达峰|(\d{4})年(?:前)?(?:如期)?实现碳达峰")
_HOST = re.compile(r"办公室(?:设在|设于)([^，。；、（(]{2,20})")
_ASSIGNED = re.compile(r"完成(国家|省|市)(?:级)?下达")
_ACTIONS_WORD = re.compile(r"([一二三四五六七八九十]{1,3}大(?:行动|工程|任务|领域))")


def plan_meta(title: Para | None, notice: list[Para], file_stem: str, review: Review,
              plan_id: str | None = None) -> tuple[DraftMeta, str]:
    """The header fields readable from the title and the notice, and the level word
    (区/县/市/旗). ``plan_id`` is the id the user chose (no review item then)."""
    meta = DraftMeta()
    name = title.text if title is not None else ""
    if not name:
        m = re.search(r"《([^《》]+方案)》", " ".join(p.text for p in notice))
        name = m.group(1) if m else file_stem
        review.add("plan_info", notice[0].where if notice else "", name,
                   f"方案名称取为“{name}”", "没有找到单独一行的方案标题：请核对方案名称。")
    meta.name = name
    level = ""
    m = _DISTRICT.match(name) or _DISTRICT.match(file_stem)
    if m:
        meta.district = m.group("district")
        meta.city = m.group("city") or ""
        meta.province = m.group("province") or ""
        level = _level_of(meta.district)
        if not _DISTRICT.match(name):
            review.add("plan_info", title.where if title else "", file_stem, f"区县名称取自文件名：“{meta.district}”",
                       "请核对区县名称。")
    else:
        meta.district = UNKNOWN_DISTRICT  # the file must load; the office names the place
        review.add("plan_info", title.where if title else "", name, f"区县名称未能识别：暂记为“{UNKNOWN_DISTRICT}”",
                   "请在计划编辑中填写区县名称（如“XX区”“XX县”）后再使用该计划文件。")
    for p in notice:
        if not meta.issuer and re.fullmatch(r"[^，。：:]{2,30}(人民政府(办公室)?|委员会)", p.text):
            meta.issuer = p.text
        d = _DATE.search(p.text)
        if d and len(p.text) <= 20:
            meta.adopted = _iso(d)
    if not meta.issuer:
        m2 = re.search(r"^(.{2,30}?人民政府(?:办公室)?)关于印发", " ".join(p.text for p in notice))
        meta.issuer = m2.group(1) if m2 else ""
    if meta.adopted:
        meta.version = meta.adopted
        y, mo = int(meta.adopted[:4]), int(meta.adopted[5:7])
        meta.first_month = f"{y + mo // 12}-{mo % 12 + 1:02d}"
    else:
        meta.version = "1"
        review.add("plan_info", notice[0].where if notice else "", name,
                   f"印发日期未找到：版本记为“1”，首个填报月份取 {date.today().year}-01",
                   "请在计划编辑中填写印发日期和首个填报月份。")
        meta.first_month = f"{date.today().year}-01"
    year = meta.adopted[:4] if meta.adopted else str(date.today().year)
    meta.id = plan_id or f"{meta.district or name}-{year}"
    if plan_id:
        return meta, level
    review.add("plan_info", title.where if title else "", name,
               f"方案标识（id）取为“{meta.id}”，版本取为“{meta.version}”",
               "数据库按方案标识识别计划：同一方案的新版本保持标识不变；如需改用拼音或其他写法，请在保存前修改。")
    return meta, level


def _level_of(district: str) -> str:
    for word in ("旗", "县", "区", "市"):
        if district.endswith(word):
            return word
    return "区"


def _iso(m: re.Match[str]) -> str:
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def cited_city(meta: DraftMeta, text: str, where: str, review: Review) -> None:
    """Fill city and province from the documents the preamble cites: a county plan cites
    its province's and its city's (《中共某某省委…》, 《某某市碳达峰实施方案》)."""
    found = False
    for m in _CITED.finditer(text):
        place = m.group(1)
        if place.endswith(("省", "自治区")) and not meta.province:
            meta.province, found = place, True
        elif place.endswith("市") and not meta.city and place != meta.district:
            meta.city, found = place, True
    if found:
        review.add("plan_info", where, text[:120],
                   f"上级地区取为：{'、'.join(x for x in (meta.province, meta.city) if x)}（据方案引用的文件）",
                   "请核对方案所属的市和省。")


def peak_year(text: str) -> int | None:
    years = [int(a or b) for a, b in _PEAK.findall(text)]
    return min(years) if years else None


def office(units: list[DraftUnit], organisation: str, level: str) -> tuple[str, str]:
    """(office_unit, office_host): the 领导小组办公室 among the units (or named in 组织实施),
    and the unit it is set up in."""
    office_unit = next((u.name for u in units if u.kind == "office" and u.name.endswith("办公室")), "")
    if not office_unit:
        m = re.search(rf"({level or '区'}[^，。；、]{{0,16}}?领导小组)", organisation)
        office_unit = (m.group(1) + "办公室") if m else f"{level}碳达峰碳中和工作领导小组办公室"
    m = _HOST.search(organisation)
    return office_unit, (m.group(1).strip() if m else "")


def words(text_all: str, level: str, streets_unit: str, appendix: str, labels: dict[str, str],
          n_actions: int) -> dict[str, str]:
    out: dict[str, str] = {"level": level or "区"}
    word = street_word_of(streets_unit)
    if word:
        out["street_word"] = word
    elif streets_unit:
        for w in ("街镇", "乡镇", "街道", "镇", "乡", "苏木"):
            if w in streets_unit:
                out["street_word"] = w
                break
    assigned = Counter(m.group(1) for m in _ASSIGNED.finditer(text_all))
    if assigned:
        top = assigned.most_common(1)[0][0]
        out["assigned_by"] = "省" if top == "国家" else top
    m = _ACTIONS_WORD.search(text_all)
    out["actions_word"] = m.group(1) if m and n_actions else ""
    out["appendix_name"] = appendix  # "": indicators (if any) come from 主要目标, not an appendix
    out.update({k: v for k, v in labels.items() if v})
    return out
