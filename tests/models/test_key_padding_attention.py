"""The export's attention (padding mask inside the score product) against transformers' own."""

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from lyricgenre.models.key_padding_attention import KEY_PADDING_ATTENTION  # noqa: E402


@pytest.fixture(scope="module")
def encoder():
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=60, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64
    )
    return transformers.BertModel(config).eval()


def _hidden(encoder, attention: str, input_ids, mask):
    encoder.set_attn_implementation(attention)
    with torch.no_grad():
        return encoder(input_ids=input_ids, attention_mask=mask).last_hidden_state


def test_same_hidden_states_as_plain_attention_with_padding(encoder):
    input_ids = torch.randint(5, 60, (3, 10))
    mask = torch.ones_like(input_ids)
    mask[1, 6:] = 0
    mask[2, 2:] = 0
    expected = _hidden(encoder, "eager", input_ids, mask)
    torch.testing.assert_close(_hidden(encoder, KEY_PADDING_ATTENTION, input_ids, mask), expected, rtol=0, atol=1e-5)


def test_padding_tokens_do_not_reach_the_real_ones(encoder):
    input_ids = torch.randint(5, 60, (2, 8))
    mask = torch.ones_like(input_ids)
    mask[:, 5:] = 0
    other_padding = input_ids.clone()
    other_padding[:, 5:] = 7
    hidden = _hidden(encoder, KEY_PADDING_ATTENTION, input_ids, mask)
    changed = _hidden(encoder, KEY_PADDING_ATTENTION, other_padding, mask)
    torch.testing.assert_close(changed[:, :5], hidden[:, :5], rtol=0, atol=1e-6)
    assert not torch.allclose(changed[:, 5:], hidden[:, 5:])
