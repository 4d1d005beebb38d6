"""Overfitting: when training accuracy keeps rising and validation accuracy does not

What you will learn:
- How to spot overfitting from train vs validation curves
- Why a small training set lets a model fit details that do not carry over to new images
- How to pick the epoch with the best validation loss
"""

# %% [markdown]
# We train SmallCNN on only 200 images for many epochs and measure it on 400 images
# it never sees during training.

# %%
import matplotlib.pyplot as plt
import torch

import cnnlab
from cnnlab import data, models, train, viz
from cnnlab.claims import claim

torch.set_num_threads(1)  # as on the docs site: fast on small models, same numbers
cnnlab.seed_everything(0)
device = cnnlab.pick_device()
print(f"Running on {device}")

num_epochs = 20
lr = 3e-3
images, labels = data.load_dataset(n=600, seed=0)
xtr, ytr, xva, yva = data.train_val_split(images, labels, val_fraction=400 / 600, seed=0)
print(f"{len(ytr)} training images, {len(yva)} validation images")

# %%
torch.manual_seed(0)
model = models.SmallCNN()
history = train.fit(model, xtr, ytr, xva, yva, num_epochs=num_epochs, lr=lr, batch_size=32,
                    device=device)
fig = viz.plot_history(history, "SmallCNN on 200 training images: train vs validation")


# %% [markdown]
# The gap between the curves measures how much better the model does on its 200 training
# images than on new ones: what it fitted there does not all carry over.

# %%
def best_epoch(rows):
    return min(rows, key=lambda r: r["val_loss"])


best, last = best_epoch(history), history[-1]
gap = last["train_acc"] - last["val_acc"]
claim(gap > 0.1, "the training curve ends well above the validation curve (the gap above)",
      measured=f"{100 * gap:.1f} points")
print(f"best validation loss {best['val_loss']:.3f} at epoch {best['epoch']} "
      f"(val acc {best['val_acc']:.3f})")
print(f"Conclusion: after {num_epochs} epochs train accuracy is {last['train_acc']:.3f} but "
      f"validation accuracy is {last['val_acc']:.3f}, a gap of {100 * gap:.1f} points: "
      f"{'the model overfits' if gap > 0.1 else 'no clear overfitting'}.")
