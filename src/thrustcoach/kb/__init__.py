"""The exercise knowledge base: variants, setup, steps, muscles, mistakes, tips, FAQ.

Public API::

    kb = load_knowledge_base()              # cached, validated, frozen
    kb.variant(VariantId.SINGLE_LEG_HIP_THRUST).tempo.pause_min_s
    kb.mistake(FaultCode.KNEE_CAVE).cue     # code, title, symptom, cause, fix, cue
    kb.faq                                  # tuple[FaqEntry, ...]
    troubleshoot("cramp behind the knee", limit=3).matches
"""

from __future__ import annotations

from thrustcoach.kb.loader import default_data_dir, load_knowledge_base
from thrustcoach.kb.lookup import resolve_sections, resolve_variant
from thrustcoach.kb.models import (
    Cue,
    Equipment,
    EquipmentId,
    Fact,
    FaqEntry,
    FreeLeg,
    KnowledgeBase,
    Level,
    Mistake,
    Muscle,
    MuscleRole,
    Relation,
    Remedy,
    Setup,
    Step,
    Tempo,
    Tip,
    UseCase,
    UseCaseKind,
    Variant,
    Variation,
)
from thrustcoach.kb.render import SECTIONS, faq_for
from thrustcoach.kb.troubleshoot import Match, TroubleshootResult, troubleshoot

__all__ = [
    "SECTIONS",
    "Cue",
    "Equipment",
    "EquipmentId",
    "Fact",
    "FaqEntry",
    "FreeLeg",
    "KnowledgeBase",
    "Level",
    "Match",
    "Mistake",
    "Muscle",
    "MuscleRole",
    "Relation",
    "Remedy",
    "Setup",
    "Step",
    "Tempo",
    "Tip",
    "TroubleshootResult",
    "UseCase",
    "UseCaseKind",
    "Variant",
    "Variation",
    "default_data_dir",
    "faq_for",
    "load_knowledge_base",
    "resolve_sections",
    "resolve_variant",
    "troubleshoot",
]
