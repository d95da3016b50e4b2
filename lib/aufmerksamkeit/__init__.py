"""aufmerksamkeit – die gemeinsame Bibliothek des Kurses „Self-Attention“.

Öffentliche Schnittstelle (siehe DESIGN.md):

- :func:`softmax`, :func:`scaled_dot_product_attention` (NumPy)
- :func:`positional_encoding` (NumPy)
- :class:`MultiHeadAttention` (PyTorch)
"""

from aufmerksamkeit.attention import causal_mask, scaled_dot_product_attention, softmax
from aufmerksamkeit.multihead import MultiHeadAttention
from aufmerksamkeit.positional import positional_encoding

__all__ = [
    "MultiHeadAttention",
    "causal_mask",
    "positional_encoding",
    "scaled_dot_product_attention",
    "softmax",
]
