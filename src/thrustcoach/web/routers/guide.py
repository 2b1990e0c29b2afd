"""Pages: the exercise guide (variants, mistakes, FAQ) and the troubleshooter, from ``kb``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.kb import load_knowledge_base, troubleshoot
from thrustcoach.kb.figures import FIGURES, figure_svg, figures_for_mistake
from thrustcoach.web.deps import OptionalUser
from thrustcoach.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

MAX_QUERY_CHARS = 500


@router.get("/guide")
def guide_index(request: Request, user: OptionalUser) -> Response:
    kb = load_knowledge_base()
    variants = sorted(kb.variants, key=lambda v: (v.difficulty, v.name))
    return render(request, "guide_index.html", {"kb": kb, "variants": variants})


@router.get("/guide/figures/{name}.svg")
def guide_figure(name: str) -> Response:
    """A guide picture drawn from the kinematic model (SVG, made once per process)."""
    return Response(
        figure_svg(name),
        media_type="image/svg+xml",
        headers={"cache-control": "public, max-age=86400"},
    )


@router.get("/guide/mistakes")
def guide_mistakes(request: Request, user: OptionalUser) -> Response:
    ctx = {"kb": load_knowledge_base(), "figure_for": figures_for_mistake, "figures": FIGURES}
    return render(request, "guide_mistakes.html", ctx)


@router.get("/guide/faq")
def guide_faq(request: Request, user: OptionalUser) -> Response:
    return render(request, "guide_faq.html", {"kb": load_knowledge_base()})


@router.get("/guide/{variant_id}")
def guide_variant(request: Request, user: OptionalUser, variant_id: str) -> Response:
    kb = load_knowledge_base()
    variant = kb.variant(variant_id)
    ctx = {
        "kb": kb,
        "v": variant,
        "mistakes": kb.mistakes_for(variant.id),
        "tips": kb.tips_for(variant.id),
        "variant_names": {v.id: v.name for v in kb.variants},
        "muscle_names": {m.id: m.name for m in kb.muscles},
        # The pictures show the bench variants (a bridge on the floor has no bench to draw).
        "pictures": any("bench" in e.name.lower() for e in variant.setup.equipment),
        "figure_for": figures_for_mistake,
        "figures": FIGURES,
    }
    return render(request, "guide_variant.html", ctx)


@router.get("/troubleshoot")
def troubleshoot_page(
    request: Request,
    user: OptionalUser,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
) -> Response:
    kb = load_knowledge_base()
    results = troubleshoot(q, limit=5) if q.strip() else None
    return render(request, "troubleshoot.html", {"q": q, "results": results, "kb": kb})
