"""A sample drift report's items: real figures drawn by matplotlib, compared by matplotlib.

Shared by tests/test_drift_report.py and the browser test that screenshots the report."""
from __future__ import annotations

import io

from execdocs.check.compare import image_difference, text_diff
from execdocs.problem import FigureDrift, Problem


def curve_png(slope: float, size=(3.2, 2.4)) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size, dpi=100)
    xs = list(range(10))
    ax.plot(xs, [2.3 * (0.8 ** (slope * x)) for x in xs], marker="o")
    ax.set_title("loss per epoch")
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def difference(recorded: bytes, fresh: bytes) -> tuple[float | None, bytes | None]:
    """RMS and difference image, by the engine's own comparison."""
    return image_difference(recorded, fresh)


def sample_items() -> list[Problem]:
    recorded, fresh = curve_png(1.0), curve_png(1.4)
    rms, diff_png = difference(recorded, fresh)
    text = text_diff("epoch 1 loss 2.3012 acc 0.1031\nepoch 2 loss 1.8120 acc 0.3327\nshape torch.Size([8, 16, 32, 32])",
                     "epoch 1 loss 2.3012 acc 0.1031\nepoch 2 loss 1.8121 acc 0.3902\nshape torch.Size([8, 16, 30, 30])")
    code = "model = SimpleCNN()\nfor epoch in range(num_epochs):\n    print(f'<b>{epoch}</b>')"
    return [
        Problem("experiment.md", 42, "output drifted", "experiment.md:42: stdout drifted from the record",
                code=code, diff=text, rtol=1e-3, url="experiment.html"),
        Problem("metrics.md", 88, "output drifted", f"metrics.md:88: figure 1 changed (RMS {rms:.2f}, tolerance 2)",
                code="plt.plot(history['loss'])", diff="",
                figure=FigureDrift(0, recorded, fresh, diff_png, rms, 2.0), url="metrics.html"),
        Problem("../snippets/prove_it.py", 12, "block failed",
                "snippets/prove_it.py:12: unexpected AssertionError: the CNN's edge vanished <script>",
                code="assert cnn_acc - mlp_acc > 0.1, 'claim'", url="notebooks/prove_it.html"),
    ]
