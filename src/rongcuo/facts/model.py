"""The filing model: the facts of one matter, each of which may be unknown.

A filing (备案申请) describes one matter in which a unit or a cadre asks for its liability for a
mistake to be exempted or reduced. The model holds **facts, not conclusions**: no field says
"P3 applies" or "N5 holds". The single exception is :class:`Determination`, a recorded human
determination for the two catch-all clauses (P15, N9), with who decided, when and why.

Conventions
-----------
* Every fact may be unknown. A fact that is absent, or given as ``null``, is **unknown**, and
  unknown is not false: a clause that needs it is neither met nor failed.
* A set-valued fact (a JSON array) lists everything that applies: once it is given, a value it
  does not list is false. An empty array is a known "none"; an absent array is unknown.
* Unknown keys are rejected: a typo never passes silently.
* One rule binds facts to each other: the pairs of dates in :data:`DATE_ORDER` are in order when
  both are known (the conduct does not begin after it ends). An unknown date breaks no order.
* Every field and every enumeration value has a Chinese title (the JSON Schema carries it as
  ``title``) and an English one (``x-title-en`` on fields, ``description`` on values), so another
  system can build an input form from :func:`filing_json_schema`.

Facts are grouped (``subject``, ``context``, ``conduct`` …). A rule refers to a fact by its dotted
path, for example ``motive.private_gain_for``; :data:`FACTS` lists every path with its type.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import operator
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Final, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StrictBool,
    ValidationError,
    ValidationInfo,
    model_serializer,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..errors import CODES, suggest
from .titled import TitledEnum

__all__ = [
    "DATE_ORDER",
    "FACTS",
    "MAX_LIST_ITEMS",
    "Beneficiary",
    "Cause",
    "Conduct",
    "ConductTrait",
    "Consequences",
    "Context",
    "Determination",
    "Determinations",
    "Disclosure",
    "DisclosureKind",
    "DisclosureTiming",
    "ErrorKind",
    "FactKind",
    "FactSpec",
    "Filing",
    "FormalitiesStatus",
    "Gains",
    "History",
    "Impact",
    "Incident",
    "Interest",
    "Irregularity",
    "Loss",
    "LossBearer",
    "Matter",
    "Misconduct",
    "Motive",
    "Norm",
    "OrgKind",
    "Petition",
    "PetitionCause",
    "Procedure",
    "Project",
    "Rectification",
    "Remedy",
    "RemedyTiming",
    "Reporting",
    "Role",
    "Severity",
    "Shortfall",
    "Subject",
    "SubjectKind",
    "TitledEnum",
    "Village",
    "Violation",
    "WorkArea",
    "filing_json_schema",
]

MAX_TEXT: Final = 20_000
"""Longest free-text field, in characters."""

MAX_LIST_ITEMS: Final = 256
"""The longest list accepted anywhere in a filing (a set fact has a few dozen values at most)."""


# --------------------------------------------------------------------------- enumerations


class SubjectKind(TitledEnum):
    """当事主体类别"""

    UNIT = "unit", "单位", "a unit (organisation)"
    INDIVIDUAL = "individual", "个人", "an individual"


class OrgKind(TitledEnum):
    """单位类别（单位本身，或当事人所在单位）"""

    GRASSROOTS_UNIT = (
        "grassroots_unit",
        "乡镇（街道）等基层单位",
        "grassroots unit (township, street)",
    )
    DEPARTMENT = "department", "党政机关职能部门", "Party or government functional department"
    EMERGENCY_MANAGEMENT = "emergency_management", "应急管理部门", "emergency-management department"
    ECOLOGY_ENVIRONMENT = (
        "ecology_environment",
        "生态环境部门",
        "ecology and environment department",
    )
    OTHER_SAFETY_ENV_REGULATOR = (
        "other_safety_env_regulator",
        "其他负有安全生产或环境保护监管职责的部门",
        "other department regulating work safety or environmental protection",
    )
    VILLAGE = "village", "行政村组织", "administrative-village organisation"
    COMMUNITY = "community", "社区组织", "(urban) community organisation"
    ENTERPRISE_OR_INSTITUTION = (
        "enterprise_or_institution",
        "国有企业、事业单位",
        "state-owned enterprise or public institution",
    )
    OTHER = "other", "其他单位", "other unit"


class Role(TitledEnum):
    """当事人身份"""

    PARTY_MEMBER = "party_member", "党员", "Party member"
    CADRE = "cadre", "干部（公职人员）", "cadre (public official)"
    OTHER = "other", "其他人员", "other person"


class WorkArea(TitledEnum):
    """工作情境：出现问题时所从事的工作"""

    # P1
    REFORM_INNOVATION = (
        "reform_innovation",
        "在贯彻落实“三新一高”中推动改革创新",
        "reform and innovation in implementing the 'three new, one high' agenda",
    )
    # P2
    KEY_PROJECT = (
        "key_project",
        "推动省市确定的重点项目快速签约、开工、投产",
        "fast-tracking a key project named by the province or city (signing, start, production)",
    )
    THREE_BATCHES_PROJECT = (
        "three_batches_project",
        "推动“三个一批”项目快速签约、开工、投产",
        "fast-tracking a 'three batches' project",
    )
    OTHER_PRIORITY_PROJECT = (
        "other_priority_project",
        "推动其他同类重点项目快速签约、开工、投产",
        "fast-tracking another priority project of the same kind",
    )
    MUNICIPAL_KEY_TASK = (
        "municipal_key_task",
        "推动市委、市政府重要部署、重点任务落实",
        "a major deployment or key task of the municipal Party committee or government",
    )
    # P3
    PEOPLE_SERVICE = (
        "people_service",
        "为人民群众办实事、解难题",
        "doing practical things and solving problems for the people",
    )
    # P6
    BUSINESS_ENVIRONMENT = (
        "business_environment",
        "优化营商环境",
        "improving the business environment",
    )
    PRIVATE_ECONOMY = "private_economy", "支持民营经济发展", "supporting the private economy"
    STREAMLINING_REFORM = (
        "streamlining_reform",
        "深化“放管服”改革",
        "deepening the streamline-administration ('放管服') reform",
    )
    HELPING_ENTERPRISES = (
        "helping_enterprises",
        "开展“万人助万企”活动",
        "the 'ten thousand people help ten thousand enterprises' campaign",
    )
    PROJECT_CONSTRUCTION = "project_construction", "推进项目建设", "advancing project construction"
    FINANCIAL_SERVICES = "financial_services", "金融服务", "financial services"
    OTHER_ENTERPRISE_WORK = (
        "other_enterprise_work",
        "其他同类涉企服务工作",
        "other enterprise-service work of the same kind",
    )
    # P7
    INVESTMENT_PROMOTION = "investment_promotion", "招商引资", "attracting investment"
    # P8
    SEEKING_SUPPORT = (
        "seeking_support",
        "争取上级优惠政策、资金、项目",
        "seeking preferential policies, funds or projects from higher levels",
    )
    # P9, P10
    PETITION_STABILITY = "petition_stability", "信访稳定（信访维稳）工作", "petitions and stability"
    # P10
    MAJOR_ACCIDENT_RESPONSE = (
        "major_accident_response",
        "处置重特大安全生产事故",
        "handling a major work-safety accident",
    )
    MASS_INCIDENT_RESPONSE = "mass_incident_response", "处置群体性事件", "handling a mass incident"
    OTHER_SERIOUS_INCIDENT_RESPONSE = (
        "other_serious_incident_response",
        "处置其他严重事故、事件",
        "handling another serious accident or incident",
    )
    FLOOD_DISASTER_RELIEF = (
        "flood_disaster_relief",
        "防汛减灾救灾",
        "flood control, disaster reduction and relief",
    )
    EPIDEMIC_CONTROL = "epidemic_control", "疫情防控", "epidemic prevention and control"
    LAND_ACQUISITION = "land_acquisition", "征地拆迁", "land acquisition and demolition"
    OTHER_URGENT_TASK = (
        "other_urgent_task",
        "其他急难险重任务",
        "another urgent, difficult, dangerous or heavy task",
    )
    LEGACY_ISSUES = (
        "legacy_issues",
        "解决历史遗留问题",
        "resolving problems left over from the past",
    )
    DISPUTE_RESOLUTION = "dispute_resolution", "化解矛盾纠纷", "resolving conflicts and disputes"
    OTHER = "other", "其他工作", "other work"


class ConductTrait(TitledEnum):
    """履职表现：当事人在工作中的作为"""

    BOLD_EXPLORATION = "bold_exploration", "大胆探索", "explored boldly"
    PROBLEM_SOLVING = "problem_solving", "破解难题", "tackled hard problems"
    PILOT_FIRST = "pilot_first", "先行先试", "piloted first"
    BOLD_DUTY = "bold_duty", "大胆履职", "performed duties boldly"
    PROACTIVE_RESPONSIBILITY = "proactive_responsibility", "主动担当", "took responsibility"
    SEIZING_SCHEDULE = (
        "seizing_schedule",
        "因抢抓重点项目建设进度需要",
        "acted to keep a key project on schedule",
    )
    ACTIVE_DUTY = "active_duty", "积极履职（作为）", "performed duties actively"
    SOLVED_ENTERPRISE_PROBLEMS = (
        "solved_enterprise_problems",
        "主动解决企业反映的各类问题",
        "solved problems raised by enterprises on own initiative",
    )
    CORDIAL_AND_CLEAN = (
        "cordial_and_clean",
        "与企业交往“亲而又清”",
        "dealt with enterprises in a way both cordial and clean",
    )
    DEVOTED_TO_DEVELOPMENT = (
        "devoted_to_development",
        "一心一意推动发展",
        "wholeheartedly promoted development",
    )
    TOOK_RESPONSIBILITY = "took_responsibility", "担当作为", "took responsibility and acted"
    WARM_SERVICE = "warm_service", "热情服务", "served warmly"
    TERRITORIAL_DUTY = (
        "territorial_duty",
        "积极履行属地责任",
        "actively fulfilled territorial responsibility",
    )
    TOOK_ON_RISK = "took_on_risk", "主动揽责涉险", "took on responsibility and risk"
    CONFRONTED_CONFLICTS = "confronted_conflicts", "触及矛盾", "confronted conflicts"
    REMOVED_OBSTACLES = "removed_obstacles", "积极主动破除障碍", "removed obstacles"
    BROKE_DEADLOCK = "broke_deadlock", "打破僵局", "broke a deadlock"
    DECISIVE_ACTION = "decisive_action", "采取果断措施及时处置", "took decisive, timely measures"
    CONSCIENTIOUS_DUTY = "conscientious_duty", "认真履行职责", "performed duties conscientiously"


class Misconduct(TitledEnum):
    """不当行为（负面清单所列）"""

    KNOWING_DEFIANCE = (
        "knowing_defiance",
        "明令禁止后依然我行我素",
        "carried on regardless after an explicit ban",
    )
    FALSIFICATION = "falsification", "弄虚作假", "falsification"
    FORMALISM = "formalism", "搞形式主义", "formalism"
    BUREAUCRATISM = "bureaucratism", "搞官僚主义", "bureaucratism"
    DELIBERATE_OBSTRUCTION = "deliberate_obstruction", "故意刁难", "deliberately made things hard"
    TAKING_AND_DEMANDING = (
        "taking_and_demanding",
        "吃拿卡要",
        "took, demanded or held up services for favours",
    )
    ROUGH_CONDUCT = "rough_conduct", "作风粗暴", "rough, overbearing conduct"
    REFORM_BANNER = "reform_banner", "打着改革创新旗号", "acted under the banner of reform"
    VANITY_PROJECT = "vanity_project", "搞政绩工程", "built a vanity project"
    PUBLIC_FOR_PRIVATE = (
        "public_for_private",
        "假公济私",
        "used public office or resources for private ends",
    )
    AUTOCRATIC = "autocratic", "独断专行", "acted autocratically"
    IGNORED_ADVICE = "ignored_advice", "不听劝告", "ignored advice"
    UNAUTHORISED_DECISION = "unauthorised_decision", "擅自决定", "decided without authority"
    EXCEEDED_AUTHORITY = "exceeded_authority", "超越法定权限", "exceeded statutory authority"
    ABUSED_POWER = "abused_power", "滥用职权", "abused power"


class Shortfall(TitledEnum):
    """工作中出现的问题"""

    EXPECTATIONS_UNMET = (
        "expectations_unmet",
        "未达到预期效果（目的）",
        "fell short of the expected effect or purpose",
    )
    MISTAKE = "mistake", "出现失误、错误", "a mistake or error occurred"
    POOR_IMPLEMENTATION = "poor_implementation", "工作落实不力", "poor implementation"
    SLOW_PROGRESS = "slow_progress", "进展缓慢", "slow progress"
    POOR_RESULTS = "poor_results", "成效不佳", "poor results"


class Irregularity(TitledEnum):
    """存在的不规范或违规违纪违法情形"""

    # P2
    PROJECT_APPROVAL = (
        "project_approval",
        "立项手续不够完善",
        "incomplete project-approval formalities",
    )
    PLANNING = "planning", "规划手续不够完善", "incomplete planning formalities"
    LAND_USE = "land_use", "用地手续不够完善", "incomplete land-use formalities"
    ENVIRONMENTAL = (
        "environmental",
        "环保手续不够完善",
        "incomplete environmental-protection formalities",
    )
    OTHER_APPROVAL = (
        "other_approval",
        "其他同类审批手续不够完善",
        "other approval formalities of the same kind incomplete",
    )
    # P3, P7, P8
    FUNDS_USE = "funds_use", "资金使用不够规范", "irregular use of funds"
    MATERIALS_USE = "materials_use", "物资使用不够规范", "irregular use of materials"
    INVESTMENT_RECEPTION = (
        "investment_reception",
        "招商接待不够规范",
        "irregular hospitality in investment promotion",
    )
    STUDY_TOUR = "study_tour", "外出考察不够规范", "irregular trips for inspection or study"
    EXPENDITURE = "expenditure", "经费使用不够规范", "irregular use of expense budgets"
    OFFICIAL_RECEPTION = "official_reception", "公务接待不够规范", "irregular official hospitality"
    OTHER_SPENDING = (
        "other_spending",
        "其他同类资金、物资、经费、接待使用不够规范",
        "other irregular spending or hospitality of the same kind",
    )
    # P10
    DECISION_PROCEDURE = (
        "decision_procedure",
        "决策程序不规范",
        "irregular decision-making procedure",
    )
    WORK_FORMALITIES = "work_formalities", "工作手续不规范", "irregular work formalities"
    OTHER_PROCEDURE = (
        "other_procedure",
        "其他同类程序、手续不规范",
        "other irregular procedure or formality of the same kind",
    )
    # P13, P14
    DISCIPLINE_OR_LAW = "discipline_or_law", "违纪违法行为", "a breach of discipline or law"
    # none of the above
    OTHER_PROHIBITED = (
        "other_prohibited",
        "其他违反明令禁止性规定的行为",
        "other conduct breaching an explicit prohibition",
    )


class Cause(TitledEnum):
    """问题发生的原因"""

    INEXPERIENCE = "inexperience", "缺乏经验", "lack of experience"
    FORCE_MAJEURE = "force_majeure", "不可抗力", "force majeure"
    UNFORESEEABLE = "unforeseeable", "难以预判", "hard to foresee"
    OTHER_OBJECTIVE = (
        "other_objective",
        "其他同类客观因素",
        "another objective factor of the same kind",
    )
    NEGLIGENCE = "negligence", "失职失责、工作疏忽", "dereliction or negligence"
    DELIBERATE = "deliberate", "明知故犯、故意违规", "knowing, deliberate violation"


class ErrorKind(TitledEnum):
    """失误、错误的类别（用于判断是否“同类”）"""

    DECISION = "decision", "决策失误", "decision error"
    SPENDING = "spending", "资金、物资、经费、接待使用不规范", "irregular spending or hospitality"
    APPROVAL_FORMALITIES = (
        "approval_formalities",
        "审批手续不完善",
        "incomplete approval formalities",
    )
    PROCEDURE = "procedure", "程序、手续不规范", "irregular procedure or formalities"
    IMPLEMENTATION = "implementation", "工作落实不力", "poor implementation"
    SUPERVISION = "supervision", "监管履职不到位", "supervision lapse"
    PETITION = "petition", "信访稳定问题", "petition and stability problem"
    SAFETY_ENVIRONMENT = (
        "safety_environment",
        "安全生产、环境保护问题",
        "work-safety or environment",
    )
    VILLAGE_AFFAIRS = "village_affairs", "村（社区）事务失误", "village or community affairs"
    DISCIPLINE_OR_LAW = "discipline_or_law", "违纪违法", "breach of discipline or law"
    OTHER = "other", "其他", "other"


class Severity(TitledEnum):
    """情节轻重"""

    MINOR = "minor", "情节轻微", "minor"
    ORDINARY = "ordinary", "情节一般", "ordinary"
    SERIOUS = "serious", "情节较重或严重", "serious"


class Impact(TitledEnum):
    """不良影响程度（由轻到重）"""

    NONE = "none", "未造成不良影响", "no adverse impact"
    MINOR = (
        "minor",
        "影响较小：范围有限、程度轻微，已经或容易消除",
        "minor: limited and easily undone",
    )
    SIGNIFICANT = "significant", "造成较大不良影响", "significant adverse impact"
    SERIOUS = "serious", "造成严重（重大）不良影响", "serious (major) adverse impact"


class Loss(TitledEnum):
    """损失程度（由轻到重）"""

    NONE = "none", "未造成损失", "no loss"
    MINOR = "minor", "损失较小", "minor loss"
    SIGNIFICANT = "significant", "损失较大", "significant loss"
    MAJOR = "major", "造成严重（重大）损失", "serious (major) loss"


class LossBearer(TitledEnum):
    """损失承受方"""

    STATE = "state", "国家", "the state"
    COLLECTIVE = "collective", "集体", "a collective"
    OTHERS = "others", "企业、群众等其他方面", "enterprises, the public or others"


class Incident(TitledEnum):
    """由当事人的行为或责任造成、引发的事故或事件"""

    WORK_SAFETY_ACCIDENT = (
        "work_safety_accident",
        "安全生产责任事故",
        "work-safety liability accident",
    )
    SERIOUS_POLLUTION = "serious_pollution", "严重环境污染", "serious environmental pollution"
    ECOLOGICAL_DAMAGE = "ecological_damage", "生态破坏", "ecological damage"
    FOOD_DRUG_ACCIDENT = "food_drug_accident", "食品药品安全事故", "food or drug safety accident"
    SERIOUS_MASS_INCIDENT = "serious_mass_incident", "严重群体性事件", "serious mass incident"
    SERIOUS_PUBLIC_OPINION = (
        "serious_public_opinion",
        "严重舆情",
        "serious public-opinion incident",
    )


class Interest(TitledEnum):
    """受到危害或侵害的利益"""

    SERVICE_RECIPIENTS = (
        "service_recipients",
        "管理服务对象的利益",
        "interests of those managed or served",
    )
    STATE_INTEREST = "state_interest", "国家利益", "state interests"
    PUBLIC_INTEREST = "public_interest", "社会公共利益", "public interests"
    LAWFUL_RIGHTS = (
        "lawful_rights",
        "公民、法人、其他组织合法权益",
        "lawful rights of citizens, legal persons or other organisations",
    )


class Beneficiary(TitledEnum):
    """谋取私利的受益方"""

    SELF = "self", "本人（个人）", "oneself"
    RELATIVES = "relatives", "亲属", "relatives"
    SPECIFIC_RELATED = "specific_related", "特定关系人", "specific related persons"
    OWN_UNIT = "own_unit", "单位", "one's unit"
    SMALL_GROUP = "small_group", "小团体", "a small group"


class Norm(TitledEnum):
    """所违反的规范"""

    PARTY_CONSTITUTION = "party_constitution", "党章", "the Party Constitution"
    PARTY_REGULATIONS = "party_regulations", "党规", "Party regulations"
    PARTY_DISCIPLINE = "party_discipline", "党纪", "Party discipline"
    STATE_LAW = "state_law", "国家法律法规", "state laws and regulations"


class RemedyTiming(TitledEnum):
    """补救措施"""

    NONE = "none", "未采取补救措施", "no remedial measures"
    LATE = "late", "采取了补救措施，但不及时", "remedial measures, but late"
    TIMELY = "timely", "及时采取了补救措施", "timely remedial measures"


class Rectification(TitledEnum):
    """整改纠错情况"""

    COMPLETED = "completed", "已有效整改到位", "rectified effectively"
    IN_PROGRESS = "in_progress", "正在整改、按期推进", "rectification under way on schedule"
    NOT_STARTED = "not_started", "尚未整改", "not yet started"
    ATTEMPTED_FAILED = (
        "attempted_failed",
        "已尽力整改但未能到位",
        "tried to rectify but did not succeed",
    )
    REFUSED = "refused", "拒不整改纠错", "refused to rectify"


class FormalitiesStatus(TitledEnum):
    """不完善的手续能否补办"""

    COMPLETED = "completed", "已补办完成", "already completed"
    COMPLETABLE = "completable", "能够及时补办", "can be completed in time"
    NOT_COMPLETABLE = "not_completable", "不能及时补办", "cannot be completed in time"


class Gains(TitledEnum):
    """违纪违法所得"""

    NONE = "none", "没有违纪违法所得", "no proceeds"
    SURRENDERED = "surrendered", "已主动上交", "surrendered voluntarily"
    RECOVERED = "recovered", "经追缴收回", "recovered by the authorities"
    RETAINED = "retained", "未上交", "retained"


class DisclosureKind(TitledEnum):
    """向组织说明问题的方式"""

    EXPLAINED = "explained", "主动向组织说明问题", "explained to the organisation"
    SURRENDERED = "surrendered", "主动投案", "gave themself up"
    CONFESSED_WHEN_QUESTIONED = (
        "confessed_when_questioned",
        "在组织谈话、函询或审查调查中交代",
        "confessed when questioned or investigated",
    )
    NONE = "none", "未交代", "did not disclose"


class DisclosureTiming(TitledEnum):
    """说明问题的时机"""

    BEFORE_INQUIRY = "before_inquiry", "组织谈话函询或审查调查之前", "before any inquiry"
    UNKNOWN_TO_ORGANISATION = (
        "unknown_to_organisation",
        "在审查调查中交代组织尚未掌握的问题",
        "during an inquiry, disclosing what it did not yet know",
    )
    KNOWN_TO_ORGANISATION = (
        "known_to_organisation",
        "在审查调查中仅交代组织已掌握的问题",
        "during an inquiry, only what it already knew",
    )


class Reporting(TitledEnum):
    """将发现的问题上报有关职能部门的情况"""

    TIMELY = "timely", "及时上报", "reported in time"
    LATE = "late", "上报不及时", "reported late"
    NOT_REPORTED = "not_reported", "未上报", "not reported"


class PetitionCause(TitledEnum):
    """经查实的越级访原因"""

    PESTERING = "pestering", "缠访闹访", "pestering or disruptive petitioning"
    EXTORTION = (
        "extortion",
        "以上访要挟谋取不正当利益",
        "using petitions to extort improper benefits",
    )
    HIGHER_LEVEL_ARREARS = (
        "higher_level_arrears",
        "因上级拖欠资金无法向群众兑现政策",
        "policy could not be honoured because a higher level owed the funds",
    )
    OTHER_SIMILAR = (
        "other_similar",
        "其他同类不可归责于当地的原因",
        "another cause of the same kind not attributable to the locality",
    )
    LOCAL_FAILURE = (
        "local_failure",
        "当地工作失职或处置不当",
        "failure or mishandling by the locality",
    )


# --------------------------------------------------------------------------- field helpers


def _strict_date(value: object) -> object:
    """Dates are ISO ``YYYY-MM-DD`` strings or ``date`` objects; never numbers or datetimes."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), got a date with a time")
    if isinstance(value, dt.date) or value is None:
        return value
    if isinstance(value, str):
        if len(value) != 10:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date that exists") from None
    raise ValueError(f"expected a date as a YYYY-MM-DD string, got {type(value).__name__}")


Date = Annotated[dt.date, BeforeValidator(_strict_date)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]


def fact(zh: str, en: str, note: str = "") -> Any:
    """A fact field: unknown (``None``) unless given, with its Chinese and English titles."""
    description = en + (f". {note}" if note else "")
    return Field(
        default=None, title=zh, description=description, json_schema_extra={"x-title-en": en}
    )


def group(cls: type[BaseModel], zh: str, en: str) -> Any:
    return Field(
        default_factory=cls, title=zh, description=en, json_schema_extra={"x-title-en": en}
    )


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_serializer(mode="wrap")
    def _sorted_sets(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        """In JSON, a set fact is a sorted list: equal filings dump to the same bytes."""
        data: dict[str, Any] = handler(self)
        if info.mode_is_json():
            for name, value in data.items():
                if isinstance(value, list) and isinstance(getattr(self, name, None), frozenset):
                    data[name] = sorted(value)
        return data


# --------------------------------------------------------------------------- fact groups


class Subject(_Facts):
    """当事主体"""

    kind: SubjectKind | None = fact("主体类别", "subject kind", "a unit or an individual")
    organisation: OrgKind | None = fact(
        "当事单位或当事人所在单位的类别",
        "kind of unit: the filing unit, or the individual filer's unit",
        "an individual gives the unit whose duties they were performing in the matter, "
        "normally the unit they work in; a clause that names a kind of unit reads this fact "
        "for units and individuals alike",
    )
    roles: frozenset[Role] | None = fact("个人身份", "roles of the individual")
    has_enforcement_power: StrictBool | None = fact(
        "当事单位或当事人所在单位具有行政强制执法权",
        "the filing unit, or the individual filer's unit, has administrative enforcement power",
        "a power of the unit, not of the person: an individual answers for the unit given in "
        "subject.organisation",
    )


class Context(_Facts):
    """工作情境"""

    work_areas: frozenset[WorkArea] | None = fact(
        "所从事的工作", "work the matter arose in", "list every area that applies"
    )


class Conduct(_Facts):
    """履职行为"""

    traits: frozenset[ConductTrait] | None = fact(
        "履职表现", "how the subject acted", "list every trait that applies"
    )
    misconduct: frozenset[Misconduct] | None = fact(
        "不当行为", "misconduct", "list every kind that applies; [] for none"
    )
    for_work_needs: StrictBool | None = fact(
        "确因工作需要、为完成工作任务", "genuinely for work needs, to complete the task"
    )
    achievements_notable: StrictBool | None = fact("工作成效明显", "notable results")
    found_in_routine_inspection: StrictBool | None = fact(
        "在日常检查中发现问题", "found the problem in a routine inspection"
    )
    took_measures_to_stop: StrictBool | None = fact(
        "已采取措施制止", "took measures to stop the problem"
    )
    reported_to_department: Reporting | None = fact(
        "将问题上报有关职能部门", "reported the problem to the competent department"
    )
    strictest_systems_implemented: StrictBool | None = fact(
        "落实最严格的安全生产责任和环境保护制度",
        "implemented the strictest work-safety and environmental systems",
    )
    found_by_inspection: StrictBool | None = fact(
        "问题系被相关部门检查发现", "the problem was found by another department's inspection"
    )
    passive_acceptance: StrictBool | None = fact(
        "被动接受", "accepted passively (did not solicit)", "for a breach of discipline or law"
    )


class Matter(_Facts):
    """问题本身"""

    shortfalls: frozenset[Shortfall] | None = fact("出现的问题", "what went wrong")
    irregularities: frozenset[Irregularity] | None = fact(
        "存在的不规范或违规违纪违法情形",
        "irregularities and breaches",
        "list every kind that applies; [] for none",
    )
    causes: frozenset[Cause] | None = fact("原因", "why it went wrong", "list every cause")
    error_kinds: frozenset[ErrorKind] | None = fact(
        "失误、错误的类别", "categories of the error", "used to tell errors of the same kind"
    )
    circumstances: Severity | None = fact("情节", "seriousness of the circumstances")
    regulatory_duty_elsewhere: StrictBool | None = fact(
        "经准确界定属地责任和行业监管责任，相关问题的监管执法职责在有关职能部门",
        "once territorial and sectoral duties are delineated, the regulatory duty lies with "
        "a functional department",
    )
    conduct_started_on: Date | None = fact(
        "行为开始日期",
        "date the conduct began",
        "on or before matter.conduct_ended_on when both are known",
    )
    conduct_ended_on: Date | None = fact(
        "行为终了日期",
        "date of the last act of the conduct",
        "on or after matter.conduct_started_on when both are known",
    )


class Motive(_Facts):
    """动机与私利"""

    public_spirited: StrictBool | None = fact("主观上出于公心", "acted for the public good")
    private_gain_for: frozenset[Beneficiary] | None = fact(
        "为谁谋取了私利", "for whom private gain was sought", "[] when none was sought"
    )
    for_development: StrictBool | None = fact("以促进发展为目的", "aimed to promote development")


class Procedure(_Facts):
    """决策程序"""

    decision_procedure_followed: StrictBool | None = fact(
        "符合决策程序", "followed the decision-making procedure"
    )
    four_two_followed: StrictBool | None = fact(
        "按照“四议两公开”程序进行民主决策和公开公示",
        "followed the 'four deliberations, two disclosures' procedure",
        "四议: proposal by the branch, consultation of the two committees, review by the "
        "members' meeting, resolution by villagers' representatives; 两公开: resolution and "
        "outcome made public",
    )


class Project(_Facts):
    """项目本身"""

    conforms_to_plan: StrictBool | None = fact("项目本身符合规划", "the project fits the plan")
    conforms_to_rules: StrictBool | None = fact(
        "项目本身符合规定", "the project complies with rules"
    )
    conforms_to_municipal_requirements: StrictBool | None = fact(
        "项目本身符合市委要求", "the project meets the municipal Party committee's requirements"
    )


class Village(_Facts):
    """村（社区）事务"""

    fits_development: StrictBool | None = fact(
        "符合村（社区）内经济社会事业发展大局",
        "fits the village's (community's) overall economic and social development",
    )
    majority_support: StrictBool | None = fact(
        "符合大多数群众意愿", "matches the wishes of most of the people"
    )


class Petition(_Facts):
    """信访稳定"""

    handled_properly: StrictBool | None = fact(
        "依法、及时、就地疏导教育、解决问题",
        "guided and resolved the problem lawfully, promptly and locally",
    )
    duties_fully_performed: StrictBool | None = fact(
        "维护群众合法权益履职尽责到位",
        "fully performed the duty of protecting people's lawful rights",
    )
    escalated: StrictBool | None = fact(
        "发生赴京到省越级访等情况", "petitions were escalated to Beijing, the province, etc."
    )
    verified_causes: frozenset[PetitionCause] | None = fact(
        "经查实的越级访原因", "causes of the escalation, as verified by investigation"
    )


class Consequences(_Facts):
    """后果"""

    adverse_impact: Impact | None = fact("不良影响程度", "adverse impact")
    losses: Loss | None = fact("损失程度", "losses")
    losses_borne_by: frozenset[LossBearer] | None = fact("损失承受方", "who bore the losses")
    accident_occurred: StrictBool | None = fact(
        "发生安全生产或环境事故", "a work-safety or environmental accident occurred"
    )
    caused_incidents: frozenset[Incident] | None = fact(
        "由当事人的行为或责任造成、引发的事故事件",
        "accidents or incidents the subject's conduct or liability caused",
        "not incidents the subject was handling; [] for none",
    )
    harmed_interests: frozenset[Interest] | None = fact(
        "受到危害或侵害的利益", "interests harmed", "[] for none"
    )


class Remedy(_Facts):
    """认错、补救与整改"""

    admitted: StrictBool | None = fact("主动认错", "admitted the error on own initiative")
    attitude_good: StrictBool | None = fact(
        "认错改错态度较好", "good attitude to admitting and correcting the error"
    )
    measures: RemedyTiming | None = fact("补救措施", "remedial measures")
    measures_effective: StrictBool | None = fact("补救措施有效", "remedial measures effective")
    rectification: Rectification | None = fact("整改纠错", "rectification")
    formalities: FormalitiesStatus | None = fact(
        "不完善的手续能否补办", "whether incomplete formalities can be completed"
    )
    impact_eliminated: StrictBool | None = fact("已消除不良影响", "adverse impact eliminated")
    losses_recovered: StrictBool | None = fact("主动挽回损失", "recovered losses on own initiative")
    harm_prevented: StrictBool | None = fact(
        "有效阻止危害结果发生", "effectively prevented the harmful result"
    )
    illicit_gains: Gains | None = fact("违纪违法所得", "proceeds of the breach")


class Disclosure(_Facts):
    """向组织说明问题"""

    trusted_organisation: StrictBool | None = fact(
        "相信组织、依靠组织", "trusted and relied on the organisation"
    )
    kind: DisclosureKind | None = fact("说明问题的方式", "how the problem was disclosed")
    timing: DisclosureTiming | None = fact("说明问题的时机", "when it was disclosed")
    truthful: StrictBool | None = fact(
        "如实交代违纪违法问题", "gave a truthful account of the breach"
    )


class Violation(_Facts):
    """违反规定"""

    norms: frozenset[Norm] | None = fact(
        "所违反的规范", "bodies of rules the conduct violated", "[] when none was violated"
    )
    explicitly_prohibited: StrictBool | None = fact(
        "所违反的规定属于明令禁止性规定",
        "the provision violated is an explicit prohibition",
        "a provision that expressly forbids the conduct (禁止, 不得, 严禁), as against a "
        "procedural or formal requirement",
    )


class History(_Facts):
    """此前情况"""

    reminder_talk: StrictBool | None = fact("已被约谈提醒", "received a reminder talk")
    exempted_error_kinds: frozenset[ErrorKind] | None = fact(
        "此前已获容错免责的失误、错误类别",
        "categories of errors previously exempted",
        "[] when never exempted before",
    )


class Determination(BaseModel):
    """认定：对兜底条款（P15、N9）的人工认定"""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    holds: StrictBool = Field(
        title="是否认定适用", json_schema_extra={"x-title-en": "whether the clause holds"}
    )
    decided_by: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        title="认定机关", json_schema_extra={"x-title-en": "decided by"}
    )
    decided_on: Date = Field(title="认定日期", json_schema_extra={"x-title-en": "decided on"})
    reason: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] = Field(
        title="认定理由", json_schema_extra={"x-title-en": "reason"}
    )


class Determinations(_Facts):
    """兜底条款的人工认定（事实之外唯一的结论性记录）"""

    P15: Determination | None = fact(
        "P15 认定：其他符合“三个区分开来”精神的情形",
        "determination under P15 (other situations in the spirit of the three distinctions)",
    )
    N9: Determination | None = fact(
        "N9 认定：其他经认定不符合容错免责情形的",
        "determination under N9 (other situations determined not to qualify)",
    )


#: Date facts a valid filing keeps in order, as ``(earlier, later)`` paths: when both are known,
#: the first is on or before the second (conduct cannot begin after it ended). A filing that breaks
#: one is invalid (``filing_dates_out_of_order``); an unknown date breaks none. The strategies, the
#: z3 translation, docgen and the benchmark corpus read this list, so a pair added here binds them
#: all (the strategies assume no fact is in two pairs; a test checks it).
DATE_ORDER: Final[tuple[tuple[str, str], ...]] = (
    ("matter.conduct_started_on", "matter.conduct_ended_on"),
)

_DATE_ORDER_GETTERS: Final = tuple(
    (earlier, operator.attrgetter(earlier), later, operator.attrgetter(later))
    for earlier, later in DATE_ORDER
)


class Filing(_Facts):
    """容错免责备案申请：一宗事项的事实"""

    id: Annotated[str, Field(max_length=200)] | None = fact("案件编号", "case reference")
    summary: Text | None = fact("案情摘要", "summary of the matter")
    filed_on: Date | None = fact("备案申请日期", "date of the filing")
    subject: Subject = group(Subject, "当事主体", "subject")
    context: Context = group(Context, "工作情境", "work context")
    conduct: Conduct = group(Conduct, "履职行为", "conduct")
    matter: Matter = group(Matter, "问题本身", "the matter")
    motive: Motive = group(Motive, "动机与私利", "motive and private gain")
    procedure: Procedure = group(Procedure, "决策程序", "decision procedure")
    project: Project = group(Project, "项目本身", "the project")
    village: Village = group(Village, "村（社区）事务", "village or community affairs")
    petition: Petition = group(Petition, "信访稳定", "petitions and stability")
    consequences: Consequences = group(Consequences, "后果", "consequences")
    remedy: Remedy = group(Remedy, "认错、补救与整改", "admission, remedy, rectification")
    disclosure: Disclosure = group(Disclosure, "向组织说明问题", "disclosure to the organisation")
    violation: Violation = group(Violation, "违反规定", "violations")
    history: History = group(History, "此前情况", "history")
    determinations: Determinations = group(
        Determinations, "兜底条款认定", "determinations for the catch-all clauses"
    )

    #: every fact, in :data:`FACTS` order, ``None`` when unknown: built once, when the filing
    #: is made, for the compiled rules to read by position (see :func:`fact_vector`)
    _facts: tuple[Any, ...] = PrivateAttr(default=())

    def model_post_init(self, context: Any, /) -> None:
        self._facts = _read_vector(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copy = super().model_copy(update=update, deep=deep)
        copy._facts = _read_vector(copy)  # an update may change any fact
        return copy

    @model_validator(mode="wrap")
    @classmethod
    def _coded(
        cls, data: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo
    ) -> Self:
        """rongcuo's own checks and codes, however a filing is validated (``model_validate``, a
        FastAPI body, a field of another model), not only through ``parse_filing``.

        Before the model reads the document: a list longer than :data:`MAX_LIST_ITEMS` stops
        validation (``filing_too_long``), and a value a set fact lists twice is an error at the
        repeat (``filing_duplicate_value``), where a ``frozenset`` would silently collapse it.
        Every error then carries its rongcuo code as its ``type`` (the pydantic type is kept in
        ``ctx["pydantic_type"]``, a did-you-mean hint in ``ctx["hint"]``), and a message that
        says what was found. A validation context ``{"positions": ...}`` (a YAML document's
        positions by path) lets a repeat's message name the line of its first appearance.
        """
        found: list[InitErrorDetails] = []
        if isinstance(data, Mapping) and _any_list_to_check(data):
            context = info.context if isinstance(info.context, Mapping) else {}
            found = _list_errors(data, context.get("positions"))
            if any(_error_code(e) == "filing_too_long" for e in found):
                raise ValidationError.from_exception_data(cls.__name__, found)
        try:
            filing = handler(data)
        except ValidationError as exc:
            coded = [*found, *_coded_errors(exc)]
            raise ValidationError.from_exception_data(cls.__name__, coded) from None
        found.extend(_dates_out_of_order(filing))
        if found:
            raise ValidationError.from_exception_data(cls.__name__, found)
        return filing


def _dates_out_of_order(filing: Filing) -> list[InitErrorDetails]:
    """An error for every pair of :data:`DATE_ORDER` that is known in full and out of order,
    at the earlier date of the pair."""
    errors = []
    for earlier, get_earlier, later, get_later in _DATE_ORDER_GETTERS:
        first, second = get_earlier(filing), get_later(filing)
        if first is not None and second is not None and first > second:
            message = (
                f"{earlier} ({first.isoformat()}) is after {later} ({second.isoformat()}); "
                "it must be on or before it"
            )
            hint = "correct one of the two dates, or leave out the one that is not certain"
            loc = tuple(earlier.split("."))
            errors.append(
                _coded_error(
                    "filing_dates_out_of_order", message, loc, first.isoformat(), hint=hint
                )
            )
    return errors


# --------------------------------------------------------------------------- coded errors

#: pydantic error types and the rongcuo codes they become
_PYDANTIC_CODES: Final = {
    "extra_forbidden": "filing_unknown_field",
    "too_long": "filing_too_long",
    "string_too_long": "filing_too_long",
    "enum": "filing_invalid_value",
    "literal_error": "filing_invalid_value",
    "string_too_short": "filing_invalid_value",
    "too_short": "filing_invalid_value",
    "missing": "filing_invalid_value",
    "model_type": "filing_wrong_type",
    "model_attributes_type": "filing_wrong_type",
    "dict_type": "filing_wrong_type",
}


def _code_of(err_type: str, msg: str) -> str:
    """The rongcuo code of a pydantic error type."""
    if err_type in CODES:
        return err_type
    if err_type in _PYDANTIC_CODES:
        return _PYDANTIC_CODES[err_type]
    if err_type == "value_error" and "date" in msg:
        return "filing_invalid_date"
    if err_type.endswith(("_type", "_parsing")):
        return "filing_wrong_type"
    return "filing_invalid_value"


def _error_code(err: InitErrorDetails) -> str:
    kind = err["type"]
    return kind if isinstance(kind, str) else kind.type


def _coded_error(
    code: str, message: str, loc: tuple[str | int, ...], given: object, **ctx: str
) -> InitErrorDetails:
    # the message is the template's only placeholder, and the last key, so that nothing in it
    # (text a filer wrote, echoed back) is taken for a placeholder
    return InitErrorDetails(
        type=PydanticCustomError(code, "{message}", {**ctx, "message": message}),
        loc=loc,
        input=given,
    )


def _allowed_fields(loc: tuple[str | int, ...]) -> list[str]:
    """The field names of the model that holds ``loc``, for a did-you-mean hint."""
    parent = ".".join(str(p) for p in loc[:-1])
    if not parent:
        return list(Filing.model_fields)
    info = field_info(parent)
    if info is None:
        return []
    try:
        return list(_model_of(info.annotation).model_fields)
    except TypeError:
        return []


def _coded_errors(exc: ValidationError) -> list[InitErrorDetails]:
    """pydantic's errors for a filing with rongcuo's codes as their types, and its messages."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        kind, msg = err["type"], err["msg"]
        code = _code_of(kind, msg)
        ctx = {"pydantic_type": kind} if kind != code else {}
        given = err.get("input")
        if code == "filing_unknown_field" and loc:
            msg = f"the filing model has no field {str(loc[-1])!r}"
            hint = suggest(str(loc[-1]), _allowed_fields(loc))
            if hint:
                ctx["hint"] = hint
        elif code == "filing_wrong_type" and not loc and kind in ("model_type", "dict_type"):
            code = "filing_not_object"
            msg = f"a filing is an object, got {type(given).__name__}"
        if kind == "value_error":
            msg = msg.removeprefix("Value error, ")
        if code != "filing_unknown_field" and kind not in CODES and _short(given):
            shown = repr(given)
            msg += f" (got {shown[:80]}{'…' if len(shown) > 80 else ''})"
        out.append(_coded_error(code, msg, loc, given, **ctx))
    return out


def _short(given: object) -> bool:
    """Whether a value is shown in a message: a scalar, and not an int too large to print."""
    if isinstance(given, int) and not isinstance(given, bool):
        return given.bit_length() <= 256
    return isinstance(given, str | float | bool)


def _list_errors(value: Mapping[Any, Any], positions: Any = None) -> list[InitErrorDetails]:
    """An error for every list longer than :data:`MAX_LIST_ITEMS`, and for every value that a
    set fact lists again (walked without recursion, on the document before the model reads it).

    The model holds a set fact as a ``frozenset``, which would silently collapse a repeat (and,
    without the length limit, accept a list of any length). The items of an over-long list are
    not looked at. ``positions``, a YAML document's positions by path, gives the line where a
    repeated value first appears.
    """
    errors: list[InitErrorDetails] = []
    todo: list[tuple[tuple[str | int, ...], object]] = [((), value)]
    while todo:
        path, node = todo.pop()
        if isinstance(node, Mapping):
            todo.extend(((*path, str(k)), v) for k, v in node.items() if type(v) not in _SCALARS)
        elif isinstance(node, list | tuple):
            if len(node) > MAX_LIST_ITEMS:
                message = f"a list of {len(node)} items; at most {MAX_LIST_ITEMS} are allowed"
                errors.append(_coded_error("filing_too_long", message, path, len(node)))
                continue
            if ".".join(map(str, path)) in _SET_FACTS:
                errors.extend(_repeats(node, path, positions))
            todo.extend(((*path, i), v) for i, v in enumerate(node) if type(v) not in _SCALARS)
    return errors


def _repeats(
    items: list[Any] | tuple[Any, ...], path: tuple[str | int, ...], positions: Any
) -> list[InitErrorDetails]:
    """An error at every item of a set fact's list that repeats an earlier one.

    Only strings are compared: any other item is not a value of the set, and the model says so.
    """
    errors = []
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, str):
            continue
        earlier = first.setdefault(item, i)
        if earlier == i:
            continue
        where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*path, earlier))
        pos = positions.get((*path, earlier)) if isinstance(positions, Mapping) else None
        if pos is not None:
            where += f" on line {pos[0]}"
        message = f"{str(item)!r} is listed again; it first appears at {where}"
        hint = "a set fact lists each value once: remove this one, or give the value that was meant"
        errors.append(_coded_error("filing_duplicate_value", message, (*path, i), item, hint=hint))
    return errors


_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def _any_list_to_check(value: object) -> bool:
    """Whether any list in ``value`` is longer than :data:`MAX_LIST_ITEMS` or repeats an item.

    Runs on every filing validated, so it is kept cheap: scalars are skipped by their exact type,
    a plain ``dict`` is recognised before the slower ``Mapping`` check, and a list is compared
    with the set of its items. ``True`` is only a reason to look closer: :func:`_list_errors`
    walks the document again and reports only what is wrong (a list of unhashable items, which
    no valid filing has, is always looked at; a repeat outside a set fact is no problem).
    """
    todo = [value]
    pop, push = todo.pop, todo.append
    while todo:
        node = pop()
        if type(node) is dict or isinstance(node, Mapping):
            for v in node.values():
                if type(v) not in _SCALARS:
                    push(v)
        elif isinstance(node, list | tuple):
            n = len(node)
            if n > 1:
                if n > MAX_LIST_ITEMS:
                    return True
                try:
                    if len(set(node)) != n:
                        return True
                except TypeError:
                    return True
            for v in node:
                if type(v) not in _SCALARS:
                    push(v)
    return False


# --------------------------------------------------------------------------- fact catalogue


class FactKind(enum.StrEnum):
    """The type of a fact, as the rule language sees it."""

    BOOL = "bool"
    ENUM = "enum"
    ENUM_SET = "enum_set"
    DATE = "date"
    TEXT = "text"


@dataclasses.dataclass(frozen=True, slots=True)
class FactSpec:
    """One fact a rule may read: its dotted path, its kind and its titles."""

    path: str
    kind: FactKind
    zh: str
    en: str
    enum: type[TitledEnum] | None = None
    order: int = 0

    def title(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def _kind_of(annotation: Any) -> tuple[FactKind, type[TitledEnum] | None] | None:
    """The fact kind of a field annotation ``X | None``; None for a nested model."""
    import types
    import typing

    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = args[0]
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        annotation = typing.get_args(annotation)[0]
        origin = typing.get_origin(annotation)
    if origin is frozenset:
        (item,) = typing.get_args(annotation)
        return FactKind.ENUM_SET, item
    if isinstance(annotation, type):
        if issubclass(annotation, TitledEnum):
            return FactKind.ENUM, annotation
        if issubclass(annotation, bool):
            return FactKind.BOOL, None
        if issubclass(annotation, dt.date):
            return FactKind.DATE, None
        if issubclass(annotation, str):
            return FactKind.TEXT, None
        if issubclass(annotation, BaseModel):
            return None
    raise TypeError(f"unsupported fact annotation {annotation!r}")


def _model_of(annotation: Any) -> type[BaseModel]:
    import typing

    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    raise TypeError(f"not a model annotation: {annotation!r}")


def _walk(model: type[BaseModel], prefix: str, out: dict[str, FactSpec]) -> None:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        kind = _kind_of(info.annotation)
        if kind is None:
            _walk(_model_of(info.annotation), path + ".", out)
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        en = str(extra.get("x-title-en", name))
        out[path] = FactSpec(path, kind[0], info.title or name, en, kind[1], len(out))


def _catalogue() -> dict[str, FactSpec]:
    out: dict[str, FactSpec] = {}
    _walk(Filing, "", out)
    return out


#: Every fact path a rule may read, in model order.
FACTS: Final[Mapping[str, FactSpec]] = _catalogue()
#: The set facts, whose lists :func:`_repeats` checks for a value listed twice.
_SET_FACTS: Final = frozenset(p for p, spec in FACTS.items() if spec.kind is FactKind.ENUM_SET)
#: Where each fact stands in a filing's :func:`fact_vector`.
FACT_INDEX: Final[Mapping[str, int]] = {path: i for i, path in enumerate(FACTS)}


def fact_vector(filing: Filing) -> tuple[Any, ...]:
    """Every fact of ``filing`` in :data:`FACTS` order (positions in :data:`FACT_INDEX`), ``None``
    for an unknown one. Made with the filing, like the filing immutable."""
    facts: tuple[Any, ...] = filing.__pydantic_private__["_facts"]  # type: ignore[index]
    return facts


def _vector_reader() -> Callable[[Filing], tuple[Any, ...]]:
    """A function reading every fact in FACTS order straight off the groups' ``__dict__``s.

    Written out as one Python function from the model (names of fields only, each checked to be
    an identifier), so that building the vector is one tuple display, not a loop.
    """
    lines = ["def read(f):", "    d = f.__dict__"]
    items: list[str] = []
    order: list[str] = []
    for name, info in Filing.model_fields.items():
        if not name.isidentifier():  # pragma: no cover - pydantic field names are identifiers
            raise TypeError(f"not a field name: {name!r}")
        if _kind_of(info.annotation) is not None:  # a fact of the filing itself
            items.append(f"d[{name!r}]")
            order.append(name)
            continue
        group = _model_of(info.annotation)
        lines.append(f"    g_{name} = d[{name!r}].__dict__")
        for field, finfo in group.model_fields.items():
            if _kind_of(finfo.annotation) is not None:
                items.append(f"g_{name}[{field!r}]")
                order.append(f"{name}.{field}")
                continue
            # an optional record of facts, e.g. determinations.P15: all unknown when absent
            record = f"r_{name}_{field}"
            lines.append(f"    {record} = g_{name}[{field!r}]")
            lines.append(f"    {record} = None if {record} is None else {record}.__dict__")
            for key in _model_of(finfo.annotation).model_fields:
                items.append(f"(None if {record} is None else {record}[{key!r}])")
                order.append(f"{name}.{field}.{key}")
    if order != list(FACTS):  # pragma: no cover - a model the reader does not understand
        raise TypeError("the fact vector's order is not the catalogue's")
    lines.append("    return (" + ", ".join(items) + ",)")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines) + "\n", "<rongcuo fact vector>", "exec"), namespace)
    reader: Callable[[Filing], tuple[Any, ...]] = namespace["read"]
    return reader


_read_vector: Final = _vector_reader()


def field_info(path: str) -> FieldInfo | None:
    """The pydantic field behind a dotted path, or None."""
    model: type[BaseModel] = Filing
    parts = path.split(".")
    for i, part in enumerate(parts):
        info = model.model_fields.get(part)
        if info is None:
            return None
        if i == len(parts) - 1:
            return info
        model = _model_of(info.annotation)
    return None


def filing_json_schema() -> dict[str, Any]:
    """The JSON Schema of a filing, with Chinese titles on every field and enumeration value."""
    schema = Filing.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://rongcuo.invalid/schema/filing.json"
    return schema
