"""Adam and AdamW whose step is one fused kernel call and little else.

torch's :class:`~torch.optim.Adam` with ``fused=True`` updates every
parameter in one kernel, but wraps that call in ~120 microseconds of Python
on the CPU (profiler records, step hooks, a regrouping of the tensors by
device and dtype, per-parameter checks, and ``zero_grad``'s own profiler
record): as much as the forward and backward passes of a 20-64-2 MLP on a
batch of 200 rows. These subclasses keep torch's hyper-parameters, state
(``state_dict`` is torch's, so each loads the other's) and update, and take
the short path when a step needs nothing but the update: fused, no AMSGrad,
no ``maximize``, no capturable or differentiable step, a float learning
rate, no step hooks, and each parameter group on one device and dtype.
Anything else goes through torch's own ``step``.

Adam (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization"), for
gradient :math:`g_t`:

.. math::

    m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t, \\qquad
    v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2,

    \\theta_t = \\theta_{t-1} - \\eta\\, \\frac{m_t / (1 - \\beta_1^t)}
    {\\sqrt{v_t / (1 - \\beta_2^t)} + \\epsilon};

AdamW (Loshchilov & Hutter, 2019) first shrinks
:math:`\\theta_{t-1}` by :math:`(1 - \\eta\\lambda)` instead of adding
:math:`\\lambda\\theta_{t-1}` to :math:`g_t`.
"""

from typing import NamedTuple

import torch
from torch.optim.optimizer import (
    Optimizer,
    _global_optimizer_post_hooks,
    _global_optimizer_pre_hooks,
)

__all__ = ["Adam", "AdamW"]

_SLOW_PATH_FLAGS = ("amsgrad", "maximize", "capturable", "differentiable")


class _FusedStep:
    """Mixin for a subclass of :class:`torch.optim.Adam`: the short step."""

    def _takes_short_path(self):
        if (
            self._optimizer_step_pre_hooks
            or self._optimizer_step_post_hooks
            or _global_optimizer_pre_hooks
            or _global_optimizer_post_hooks
        ):
            return False
        for group in self.param_groups:
            if not group["fused"] or any(group[flag] for flag in _SLOW_PATH_FLAGS):
                return False
            if torch.is_tensor(group["lr"]) or any(
                torch.is_tensor(beta) for beta in group["betas"]
            ):
                return False
        return True

    def _torch_step(self, closure=None):
        """torch's own step, inside its profiler record and step hooks."""
        step = super().step.__func__
        if getattr(step, "hooked", False):
            step = step.__wrapped__
        return Optimizer.profile_hook_step(step)(self, closure)

    def step(self, closure=None):
        if not self._takes_short_path():
            return self._torch_step(closure)
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        updates = []
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            tensors = self._tensors_of(params)
            if tensors is None or any(p.grad.is_sparse for p in params):
                self._torch_step()
                return loss
            updates.append((group, tensors))
        with torch.no_grad():
            for group, tensors in updates:
                _fused_update(group, tensors, self._decoupled)
        return loss

    # torch wraps ``step`` in its profiler record unless it is marked hooked;
    # the short path skips the record, the long path (_torch_step) keeps it
    step.hooked = True

    def _tensors_of(self, params):
        """The fused kernel's lists for ``params`` (their state created where
        missing), or None when they mix devices or dtypes or are complex.
        Kept per set of parameters until the state is loaded or a group is
        added: gathering them every step cost as much as the update."""
        cache = self.__dict__.setdefault("_fused_tensors", {})
        key = tuple(map(id, params))
        if key not in cache:
            first = params[0]
            if any(
                p.device != first.device or p.dtype != first.dtype or p.is_complex()
                for p in params
            ):
                cache[key] = None
            else:
                states = [self._state_of(p) for p in params]
                cache[key] = _FusedTensors(
                    params,
                    [state["exp_avg"] for state in states],
                    [state["exp_avg_sq"] for state in states],
                    [state["step"] for state in states],
                )
        return cache[key]

    def load_state_dict(self, state_dict):
        self.__dict__.pop("_fused_tensors", None)
        return super().load_state_dict(state_dict)

    def add_param_group(self, param_group):
        self.__dict__.pop("_fused_tensors", None)
        return super().add_param_group(param_group)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_fused_tensors", None)
        return state

    def _state_of(self, param):
        state = self.state[param]
        if not state:
            state["step"] = torch.zeros((), dtype=torch.float32, device=param.device)
            state["exp_avg"] = torch.zeros_like(
                param, memory_format=torch.preserve_format
            )
            state["exp_avg_sq"] = torch.zeros_like(
                param, memory_format=torch.preserve_format
            )
        return state

    def zero_grad(self, set_to_none=True):
        if not set_to_none:
            return super().zero_grad(set_to_none)
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None
        return None


class _FusedTensors(NamedTuple):
    params: list
    exp_avgs: list
    exp_avg_sqs: list
    steps: list


def _fused_update(group, tensors, decoupled):
    """One Adam (or AdamW) step of ``tensors.params`` with torch's fused
    kernel."""
    torch._foreach_add_(tensors.steps, 1)
    update = (
        torch._fused_adamw_
        if group.get("decoupled_weight_decay", decoupled)
        else torch._fused_adam_
    )
    update(
        tensors.params,
        [p.grad for p in tensors.params],
        tensors.exp_avgs,
        tensors.exp_avg_sqs,
        [],
        tensors.steps,
        amsgrad=False,
        lr=group["lr"],
        beta1=group["betas"][0],
        beta2=group["betas"][1],
        weight_decay=group["weight_decay"],
        eps=group["eps"],
        maximize=False,
        grad_scale=None,
        found_inf=None,
    )


class Adam(_FusedStep, torch.optim.Adam):
    """:class:`torch.optim.Adam` with a short fused step (module docstring)."""

    _decoupled = False


class AdamW(_FusedStep, torch.optim.AdamW):
    """:class:`torch.optim.AdamW` with a short fused step (module docstring)."""

    _decoupled = True
