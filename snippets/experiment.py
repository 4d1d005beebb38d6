"""Experiment: see what the convolution layers of a simple CNN respond to

What you will learn:
- How to train the two-layer SimpleCNN and report real train and validation metrics
- How to read feature maps with forward hooks (on the ReLU modules) and plot them
- Why the same conv layers also run on a larger photo (filters do not care about image size)
"""

# %% [markdown]
# The model is SimpleCNN, trained for several epochs; it flattens with `torch.flatten(x, 1)`,
# which keeps the batch dimension even for a wrong input size.
# Its ReLUs are modules (`relu1`, `relu2`), so forward hooks on them see the maps after ReLU.

# %%
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import cnnlab
from cnnlab import data, models, train, viz

torch.set_num_threads(1)  # as on the docs site: fast on small models, same numbers
cnnlab.seed_everything(0)
device = cnnlab.pick_device()
print(f"Running on {device}")

num_epochs = 8
lr = 3e-3
images, labels = data.load_dataset(n=2000, seed=0)
xtr, ytr, xva, yva = data.train_val_split(images, labels, val_fraction=0.2, seed=0)
print(f"train {tuple(xtr.shape)}, validation {tuple(xva.shape)}")

# %% [markdown]
# ## Train and measure
# Every number below is measured on this run; validation images are never trained on.

# %%
torch.manual_seed(0)
model = models.SimpleCNN()
history = train.fit(model, xtr, ytr, xva, yva, num_epochs=num_epochs, lr=lr, device=device)
for row in history:
    print(f"epoch {row['epoch']}: train loss {row['train_loss']:.3f} acc {row['train_acc']:.3f} | "
          f"val loss {row['val_loss']:.3f} acc {row['val_acc']:.3f}")
fig = viz.plot_history(history, "SimpleCNN on the default dataset")

# %% [markdown]
# ## Feature maps of a training-style image
# A hook on relu1 catches the maps. A channel lights up where its 3×3 filter matches
# the image: edges of one orientation, bright or dark regions. A channel whose filter
# matches nowhere in this image stays dark; the code prints which ones do.

# %%
model.eval()
feature_maps = {}
hook = model.relu1.register_forward_hook(lambda module, inputs, output: feature_maps.update(conv1=output.detach()))
with torch.no_grad():
    model(xva[:1].to(device))
hook.remove()
dark = [c for c in range(6) if feature_maps["conv1"][0, c].max() == 0]
print(f"conv1 channels that are 0 everywhere on this image: {dark}")
name = data.class_names()[int(yva[0])]
fig = viz.image_grid(xva[:1], yva[:1], data.class_names(), "Input image", ncols=1)
fig = viz.feature_grid(feature_maps["conv1"][0].cpu(), f"conv1 + ReLU feature maps ({name})", ncols=6)


# %% [markdown]
# ## Feature maps of a real photo
# `fc1` fixes the input to 32×32, but the conv layers work at any size, so we run
# them directly on a 96×96 cat photo to see the maps in more detail.

# %%
def conv_maps(model, image):
    """The same steps as SimpleCNN.forward up to conv2, for any image size."""
    with torch.no_grad():
        maps1 = F.relu(model.conv1(image.unsqueeze(0).to(device)))
        maps2 = F.relu(model.conv2(model.pool(maps1)))
    return maps1[0].cpu(), maps2[0].cpu()


cat = data.cat_image(size=96)
maps1, maps2 = conv_maps(model, cat)
fig, ax = plt.subplots(figsize=(2.5, 2.5))
ax.imshow(cat.permute(1, 2, 0).numpy())  # an array: matplotlib warns on a tensor (NumPy 2 copy protocol)
ax.set_title("Input: cat photo (96×96)")
ax.axis("off")
fig = viz.feature_grid(maps1, "conv1 feature maps of the cat (96×96)", ncols=6)
fig = viz.feature_grid(maps2, "conv2 feature maps of the cat (48×48)", ncols=6)

# %%
first, last = history[0], history[-1]
active = (maps2.flatten(1).amax(1) > 0).sum().item()
print(f"{active} of {maps2.shape[0]} conv2 channels respond somewhere on the cat photo.")
print(f"Conclusion: validation accuracy rose from {first['val_acc']:.3f} to {last['val_acc']:.3f} "
      f"in {num_epochs} epochs (chance is 0.100).")
