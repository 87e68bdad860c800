"""Factories shared by every app's tests (places, households, users)."""

import itertools

import factory

from rosters.choices import Role
from rosters.models import User
from villages.models import City, County, Household, Province, Township, Village
from villages.validators import id_number_checksum

_id_seq = itertools.count(1)


def make_id_number(prefix="410102", birth="19700101"):
    """A valid 18-digit ID number with a correct check digit, unique per call."""
    first17 = f"{prefix}{birth}{next(_id_seq) % 1000:03d}"
    return first17 + id_number_checksum(first17)


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("name",)

    name = "河南省"


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("province", "name")

    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"测试{n}市")


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("city", "name")

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"测试{n}县")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"测试{n}镇")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    county = factory.SelfAttribute("township.county")
    name = factory.Sequence(lambda n: f"测试{n}村")
    rural_population = 1000


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    village = factory.SubFactory(VillageFactory)
    head_name = factory.Sequence(lambda n: f"户主{n}")
    head_id_number = factory.LazyFunction(make_id_number)
    member_count = 3
    # 两不愁三保障 as an officer has entered them: all met (the model's default is 未填写).
    food_ok = clothing_ok = education_ok = medical_ok = housing_ok = water_ok = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COUNTY
    county = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.COUNTY), factory.SubFactory(CountyFactory), None
    )
    password = factory.django.Password("demo-pass-123")
