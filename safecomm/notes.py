"""What a run warns of besides the grades: the loader's notes, the template's sample content left in,
items a record declares that the rule set does not have. A module of its own, so that `validate`
says them without importing the engine and its result models."""

from __future__ import annotations

from . import sample
from .evidence import Evidence
from .measure import natural_key
from .scheme import Scheme


def warnings(evidence: Evidence, scheme: Scheme | None = None, left_out: list[str] = ()) -> list[str]:
    out_ = list(evidence.__pydantic_private__.get("_notes") or ())
    if left_out or sample.community_is_sample(evidence):
        what = f"：{'、'.join(left_out[:8])}{' 等' if len(left_out) > 8 else ''}（共 {len(left_out)} 处）" if left_out else ""
        out_.append(f"示例数据：证据中仍有模板的示例内容{what}。示例内容不参与评定，请换成本社区的实际情况"
                    + ("；单位名称也仍是示例" if sample.community_is_sample(evidence) else ""))
    if scheme is not None:
        known = {item.id for _, item in scheme.items()}
        declaring = [r for r in (*evidence.documents, *evidence.activities) if r.items]  # the records that may declare items
        for record in sorted(declaring, key=lambda r: natural_key(r.id)):
            stray = sorted({i for i in record.items if i not in known}, key=natural_key)
            if stray:
                out_.append(f"{record.id} 声明支持的条目 {'、'.join(stray)} 不在规则集 {scheme.id} 中，未计入")
    return out_
