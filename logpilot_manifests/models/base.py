"""The base class of every generated model.

No ``from __future__ import annotations`` here nor in the generated modules: annotations evaluated as classes
are created cost little, while msgspec would compile every string annotation of a model's whole type graph
on its first decode (for a Deployment, ~800 of them: three times the decoding work of a small render).
"""

from typing import ClassVar

import msgspec


class Model(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """A read-only typed view of one Kubernetes object or part of one.

    Fields keep the manifest's JSON names (``containerPort``); an absent optional field is None; keys the
    schema does not know are ignored (the object itself is left untouched and stays what is rendered).

    Models are trees (no cycles), so they stay out of the garbage collector's tracking (``gc=False``):
    with tracking, the collections that creating many small objects triggers cost four times the decoding.
    """

    # Set on the model of a kind (``apps/v1``, ``Deployment``); empty on the models of its parts.
    API_VERSION: ClassVar[str] = ""
    KIND: ClassVar[str] = ""
