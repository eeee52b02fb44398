from collections import Counter
from pathlib import Path

import pytest

from regions import reference
from regions.fixture import FIXTURE_PATH, render_fixture
from regions.models import ManagementZone, Region, RegionYearFact


def test_the_committed_fixture_is_what_the_generator_makes():
    assert Path(FIXTURE_PATH).read_text(encoding="utf-8") == render_fixture()


@pytest.mark.django_db
def test_the_ten_county_level_units_with_real_codes_and_exit_years():
    counties = {r.code[:6]: (r.name, r.exit_year) for r in Region.objects.filter(level="county")}

    assert counties == {
        "520602": ("碧江区", 2017),
        "520603": ("万山区", 2017),
        "520621": ("江口县", 2017),
        "520622": ("玉屏侗族自治县", 2017),
        "520623": ("石阡县", 2018),
        "520624": ("思南县", 2019),
        "520625": ("印江土家族苗族自治县", 2018),
        "520626": ("德江县", 2019),
        "520627": ("沿河土家族自治县", 2020),
        "520628": ("松桃苗族自治县", 2019),
    }
    assert Region.objects.get(code="520627000000").is_deep_poverty is True


@pytest.mark.django_db
def test_townships_and_villages_use_the_gb_t_10114_blocks():
    for township in Region.objects.filter(level="township"):
        assert 1 <= int(township.code[6:9]) <= 399
        assert township.code.endswith("000")
        assert township.parent_id == township.code[:6] + "000000"
    for village in Region.objects.filter(level="village").only("code", "parent_id"):
        assert 1 <= int(village.code[9:12]) <= 399
        assert village.parent_id == village.code[:9] + "000"


@pytest.mark.django_db
def test_about_fifteen_townships_per_county_and_fifteen_villages_per_township():
    townships = Counter(Region.objects.filter(level="township").values_list("parent_id", flat=True))
    villages = Region.objects.filter(level="village").count()

    assert set(townships) == set(
        Region.objects.filter(level="county").values_list("code", flat=True)
    )
    assert min(townships.values()) >= 8 and max(townships.values()) <= 22
    assert 12 <= villages / sum(townships.values()) <= 18
    assert townships["520627000000"] == 22


@pytest.mark.django_db
def test_rural_population_fits_the_seed_incidence():
    def city_total(year):
        return sum(
            RegionYearFact.objects.filter(year=year).values_list("rural_population", flat=True)
        )

    assert round(reference.POOR_END_2019 / city_total(2019) * 100, 2) == 1.16
    assert RegionYearFact.objects.filter(year=2019).count() == 10
    assert set(RegionYearFact.objects.values_list("year", flat=True)) == set(range(2014, 2021))


@pytest.mark.django_db
def test_management_zones_name_real_townships():
    dalong = ManagementZone.objects.get(slug="dalong")

    assert dalong.name == "大龙经济开发区"
    assert sorted(r.name for r in dalong.regions.all()) == ["大龙街道", "田坪镇"]
    assert {r.parent_id for r in dalong.regions.all()} == {"520622000000"}
    assert {r.level for r in ManagementZone.objects.get(slug="gaoxin").regions.all()} == {
        "township"
    }
