"""A scalar reverse-mode autograd: every number remembers how it was made.

Each `Value` holds a number (`data`), the gradient of the final output with respect to it
(`grad`, 0.0 until `backward` runs), the Values it was computed from (`_prev`) and a closure
`_backward` that pushes `out.grad` into the inputs' `.grad` by the chain rule:

    input.grad += (d out / d input) * out.grad

Write each operation's `_backward` right beside its forward. Operations that can be built from
others (`-a`, `a - b`, `a / b`, `2 + a`, ...) need no backward of their own.
"""

from __future__ import annotations

import math  # noqa: F401  (math.tanh and math.exp will be useful)


class Value:
    """One scalar in a computational graph."""

    def __init__(self, data: float, _children: tuple = (), _op: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None  # a leaf has nothing to push further
        self._prev = tuple(_children)
        self._op = _op  # only for printing graphs

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other: Value | float) -> Value:
        """a + b; a plain number is wrapped in a Value first. d(a+b)/da = d(a+b)/db = 1."""
        # TODO: wrap `other` if needed, build `out`, and give it a `_backward` closure
        raise NotImplementedError("Value.__add__")

    def __mul__(self, other: Value | float) -> Value:
        """a * b. d(ab)/da = b and d(ab)/db = a."""
        # TODO
        raise NotImplementedError("Value.__mul__")

    def __pow__(self, exponent: float) -> Value:
        """a ** n for a plain number n (int or float). d(a^n)/da = n * a^(n-1)."""
        # TODO
        raise NotImplementedError("Value.__pow__")

    def relu(self) -> Value:
        """max(a, 0). Its derivative is 1 where a > 0 and 0 elsewhere."""
        # TODO
        raise NotImplementedError("Value.relu")

    def tanh(self) -> Value:
        """tanh(a). With t = tanh(a), d tanh(a)/da = 1 - t**2."""
        # TODO
        raise NotImplementedError("Value.tanh")

    def exp(self) -> Value:
        """e ** a. Its derivative is e ** a itself."""
        # TODO
        raise NotImplementedError("Value.exp")

    def __neg__(self) -> Value:
        """-a, built from an operation you already have."""
        # TODO
        raise NotImplementedError("Value.__neg__")

    def __sub__(self, other: Value | float) -> Value:
        """a - b, built from + and unary -."""
        # TODO
        raise NotImplementedError("Value.__sub__")

    def __truediv__(self, other: Value | float) -> Value:
        """a / b, built from * and ** -1."""
        # TODO
        raise NotImplementedError("Value.__truediv__")

    def __radd__(self, other: float) -> Value:
        """other + self, for a plain number on the left (Python calls this for `2 + a`)."""
        # TODO
        raise NotImplementedError("Value.__radd__")

    def __rmul__(self, other: float) -> Value:
        """other * self."""
        # TODO
        raise NotImplementedError("Value.__rmul__")

    def __rsub__(self, other: float) -> Value:
        """other - self (careful with the order)."""
        # TODO
        raise NotImplementedError("Value.__rsub__")

    def __rtruediv__(self, other: float) -> Value:
        """other / self."""
        # TODO
        raise NotImplementedError("Value.__rtruediv__")

    def backward(self) -> None:
        """Set self.grad = 1 and fill in .grad of every node this one depends on.

        Order matters: a node may call its `_backward` only after every node that uses it has
        added its share to its `.grad`. Sort the graph topologically (depth-first search, with a
        set of visited nodes), then call `_backward` on each node in reverse order, once.
        """
        # TODO
        raise NotImplementedError("Value.backward")
