"""The explorer's no-JavaScript figure: a 2x bitmap at the page's display size, no label cut off."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from cnnlab import explorer  # noqa: E402
from cnnlab.models import SmallCNN  # noqa: E402

LONGEST = ["diagonal stripes (long name)"] * 10  # the longest class name a title may carry


def test_static_figure_is_2x_and_keeps_every_title_inside(tmp_path, monkeypatch):
    torch.manual_seed(0)
    taps = explorer.FeatureTaps(SmallCNN().eval())
    drawn = []
    save = matplotlib.figure.Figure.savefig

    def keep(fig, *args, **kwargs):  # where each title was drawn, in the saved figure's pixels
        out = save(fig, *args, **kwargs)
        renderer = fig.canvas.get_renderer()
        drawn.append((fig.bbox, [(ax.get_title(), ax.title.get_fontsize(), ax.title.get_window_extent(renderer))
                                 for ax in fig.axes]))
        return out

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    path = tmp_path / "static.png"
    explorer._static_figure(path, taps, torch.rand(1, 3, 32, 32), torch.randperm(1024), LONGEST)
    width_in, height_in = explorer.STATIC_SIZE_IN
    assert Image.open(path).size == (round(width_in * explorer.STATIC_DPI), round(height_in * explorer.STATIC_DPI))
    assert explorer.STATIC_DPI >= 200  # shown at 100 px per inch (explorer.md): a 2x bitmap
    ((box, titles),) = drawn
    assert len(titles) == 9
    for text, size, extent in titles:
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1, f"title {text!r} is cut off"
        assert size >= 8
    plt.close("all")
