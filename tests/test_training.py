"""Die gemeinsame Trainingsschleife: Determinismus, Lernfortschritt, Eingabeprüfung."""

import pytest
import torch
from torch import nn

from aufmerksamkeit.models.training import accuracy, train


def make_problem(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Ein kleines, lernbares Klassifikationsproblem: Klasse = Vorzeichen der Summe."""
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(48, 4, generator=generator)
    targets = (inputs.sum(dim=1) > 0).long()
    return inputs, targets


def make_model() -> nn.Module:
    torch.manual_seed(123)  # gleiche Startgewichte für jeden Lauf
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))


def classification_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return nn.functional.cross_entropy(model(x), y)


def run(seed: int) -> tuple[list[float], list[torch.Tensor]]:
    model = make_model()
    inputs, targets = make_problem()
    log = train(model, inputs, targets, classification_loss, epochs=4, batch_size=8, seed=seed)
    return log.losses, [p.detach().clone() for p in model.parameters()]


def test_same_seed_gives_identical_losses_and_parameters():
    losses_a, params_a = run(seed=0)
    losses_b, params_b = run(seed=0)
    assert losses_a == losses_b  # bitgleich, nicht nur ungefähr
    for a, b in zip(params_a, params_b):
        assert torch.equal(a, b)


def test_other_seed_gives_other_batch_order_and_result():
    losses_a, params_a = run(seed=0)
    losses_b, params_b = run(seed=1)
    assert losses_a != losses_b
    assert any(not torch.equal(a, b) for a, b in zip(params_a, params_b))


def test_result_does_not_depend_on_the_global_torch_seed():
    """Nur ``seed`` bestimmt die Reihenfolge der Batches, nicht torch.manual_seed davor."""
    model_a, model_b = make_model(), make_model()
    inputs, targets = make_problem()
    torch.manual_seed(1)
    log_a = train(model_a, inputs, targets, classification_loss, epochs=2, batch_size=8)
    torch.manual_seed(2)
    log_b = train(model_b, inputs, targets, classification_loss, epochs=2, batch_size=8)
    assert log_a.losses == log_b.losses


def test_training_lowers_the_loss_and_learns():
    model = make_model()
    inputs, targets = make_problem()
    log = train(model, inputs, targets, classification_loss, epochs=30, batch_size=16, lr=1e-2)
    assert len(log.losses) == 30 and log.final_loss == log.losses[-1]
    assert log.losses[-1] < 0.5 * log.losses[0]
    assert not model.training  # nach dem Training im Auswertungsmodus
    with torch.no_grad():
        assert accuracy(model(inputs).argmax(dim=1), targets) >= 0.9


def test_mismatched_lengths_are_rejected_in_german():
    inputs, targets = make_problem()
    with pytest.raises(ValueError, match=r"inputs \(48 Beispiele\) und targets \(47\)"):
        train(make_model(), inputs, targets[:-1], classification_loss)


def test_accuracy_by_hand():
    assert accuracy(torch.tensor([1, 0, 2, 2]), torch.tensor([1, 1, 2, 0])) == 0.5


def test_logged_loss_is_the_mean_over_all_examples():
    """Mit lr = 0 bleibt das Modell stehen; der Verlust je Epoche ist dann genau der
    Verlust auf allen Daten – auch wenn der letzte Batch kleiner ist (48 = 4 · 10 + 8)."""
    model = make_model()
    inputs, targets = make_problem()
    with torch.no_grad():
        expected = classification_loss(model, inputs, targets).item()
    log = train(model, inputs, targets, classification_loss, epochs=2, batch_size=10, lr=0.0)
    assert log.losses == pytest.approx([expected, expected], rel=1e-6)
