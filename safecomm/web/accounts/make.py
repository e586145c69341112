"""Units and accounts made in code: the demo, the tests, a province's setup script."""

from __future__ import annotations

from ..units.models import Unit
from .models import User


def district(city: str, name: str, *communities: str, province: str | None = None) -> tuple[Unit, Unit, list[Unit]]:
    """(city, district, its communities), created as needed."""
    top = Unit.objects.get_or_create(name=province, level=Unit.PROVINCE)[0] if province else None
    city_unit = Unit.objects.get_or_create(name=city, level=Unit.CITY, parent=top)[0]
    district_unit = Unit.objects.get_or_create(name=name, level=Unit.DISTRICT, parent=city_unit)[0]
    made = [Unit.objects.get_or_create(name=c, level=Unit.COMMUNITY, parent=district_unit)[0] for c in communities]
    return city_unit, district_unit, made


def user(username: str, password: str, role: str, unit: Unit | None = None, full_name: str = "") -> User:
    """An active account with `role` at `unit` (an admin: staff and superuser, no unit)."""
    if role == User.ADMIN:
        return User.objects.create_superuser(username, password=password, role=role, full_name=full_name)
    account = User(username=username, role=role, unit=unit, full_name=full_name)
    account.set_password(password)
    account.full_clean(exclude=["password"])
    account.save()
    return account
