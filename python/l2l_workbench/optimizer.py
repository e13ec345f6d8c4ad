# SPDX-License-Identifier: GPL-3.0-or-later
"""LearnedOptimizer: a workbench checkpoint as a torch.optim.Optimizer,
θ ← θ + m(features, state; φ) coordinatewise with the engine's numerics."""

import torch

from . import features as feats
from .checkpoint import load_checkpoint
from .nets import make_net, net_state_rows

_F = torch.float32


class LearnedOptimizer(torch.optim.Optimizer):
    """Runs the learned optimizer @checkpoint (a path, or a shipped name such
    as "lstm:mnist") on @params.

    Every coordinate keeps its own state (the features' running averages and
    the net's memory) in float32; the update is computed in float32 in the
    engine's order of operations, whatever the parameters' dtype. The engine
    serves one function's coordinates together (the schedule averages over
    them): here every parameter that has a gradient, or, for a per-group
    checkpoint (lstm:cnn), the parameters of the param groups whose "group"
    key names the same group of the checkpoint.
    """

    def __init__(self, params, checkpoint):
        self.checkpoint = load_checkpoint(checkpoint)
        self.config = self.checkpoint.config
        super().__init__(params, {"group": None})
        self._nets = {}

    def add_param_group(self, param_group):
        # checked first, so that a refused group is not left behind
        groups = self.config.groups
        name = param_group.get("group", self.defaults["group"])
        if groups and name not in groups:
            raise ValueError(f"{self.checkpoint.path}: a param group has group {name!r}, but the "
                             f"checkpoint has one net for each of the groups {', '.join(groups)}: "
                             "give every param group one of them as its 'group'")
        super().add_param_group(param_group)

    def load_state_dict(self, state_dict):
        """As torch.optim's, but the state stays float32 whatever the params'
        dtype (torch casts it to theirs, which would lose float16 params'
        state), and state that does not fit a param is refused."""
        saved = state_dict["state"]
        saved_ids = [i for group in state_dict["param_groups"] for i in group["params"]]
        super().load_state_dict(state_dict)
        params = [p for group in self.param_groups for p in group["params"]]
        for saved_id, p in zip(saved_ids, params):
            if saved_id not in saved:
                continue
            state = self.state[p]
            for key, rows in (("features", feats.state_rows(self.config.features)),
                              ("net", net_state_rows(self.config))):
                value = saved[saved_id].get(key)
                if not torch.is_tensor(value) or tuple(value.shape) != (rows, p.numel()):
                    raise ValueError(
                        f"{self.checkpoint.path}: the loaded state's {key} for a parameter of "
                        f"{p.numel()} numbers is "
                        f"{tuple(value.shape) if torch.is_tensor(value) else value!r}, not "
                        f"({rows}, {p.numel()}): it was saved for other parameters or another "
                        "learned optimizer")
                state[key] = value.detach().to(device=p.device, dtype=_F).clone()

    def _net(self, group, device):
        key = (group, device)
        if key not in self._nets:
            self._nets[key] = make_net(self.config, self.checkpoint.nets[group]).to(device)
        return self._nets[key]

    def _segments(self):
        """Params with a gradient, by the checkpoint group that serves them."""
        segments = {}
        for param_group in self.param_groups:
            name = param_group["group"] if self.config.groups else ""
            for p in param_group["params"]:
                if p.grad is not None and p.numel() > 0:
                    if p.grad.is_sparse or p.is_complex():
                        kind = "sparse gradients" if p.grad.is_sparse else "complex parameters"
                        raise ValueError(f"{self.checkpoint.path}: a learned optimizer steps "
                                         f"real parameters with dense gradients, not {kind}")
                    segments.setdefault(name, []).append(p)
        return segments

    def _state_of(self, p):
        state = self.state[p]
        if not state:
            n = p.numel()
            state["step"] = 0
            state["features"] = torch.zeros(feats.state_rows(self.config.features), n,
                                            dtype=_F, device=p.device)
            state["net"] = torch.zeros(net_state_rows(self.config), n, dtype=_F,
                                       device=p.device)
        return state

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group, params in self._segments().items():
            xs, net_states, states = [], [], []
            for p in params:
                state = self._state_of(p)
                state["step"] += 1
                grad = p.grad.detach().reshape(-1).to(_F)
                x, state["features"] = feats.forward(self.config.features, state["step"], grad,
                                                     p.detach().reshape(-1).to(_F),
                                                     state["features"].to(_F))
                xs.append(x)
                net_states.append(state["net"].to(_F))
                states.append(state)
            net = self._net(group, params[0].device)
            update, net_state = net.forward(torch.cat(xs, dim=1), torch.cat(net_states, dim=1))
            sizes = [p.numel() for p in params]
            for p, state, u, s in zip(params, states, update.split(sizes),
                                      net_state.split(sizes, dim=1)):
                state["net"] = s
                p.add_(u.view_as(p).to(p.dtype))
        return loss

