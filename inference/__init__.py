"""Norae's model runtime: onnxruntime sessions and numpy pre/post-processing.

This package imports only numpy, onnxruntime and the standard library
(``tests/test_layering.py`` enforces it), so the runtime never needs torch.
"""
