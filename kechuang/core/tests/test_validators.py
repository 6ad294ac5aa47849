import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kechuang.core import regions
from kechuang.core.validators import (
    credit_code_error,
    make_credit_code,
    region_code_error,
    validate_credit_code,
    validate_region_code,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, Z, S, V


def test_valid_credit_code_passes():
    validate_credit_code(make_credit_code("91530111MA6N0A012"))


def test_wrong_check_digit_is_named():
    good = make_credit_code("91530111MA6N0A012")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert credit_code_error(bad) == "统一社会信用代码校验位错误"
    with pytest.raises(ValidationError):
        validate_credit_code(bad)


def test_wrong_length_says_how_long():
    assert "18位" in credit_code_error("9153011")


def test_letters_in_the_region_part_are_a_format_error():
    assert "格式错误" in credit_code_error("91ABCDEFMA6N0A0125")


def test_empty_credit_code():
    assert credit_code_error("  ") == "统一社会信用代码不能为空"


BODIES = st.builds(lambda region, org: "91" + region + org,
                   st.text(alphabet="0123456789", min_size=6, max_size=6),
                   st.text(alphabet=ALPHABET, min_size=9, max_size=9))


@given(BODIES)
def test_any_body_completed_with_its_check_digit_is_valid(body):
    # 2 characters of authority and category, 6 digits of region, 9 of organisation code, then the check digit.
    assert credit_code_error(make_credit_code(body)) is None


@given(BODIES, st.sampled_from(ALPHABET))
def test_changing_the_check_digit_is_always_caught(body, other):
    code = make_credit_code(body)
    if other != code[-1]:
        assert credit_code_error(code[:-1] + other) is not None


def test_region_codes_of_kunming():
    assert region_code_error("530111") is None  # 官渡区
    assert regions.lookup("530111").full_name == "云南省昆明市官渡区"
    assert "530114" in dict(regions.choices("5301"))


def test_abolished_region_code_is_refused_with_its_name():
    message = region_code_error("530121")  # 呈贡县, abolished 2011 when 呈贡区 was created
    assert message is not None and "已撤销" in message and "呈贡县" in message


def test_unknown_and_malformed_region_codes():
    assert "不存在" in region_code_error("539999")
    assert region_code_error("53011") == "行政区划代码应为6位数字"
    with pytest.raises(ValidationError):
        validate_region_code("abcdef")
