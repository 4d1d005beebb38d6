"""Numeric variants: the same machine, other floating-point kernel paths.

Why: PyTorch promises no bit-for-bit reproducibility across CPUs, so a record made on one
machine drifts on the next.  ``make accept`` therefore runs every accepted chain under
several kernel paths of the *recording* machine and records, per number, how far they
disagree (``check.noise``).  Each variant is a set of environment variables read once, when
torch is imported, so each variant gets its own zygote.

The accept set (``ACCEPT_VARIANTS``) and why each member:

* ``host``: the machine's own kernels (what a normal build runs).
* ``scalar``: ``ATEN_CPU_CAPABILITY=default``: ATen's portable, non-vectorised kernels, the
  path a CPU without AVX2 (or another instruction set entirely) takes: other summation order
  in every elementwise and reduction kernel.
* ``sse41``: ``ONEDNN_MAX_CPU_ISA=SSE41``: oneDNN's convolution kernels for a 2008-era ISA,
  another blocking and accumulation order in every convolution.

Measured on one AMD EPYC (10-epoch SimpleCNN, final validation accuracy): host 80.5 %,
scalar 80.2 %, sse41 81.2 %; the held-out ``mkl-compat`` (``MKL_CBWR=COMPATIBLE``, MKL's
conditional-numerical-reproducibility mode) 79.2 %, ``avx`` (``ONEDNN_MAX_CPU_ISA=AVX``)
79.5 %.  The held-out ones are what tests build under: a variant accept did not use.
"""
from __future__ import annotations

VARIANTS: dict[str, dict[str, str]] = {
    "host": {},
    "scalar": {"ATEN_CPU_CAPABILITY": "default"},
    "sse41": {"ONEDNN_MAX_CPU_ISA": "SSE41"},
    "mkl-compat": {"MKL_CBWR": "COMPATIBLE"},
    "avx": {"ONEDNN_MAX_CPU_ISA": "AVX"},
}
ACCEPT_VARIANTS = ("host", "scalar", "sse41")  # host first: its results are the ones published


def variant_env(name: str) -> dict[str, str]:
    """The environment a variant's zygote starts with (ValueError names the known ones)."""
    try:
        return dict(VARIANTS[name])
    except KeyError:
        raise ValueError(f"unknown numeric variant {name!r}; known: {', '.join(VARIANTS)}") from None


PLATFORM_CODE = """\
import json, platform, torch
cpu = platform.processor() or platform.machine()
try:
    with open('/proc/cpuinfo') as f:
        info = dict(l.split(':', 1) for l in f if ':' in l)
    cpu = info.get('model name\\t', cpu).strip()
    vendor = info.get('vendor_id\\t', '').strip()
except OSError:
    vendor = ''
config = torch.__config__.show()
blas = next((l.split('=', 1)[1].strip(' ,') for l in config.replace(',', '\\n').split('\\n') if 'BLAS_INFO' in l), '?')
print(json.dumps({'cpu': f'{vendor} {cpu}'.strip(), 'capability': torch.backends.cpu.get_cpu_capability(),
                  'blas': blas, 'threads': torch.get_num_threads(), 'torch': torch.__version__}))
"""
