"""Pipeline trace: follow 2000 images through nn.Conv2d layers and train for 15 epochs

What you will learn:
- How to read every stage's shape from the real model with forward hooks
- Why padding=1 keeps 32×32 and max pooling halves it (8192 features before the classifier)
- How far each layer sees: receptive fields by formula and by gradient
- How to record and plot a training trace with real loss and accuracy
- Why the running training accuracy can trail the validation accuracy early on
"""

# %% [markdown]
# The model is the source's pipeline: Conv2d(3→16) → ReLU → MaxPool → Conv2d(16→32) → ReLU
# → Flatten → Linear(8192→10). The table below is printed by hooks, not typed by hand.

# %%
import matplotlib.pyplot as plt
import torch

import cnnlab
from cnnlab import data, models, trace, train, viz

torch.set_num_threads(1)  # as on the docs site: fast on small models, same numbers
cnnlab.seed_everything(0)
device = cnnlab.pick_device()
print(f"Running on {device}")

num_epochs = 15
lr = 1e-3
images, labels = data.load_dataset(n=2000, seed=0)
torch.manual_seed(0)
model = models.PipelineCNN()

# %% [markdown]
# ## Data flow
# One forward pass over all 2000 images; each row is one module as it ran.

# %%
flow = [{"layer": "input", "type": "images", "input_shape": (), "output_shape": tuple(images.shape),
         "params": 0}] + trace.data_flow(model, images)
print(trace.markdown_table(flow, ["layer", "type", "input_shape", "output_shape", "params"],
                           ["layer", "type", "input", "output", "parameters"]))

# %% [markdown]
# ## Receptive fields
# How many input pixels one unit of each layer depends on: by the formula, and measured as the
# pixels where the gradient of the layer's centre unit is not zero (union over 32 random images).

# %%
for row in trace.receptive_fields(model, image_size=32):
    height, width = trace.extent(trace.measured_field(model, row["layer"], image_size=32))
    print(f"{row['layer']:<6} formula {row['field']}x{row['field']}, measured {height}x{width}")

# %% [markdown]
# ## Training trace
# 1600 images train the model, 400 held-out images measure it after every epoch. The "train acc"
# column is the running average over each epoch's batches (the weights change during the epoch);
# the validation accuracy is measured with the end-of-epoch weights, which is why it can be the
# higher of the two in the first epochs.

# %%
xtr, ytr, xva, yva = data.train_val_split(images, labels, val_fraction=0.2, seed=0)
history = train.fit(model, xtr, ytr, xva, yva, num_epochs=num_epochs, lr=lr, batch_size=32,
                    device=device)
print(trace.markdown_table(history, ["epoch", "train_loss", "train_acc", "val_loss", "val_acc"],
                           ["epoch", "train loss", "train acc", "val loss", "val acc"]))
fig = viz.plot_history(history, "PipelineCNN: 15 epochs on 1600 training images")

# %%
first, last = history[0], history[-1]
best = max(history, key=lambda r: r["val_acc"])
print(f"Conclusion: {flow[-1]['output_shape']} logits come out of {flow[0]['output_shape']} images; "
      f"train loss fell from {first['train_loss']:.3f} to {last['train_loss']:.3f}; validation "
      f"accuracy peaked at {best['val_acc']:.3f} (epoch {best['epoch']}) and ended at {last['val_acc']:.3f} "
      f"(chance 0.100), while the running training accuracy ended at {last['train_acc']:.3f}.")
