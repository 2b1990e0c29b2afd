"""The troubleshooter: symptom text in, ranked mistakes and FAQ entries out.

Ranking combines two well-kept libraries:

* **BM25** (``bm25s``) over each entry's title, symptom/question, phrasings and muscles, after
  the query and the entries went through the same normalisation;
* **rapidfuzz** similarity between the query and the entry's closest phrasing, which rescues
  short or oddly worded questions.

Normalisation (all data-driven, see ``kb/data/synonyms.toml`` and ``muscles.toml``): lower case,
misspelt words corrected to the closest known word (rapidfuzz), everyday phrases mapped to
the knowledge base's words ("back of my thighs" -> hamstrings), stop words dropped.
Input of any size or encoding is accepted; it is cut to ``search.max_query_chars``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from thrustcoach.kb.loader import load_knowledge_base
from thrustcoach.kb.models import FaqEntry, KnowledgeBase, Mistake

__all__ = ["Match", "TroubleshootResult", "troubleshoot"]

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG, which would print index-building chatter under the CLI.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_WORD = re.compile(r"[a-z0-9]+")
_PAIN = "pain"  # the canonical word synonyms.toml maps hurts, ache, sore... to
# Words that carry no symptom: BM25's English list plus chat filler.
_STOPWORDS = frozenset(STOPWORDS_EN) | {
    "i", "me", "my", "mine", "im", "ive", "do", "does", "doing", "did", "done", "should", "can",
    "could", "would", "get", "got", "really", "kind", "just", "so", "very", "way", "much", "lot",
    "what", "whats", "why", "how", "when", "where", "which", "who", "you", "your", "this", "these",
    "those", "it", "its", "am", "have", "has", "had", "feel", "feels", "felt", "thing", "stuff",
    "some", "any", "bit", "too", "also", "after", "during", "keep", "keeps", "make", "makes",
    "hip", "hips", "thrust", "thrusts", "exercise", "rep", "reps", "set", "sets", "ok", "okay",
    "is", "be", "been", "all", "up", "one",
}  # fmt: skip


class Match(BaseModel):
    """One ranked answer. ``id`` is the FAQ id or the mistake code."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["mistake", "faq"]
    id: str
    title: str
    score: float
    mistake: Mistake | None = None
    faq: FaqEntry | None = None


class TroubleshootResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    query: str
    truncated: bool
    matches: tuple[Match, ...]
    # Shown when nothing matched well enough.
    suggestions: tuple[str, ...] = ()
    # The question mentions pain: show ``safety`` (stop, see a professional) above the answers.
    mentions_pain: bool = False
    safety: str | None = None


@dataclass(frozen=True)
class _Entry:
    kind: Literal["mistake", "faq"]
    id: str
    title: str
    mistake: Mistake | None
    faq: FaqEntry | None


class _Index:
    """Normaliser, BM25 index and fuzzy phrasings for one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.settings = kb.search
        self.synonyms = _synonym_table(kb)
        longest_first = sorted(self.synonyms, key=len, reverse=True)
        self.pattern = re.compile(r"\b(" + "|".join(map(re.escape, longest_first)) + r")\b")
        self.entries: list[_Entry] = []
        documents: list[str] = []
        self.phrasings: list[list[str]] = []
        for m in kb.mistakes:
            self.entries.append(_Entry("mistake", m.code.value, m.title, m, None))
            muscles = " ".join(kb.muscle(x).name for x in m.muscles)
            documents.append(" ".join([m.title, m.symptom, m.cause, muscles, *m.phrasings]))
            self.phrasings.append([m.title, *m.phrasings])
        for f in kb.faq:
            self.entries.append(_Entry("faq", f.id, f.question, None, f))
            documents.append(" ".join([f.question, " ".join(f.tags), *f.phrasings]))
            self.phrasings.append([f.question, *f.phrasings])
        # The known words: everything an entry or a synonym says (targets of typo correction).
        raw_words = {w for text in documents for w in _WORD.findall(text.lower())}
        raw_words |= {w for phrase in self.synonyms for w in _WORD.findall(phrase)}
        self.vocabulary = sorted(w for w in raw_words if len(w) >= 3)
        self.known = frozenset(self.vocabulary)
        corpus = [self.tokens(doc, correct=False) for doc in documents]
        self.retriever = bm25s.BM25()
        self.retriever.index(corpus, show_progress=False)
        self.norm_phrasings = [
            [" ".join(self.tokens(p, correct=False)) for p in group] for group in self.phrasings
        ]

    def tokens(self, text: str, *, correct: bool) -> list[str]:
        words = _WORD.findall(text.lower())
        if correct:
            words = [self._correct(w) for w in words]
        mapped = self.pattern.sub(lambda m: self.synonyms[m.group(1)], " ".join(words))
        return [_singular(w) for w in mapped.split() if w not in _STOPWORDS]

    def _correct(self, word: str) -> str:
        if len(word) < 4 or word in self.known or word in _STOPWORDS:
            return word
        best = process.extractOne(
            word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=self.settings.typo_min_ratio
        )
        return str(best[0]) if best else word

    def rank(self, query: str) -> list[tuple[_Entry, float]]:
        tokens = self.tokens(query, correct=True)
        if not tokens:
            return []
        bm25 = np.asarray(self.retriever.get_scores(tokens), dtype=float)
        joined = " ".join(tokens)
        s = self.settings
        scored = []
        for i, entry in enumerate(self.entries):
            lexical = bm25[i] / (bm25[i] + s.bm25_saturation)
            fuzzy = max(fuzz.token_set_ratio(joined, p) for p in self.norm_phrasings[i]) / 100.0
            scored.append((entry, float(s.bm25_weight * lexical + s.fuzzy_weight * fuzzy)))
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return scored


def _synonym_table(kb: KnowledgeBase) -> dict[str, str]:
    """Phrase -> canonical token. Muscle names and aliases map to one token per muscle."""
    table: dict[str, str] = {}
    for syn in kb.synonyms:
        canonical = "".join(_WORD.findall(syn.canonical.lower()))
        for phrase in (syn.canonical, *syn.phrases):
            table[" ".join(_WORD.findall(phrase.lower()))] = canonical
    for muscle in kb.muscles:
        canonical = muscle.id.value.replace("_", "")
        for phrase in (muscle.name, muscle.id.value.replace("_", " "), *muscle.aliases):
            table[" ".join(_WORD.findall(phrase.lower()))] = canonical
    table.pop("", None)
    return table


def _singular(word: str) -> str:
    """Crude plural folding ("cramps" -> "cramp"); enough for BM25 on short symptom texts."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_INDEXES: dict[int, _Index] = {}


def _index_for(kb: KnowledgeBase) -> _Index:
    index = _INDEXES.get(id(kb))
    if index is None or index.kb is not kb:
        index = _Index(kb)
        _INDEXES[id(kb)] = index
    return index


def _clean(text: str | bytes, *, max_chars: int) -> tuple[str, bool]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    truncated = len(text) > max_chars
    text = text[:max_chars]
    # Control characters and NULs from binary input become spaces.
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split()), truncated


def troubleshoot(
    text: str | bytes, *, limit: int = 3, kb: KnowledgeBase | None = None
) -> TroubleshootResult:
    """Rank the mistakes and FAQ entries that best answer ``text`` (best first).

    Never raises on odd input: empty, huge or binary text yields no matches and
    ``suggestions`` listing topics to ask about.
    """
    kb = kb or load_knowledge_base()
    query, truncated = _clean(text, max_chars=kb.search.max_query_chars)
    if truncated:
        log.info("troubleshoot query cut to %d characters", kb.search.max_query_chars)
    index = _index_for(kb)
    ranked = index.rank(query) if query else []
    pain = bool(query) and _PAIN in index.tokens(query, correct=True)
    floor = max(kb.search.min_score, kb.search.relative_cutoff * ranked[0][1]) if ranked else 0.0
    matches = tuple(
        Match(
            kind=entry.kind,
            id=entry.id,
            title=entry.title,
            score=round(score, 3),
            mistake=entry.mistake,
            faq=entry.faq,
        )
        for entry, score in ranked[: max(limit, 0)]
        if score >= floor
    )
    suggestions = () if matches else kb.search.suggested_topics
    return TroubleshootResult(
        query=query,
        truncated=truncated,
        matches=matches,
        suggestions=suggestions,
        mentions_pain=pain,
        safety=kb.search.pain_advice if pain else None,
    )
