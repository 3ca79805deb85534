"""NIP and TERYT: the domain functions and the outline rules built on them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from grantflow.domain.identifiers import (
    TERYT_TYPES,
    VOIVODESHIPS,
    nip_checksum,
    nip_is_valid,
    normalise_nip,
    normalise_voivodeship,
    teryt_is_well_formed,
    voivodeship_of,
)
from grantflow.validation.outline import validate_outline
from tests.unit.factories import (
    CHELM_NIP,
    CHELM_TERYT,
    STAGE1,
    chelm_outline_values,
    raw_workbook_from_values,
    reference_programme,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
two_digits_not_zero = st.integers(min_value=1, max_value=99).map(lambda n: f"{n:02d}")


@st.composite
def well_formed_teryt(draw: st.DrawFn) -> str:
    voivodeship = draw(st.sampled_from(sorted(VOIVODESHIPS)))
    county, commune = draw(two_digits_not_zero), draw(two_digits_not_zero)
    return voivodeship + county + commune + draw(st.sampled_from(sorted(TERYT_TYPES)))


class TestNip:
    def test_chelm_city_hall_nip_is_valid_in_the_ways_people_write_it(self) -> None:
        assert nip_is_valid(CHELM_NIP)
        assert nip_is_valid("563-200-40-12")
        assert nip_is_valid("PL 563 200 40 12")
        assert normalise_nip("PL563-200-40-12") == CHELM_NIP

    def test_a_nip_with_a_wrong_check_digit_or_length_is_invalid(self) -> None:
        assert not nip_is_valid("5632004010")
        assert not nip_is_valid("563200401")
        assert not nip_is_valid("56320040123")
        assert not nip_is_valid("563200401X")

    @given(nine_digits)
    def test_nine_digits_and_their_check_digit_are_valid_unless_the_check_is_ten(
        self, first_nine: str
    ) -> None:
        check = nip_checksum(first_nine)
        candidates = [first_nine + str(d) for d in range(10)]

        if check == 10:
            assert not any(nip_is_valid(c) for c in candidates)
        else:
            assert [c for c in candidates if nip_is_valid(c)] == [first_nine + str(check)]

    @given(
        nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9)
    )
    def test_changing_any_single_digit_of_a_valid_nip_invalidates_it(
        self, first_nine: str, position: int, shift: int
    ) -> None:
        check = nip_checksum(first_nine)
        if check == 10:
            return  # no valid NIP starts with these nine digits
        nip = first_nine + str(check)
        changed = nip[:position] + str((int(nip[position]) + shift) % 10) + nip[position + 1 :]

        assert nip_is_valid(nip)
        assert not nip_is_valid(changed)


class TestTeryt:
    def test_chelm_hrubieszow_and_konin_are_well_formed(self) -> None:
        for code in (CHELM_TERYT, "0604011", "3062011"):
            assert teryt_is_well_formed(code)
        assert voivodeship_of(CHELM_TERYT) == "lubelskie"
        assert voivodeship_of("3062011") == "wielkopolskie"

    @given(well_formed_teryt())
    def test_every_well_formed_code_passes_and_names_its_voivodeship(self, code: str) -> None:
        assert teryt_is_well_formed(code)
        assert voivodeship_of(code) == VOIVODESHIPS[code[:2]]

    @given(well_formed_teryt(), st.sampled_from(["0", "6", "7"]))
    def test_a_code_with_an_unknown_type_digit_is_malformed(self, code: str, digit: str) -> None:
        assert not teryt_is_well_formed(code[:6] + digit)

    @given(well_formed_teryt(), st.sampled_from(["00", "01", "33", "34", "99"]))
    def test_a_code_outside_the_sixteen_voivodeships_is_malformed(
        self, code: str, prefix: str
    ) -> None:
        assert not teryt_is_well_formed(prefix + code[2:])

    @given(well_formed_teryt())
    def test_a_code_that_lost_a_digit_or_gained_one_is_malformed(self, code: str) -> None:
        assert not teryt_is_well_formed(code[1:])
        assert not teryt_is_well_formed(code + "1")

    def test_a_voivodeship_is_recognised_with_its_prefix_and_any_case(self) -> None:
        assert normalise_voivodeship(" Województwo  Lubelskie ") == "lubelskie"
        assert normalise_voivodeship("woj. Śląskie") == "śląskie"


class TestTerytRulesOfTheOutline:
    @settings(max_examples=60)
    @given(well_formed_teryt(), st.sampled_from(sorted(VOIVODESHIPS.values())))
    def test_the_voivodeship_must_agree_with_the_teryt_prefix(
        self, teryt: str, voivodeship: str
    ) -> None:
        values = chelm_outline_values()
        applicant = values["Applicant"]
        assert isinstance(applicant, dict)
        applicant.update(teryt=teryt, voivodeship=voivodeship)
        programme = reference_programme(eligible_cities=())

        result = validate_outline(raw_workbook_from_values(values), programme, STAGE1)

        codes = [issue.code for issue in result.report.issues]
        if VOIVODESHIPS[teryt[:2]] == voivodeship:
            assert codes == []
        else:
            assert codes == ["teryt-voivodeship-mismatch"]
            assert result.report.issues[0].params["expected"] == VOIVODESHIPS[teryt[:2]]
