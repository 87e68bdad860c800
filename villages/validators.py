import re
import unicodedata

from django.core.exceptions import ValidationError

_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number_checksum(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


_SPACE = re.compile(r"\s")


def normalize_id_number(value: str) -> str:
    """Spaces out, full-width digits and ｘ (typed with a Chinese input method) as ASCII, x as X."""
    value = value or ""
    if not (value.isascii() and value.isalnum()):  # plain digits and letters are already normal
        value = _SPACE.sub("", unicodedata.normalize("NFKC", value))
    return value.upper()


def validate_id_number(value: str) -> None:
    """A resident ID number (GB 11643): 18 characters with a valid check digit."""
    value = normalize_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError("身份证号码格式不正确：应为18位，前17位为数字，末位为数字或X。", code="id_format")
    if id_number_checksum(value[:17]) != value[17]:
        raise ValidationError("身份证号码校验位不正确，请核对后重新输入。", code="id_checksum")


def normalize_phone(value: str) -> str:
    """As normalize_id_number: 138 0000 0000 or full-width digits and dashes become 13800000000, 0371-…"""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value or ""))


def validate_phone(value: str) -> None:
    value = (value or "").strip()
    if value and not re.match(r"^(1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8})$", value):
        raise ValidationError("电话号码格式不正确：应为11位手机号或带区号的固定电话。", code="phone_format")


def mask_id_number(value: str) -> str:
    """410***********1234: never show or export an ID number in full (SPEC §3)."""
    value = normalize_id_number(value)
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
