"""Chinese text analysis for the matching engine.

Segmentation uses rjieba (the Rust port of jieba): it produces the same segmentation as jieba's
dictionary but is about 15 times faster, which is what makes 200 queries/s per process and a
1,000,000-document build in minutes possible.  Each index owns its own ``rjieba.Jieba`` instance
with a *domain user dictionary* (the corpus' own keywords), so two indexes in one process never
disturb each other and the analyzer a query sees is exactly the one the documents were indexed with.

Two token streams are produced from one segmentation:

* ``words`` - search-mode segmentation (a long word also yields its dictionary sub-words, so a
  keyword such as 平方和优化 still matches a query that says 平方和), stop words removed.
* ``bigrams`` - overlapping character bigrams of each run of Chinese characters left after stop
  words were cut out, plus latin/digit words.  They recover matches the segmenter splits
  differently (制网 / 制版网, 膜层 inside the HMM artefact 米膜层) and plant-floor abbreviations.

Stop words come in two groups: function words (both sides) and *demand boilerplate* - the words an
enterprise uses to describe its situation and wish (我司, 希望, 寻求, 合作方...).  The latter are
rare in papers, so BM25 would give them a high idf and rank papers that happen to say 企业 or 合作 first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import rjieba

# A query longer than this is cut (after normalisation).  Real demands are 100-600 characters;
# the limit keeps a pasted 100,000-character document from costing seconds per query.  Documented
# in MatchIndex.search and docs/benchmarks.md.
MAX_QUERY_CHARS = 4000
# Documents are cut much later: an abstract or a business scope is never that long, a pasted full
# text would only add noise and memory.
MAX_DOC_CHARS = 20000

_FUNCTION_WORDS = """
的 了 和 与 及 或 而 并 且 在 对 于 为 以 由 从 将 把 被 让 给 向 到 至 中 上 下 内 外 其 之 这 那 此 该 各 每 某
是 有 无 不 没 也 都 就 又 还 再 很 较 更 最 已 已经 正在 可 能 会 要 应 需 得 地 着 过 等 等等 个 些 一 一个 一种
一些 一定 我们 你们 他们 它们 我 你 他 她 它 本 所 所有 其中 以及 以上 以下 通过 进行 如何 怎么 怎样 什么 哪些 为了
因为 所以 但是 但 如果 虽然 然后 同时 另外 此外 并且 或者 以便 使 使得 可以 能够 可能 需要 没有 以后 之后 之前
目前 现在 当前 近期 最近 一直 经常 往往 比较 非常 特别 主要 相关 有关 关于 方面 情况 问题 方式 方法 方案 进而
具有 包括 包含 存在 出现 发现 认为 达到 实现 提高 提升 降低 减少 增加 影响 作用 效果 结果 表明 显示 研究 分析
探讨 提出 采用 利用 基于 针对 根据 结合 分别 得到 获得 给出 建立 设计 本文 文章 论文 本研究 研究表明 结果表明
""".split()

# Words an enterprise uses around its actual technical need.  Deliberately limited to words that
# carry no technical content; industry words (生产, 设备, 工艺) are kept because papers use them too.
_DEMAND_BOILERPLATE = """
我司 我们公司 我厂 本厂 本公司 公司 企业 厂 厂里 厂家 单位 集团 我方 贵方 对方 合作方 合作 合作开发 寻求 寻找 想找
希望 想 想要 求 求助 急需 亟需 迫切 拟 打算 计划 准备 请 邀请 聘请 专家 团队 高校 院所 科研院所 老师 教授 技术团队
帮助 帮忙 协助 指导 支持 解决 攻关 服务 咨询 提供 给予 负责 承担 预算 费用 万元 资金 经费 周期 交期 年 月 天 个月
要求 必须 最好 尽快 尽量 务必 目标 用于 主营 主要 产品 客户 用户 市场 订单 效益 成本 损失 浪费 严重 频繁 频发
经常 总是 老是 不少 很多 较多 大量 部分 一部分 整改 方案 建议 推荐 评估 诊断 培训 现场 来厂 到厂 驻厂 落地 实际
具体 明确 清楚 找出 原因 原理 分析 给出 提出 形成 输出 报告 一套 一批 台 套 条 家 位 名 人 人工 工人 员工
目前 现有 现在 近年 近来 近期 最近 以前 原来 一直 始终 这些 那些 这种 那种 这样 那样 由于 导致 造成 引起
""".split()

STOP_WORDS: frozenset[str] = frozenset(_FUNCTION_WORDS) | frozenset(_DEMAND_BOILERPLATE)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ALNUM = re.compile(r"[0-9a-z]")
_WORDISH = re.compile(
    r"^[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][0-9a-z_.+\-\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]*$"
)
_NUMBER = re.compile(r"^[0-9.+\-]+$")


def normalize(text: str, limit: int) -> str:
    """NFKC (full-width letters and digits become ASCII), lower case, cut at ``limit`` characters."""
    text = unicodedata.normalize("NFKC", text[: limit * 2])[:limit]
    return text.lower()


def _keep_word(tok: str) -> bool:
    if tok in STOP_WORDS or not _WORDISH.match(tok):
        return False
    if _NUMBER.match(tok):
        # Bare numbers (8台, 3000米) say nothing about the technology; model numbers keep letters.
        return False
    if len(tok) == 1 and not _CJK.match(tok):
        return False
    return True


class Analyzer:
    """Segmenter plus stop words plus a domain user dictionary.

    ``user_words`` are added to the segmenter's dictionary; they are stored with the index so the
    analyzer can be rebuilt identically when the index is loaded.
    """

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        self.user_words: list[str] = []
        # token -> (words it contributes, is it a CJK piece for bigrams, is it a latin piece);
        # the vocabulary of a corpus is small next to its token count, so the per-token rules
        # run once per distinct token (3x faster builds).  Cleared when the dictionary changes.
        self._cache: dict[str, tuple[tuple[str, ...], int]] = {}
        for w in user_words:
            self.add_word(w)

    def add_word(self, word: str) -> None:
        word = normalize(word.strip(), 64)
        # Only words the segmenter can use and a query can plausibly contain: 2..12 characters,
        # at least one Chinese character (latin words are split on spaces anyway).
        if 2 <= len(word) <= 12 and _CJK.search(word) and " " not in word:
            self._jieba.add_word(word, None, None)
            self.user_words.append(word)
            self._cache.clear()

    def has_word(self, word: str) -> bool:
        return bool(self._jieba.has_word(normalize(word, 64)))

    def _token(self, t: str) -> tuple[tuple[str, ...], int]:
        """(indexed words, piece kind: 0 = break, 1 = CJK run, 2 = latin/digit word)."""
        if not _keep_word(t):
            return (), 0
        words = [t]
        n = len(t)
        if n > 2 and _CJK.match(t):
            has_word = self._jieba.has_word
            # Search mode as jieba defines it: the dictionary words of 2 and 3 characters
            # inside a longer word are indexed too (平方和优化 -> 平方, 平方和, 优化).
            # Sub-words pass the stop list too (有限公司 must not bring back 公司).
            words.extend(g for i in range(n - 1) if has_word(g := t[i : i + 2]) and g not in STOP_WORDS)
            if n > 3:
                words.extend(g for i in range(n - 2) if has_word(g := t[i : i + 3]) and g not in STOP_WORDS)
        return tuple(words), (1 if _CJK.match(t) else 2)

    def analyze(self, text: str, limit: int = MAX_DOC_CHARS) -> tuple[list[str], list[str]]:
        """Return (words, bigrams) for one text."""
        norm = normalize(text, limit)
        toks: list[str] = self._jieba.cut(norm, True)
        cache = self._cache
        words: list[str] = []
        bigrams: list[str] = []
        run: list[str] = []  # consecutive kept CJK tokens: bigrams never span a stop word
        for t in toks:
            info = cache.get(t)
            if info is None:
                info = cache[t] = self._token(t)
            ws, kind = info
            if ws:
                words.extend(ws)
            if kind == 1:
                run.append(t)
                continue
            if run:
                _bigrams(run, bigrams)
                run = []
            if kind == 2 and len(t) > 1:
                bigrams.append(t)
        if run:
            _bigrams(run, bigrams)
        return words, bigrams


def _bigrams(run: list[str], out: list[str]) -> None:
    s = "".join(run)
    if len(s) == 1:
        out.append(s)
    else:
        out.extend([s[i : i + 2] for i in range(len(s) - 1)])


def highlight(text: str, terms: Iterable[str]) -> list[tuple[str, bool]]:
    """Split ``text`` into segments ``(piece, is_match)`` marking every occurrence of ``terms``.

    Matching is case-insensitive and prefers the longest term at each position; no HTML is produced,
    the caller renders the segments (Django templates escape them as usual).
    """
    uniq = sorted({t for t in terms if t}, key=len, reverse=True)
    if not uniq or not text:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(re.escape(t) for t in uniq), re.IGNORECASE)
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out
