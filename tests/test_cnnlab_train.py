"""Tests for cnnlab.train: history rows, determinism, learnability of the patterns."""
import torch

from cnnlab import data, models, train

torch.set_num_threads(1)  # small models: one thread is faster and not oversubscribed


def _small_run(seed=0, model_seed=0, n=200, epochs=2):
    x, y = data.make_patterns(n, seed=0)
    xtr, ytr, xva, yva = data.train_val_split(x, y)
    torch.manual_seed(model_seed)
    return train.fit(models.SimpleCNN(), xtr, ytr, xva, yva, num_epochs=epochs, seed=seed)


def test_history_rows():
    rows = _small_run()
    assert [r["epoch"] for r in rows] == [1, 2]
    for r in rows:
        assert set(r) == {"epoch", "train_loss", "train_acc", "val_loss", "val_acc"}
        assert 0 <= r["train_acc"] <= 1 and 0 <= r["val_acc"] <= 1 and r["train_loss"] > 0


def test_deterministic_given_seed_and_different_otherwise():
    assert _small_run(seed=0) == _small_run(seed=0)
    assert _small_run(seed=0) != _small_run(seed=1)


def test_no_validation_gives_none_and_device_argument():
    x, y = data.make_patterns(64, seed=0)
    rows = train.fit(models.MLP(), x, y, num_epochs=1, device="cpu")
    assert rows[0]["val_loss"] is None and rows[0]["val_acc"] is None


def test_evaluate_and_predict_agree():
    x, y = data.make_patterns(100, seed=0)
    torch.manual_seed(0)
    m = models.SimpleCNN()
    loss, acc = train.evaluate(m, x, y)
    preds = train.predict(m, x)
    assert preds.shape == (100,) and preds.dtype == torch.int64
    assert abs(acc - (preds == y).float().mean().item()) < 1e-6 and loss > 0
    assert m.training  # evaluate restores the mode


def test_patterns_are_learnable_by_a_cnn():
    x, y = data.make_patterns(1000, seed=0)
    xtr, ytr, xva, yva = data.train_val_split(x, y)
    torch.manual_seed(0)
    rows = train.fit(models.SmallCNN(), xtr, ytr, xva, yva, num_epochs=6, lr=3e-3)
    assert rows[-1]["val_acc"] > 0.4  # chance is 0.1
    assert rows[-1]["train_loss"] < rows[0]["train_loss"]


def test_cosine_schedule_starts_at_lr_then_decays():
    """Epoch 1 runs at the full rate (same rows as constant); later epochs use a lower rate."""
    x, y = data.make_patterns(200, seed=0)
    rows = {}
    for cosine in (False, True):
        torch.manual_seed(0)
        rows[cosine] = train.fit(models.MLP(), x[:160], y[:160], x[160:], y[160:], num_epochs=3,
                                 lr=3e-3, seed=0, cosine=cosine)
    assert rows[True][0] == rows[False][0]
    assert rows[True][2]["train_loss"] != rows[False][2]["train_loss"]
