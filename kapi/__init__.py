"""kapi: a q/kdb+-style interpreter embedded in Python, driving PyTorch."""
__version__ = "0.1.0"
