"""Models made by `model_construct` (no validator built at import, in every run): default sub-model
instances and the attachments the loader finds must be exactly what validation makes."""

from __future__ import annotations

import inspect

from pydantic import BaseModel, model_validator

from safecomm import evidence, scheme
from safecomm.checks import archives


def _model_defaults(*modules) -> dict[str, BaseModel]:
    found = {}
    for module in modules:
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, BaseModel) and cls.__module__ == module.__name__:
                for name, field in cls.model_fields.items():
                    if isinstance(field.default, BaseModel):
                        found[f"{cls.__name__}.{name}"] = field.default
    return found


def _same_as_validated(default: BaseModel) -> bool:
    validated = type(default)()
    return (type(validated) is type(default) and validated == default
            and validated.model_fields_set == default.model_fields_set
            and validated.__pydantic_private__ == default.__pydantic_private__
            and validated.model_dump() == default.model_dump())


def test_every_default_sub_model_is_what_validation_makes():
    defaults = _model_defaults(evidence, scheme, archives)
    assert {"Project.targets", "Evidence.injuries", "Evidence.emergency", "Evidence.publicity",
            "Scheme.audience", "Scheme.kinds", "Scheme.scoring", "Scheme.workreport"} <= defaults.keys()
    for name, default in defaults.items():
        assert _same_as_validated(default), name


def test_a_default_that_validation_would_change_is_seen():
    """The check above can fail: a model whose validator fills in a value is not its unvalidated self."""

    class Filled(BaseModel):
        words: list[str] = []

        @model_validator(mode="after")
        def _fill(self) -> "Filled":
            self.words = self.words or ["默认"]
            return self

    assert not _same_as_validated(Filled.model_construct())


def test_attachments_made_unvalidated_are_what_validation_makes(tmp_path):
    """The loader makes each attachment by `model_construct` (its path, hash and size are its own),
    found or missing (the bundle copied without its attachments)."""
    import shutil

    from conftest import ROOT
    from safecomm import load_evidence
    from safecomm.evidence import Attachment

    ready = ROOT / "fixtures" / "ready" / "evidence.yaml"
    shutil.copy(ready, tmp_path / "evidence.yaml")
    found = [*load_evidence(ready).attachments.values(), *load_evidence(tmp_path / "evidence.yaml").attachments.values()]
    assert any(a.missing for a in found) and any(not a.missing for a in found)
    for made in found:
        validated = Attachment(**{name: getattr(made, name) for name in made.model_fields_set})
        assert validated == made and validated.model_fields_set == made.model_fields_set, made.path
        assert validated.model_dump_json() == made.model_dump_json(), made.path
