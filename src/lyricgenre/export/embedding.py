"""The song embedding as a second output of an exported encoder, so `lyricgenre adapt` can learn on it.

The encoder's graph already computes the masked mean pool of the last hidden states that feeds the
classification head; this names that tensor as a graph output, `embedding` (windows × hidden). Nothing is
retrained or re-quantised and the logits stay the same to the bit (tested). `lyricgenre export` does it for
every transformer it exports; a model folder exported before it can be upgraded in place:

    python -m lyricgenre.export.embedding MODEL_FOLDER

Needs the `onnx` package (the `[train]` extra); the runtime only reads the output.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.manifest import Manifest

EMBEDDING_OUTPUT = "embedding"
HEAD_WEIGHT_PREFIX = "head.weight"  # the classification head's weight, as torch names it in the graph


def add_embedding_output(path: Path) -> None:
    """Name the tensor that feeds the classification head as the graph output `embedding` (in place)."""
    import onnx

    model = onnx.load(str(path))
    graph = model.graph
    if any(output.name == EMBEDDING_OUTPUT for output in graph.output):
        return
    pooled = _head_input(graph)
    hidden = _head_rows(graph)
    graph.node.append(onnx.helper.make_node("Identity", [pooled], [EMBEDDING_OUTPUT], name="embedding_output"))
    graph.output.append(
        onnx.helper.make_tensor_value_info(EMBEDDING_OUTPUT, onnx.TensorProto.FLOAT, ["windows", hidden])
    )
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def _head_input(graph) -> str:
    """The float tensor the head multiplies: the first input of the node that reads the head's weight, or,
    in an int8 graph, the float input of the quantiser feeding that node."""
    producers = {output: node for node in graph.node for output in node.output}
    for node in graph.node:
        if any(name.startswith(HEAD_WEIGHT_PREFIX) for name in node.input):
            source = node.input[0]
            quantiser = producers.get(source)
            if quantiser is not None and quantiser.op_type == "DynamicQuantizeLinear":
                source = quantiser.input[0]
            return source
    raise UserError("the encoder graph has no classification head named 'head' (not a lyricgenre encoder)")


def _head_rows(graph) -> int:
    """The hidden size: the head weight's input dimension (torch's Linear stores it transposed or not)."""
    for initializer in graph.initializer:
        if initializer.name.startswith(HEAD_WEIGHT_PREFIX) and len(initializer.dims) == 2:
            rows, columns = initializer.dims
            return rows if "Transposed" in initializer.name else columns
    raise UserError("the encoder graph has no 2-d head weight")


def with_embedding_outputs(folder: Path, components: list[dict]) -> list[dict]:
    """The manifest components of the model folder, each encoder's files given the embedding output and
    its spec naming it (`embedding_output`)."""
    upgraded = []
    for spec in components:
        if spec["type"] in ("transformer", "onnx_encoder"):
            for key in ("file", "fp32_file"):
                if key in spec and (Path(folder) / spec[key]).is_file():
                    add_embedding_output(Path(folder) / spec[key])
            spec = {**spec, "embedding_output": EMBEDDING_OUTPUT}
        upgraded.append(spec)
    return upgraded


def upgrade_folder(folder: Path) -> Manifest:
    """A model folder exported before the embedding output, given it (encoder files and manifest)."""
    manifest = Manifest.read(folder)
    upgraded = replace(manifest, components=with_embedding_outputs(folder, manifest.components))
    upgraded.write(folder)
    return upgraded


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m lyricgenre.export.embedding MODEL_FOLDER")
    upgrade_folder(Path(sys.argv[1]))
