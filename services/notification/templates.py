"""The approved message templates (as registered with the carriers) and how a message's text is
made from one: variables, the recipient's name, a short code, the signature, the length."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kit.errors import InvalidArgument
from services.notification.sms.text import Template, check_length

MAX_SEGMENTS = 6  # a notice of about 400 characters at most
PERSONAL = ("name", "code")  # filled in per recipient: their name, their message's short code

TEMPLATES = {
    t.code: t
    for t in (
        Template("welcome", "{name}您好，您的精准扶贫平台账号已开通，登录名为本手机号。"),
        Template("notice", "{text}"),
        Template(
            "task_assigned",
            "{name}您好，您有新任务：{task}，请于{due}前完成。回复1接受，完成后回复2 {code}。",
        ),
        Template("need_escalated", "{name}您好，{region}有一项帮扶需求已上报到您这一级：{need}。"),
        Template("alert_raised", "{name}您好，返贫预警：{household}，{reason}，请尽快核实。"),
        Template(
            "alert_verified",
            "{name}您好，返贫预警：{household}，{reason}，乡镇已核实，请审核并制定帮扶措施。",
        ),
        Template(
            "leader_candidate_step",
            "{name}您好，致富带头人候选人{candidate}（{village}）{stage}，请及时办理。",
        ),
        Template("leader_candidate_decided", "{name}您好，您的致富带头人申请{result}。"),
        Template(
            "training_institution_screened",
            "{name}您好，您的培训机构{institution}入驻申请{result}，理由：{reason}。",
        ),
        Template(
            "training_seat_granted",
            "{name}您好，培训课程{course}有学员退出，您已由候补转为正式学员，{starts}开课，请按时参加。",
        ),
        Template("project_step", "{name}您好，扶贫项目{project}（{region}）{stage}。"),
        Template(
            "reply_unknown_sender",
            "您好，本号码不是平台登记的干部号码，无法处理您的回复。如有疑问请联系当地扶贫办。",
        ),
        Template(
            "reply_unrecognised", "您好，未能识别您的回复。回复1接受任务，完成后回复2，可附短码。"
        ),
        Template("reply_unmatched", "您好，没有找到与您的回复对应的任务，请核对短码后再回复。"),
    )
}


def template_named(code: str) -> Template:
    template = TEMPLATES.get(code)
    if template is None:
        raise InvalidArgument(
            "template must be one of " + ", ".join(sorted(TEMPLATES)), reason="UNKNOWN_TEMPLATE"
        )
    return template


def is_personal(template: Template) -> bool:
    """Whether the text differs from one recipient to the next."""
    return any(name in PERSONAL for name in template.variables())


@dataclass(frozen=True)
class Rendered:
    text: str  # signed, its length checked
    params: dict[str, str]  # the template's variables, as a cloud HTTP API takes them


def render(
    template: Template,
    variables: Mapping[str, str],
    signature: str,
    *,
    name: str = "",
    code: str = "",
) -> Rendered:
    """The text for one recipient, refused when a variable is missing or it is too long."""
    values = {**variables, "name": name, "code": code}
    text = template.render(values, signature)
    check_length(text, MAX_SEGMENTS)
    return Rendered(text, {variable: values[variable] for variable in template.variables()})
