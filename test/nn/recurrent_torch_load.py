"""Loads neurite-written safetensors into torch.nn.LSTM / GRU / RNN and checks PyTorch's forward pass.

Usage: recurrent_torch_load.py CONFIG.json. CONFIG: {layer, inputSize, hiddenSize, options (torch kwargs),
weights (path), io (path)}. `weights` is the layer's state dict; `io` holds input, h0 (, c0) and neurite's
output, hN (, cN). Loads with load_state_dict(strict=True), runs the layer and prints `ok` when every result
matches neurite's (float32 tolerances); exits 1 otherwise.
"""
import json
import struct
import sys

import torch

DTYPES = {'F32': torch.float32, 'F64': torch.float64}


def read_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    (length,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    out = {}
    for key, entry in header.items():
        if key == '__metadata__':
            continue
        start, end = entry['data_offsets']
        raw = bytearray(body[start:end])
        out[key] = torch.frombuffer(raw, dtype=DTYPES[entry['dtype']]).reshape(entry['shape']).clone()
    return out


def main():
    with open(sys.argv[1]) as f:
        config = json.load(f)
    layer = getattr(torch.nn, config['layer'])(config['inputSize'], config['hiddenSize'], **config['options'])
    layer.load_state_dict(read_safetensors(config['weights']), strict=True)
    io = read_safetensors(config['io'])
    is_lstm = config['layer'] == 'LSTM'
    with torch.no_grad():
        state = (io['h0'], io['c0']) if is_lstm else io['h0']
        output, final = layer(io['input'], state)
    got = {'output': output, 'hN': final[0] if is_lstm else final}
    if is_lstm:
        got['cN'] = final[1]
    for key, value in got.items():
        if not torch.allclose(value, io[key], rtol=1e-4, atol=1e-5):
            print(f'{key}: max |diff| {(value - io[key]).abs().max().item()}')
            sys.exit(1)
    print('ok')


if __name__ == '__main__':
    main()
