"""The typing simulation on the TEST split, for registry versions side by side.

Each full test case is cut at 25/50/75 % of its words (as while an agent types) and suggested for;
precision, recall and confident false suggestions per 100 inputs are printed per cut, over every
test batch and over the older ones (t1-t5). compare_variants.py gives the same simulation out of
fold on the train split; this one compares models trained on different corpora on the same text.

    .venv/bin/python tests/benchmarks/typing_on_test.py VERSION [VERSION ...]
    MOTIVO_MODEL_DIR=/tmp/other-registry .venv/bin/python tests/benchmarks/typing_on_test.py VERSION
    .venv/bin/python tests/benchmarks/typing_on_test.py VERSION --param second_share=1.25
    .venv/bin/python tests/benchmarks/typing_on_test.py VERSION --param neighbour_share=1.5
Suggestions are the model's own decisions (training.partial_notes.typing_simulation, as
`motivo evaluate` measures typing), so a prediction-time parameter set with
`--param` (second_share, neighbour_share) counts as it does when the service suggests.
A version trained before models carried the taxonomy's neighbours has none: the script says so
rather than print the default's figures under neighbour_share's name.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))

from model.cases import is_short_note
from tests.benchmarks.bench_model import model_params
from training import registry
from training.corpus import load_split
from training.partial_notes import typing_simulation

OLDER = ("t1", "t2", "t3", "t4", "t5")


def typing_figures(model, cases: list[dict]) -> list[str]:
    return [
        f"{float(cut):.0%}: precision {figures['precision']:.3f} recall {figures['recall']:.3f} "
        f"confident false/100 {figures['confident_false_per_100']:.2f}"
        for cut, figures in typing_simulation(model, cases).items()
    ]


def main(versions: list[str], params: dict) -> None:
    full = [c for c in load_split("test") if not is_short_note(c)]
    older = [c for c in full if c.get("batch", "")[:2] in OLDER]
    for version in versions:
        model = registry.load(version).model.set_params(**params)
        if params.get("neighbour_share", 1.0) > 1.0 and not len(model.neighbours):
            print(f"== {version}: trained without neighbouring pairs, neighbour_share does nothing; skipped")
            continue
        print(f"== {version} {params or ''}")
        for name, cases in (("all test batches", full), ("t1-t5", older)):
            print(f"  {name} ({len(cases)} cases): " + " | ".join(typing_figures(model, cases)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("versions", nargs="*")
    parser.add_argument("--param", action="append", default=[], help="NAME=VALUE (JSON value or text)")
    args = parser.parse_args()
    main(args.versions or [registry.current_version()], model_params(args.param))
