"""Test helper: loads each exported model.py + model.safetensors, runs its forward in eval mode on an input
written by neurite, and reports the largest difference from neurite's output, the state-dict keys, and writes
the weights back with the generated save_safetensors (for neurite to read).

    /usr/bin/python3 forward.py CASES.json  ->  prints one JSON object {name: {maxAbs, keys, shape}}
"""
import importlib.util
import json
import os
import sys

import torch


def main(path):
    with open(path) as f:
        cases = json.load(f)
    report = {}
    for name, case in cases.items():
        spec = importlib.util.spec_from_file_location(f"exported_{name}", os.path.join(case["dir"], "model.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        weights = module.load_safetensors(os.path.join(case["dir"], "model.safetensors"))
        model = module.build_model()
        model.load_state_dict(weights)
        model.eval()
        io = module.load_safetensors(case["io"])
        with torch.no_grad():
            out = model(io["x"])
        expected = io["y"]
        report[name] = {
            "maxAbs": (out.to(torch.float64) - expected.to(torch.float64)).abs().max().item(),
            "shape": list(out.shape),
            "keys": list(model.state_dict().keys()),
        }
        state = {k: v.to(weights[k].dtype) for k, v in model.state_dict().items()}
        module.save_safetensors(state, os.path.join(case["dir"], "roundtrip.safetensors"), {"by": "python"})
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
