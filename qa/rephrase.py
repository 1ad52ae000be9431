"""Optional rephrasing of a composed answer by an OpenAI-compatible endpoint.

Only when an :class:`Endpoint` is given (the CLI and the app build it from the ``llm_url``
and ``llm_model`` settings).  The model sees the composed answer, its table
and its passages and nothing else, and is asked to say the same in better words.  Its text
is then checked: every number in it must be one the facts hold (a stored value, a year, a
count or a result the composed answer shows); otherwise, or on any error, the composed
answer is kept and a warning says why.  Plain ``urllib``: no client library.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 20
# Digits not inside a Latin word or a file name (\w would also refuse 在2022: CJK is a word character).
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])-?\d+(?:,\d{3})*(?:\.\d+)?(?![0-9A-Za-z_])")
_SYSTEM = {
    "zh": "你是政府信息公开年报的问答助手。请把给出的答案改写得更通顺,只能使用给出的事实和段落,"
          "不得增加、删除或改动任何数字,不要编造内容。只输出改写后的答案。",
    "en": "You answer questions about Chinese government information-disclosure reports. Rephrase the given "
          "answer more fluently, using only the facts and passages given. Do not add, drop or change any "
          "number and do not invent anything. Output only the rephrased answer.",
}


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text`` (thousands separators allowed)."""
    return [float(m.group(0).replace(",", "")) for m in _NUMBER.finditer(text)]


def allowed_numbers(answer: Any) -> set[float]:
    """Numbers the facts hold: those of the composed text, the table, the cells and the passages."""
    allowed = set(numbers_in(answer.composed))
    for cell in answer.cells:
        if isinstance(cell.get("value"), (int, float)):
            allowed.add(float(cell["value"]))
        if isinstance(cell.get("year"), int):
            allowed.add(float(cell["year"]))
    if answer.table:
        for row in answer.table["rows"]:
            for value in row:
                if isinstance(value, (int, float)):
                    allowed.add(float(value))
                elif isinstance(value, str):
                    allowed.update(numbers_in(value))
    for source in answer.sources:
        allowed.update(numbers_in(source.get("text") or ""))
        if isinstance(source.get("year"), int):
            allowed.add(float(source["year"]))
    return allowed


def unsupported_numbers(text: str, allowed: set[float]) -> list[float]:
    return [n for n in numbers_in(text) if not any(abs(n - a) < 1e-6 for a in allowed)]


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def request_rephrasing(answer: Any, url: str, model: str) -> str:
    """The endpoint's rephrasing of ``answer`` (raises on any transport or format error)."""
    facts = {"question": answer.question, "answer": answer.composed, "table": answer.table,
             "passages": [{k: s[k] for k in ("agency", "year", "section", "text")} for s in answer.sources]}
    body = {
        "model": model or "default",
        "temperature": 0,
        "messages": [{"role": "system", "content": _SYSTEM[answer.lang]},
                     {"role": "user", "content": json.dumps(facts, ensure_ascii=False)}],
    }
    request = urllib.request.Request(_endpoint(url), data=json.dumps(body).encode("utf-8"),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        data = json.loads(response.read().decode("utf-8"))
    return str(data["choices"][0]["message"]["content"]).strip()


@dataclass(frozen=True)
class Endpoint:
    """An OpenAI-compatible chat endpoint (``…/v1``) and the model name to send."""

    url: str
    model: str = ""


def rephrase(answer: Any, endpoint: Endpoint | None) -> Any:
    """``answer`` with its text rephrased when an endpoint is given and the numbers check out."""
    if endpoint is None or not endpoint.url or answer.no_data:
        return answer
    url, model = endpoint.url, endpoint.model
    zh = answer.lang == "zh"
    try:
        text = request_rephrasing(answer, str(url), str(model or ""))
    except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        answer.warnings.append(f"语言模型改写失败({exc}),保留原答案。" if zh else
                               f"The language model could not rephrase the answer ({exc}); the composed answer is kept.")
        return answer
    wrong = unsupported_numbers(text, allowed_numbers(answer))
    if not text or wrong:
        listed = ", ".join(f"{n:g}" for n in wrong)
        answer.warnings.append(f"语言模型的改写含有事实中没有的数字({listed}),已弃用,保留原答案。" if zh else
                               f"The language model's rephrasing stated numbers the facts do not hold ({listed}); "
                               "it was discarded and the composed answer kept.")
        return answer
    answer.text = text
    answer.rephrased = True
    return answer
