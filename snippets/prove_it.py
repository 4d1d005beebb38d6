"""Test it: a CNN uses the spatial arrangement of pixels, an MLP cannot

What you will learn:
- How to test the claim "CNNs exploit spatial patterns" with a controlled experiment over 3 seeds
- Why one fixed pixel permutation hurts a CNN but cannot matter to an MLP
- How to check that classifiers given only the pixel values stay near chance
- How to measure that convolution is shift-equivariant: shift the input, the maps shift too
"""
import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import torch

import cnnlab
from cnnlab import baseline, data, models, prove, train, viz
from cnnlab.claims import claim

torch.set_num_threads(1)  # as on the docs site: one thread (the same numbers on this CPU; others differ a little)
device = cnnlab.pick_device()
print(f"Running on {device}")

num_epochs, lr, seeds = 10, 3e-3, [0, 1, 2]
images, labels = data.load_dataset(n=2000, seed=0)
names = data.class_names()
xtr, ytr, xva, yva = data.train_val_split(images, labels, val_fraction=0.2, seed=0)
perm = prove.fixed_permutation(seed=0)
print(f"{len(xtr)} training images, {len(xva)} validation images, {len(names)} classes")
cnnlab.glue("n_val", len(xva))
fig = viz.image_grid(torch.cat([xva[:4], prove.permute_pixels(xva[:4], perm)]), torch.cat([yva[:4]] * 2),
                     names, "Four validation images (top) and the same pixels, permuted (bottom)", ncols=4)
fig.execdocs_alt = ("Four pattern images in the top row and the same four with their pixels permuted below: "
                    "the colours are kept but every shape becomes scattered noise")

# %% [markdown]
# ## Three models
# A small CNN, an MLP with about the CNN's number of parameters, and a wide MLP with
# 160 hidden units, like the CNN's head. The block also prints where the CNN's
# parameters sit: most of them are in its head.

# %%
builders = {"CNN": models.SmallCNN, "MLP": models.MLP, "wide MLP": lambda: models.MLP(hidden=160)}
sizes = {name: models.count_parameters(build()) for name, build in builders.items()}
for name, size in sizes.items():
    print(f"{name:>8}: {size:,} parameters")
cnn_model = models.SmallCNN()
in_convs, in_head = models.count_parameters(cnn_model.features), models.count_parameters(cnn_model.head)
print(f"CNN: {in_convs:,} in the three convolution blocks, {in_head:,} in the head")
claim(sizes["wide MLP"] >= 4 * sizes["MLP"], "the wide MLP has at least 4 times the parameters of the matched MLP",
      f"{sizes['wide MLP'] / sizes['MLP']:.1f} times")
claim(in_head >= 0.9 * sizes["CNN"], "nine in ten of the CNN's parameters sit in its head",
      f"{in_head / sizes['CNN']:.0%}")

# %% [markdown]
# ## Training on original and on permuted pixels
# Every model is trained on original and on permuted pixels, for each seed, with the
# same data, loop, epochs, learning rate and batch size. The seed sets the initial
# weights and the batch order. Each MLP on permuted pixels starts from its
# original-pixel twin's weights with the first layer's columns permuted like the
# pixels: the same function, so any difference comes from floating-point rounding.

# %%
accuracy, on_training, trained = {}, {}, {}  # (model, pixels, seed) -> accuracy; the seed-0 CNNs


def train_every_model(seed):
    """Train each model on original and on permuted pixels, starting from ``seed``."""
    for name, build in builders.items():
        for pixels in ("original", "permuted"):
            torch.manual_seed(seed)
            model = build()
            x_train, x_val = xtr, xva
            if pixels == "permuted":
                x_train, x_val = prove.permute_pixels(xtr, perm), prove.permute_pixels(xva, perm)
                if name != "CNN":
                    prove.permute_first_layer(model, perm)
            history = train.fit(model, x_train, ytr, x_val, yva, num_epochs=num_epochs, lr=lr,
                                batch_size=32, device=device, seed=seed, cosine=True)
            accuracy[name, pixels, seed] = history[-1]["val_acc"]
            on_training[name, pixels, seed] = train.evaluate(model, x_train, ytr)[1]
            if name == "CNN" and seed == 0:
                trained[pixels] = model
    print(f"seed {seed}: " + ", ".join(f"{name} {accuracy[name, 'original', seed]:.1%} -> "
                                       f"{accuracy[name, 'permuted', seed]:.1%}" for name in builders))


train_every_model(seeds[0])

# %% [markdown]
# The other two seeds run the same way, one per cell.

# %%
train_every_model(seeds[1])

# %% [markdown]
# The last cell also prints the summary, and each model's accuracy on its own
# training images: far above the MLPs' validation accuracy (a generalisation gap).

# %%
train_every_model(seeds[2])
rows = {row["model"]: row for row in prove.summarise(accuracy, builders, seeds)}
fitted = {name: prove.mean_spread([100 * on_training[name, "original", s] for s in seeds])[0]
          for name in builders}
print(f"\nvalidation accuracy, mean ± standard deviation over {len(seeds)} seeds:")
print(prove.format_table(rows.values()))
print(f"\non their own {len(xtr)} training images (original pixels, mean of {len(seeds)} seeds):")
print("  " + ", ".join(f"{name} {value:.1f} %" for name, value in fitted.items()))

# %% [markdown]
# ## What the pixel values alone give
# Classifiers that see only a summary of an image's pixel values (sorted values and
# histograms per channel), trained on the training images and tested on 2000 fresh
# ones. Staying within 3 points of chance rules out a leak worth more than that.

# %%
x_fresh, y_fresh = data.load_dataset(n=2000, seed=1)
leak = baseline.multiset_baseline(xtr, ytr, x_fresh, y_fresh)
chance = 1 / len(names)
for name, acc in leak.items():
    print(f"pixel values only, {name}: {acc:.1%} on {len(y_fresh)} fresh images (chance {chance:.0%})")

# %% [markdown]
# ## The checks
# The claims the text makes, checked on the numbers above (a claim that stops holding
# stops the build):

# %%
cnn, mlp, wide = rows["CNN"], rows["MLP"], rows["wide MLP"]
claim(cnn["original"][0] >= 85, "the CNN reaches at least 85 % on original pixels (mean of 3 seeds)",
      f"{cnn['original'][0]:.1f} %")
claim(cnn["original"][0] - max(mlp["original"][0], wide["original"][0]) >= 30,
      "on original pixels the CNN is at least 30 points ahead of both MLPs",
      f"{cnn['original'][0]:.1f} % vs {mlp['original'][0]:.1f} % and {wide['original'][0]:.1f} %")
claim(cnn["change"][0] <= -40, "the fixed permutation costs the CNN at least 40 points",
      f"{-cnn['change'][0]:.1f} points")
claim(-cnn["change"][0] - cnn["change"][1] >= 40, "the CNN's loss exceeds 40 points by more than one standard deviation",
      f"{-cnn['change'][0]:.1f} ± {cnn['change'][1]:.1f} points")
for row in (mlp, wide):
    claim(abs(row["change"][0]) <= 2, f"the permutation changes the {row['model']} by at most 2 points",
          f"{row['change'][0]:+.1f} points")
claim(min(fitted["MLP"] - mlp["original"][0], fitted["wide MLP"] - wide["original"][0]) >= 20,
      "both MLPs score at least 20 points higher on their training images than on validation images",
      f"{fitted['MLP']:.1f} vs {mlp['original'][0]:.1f} %, {fitted['wide MLP']:.1f} vs {wide['original'][0]:.1f} %")
claim(all(abs(acc - chance) <= 0.03 for acc in leak.values()),
      "classifiers that see only the pixel values stay within 3 points of chance",
      ", ".join(f"{acc:.1%}" for acc in leak.values()))
claim(cnn["permuted"][0] - wide["permuted"][0] <= 5,
      "on permuted pixels the CNN is no better than the wide MLP plus 5 points",
      f"{cnn['permuted'][0]:.1f} % vs {wide['permuted'][0]:.1f} %")

# %% [markdown]
# The same numbers as a chart: means over the seeds, single seeds as dots.

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.6))
xpos = np.arange(len(builders))
for k, (pixels, colour) in enumerate([("original", "tab:blue"), ("permuted", "tab:orange")]):
    means = [rows[name][pixels][0] for name in builders]
    spreads = [rows[name][pixels][1] for name in builders]
    bars = ax.bar(xpos + (k - 0.5) * 0.38, means, width=0.38, yerr=spreads, capsize=3,
                  label=f"{pixels} pixels", color=colour)
    ax.bar_label(bars, fmt="%.1f", padding=2, fontsize=8)
    for i, name in enumerate(builders):
        ax.plot([xpos[i] + (k - 0.5) * 0.38] * len(seeds), [100 * accuracy[name, pixels, s] for s in seeds],
                "k.", markersize=3)
ax.axhline(100 * chance, color="gray", linestyle="--", linewidth=1, label="chance")
ax.set_xticks(xpos, [f"{name}\n{sizes[name]:,} params" for name in builders])
ax.set_xlabel("model")
ax.set_ylabel("validation accuracy (%)")
ax.set_ylim(0, 110)
ax.set_title(f"Validation accuracy: mean of {len(seeds)} seeds (bars), each seed (dots), ± 1 s.d.")
ax.legend(loc="upper right", fontsize=8)
fig.tight_layout()
fig.execdocs_alt = (f"Bar chart of validation accuracy: the CNN falls from {cnn['original'][0]:.0f} % on "
                    f"original pixels to {cnn['permuted'][0]:.0f} % on permuted ones, while the MLP stays at "
                    f"{mlp['permuted'][0]:.0f} % and the wide MLP at {wide['permuted'][0]:.0f} %")

# %% [markdown]
# The trained seed-0 CNN (and its twin trained on permuted pixels) is exported for the
# in-browser explorer. In the site build the files land in the page's artifacts; run
# as a script, they go to a temporary folder that is removed afterwards.

# %%
from cnnlab.explorer import export_for_browser

with tempfile.TemporaryDirectory() as scratch:
    export = export_for_browser(trained["original"], xva, yva, permutation=perm, twin=trained["permuted"],
                                class_names=names, out_dir=os.environ.get("EXECDOCS_ARTIFACTS") or scratch)

# %% [markdown]
# ## Test 2: shift the input, watch the maps move
# Convolution slides the same filter everywhere, so shifting the input by k pixels
# should shift every feature map by k pixels. We check it on the cat photo with the
# trained CNN's first convolution, away from the zero-padded borders.

# %%
k = 5
cat = data.cat_image(size=64).unsqueeze(0).to(device)
shifted = torch.zeros_like(cat)
shifted[..., k:] = cat[..., :-k]  # move the photo k pixels to the right
conv1 = trained["original"].features[0].eval()
with torch.no_grad():
    maps, maps_shifted = conv1(cat), conv1(shifted)
moved_back = maps_shifted[..., 1:-1, k + 1:-1]
error = (moved_back - maps[..., 1:-1, 1:-1 - k]).abs().max().item()
naive = (maps_shifted - maps)[..., 1:-1, k + 1:-1].abs().max().item()
print(f"max |conv(shift(x)) - shift(conv(x))| in the interior: {error:.2e}")
print(f"max |conv(shift(x)) - conv(x)|, maps not shifted back: {naive:.2f}")
claim(error < 1e-4 * naive, "the feature maps move with the input (error below 1e-4 of the unaligned difference)",
      f"{error:.1e} vs {naive:.2f}")

fig, axes = plt.subplots(1, 3, figsize=(7, 2.8))
diff = (maps_shifted[0, 0, 1:-1, k + 1:-1] - maps[0, 0, 1:-1, 1:-1 - k]).abs()
lo, hi = maps[0, 0].min().item(), maps[0, 0].max().item()
panels = [(maps[0, 0], lo, hi, "channel 0, original"), (maps_shifted[0, 0], lo, hi, f"input shifted {k} px"),
          (diff, 0, hi - lo, "|difference|, shifted back")]
for ax, (panel, vmin, vmax, title) in zip(axes, panels):
    ax.imshow(panel.detach().cpu().numpy(), cmap="viridis", vmin=vmin, vmax=vmax)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("x (pixels)", fontsize=8)
    ax.set_ylabel("y (pixels)", fontsize=8)
    ax.tick_params(labelsize=8)
fig.suptitle("Conv1 feature maps move with the input (shift equivariance)")
fig.tight_layout()
fig.execdocs_alt = (f"Channel 0 of conv1 for the cat photo, the same for the photo shifted {k} pixels right, "
                    f"and their difference after shifting back, which is {error:.0e} everywhere: a dark panel")

# %% [markdown]
# Pooling and the head are not equivariant: how often does the prediction survive a
# shift? And what does this CNN make of permuted pixels?

# %%
from cnnlab.explorer import shift_image

network = trained["original"].eval()
on = next(network.parameters()).device
with torch.no_grad():
    predicted = network(xva.to(on)).argmax(1)
    kept = {dx: (network(shift_image(xva, dx, 0).to(on)).argmax(1) == predicted).float().mean().item()
            for dx in (1, 2, 4)}
    on_permuted = (network(prove.permute_pixels(xva, perm).to(on)).argmax(1).cpu() == yva).float().mean().item()
print(f"seed-0 CNN, {len(xva)} validation images shifted right, same prediction as unshifted:")
print("  " + ", ".join(f"{dx} px: {share:.1%}" for dx, share in kept.items()))
print(f"the same CNN on permuted pixels: {on_permuted:.1%} correct (chance {chance:.0%})")
claim(kept[1] >= 0.9 and kept[1] >= kept[2] >= kept[4] >= 0.5,
      "most predictions survive a small shift, and fewer the larger the shift",
      ", ".join(f"{share:.1%}" for share in kept.values()))
claim(abs(on_permuted - chance) <= 0.05, "on permuted pixels the CNN trained on ordinary images is no better than a guess",
      f"{on_permuted:.1%}")

# %% [markdown]
# ## Conclusion

# %%
print(f"Pixel values alone give {max(leak.values()):.1%} at best (chance {chance:.0%}); "
      f"shifted maps matched shifted inputs to within {error:.1e}.")
print(f"Conclusion: over {len(seeds)} seeds the permutation cost the CNN {-cnn['change'][0]:.1f} points "
      f"(± {cnn['change'][1]:.1f}), the MLPs {mlp['change'][0]:+.1f} and {wide['change'][0]:+.1f}.")
