import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from kechuang.core.links import fixed_urls, object_url


@pytest.mark.parametrize("name", ["directory:organisation_detail", "directory:person_detail",
                                  "directory:platform_detail", "directory:instrument_detail"])
@pytest.mark.parametrize("pk", [1, 7, 123456789])
def test_object_url_is_reverse(name, pk):
    assert object_url(name, pk) == reverse(name, args=[pk])


def test_cached_urls_follow_the_script_prefix():
    try:
        set_script_prefix("/kechuang/")
        assert object_url("directory:organisation_detail", 5) == reverse("directory:organisation_detail", args=[5])
        assert object_url("directory:organisation_detail", 5).startswith("/kechuang/")
        assert fixed_urls("core:home")["core:home"] == "/kechuang/"
    finally:
        clear_script_prefix()
    assert fixed_urls("core:home", "core:statistics") == {"core:home": reverse("core:home"),
                                                         "core:statistics": reverse("core:statistics")}
    assert not object_url("directory:organisation_detail", 5).startswith("/kechuang/")
