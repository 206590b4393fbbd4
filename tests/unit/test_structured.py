import pytest

from sopgen.llm.structured import repair_json


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": [1, 2, {"b": "cut her', {"a": [1, 2, {"b": "cut her"}]}),
        ('Sure! {"title": "x", "sections": [{"id": "purpose", "tit', {"title": "x", "sections": [{"id": "purpose"}]}),
        ('{"a": "x \\" y"} and some chatter', {"a": 'x " y'}),
        ('{"steps": ["one", "two",', {"steps": ["one", "two"]}),
    ],
)
def test_truncated_and_chatty_json_is_repaired(reply: str, expected: object) -> None:
    assert repair_json(reply) == expected


def test_no_json_is_an_error() -> None:
    with pytest.raises(ValueError, match="no JSON object"):
        repair_json("I cannot help with that.")
