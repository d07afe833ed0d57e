"""Object attributes as rows (obj form): verbs that read one attribute of the
object behind an api-pointer.  Formerly hand-written in registry.py; the help
texts and error texts are unchanged."""

from .rows import Row, register

O = "obj"

ATTRS = [
    Row("class", "cls", O, "the class of an allocated object: `tensor`vector`dictionary`module`loss`optimizer`model."),
    Row("objtype", "objtype", O, "the object's type: tensor type for tensors/vectors/dictionaries, "
        "module, loss or optimizer type.",
        expect="requires an allocated torch object, e.g. module, loss or optimizer"),
    Row("size", "size", O, "tensor shape; count of tensors for a vector or dictionary; number of "
        "parameters for module, loss, optimizer or model."),
    Row("tensorcount", "tensorcount", O, "number of tensors held: 1 for a tensor, parameters+buffers "
        "for a module, buffers for an optimizer."),
    Row("elements", "elements", O, "number of elements in the object's tensor storage."),
    Row("bytes", "bytes", O, "bytes of the object's tensor storage."),
]

ROWS = register(ATTRS)
