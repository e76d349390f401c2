"""The markers plugin holds tests to their markers: each case runs a small suite through
pytest itself (in-process) and reads the outcome."""

from __future__ import annotations

import pytest

INI = """\
[pytest]
addopts = --strict-markers -p tests.support.markers -p no:cacheprovider
asyncio_default_fixture_loop_scope = function
markers =
    browser: b
    redis: r
    bench: be
    node: n
"""
SERVICES = """
import pytest

@pytest.fixture
def browser():
    return "chromium"

@pytest.fixture
def redis_url(request):
    from tests.support.markers import require_marker
    require_marker(request, "redis")
    return "redis://127.0.0.1:1/0"

@pytest.fixture
def page(browser):
    return browser

@pytest.fixture(params=["memory", "redis"])
def backend(request):
    return None if request.param == "memory" else request.getfixturevalue("redis_url")
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    pytester.makeconftest(SERVICES)
    return pytester


def test_a_test_using_a_service_without_its_marker_stops_the_run(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_unmarked="""
        def test_through_a_fixture(page):
            pass

        def test_direct(redis_url):
            pass
        """
    )
    result = suite.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*tests use a browser, Redis or a benchmark without declaring it:",
            "*test_unmarked.py::test_through_a_fixture: needs @pytest.mark.browser",
            "*test_unmarked.py::test_direct: needs @pytest.mark.redis",
        ]
    )


def test_marked_tests_run_and_select_by_marker(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_marked="""
        import pytest

        pytestmark = pytest.mark.browser

        def test_page(page):
            assert page == "chromium"

        @pytest.mark.redis
        def test_both(page, redis_url):
            assert redis_url.startswith("redis://")
        """
    )
    suite.runpytest().assert_outcomes(passed=2)
    suite.runpytest("-m", "not redis").assert_outcomes(passed=1, deselected=1)
    suite.runpytest("-m", "not browser").assert_outcomes(deselected=2)


def test_a_fixture_reaching_redis_at_run_time_fails_the_unmarked_case(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(
        test_backends="""
        def test_store(backend):
            pass
        """
    )
    result = suite.runpytest("-rf")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*test_store?redis? uses redis_url without @pytest.mark.redis*"])


def test_the_marked_case_of_a_run_time_fixture_runs(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_backends="""
        import pytest

        @pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
        def backend(request):
            return None if request.param == "memory" else request.getfixturevalue("redis_url")

        def test_store(backend):
            pass
        """
    )
    suite.runpytest().assert_outcomes(passed=2)
    suite.runpytest("-m", "not redis").assert_outcomes(passed=1, deselected=1)
