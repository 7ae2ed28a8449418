"""Must fail the type checkers: a misspelt key in an inline body (``recipeint``)."""

import andopen

client = andopen.Client("ao-v1-staging-x")
client.create_gift_request({
    "campaign_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    "recipeint": {"first_name": "Alice", "last_name": "Smith"},
})
