"""Just enough of vllm, transformers and xformers for the reference code to run on a CPU-only box.

Two references are used by parity/check.py:

- vLLM-Omni's flow-matching head and codec: two files from the unpacked `vllm-omni` wheel. They import vllm,
  transformers and a few vllm_omni helpers at module level, but the modules we build from them (plain
  `nn.Module`s) need only a handful of those names at run time. Everything else gets inert placeholders.
- mistral-inference's `Transformer`: it imports xformers at module level. We stub the four xformers modules
  and patch torch SDPA in as its attention, causal and uncached only (see `_causal_sdpa`).

Nothing here is upstream code; the names are taken from the import lines of the reference files.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import torch
import torch.nn.functional as F

VO_PKG = "vllm_omni.model_executor.models.voxtral_tts"
VO_GEN = f"{VO_PKG}.voxtral_tts_audio_generation"
VO_TOK = f"{VO_PKG}.voxtral_tts_audio_tokenizer"


class _Placeholder:
    """A class that can be subclassed, instantiated with anything and subscripted (`Base[Info]`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs

    def __class_getitem__(cls, item: Any) -> type:
        return cls


def _named_placeholder(name: str) -> type:
    return type(name, (_Placeholder,), {})


def _unused(name: str) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"parity stub {name} was called; the parity harness does not support this path")

    fail.__name__ = name
    return fail


def _default_weight_loader(param: torch.Tensor, loaded_weight: torch.Tensor) -> None:
    """The one vllm function the reference modules really call (from their `load_weight`)."""
    if param.shape != loaded_weight.shape:
        raise ValueError(f"shape mismatch: parameter {tuple(param.shape)} vs checkpoint {tuple(loaded_weight.shape)}")
    param.data.copy_(loaded_weight)


class _Registry:
    """`MULTIMODAL_REGISTRY.register_processor(...)` decorates a class at import time; make it the identity."""

    def register_processor(self, *args: Any, **kwargs: Any) -> Callable[[type], type]:
        return lambda cls: cls


def _install(name: str, package_path: list[str] | None = None, **attrs: Any) -> ModuleType:
    mod = ModuleType(name)
    if package_path is not None:
        mod.__path__ = package_path  # a package: submodules are searched for here
    for key, value in attrs.items():
        setattr(mod, key, value)
    sys.modules[name] = mod
    parent, _, child = name.rpartition(".")
    if parent and parent in sys.modules:
        setattr(sys.modules[parent], child, mod)
    return mod


def install_vllm_stubs(vllm_omni_root: str | Path) -> None:
    """Register the stub modules, and the vllm_omni package chain pointing at the unpacked wheel in
    `vllm_omni_root` (the folder that contains `vllm_omni/`). The real vllm_omni `__init__` files import
    vllm, so they are never executed."""
    root = Path(vllm_omni_root).resolve() / "vllm_omni"
    if not (root / "model_executor/models/voxtral_tts/voxtral_tts_audio_generation.py").exists():
        raise FileNotFoundError(f"{root}: not an unpacked vllm-omni wheel with the voxtral_tts model files")

    # vllm (never installed here).
    _install("vllm", package_path=[])
    _install("vllm.config", VllmConfig=_named_placeholder("VllmConfig"))
    _install("vllm.inputs", MultiModalDataDict=dict)
    _install("vllm.logger", init_logger=logging.getLogger)
    _install("vllm.sequence", IntermediateTensors=_named_placeholder("IntermediateTensors"))
    _install("vllm.model_executor", package_path=[])
    _install("vllm.model_executor.model_loader", package_path=[])
    _install("vllm.model_executor.model_loader.weight_utils", default_weight_loader=_default_weight_loader)
    _install("vllm.model_executor.models", package_path=[])
    _install("vllm.model_executor.models.interfaces", SupportsMultiModal=_named_placeholder("SupportsMultiModal"))
    _install(
        "vllm.model_executor.models.utils",
        flatten_bn=_unused("flatten_bn"),
        init_vllm_registered_model=_unused("init_vllm_registered_model"),
        maybe_prefix=_unused("maybe_prefix"),
    )
    _install("vllm.multimodal", package_path=[], MULTIMODAL_REGISTRY=_Registry())
    _install(
        "vllm.multimodal.inputs",
        MultiModalFieldConfig=_named_placeholder("MultiModalFieldConfig"),
        MultiModalKwargsItems=_named_placeholder("MultiModalKwargsItems"),
        NestedTensors=Any,
    )
    _install(
        "vllm.multimodal.parse",
        AudioProcessorItems=_named_placeholder("AudioProcessorItems"),
        MultiModalDataItems=_named_placeholder("MultiModalDataItems"),
        MultiModalDataParser=_named_placeholder("MultiModalDataParser"),
    )
    _install(
        "vllm.multimodal.processing",
        package_path=[],
        BaseDummyInputsBuilder=_named_placeholder("BaseDummyInputsBuilder"),
        BaseMultiModalProcessor=_named_placeholder("BaseMultiModalProcessor"),
    )
    _install(
        "vllm.multimodal.processing.processor",
        BaseProcessingInfo=_named_placeholder("BaseProcessingInfo"),
        ProcessorInputs=_named_placeholder("ProcessorInputs"),
        PromptReplacement=_named_placeholder("PromptReplacement"),
        PromptUpdate=_named_placeholder("PromptUpdate"),
    )
    _install("vllm.tokenizers", package_path=[], cached_tokenizer_from_config=_unused("cached_tokenizer_from_config"))
    _install("vllm.tokenizers.mistral", MistralTokenizer=_named_placeholder("MistralTokenizer"))

    # transformers (not installed here either).
    _install("transformers", package_path=[], BatchFeature=dict)
    _install("transformers.tokenization_utils_base", TextInput=str)

    # vllm_omni: the real package folders for the model files, stubs for the two helpers they import.
    _install("vllm_omni", package_path=[str(root)])
    _install("vllm_omni.model_executor", package_path=[str(root / "model_executor")])
    _install("vllm_omni.model_executor.models", package_path=[str(root / "model_executor/models")])
    _install(VO_PKG, package_path=[str(root / "model_executor/models/voxtral_tts")])
    _install("vllm_omni.quantization", package_path=[])
    _install(
        "vllm_omni.quantization.component_config",
        ComponentQuantizationConfig=_named_placeholder("ComponentQuantizationConfig"),
    )
    # The codec asks the platform for its device type (encoder autocast and batch decode).
    _install("vllm_omni.platforms", current_omni_platform=SimpleNamespace(device_type="cpu"))


def load_vllm_omni(vllm_omni_root: str | Path) -> tuple[ModuleType, ModuleType]:
    """Import the flow-matching and codec modules from the unpacked wheel; returns (generation, tokenizer)."""
    install_vllm_stubs(vllm_omni_root)
    # Upstream warns about the missing flash_attn and about decoded samples outside [-1, 1] (random weights).
    logging.getLogger("vllm_omni").setLevel(logging.ERROR)
    for optional in ("flash_attn", "apex"):  # their fallbacks (SDPA, torch RMSNorm) are what we compare against
        if importlib.util.find_spec(optional) is not None:
            raise RuntimeError(f"{optional} is installed; the parity run expects the reference's CPU fallbacks")
    return importlib.import_module(VO_GEN), importlib.import_module(VO_TOK)


# -- mistral-inference ----------------------------------------------------------------------------------------------


class _AttentionBias:
    """Placeholder for the xformers mask classes. The cache path would need real ones; we never take it."""

    @classmethod
    def from_seqlens(cls, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("xformers attention masks are stubbed; run mistral-inference without a cache")


def _causal_sdpa(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, attn_bias: Any = None, **kwargs: Any) -> Any:
    """Stands in for xformers' memory_efficient_attention: inputs [1, S, H, D] with K/V already repeated.

    Without a cache mistral-inference passes no mask at all, so the call must be causal by itself. That is
    right only for one sequence starting at position 0, which is how the parity harness uses it.
    """
    if attn_bias is not None:
        raise RuntimeError("the SDPA stand-in supports only the uncached, maskless call")
    if q.shape[0] != 1:
        raise RuntimeError("the SDPA stand-in supports one sequence only")
    out = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), is_causal=True)
    return out.transpose(1, 2)


def install_xformers_stubs() -> None:
    _install("xformers", package_path=[])
    _install("xformers.ops", package_path=[])
    _install("xformers.ops.fmha", package_path=[], memory_efficient_attention=_causal_sdpa)
    _install(
        "xformers.ops.fmha.attn_bias",
        **{
            name: type(name, (_AttentionBias,), {})
            for name in (
                "AttentionBias",
                "BlockDiagonalMask",
                "BlockDiagonalCausalMask",
                "BlockDiagonalCausalWithOffsetPaddedKeysMask",
            )
        },
    )


def load_mistral_inference() -> tuple[ModuleType, ModuleType]:
    """Import mistral_inference with xformers stubbed and SDPA patched in; returns (transformer, args)."""
    if importlib.util.find_spec("xformers") is not None and "xformers" not in sys.modules:
        raise RuntimeError("a real xformers is installed; the parity venv must not have it")
    install_xformers_stubs()
    layers = importlib.import_module("mistral_inference.transformer_layers")
    layers.memory_efficient_attention = _causal_sdpa  # the name the Attention module calls
    return importlib.import_module("mistral_inference.transformer"), importlib.import_module("mistral_inference.args")
