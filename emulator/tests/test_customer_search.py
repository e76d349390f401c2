"""Customer search by metadata, through the real SDK: Stripe's `search_result` shape, exact
matches, escapes, paging, and a clear refusal of query syntax the emulator does not model."""

from __future__ import annotations

import pytest
import stripe


async def _customer(client: stripe.StripeClient, **metadata: str) -> str:
    created = await client.v1.customers.create_async(params={"metadata": metadata})
    return created.id


async def _search(
    client: stripe.StripeClient, query: str, **params: object
) -> stripe.SearchResultObject[stripe.Customer]:
    return await client.v1.customers.search_async(params={"query": query, **params})  # type: ignore[typeddict-item]


async def test_a_metadata_clause_finds_exactly_the_customers_with_that_value(
    stripe_client: stripe.StripeClient,
) -> None:
    wanted = await _customer(stripe_client, user_id="user_42")
    await _customer(stripe_client, user_id="user_421")
    await _customer(stripe_client, user_id="USER_42")
    await _customer(stripe_client, other="user_42")

    found = await _search(stripe_client, "metadata['user_id']:'user_42'")

    assert found["object"] == "search_result"
    assert found["url"] == "/v1/customers/search"
    assert [c.id for c in found.data] == [wanted]
    assert found.has_more is False
    assert found.next_page is None
    assert found.data[0].metadata.to_dict() == {"user_id": "user_42"}


async def test_quotes_are_escaped_with_a_backslash_and_double_quotes_work_too(
    stripe_client: stripe.StripeClient,
) -> None:
    tricky = await _customer(stripe_client, uid="o'brien\\x")
    plain = await _customer(stripe_client, uid="plain")

    single = await _search(stripe_client, "metadata['uid']:'o\\'brien\\\\x'")
    double = await _search(stripe_client, 'metadata["uid"]:"plain"')

    assert [c.id for c in single.data] == [tricky]
    assert [c.id for c in double.data] == [plain]


async def test_a_value_cannot_add_a_clause_of_its_own(stripe_client: stripe.StripeClient) -> None:
    await _customer(stripe_client, uid="someone")
    # What an unescaped user id would turn into: refused, never "every customer".
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await _search(stripe_client, "metadata['uid']:'x' OR metadata['uid']:'someone'")
    assert refused.value.param == "query"


async def test_clauses_joined_by_space_or_and_must_all_match(
    stripe_client: stripe.StripeClient,
) -> None:
    both = await _customer(stripe_client, team="a", role="owner")
    await _customer(stripe_client, team="a", role="member")

    spaced = await _search(stripe_client, "metadata['team']:'a' metadata['role']:'owner'")
    anded = await _search(stripe_client, "metadata['team']:'a' and metadata['role']:'owner'")

    assert [c.id for c in spaced.data] == [both]
    assert [c.id for c in anded.data] == [both]


async def test_deleted_customers_are_not_found(stripe_client: stripe.StripeClient) -> None:
    gone = await _customer(stripe_client, uid="gone")
    await stripe_client.v1.customers.delete_async(gone)

    found = await _search(stripe_client, "metadata['uid']:'gone'")

    assert found.data == []


@pytest.mark.parametrize(
    "query",
    [
        "email:'a@example.com'",
        "metadata['uid']:'a' OR metadata['uid']:'b'",
        "-metadata['uid']:'a'",
        "metadata['uid']~'a'",
        "metadata['uid']:null",
        "metadata['uid']:'unterminated",
        "   ",
    ],
)
async def test_syntax_it_does_not_model_is_refused_with_a_stripe_error(
    stripe_client: stripe.StripeClient, query: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await _search(stripe_client, query)

    assert refused.value.http_status == 400
    assert refused.value.param == "query"
    error = refused.value.json_body["error"]  # type: ignore[index]
    assert error["type"] == "invalid_request_error"


async def test_the_query_is_required(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await stripe_client.v1.customers.search_async(params={})  # type: ignore[typeddict-item]
    assert refused.value.param == "query"


async def test_pages_follow_next_page_until_the_last(stripe_client: stripe.StripeClient) -> None:
    made = [await _customer(stripe_client, plan="team") for _ in range(5)]

    first = await _search(stripe_client, "metadata['plan']:'team'", limit=2)
    assert first.has_more is True
    assert first.next_page
    second = await _search(stripe_client, "metadata['plan']:'team'", limit=2, page=first.next_page)
    third = await _search(stripe_client, "metadata['plan']:'team'", limit=2, page=second.next_page)

    seen = [c.id for page in (first, second, third) for c in page.data]
    assert sorted(seen) == sorted(made)
    assert len(set(seen)) == 5
    assert third.has_more is False
    assert third.next_page is None


async def test_the_sdk_auto_pages_through_a_search(stripe_client: stripe.StripeClient) -> None:
    made = {await _customer(stripe_client, plan="solo") for _ in range(3)}

    first = await _search(stripe_client, "metadata['plan']:'solo'", limit=1)
    seen = {c.id async for c in first.auto_paging_iter()}

    assert seen == made


@pytest.mark.parametrize(("param", "value"), [("page", "not-a-cursor"), ("limit", 101)])
async def test_bad_page_or_limit_is_refused(
    stripe_client: stripe.StripeClient, param: str, value: object
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await _search(stripe_client, "metadata['a']:'b'", **{param: value})
    assert refused.value.param == param


async def test_search_is_not_read_as_a_customer_id(stripe_client: stripe.StripeClient) -> None:
    customer = await _customer(stripe_client, uid="here")

    assert (await stripe_client.v1.customers.retrieve_async(customer)).id == customer
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await stripe_client.v1.customers.retrieve_async("cus_search")
    assert missing.value.http_status == 404
