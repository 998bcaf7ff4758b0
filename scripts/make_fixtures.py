#!/usr/bin/env python3
"""Regenerates every golden fixture in test/fixtures from PyTorch.

Needs PyTorch (Debian: apt-get install python3-torch, then run with /usr/bin/python3):
    /usr/bin/python3 scripts/make_fixtures.py            # all families
    /usr/bin/python3 scripts/make_fixtures.py reduce     # one family
"""
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

FAMILIES = ['elementwise', 'matmul', 'reduce', 'shape', 'indexing', 'loss', 'nn', 'optim', 'conv', 'safetensors',
            'differential', 'descent', 'onnx', 'triangular', 'scan', 'reduce_logical', 'special', 'bmm', 'sort',
            'attention', 'recurrent', 'einsum', 'views']

if __name__ == '__main__':
    wanted = sys.argv[1:] or FAMILIES
    for family in wanted:
        module = importlib.import_module(f'fixtures.{family}')
        module.main()
