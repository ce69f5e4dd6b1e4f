"""Filing model v2: the facts of one matter, each of which may be unknown.

Generated from rules/facts.yaml by `python -m rongcuo.facts.generate`; do not edit. Edit the
declaration and regenerate (tests/test_facts_v2.py checks that this module is in step):

    python -m rongcuo.facts.generate rules/facts.yaml -o src/rongcuo/facts/v2.py

Unknown is ``None`` everywhere, never a zero value. A set fact is a
:class:`~rongcuo.facts.values.PartialSet`, a date a :class:`~rongcuo.facts.values.PartialDate`,
a records fact :class:`~rongcuo.facts.values.Records`; a fact declared with ``na:`` may be
:data:`~rongcuo.facts.values.NA`. docs/design-v2.md fixes the document forms each reads.
"""

# ruff: noqa: E501
# No ``from __future__ import annotations``: the fields' annotations are objects when a class is
# made, so pydantic need not evaluate some 800 strings (a cheaper import, docs/performance.md).

from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal, Self

from pydantic import (
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StrictBool,
    ValidationInfo,
    model_serializer,
    model_validator,
)

from .coded import validate_coded
from .declare import FactDecl, FactType, Family
from .fields import (
    MAX_TEXT,
    BoolOf,
    DateOf,
    EnumOf,
    FactsModel,
    RecordsOf,
    SetOf,
    fact,
    family,
    group,
    records_group_dump,
    records_group_input,
    records_group_schema,
)
from .values import NAType, PartialDate, PartialSet, Records

#: sha256 of the declaration this module was generated from (:attr:`FactsDecl.digest`)
DIGEST: Final = "b7944b2a69cb4efd51542c11250f0028d70e577bbbfcee260f2ceb28e2c428bd"


# --------------------------------------------------------------------------- families

SubjectKind = Literal[
    "unit",
    "individual",
]
"""主体类别（subject kind）"""
SUBJECT_KIND: Final = family(
    "subject_kind",
    "主体类别",
    "subject kind",
    (
        ("unit", "单位", "a unit (organisation)", (), False, False),
        ("individual", "个人", "an individual", (), False, False),
    ),
)

OrgKind = Literal[
    "grassroots",
    "township",
    "village_community",
    "village",
    "community",
    "other_grassroots",
    "department",
    "safety_env_regulator",
    "emergency_management",
    "ecology_environment",
    "other_safety_env_regulator",
    "other_department",
    "enterprise_or_institution",
    "other_unit",
]
"""单位类别（kind of unit）"""
ORG_KIND: Final = family(
    "org_kind",
    "单位类别",
    "kind of unit",
    (
        ("grassroots", "基层单位", "grassroots unit", (), False, False),
        ("township", "乡镇（街道）", "township or street office", ("grassroots",), False, False),
        ("village_community", "行政村（社区）组织", "village or community organisation", ("grassroots",), False, False),
        ("village", "行政村组织", "administrative-village organisation", ("village_community",), False, False),
        ("community", "社区组织", "(urban) community organisation", ("village_community",), False, False),
        ("other_grassroots", "其他基层单位", "other grassroots unit", ("grassroots",), True, False),
        ("department", "部门（党政机关职能部门）", "Party or government functional department", (), False, False),
        ("safety_env_regulator", "应急管理、生态环境等负有安全生产或环境保护监管职责的部门", "department regulating work safety or the environment", ("department",), False, False),
        ("emergency_management", "应急管理部门", "emergency-management department", ("safety_env_regulator",), False, False),
        ("ecology_environment", "生态环境部门", "ecology and environment department", ("safety_env_regulator",), False, False),
        ("other_safety_env_regulator", "其他负有安全生产或环境保护监管职责的部门", "other work-safety or environmental regulator", ("safety_env_regulator",), True, False),
        ("other_department", "其他职能部门", "other functional department", ("department",), True, False),
        ("enterprise_or_institution", "国有企业、事业单位", "state-owned enterprise or public institution", (), False, False),
        ("other_unit", "其他单位", "other unit", (), True, False),
    ),
)

Role = Literal[
    "party_member",
    "cadre",
    "other_person",
]
"""个人身份（role）"""
ROLE: Final = family(
    "role",
    "个人身份",
    "role",
    (
        ("party_member", "党员", "Party member", (), False, False),
        ("cadre", "干部（公职人员）", "cadre (public official)", (), False, False),
        ("other_person", "其他人员", "other person", (), True, False),
    ),
)

WorkArea = Literal[
    "reform_innovation",
    "priority_project",
    "key_project",
    "three_batches_project",
    "other_priority_project",
    "municipal_priority",
    "municipal_key_task",
    "other_municipal_priority",
    "people_service",
    "enterprise_service",
    "business_environment",
    "private_economy",
    "streamlining_reform",
    "helping_enterprises",
    "project_construction",
    "financial_services",
    "other_enterprise_work",
    "investment_promotion",
    "seeking_support",
    "urgent_task",
    "major_accident_response",
    "mass_incident_response",
    "other_serious_incident_response",
    "flood_disaster_relief",
    "epidemic_control",
    "land_acquisition",
    "other_urgent_task",
    "conflict_resolution",
    "legacy_issues",
    "petition_stability",
    "dispute_resolution",
    "other_work",
]
"""工作情境（work area）"""
WORK_AREA: Final = family(
    "work_area",
    "工作情境",
    "work area",
    (
        ("reform_innovation", "在贯彻落实“三新一高”中推动改革创新", "reform and innovation in implementing the 'three new, one high' agenda", (), False, False),
        ("priority_project", "推动省市确定的重点项目、“三个一批”项目等快速签约、开工、投产", "fast-tracking key projects named by the province or city", (), False, False),
        ("key_project", "推动省市确定的重点项目快速签约、开工、投产", "fast-tracking a key project named by the province or city", ("priority_project",), False, False),
        ("three_batches_project", "推动“三个一批”项目快速签约、开工、投产", "fast-tracking a 'three batches' project", ("priority_project",), False, False),
        ("other_priority_project", "推动其他同类重点项目", "another priority project of the same kind", ("priority_project",), True, False),
        ("municipal_priority", "推动市委、市政府重要部署、重点任务落实等", "implementing major plans and key tasks of the municipal Party committee and government", (), False, False),
        ("municipal_key_task", "推动市委、市政府重要部署、重点任务落实", "a major plan or key task of the municipal Party committee and government", ("municipal_priority",), False, False),
        ("other_municipal_priority", "其他同类重要部署、重点任务", "another major task of the same kind", ("municipal_priority",), True, False),
        ("people_service", "为人民群众办实事、解难题", "doing practical things and solving problems for the people", (), False, False),
        ("enterprise_service", "优化营商环境、支持民营经济发展、深化“放管服”改革、开展“万人助万企”活动、推进项目建设、金融服务等工作", "business-environment and enterprise-service work", (), False, False),
        ("business_environment", "优化营商环境", "improving the business environment", ("enterprise_service",), False, False),
        ("private_economy", "支持民营经济发展", "supporting the private economy", ("enterprise_service",), False, False),
        ("streamlining_reform", "深化“放管服”改革", "deepening the streamlining reform", ("enterprise_service",), False, False),
        ("helping_enterprises", "开展“万人助万企”活动", "the 'ten thousand help ten thousand enterprises' campaign", ("enterprise_service",), False, False),
        ("project_construction", "推进项目建设", "advancing project construction", ("enterprise_service",), False, False),
        ("financial_services", "金融服务", "financial services", ("enterprise_service",), False, False),
        ("other_enterprise_work", "其他同类涉企服务工作", "other enterprise-service work of the same kind", ("enterprise_service",), True, False),
        ("investment_promotion", "招商引资", "attracting investment", (), False, False),
        ("seeking_support", "争取上级优惠政策、资金、项目", "seeking preferential policies, funds or projects from above", (), False, False),
        ("urgent_task", "处置重特大事故事件、执行急难险重任务", "handling major accidents and incidents, urgent and dangerous tasks", (), False, False),
        ("major_accident_response", "处置重特大安全生产事故", "handling a major work-safety accident", ("urgent_task",), False, False),
        ("mass_incident_response", "处置群体性事件", "handling a mass incident", ("urgent_task",), False, False),
        ("other_serious_incident_response", "处置其他严重事故、事件", "handling another serious accident or incident", ("urgent_task",), True, False),
        ("flood_disaster_relief", "执行防汛减灾救灾任务", "flood prevention and disaster relief", ("urgent_task",), False, False),
        ("epidemic_control", "疫情防控", "epidemic prevention and control", ("urgent_task",), False, False),
        ("land_acquisition", "征地拆迁", "land acquisition and demolition", ("urgent_task",), False, False),
        ("other_urgent_task", "其他急难险重任务", "another urgent, difficult or dangerous task", ("urgent_task",), True, False),
        ("conflict_resolution", "解决历史遗留问题、信访维稳、化解矛盾纠纷", "resolving legacy problems, petitions and stability, disputes", (), False, False),
        ("legacy_issues", "解决历史遗留问题", "resolving problems left over from history", ("conflict_resolution",), False, False),
        ("petition_stability", "信访稳定（信访维稳）工作", "petitions and stability", ("conflict_resolution",), False, False),
        ("dispute_resolution", "化解矛盾纠纷", "resolving conflicts and disputes", ("conflict_resolution",), False, False),
        ("other_work", "其他工作", "other work", (), True, False),
    ),
)

ConductTrait = Literal[
    "bold_exploration",
    "problem_solving",
    "pilot_first",
    "bold_duty",
    "proactive_responsibility",
    "seizing_schedule",
    "active_duty",
    "solved_enterprise_problems",
    "cordial_and_clean",
    "devoted_to_development",
    "took_responsibility",
    "warm_service",
    "territorial_duty",
    "took_on_risk",
    "confronted_conflicts",
    "removed_obstacles",
    "broke_deadlock",
    "decisive_action",
    "conscientious_duty",
]
"""履职表现（how the subject acted）"""
CONDUCT_TRAIT: Final = family(
    "conduct_trait",
    "履职表现",
    "how the subject acted",
    (
        ("bold_exploration", "大胆探索", "explored boldly", (), False, False),
        ("problem_solving", "破解难题", "tackled hard problems", (), False, False),
        ("pilot_first", "先行先试", "piloted first", (), False, False),
        ("bold_duty", "大胆履职", "performed duties boldly", (), False, False),
        ("proactive_responsibility", "主动担当", "took responsibility", (), False, False),
        ("seizing_schedule", "因抢抓重点项目建设进度需要", "to keep up the pace of a key project", (), False, False),
        ("active_duty", "积极履职（作为）", "performed duties actively", (), False, False),
        ("solved_enterprise_problems", "主动解决企业反映的各类问题", "solved problems enterprises raised", (), False, False),
        ("cordial_and_clean", "与企业交往“亲而又清”", "cordial and clean relations with enterprises", (), False, False),
        ("devoted_to_development", "一心一意推动发展", "devoted to development", (), False, False),
        ("took_responsibility", "担当作为", "took responsibility and acted", (), False, False),
        ("warm_service", "热情服务", "served warmly", (), False, False),
        ("territorial_duty", "积极履行属地责任", "performed territorial duties actively", (), False, False),
        ("took_on_risk", "主动揽责涉险", "took on responsibility and risk", (), False, False),
        ("confronted_conflicts", "触及矛盾", "confronted conflicts", (), False, False),
        ("removed_obstacles", "积极主动破除障碍", "removed obstacles", (), False, False),
        ("broke_deadlock", "打破僵局", "broke a deadlock", (), False, False),
        ("decisive_action", "采取果断措施及时处置", "took decisive, timely measures", (), False, False),
        ("conscientious_duty", "认真履行职责", "performed duties conscientiously", (), False, False),
    ),
)

ActKind = Literal[
    "spending",
    "funds_use",
    "expenditure",
    "materials_use",
    "other_spending",
    "reception",
    "official_reception",
    "investment_reception",
    "study_tour",
    "approval_formalities",
    "project_approval",
    "planning",
    "land_use",
    "environmental",
    "other_approval",
    "procedure_formalities",
    "decision_procedure",
    "work_formalities",
    "other_procedure",
    "work_error",
    "misappropriation",
    "benefits_breach",
    "accepting_gifts",
    "other_benefits",
    "falsification_formalism",
    "falsification",
    "formalism",
    "bureaucratism",
    "mistreating_people",
    "deliberate_obstruction",
    "taking_and_demanding",
    "rough_conduct",
    "vanity_or_misuse",
    "vanity_project",
    "public_for_private",
    "arbitrary_decision",
    "autocratic",
    "ignored_advice",
    "unauthorised_decision",
    "power_abuse",
    "exceeded_authority",
    "abused_power",
    "dereliction",
    "other_act",
]
"""行为类别（kind of act）"""
ACT_KIND: Final = family(
    "act_kind",
    "行为类别",
    "kind of act",
    (
        ("spending", "资金、物资、经费使用不规范", "irregular use of funds, materials or budgets", (), False, True),
        ("funds_use", "资金使用不规范（用于公务，但程序、标准或科目不规范）", "irregular use of funds (for official purposes, with irregular procedure, standard or heading)", ("spending",), False, False),
        ("expenditure", "经费使用不规范（用于公务，但程序、标准或科目不规范）", "irregular use of expense budgets (for official purposes, irregular in procedure, standard or heading)", ("spending",), False, False),
        ("materials_use", "物资使用不规范（用于公务，但程序、标准不规范）", "irregular use of materials (for official purposes, irregular in procedure or standard)", ("spending",), False, False),
        ("other_spending", "其他同类使用不规范", "other irregular spending of the same kind", ("spending",), True, False),
        ("reception", "公务接待不规范", "irregular official hospitality", (), False, True),
        ("official_reception", "公务接待不规范", "irregular official hospitality", ("reception",), False, False),
        ("investment_reception", "招商接待不规范", "irregular hospitality in investment promotion", ("reception",), False, False),
        ("study_tour", "外出考察不规范", "irregular trips for inspection or study", (), False, True),
        ("approval_formalities", "立项、规划、用地、环保等方面手续不够完善", "incomplete approval formalities", (), False, True),
        ("project_approval", "立项手续不够完善", "incomplete project-approval formalities", ("approval_formalities",), False, False),
        ("planning", "规划手续不够完善", "incomplete planning formalities", ("approval_formalities",), False, False),
        ("land_use", "用地手续不够完善", "incomplete land-use formalities", ("approval_formalities",), False, False),
        ("environmental", "环保手续不够完善", "incomplete environmental formalities", ("approval_formalities",), False, False),
        ("other_approval", "其他同类手续不够完善", "other incomplete formalities of the same kind", ("approval_formalities",), True, False),
        ("procedure_formalities", "决策程序、工作手续等不规范", "irregular decision procedure or work formalities", (), False, True),
        ("decision_procedure", "决策程序不规范", "irregular decision procedure", ("procedure_formalities",), False, False),
        ("work_formalities", "工作手续不规范", "irregular work formalities", ("procedure_formalities",), False, False),
        ("other_procedure", "其他同类程序不规范", "other irregular procedure of the same kind", ("procedure_formalities",), True, False),
        ("work_error", "工作失误（决策、执行中的失误错误）", "a mistake in the work (decision or execution)", (), False, True),
        ("misappropriation", "挪用、截留、侵占资金物资（改变资金物资用途或据为己有）", "diverting, withholding or appropriating funds or materials (changing their purpose, or taking them)", (), False, True),
        ("benefits_breach", "违规收受财物等违纪违法行为", "accepting money, gifts or benefits in breach of rules", (), False, True),
        ("accepting_gifts", "收受礼品礼金、消费卡", "accepting gifts, cash gifts or cards", ("benefits_breach",), False, False),
        ("other_benefits", "其他收受财物行为", "accepting other benefits", ("benefits_breach",), True, False),
        ("falsification_formalism", "弄虚作假，搞形式主义、官僚主义", "falsification, formalism or bureaucratism", (), False, True),
        ("falsification", "弄虚作假", "falsification", ("falsification_formalism",), False, False),
        ("formalism", "搞形式主义", "formalism", ("falsification_formalism",), False, False),
        ("bureaucratism", "搞官僚主义", "bureaucratism", ("falsification_formalism",), False, False),
        ("mistreating_people", "故意刁难、吃拿卡要、作风粗暴", "obstruction, taking and demanding, rough conduct", (), False, True),
        ("deliberate_obstruction", "故意刁难", "deliberately made things hard", ("mistreating_people",), False, False),
        ("taking_and_demanding", "吃拿卡要", "took and demanded favours", ("mistreating_people",), False, False),
        ("rough_conduct", "作风粗暴", "rough, overbearing conduct", ("mistreating_people",), False, False),
        ("vanity_or_misuse", "搞政绩工程或者假公济私", "a vanity project or public means for private ends", (), False, True),
        ("vanity_project", "搞政绩工程", "built a vanity project", ("vanity_or_misuse",), False, False),
        ("public_for_private", "假公济私", "used public means for private ends", ("vanity_or_misuse",), False, False),
        ("arbitrary_decision", "独断专行、不听劝告，擅自决定", "autocratic, unadvised or unauthorised decisions", (), False, True),
        ("autocratic", "独断专行", "acted autocratically", ("arbitrary_decision",), False, False),
        ("ignored_advice", "不听劝告", "ignored advice", ("arbitrary_decision",), False, False),
        ("unauthorised_decision", "擅自决定", "decided without authority", ("arbitrary_decision",), False, False),
        ("power_abuse", "超越法定权限或者滥用职权", "exceeding statutory authority or abusing power", (), False, True),
        ("exceeded_authority", "超越法定权限", "exceeded statutory authority", ("power_abuse",), False, False),
        ("abused_power", "滥用职权", "abused power", ("power_abuse",), False, False),
        ("dereliction", "玩忽职守", "dereliction of duty", (), False, True),
        ("other_act", "其他行为", "other act", (), True, False),
    ),
)

Norm = Literal[
    "party_rules",
    "party_constitution",
    "party_regulations",
    "party_discipline",
    "state_law",
    "law",
    "administrative_regulation",
    "superior_ban",
    "other_rule",
]
"""规范（body of rules）"""
NORM: Final = family(
    "norm",
    "规范",
    "body of rules",
    (
        ("party_rules", "党章党规党纪", "the Party Constitution, Party rules and discipline", (), False, False),
        ("party_constitution", "党章", "the Party Constitution", ("party_rules",), False, False),
        ("party_regulations", "党内法规", "Party regulations", ("party_rules",), False, False),
        ("party_discipline", "党的纪律", "Party discipline", ("party_rules",), False, False),
        ("state_law", "国家法律法规", "state laws and regulations", (), False, False),
        ("law", "法律", "a law", ("state_law",), False, False),
        ("administrative_regulation", "行政法规、地方性法规、规章", "an administrative or local regulation or rule", ("state_law",), False, False),
        ("superior_ban", "上级党组织、政府或部门的禁令", "a ban issued by a superior Party organisation, government or department", (), False, False),
        ("other_rule", "其他制度规定", "other rules", (), True, False),
    ),
)

Beneficiary = Literal[
    "private",
    "self",
    "relatives",
    "specific_related",
    "own_unit",
    "small_group",
    "other_beneficiary",
]
"""受益对象（beneficiary）"""
BENEFICIARY: Final = family(
    "beneficiary",
    "受益对象",
    "beneficiary",
    (
        ("private", "个人、亲属、特定关系人或单位、小团体（私利）", "oneself, relatives, specific related persons, one's unit or a small group (private gain)", (), False, False),
        ("self", "个人（本人）", "oneself", ("private",), False, False),
        ("relatives", "亲属", "relatives", ("private",), False, False),
        ("specific_related", "特定关系人", "specific related persons", ("private",), False, False),
        ("own_unit", "本单位", "one's unit", ("private",), False, False),
        ("small_group", "小团体", "a small group", ("private",), False, False),
        ("other_beneficiary", "其他受益人（如企业、第三方，不属私利）", "another beneficiary (a company, a third party; not private gain)", (), True, False),
    ),
)

Impact = Literal[
    "none",
    "some_impact",
    "minor",
    "significant",
    "serious",
]
"""不良影响程度（adverse impact）"""
IMPACT: Final = family(
    "impact",
    "不良影响程度",
    "adverse impact",
    (
        ("none", "未造成不良影响", "none", (), False, False),
        ("some_impact", "造成不良影响", "some adverse impact", (), False, False),
        ("minor", "影响较小", "minor", ("some_impact",), False, False),
        ("significant", "造成较大不良影响", "significant", ("some_impact",), False, False),
        ("serious", "造成严重不良影响", "serious", ("some_impact",), False, False),
    ),
)

Loss = Literal[
    "no_loss",
    "minor_loss",
    "significant_loss",
    "major_loss",
]
"""损失程度（losses）"""
LOSS: Final = family(
    "loss",
    "损失程度",
    "losses",
    (
        ("no_loss", "未造成损失", "none", (), False, False),
        ("minor_loss", "损失较小", "minor", (), False, False),
        ("significant_loss", "造成较大损失", "significant", (), False, False),
        ("major_loss", "造成重大损失", "major", (), False, False),
    ),
)

LossBearer = Literal[
    "state",
    "collective",
    "other_bearer",
]
"""损失承受方（who bore the losses）"""
LOSS_BEARER: Final = family(
    "loss_bearer",
    "损失承受方",
    "who bore the losses",
    (
        ("state", "国家", "the state", (), False, False),
        ("collective", "集体", "a collective", (), False, False),
        ("other_bearer", "其他", "others", (), True, False),
    ),
)

Interest = Literal[
    "state_interest",
    "public_interest",
    "lawful_rights",
    "service_recipients",
    "other_lawful_rights",
]
"""利益（interest）"""
INTEREST: Final = family(
    "interest",
    "利益",
    "interest",
    (
        ("state_interest", "国家利益", "the national interest", (), False, False),
        ("public_interest", "社会公共利益", "the public interest", (), False, False),
        ("lawful_rights", "公民、法人、其他组织合法权益", "lawful rights of citizens, legal persons or other organisations", (), False, False),
        ("service_recipients", "管理服务对象利益", "interests of those managed or served", ("lawful_rights",), False, False),
        ("other_lawful_rights", "其他公民、法人、其他组织的合法权益", "lawful rights of other citizens or organisations", ("lawful_rights",), True, False),
    ),
)

Incident = Literal[
    "work_safety_accident",
    "serious_pollution",
    "serious_ecological_damage",
    "food_drug_accident",
    "serious_mass_incident",
    "serious_public_opinion",
    "other_incident",
]
"""事故事件（accident or incident）"""
INCIDENT: Final = family(
    "incident",
    "事故事件",
    "accident or incident",
    (
        ("work_safety_accident", "安全生产责任事故", "a work-safety liability accident", (), False, False),
        ("serious_pollution", "严重环境污染", "serious environmental pollution", (), False, False),
        ("serious_ecological_damage", "严重生态破坏", "serious ecological damage", (), False, False),
        ("food_drug_accident", "食品药品安全事故", "a food or drug safety accident", (), False, False),
        ("serious_mass_incident", "严重群体性事件", "a serious mass incident", (), False, False),
        ("serious_public_opinion", "严重舆情", "a serious public-opinion incident", (), False, False),
        ("other_incident", "其他事故事件（非严重）", "another accident or incident (not serious)", (), True, False),
    ),
)

Shortfall = Literal[
    "expectations_unmet",
    "mistake",
    "poor_implementation",
    "slow_progress",
    "poor_results",
]
"""出现的问题（what went wrong）"""
SHORTFALL: Final = family(
    "shortfall",
    "出现的问题",
    "what went wrong",
    (
        ("expectations_unmet", "工作未达到预期效果（目的）", "results fell short of expectations", (), False, False),
        ("mistake", "出现失误、错误", "a mistake or error occurred", (), False, False),
        ("poor_implementation", "工作落实不力", "poor implementation", (), False, False),
        ("slow_progress", "进展缓慢", "slow progress", (), False, False),
        ("poor_results", "成效不佳", "poor results", (), False, False),
    ),
)

Cause = Literal[
    "objective",
    "inexperience",
    "force_majeure",
    "unforeseeable",
    "other_objective",
    "work_negligence",
    "dereliction_of_duty",
    "deliberate",
]
"""原因（cause）"""
CAUSE: Final = family(
    "cause",
    "原因",
    "cause",
    (
        ("objective", "缺乏经验、不可抗力、难以预判等客观因素", "objective factors", (), False, False),
        ("inexperience", "缺乏经验", "lack of experience", ("objective",), False, False),
        ("force_majeure", "不可抗力", "force majeure", ("objective",), False, False),
        ("unforeseeable", "难以预判", "hard to foresee", ("objective",), False, False),
        ("other_objective", "其他同类客观因素", "another objective factor of the same kind", ("objective",), True, False),
        ("work_negligence", "工作过失（疏忽）", "an honest slip in the work", (), False, False),
        ("dereliction_of_duty", "玩忽职守（失职失责）", "dereliction of duty", (), False, False),
        ("deliberate", "明知故犯、蓄意违纪违法", "knowing, deliberate violation", (), False, False),
    ),
)

Severity = Literal[
    "minor_circumstances",
    "ordinary_circumstances",
    "serious_circumstances",
]
"""情节（seriousness）"""
SEVERITY: Final = family(
    "severity",
    "情节",
    "seriousness",
    (
        ("minor_circumstances", "情节轻微", "minor", (), False, False),
        ("ordinary_circumstances", "情节一般", "ordinary", (), False, False),
        ("serious_circumstances", "情节较重或严重", "serious", (), False, False),
    ),
)

Reporting = Literal[
    "reported_timely",
    "reported_late",
    "not_reported",
]
"""上报情况（reporting）"""
REPORTING: Final = family(
    "reporting",
    "上报情况",
    "reporting",
    (
        ("reported_timely", "及时上报", "reported in time", (), False, False),
        ("reported_late", "未及时上报", "reported late", (), False, False),
        ("not_reported", "未上报", "not reported", (), False, False),
    ),
)

RemedyTiming = Literal[
    "measures_timely",
    "measures_late",
    "no_measures",
]
"""补救措施（remedial measures）"""
REMEDY_TIMING: Final = family(
    "remedy_timing",
    "补救措施",
    "remedial measures",
    (
        ("measures_timely", "及时采取补救措施", "timely", (), False, False),
        ("measures_late", "补救措施迟缓", "late", (), False, False),
        ("no_measures", "未采取补救措施", "none", (), False, False),
    ),
)

Rectification = Literal[
    "rectifying",
    "rectified",
    "rectification_under_way",
    "rectification_failed",
    "not_rectified",
]
"""整改纠错（rectification）"""
RECTIFICATION: Final = family(
    "rectification",
    "整改纠错",
    "rectification",
    (
        ("rectifying", "已整改或正在整改", "rectified or under way", (), False, False),
        ("rectified", "已完成整改", "completed", ("rectifying",), False, False),
        ("rectification_under_way", "正在整改", "under way", ("rectifying",), False, False),
        ("rectification_failed", "已尝试整改但未见效", "attempted without effect", (), False, False),
        ("not_rectified", "尚未整改", "not started", (), False, False),
    ),
)

Correction = Literal[
    "correcting",
    "corrected",
    "correction_under_way",
    "not_corrected",
]
"""行为的改正情况（correction of the act）"""
CORRECTION: Final = family(
    "correction",
    "行为的改正情况",
    "correction of the act",
    (
        ("correcting", "已改正或正在改正", "corrected or being corrected", (), False, False),
        ("corrected", "已改正", "corrected", ("correcting",), False, False),
        ("correction_under_way", "正在改正", "being corrected", ("correcting",), False, False),
        ("not_corrected", "未改正", "not corrected", (), False, False),
    ),
)

FormalitiesStatus = Literal[
    "completable_in_time",
    "completed_in_time",
    "completable",
    "completed_late",
    "not_completable",
]
"""手续补办情况（completion of formalities）"""
FORMALITIES_STATUS: Final = family(
    "formalities_status",
    "手续补办情况",
    "completion of formalities",
    (
        ("completable_in_time", "能够及时补办", "can be completed in time", (), False, False),
        ("completed_in_time", "已及时补办", "completed in time", ("completable_in_time",), False, False),
        ("completable", "能够及时补办（尚在办理）", "can still be completed in time", ("completable_in_time",), False, False),
        ("completed_late", "补办不及时（如经审计、检查发现后才补办）", "completed late (e.g. only after an audit)", (), False, False),
        ("not_completable", "无法补办", "cannot be completed", (), False, False),
    ),
)

IllicitGains = Literal[
    "gains_surrendered",
    "gains_retained",
]
"""违纪违法所得（proceeds of the breach）"""
ILLICIT_GAINS: Final = family(
    "illicit_gains",
    "违纪违法所得",
    "proceeds of the breach",
    (
        ("gains_surrendered", "已主动上交", "surrendered on own initiative", (), False, False),
        ("gains_retained", "未上交", "retained", (), False, False),
    ),
)

DisclosureKind = Literal[
    "explained",
    "surrendered",
]
"""说明问题的方式（how the problem was disclosed）"""
DISCLOSURE_KIND: Final = family(
    "disclosure_kind",
    "说明问题的方式",
    "how the problem was disclosed",
    (
        ("explained", "主动向组织说明问题（主动交代）", "explained the problem to the organisation", (), False, False),
        ("surrendered", "主动投案", "gave oneself up", (), False, False),
    ),
)

DisclosureTiming = Literal[
    "unknown_to_organisation",
    "known_before_talk",
    "in_talk_new_matters",
    "in_talk_known_matters",
    "after_detention",
]
"""说明问题的时机（when the problem was disclosed）"""
DISCLOSURE_TIMING: Final = family(
    "disclosure_timing",
    "说明问题的时机",
    "when the problem was disclosed",
    (
        ("unknown_to_organisation", "问题尚未被纪检监察机关掌握", "before the commission knew of the problem", (), False, False),
        ("known_before_talk", "问题已被掌握，但尚未受到谈话、讯问，也未被采取留置措施", "known to the commission, but before any talk, interrogation or detention", (), False, False),
        ("in_talk_new_matters", "在谈话函询、审查调查谈话中交代组织未掌握的问题", "during a talk or inquiry, disclosing what the commission did not know", (), False, False),
        ("in_talk_known_matters", "在谈话、讯问中交代组织已掌握的问题", "during a talk or interrogation, admitting what the commission already knew", (), False, False),
        ("after_detention", "被采取留置措施后", "after detention", (), False, False),
    ),
)

PetitionCause = Literal[
    "listed_petition_cause",
    "pestering",
    "extortion",
    "higher_level_arrears",
    "other_similar_cause",
    "local_failure",
]
"""越级访原因（cause of the escalated petition）"""
PETITION_CAUSE: Final = family(
    "petition_cause",
    "越级访原因",
    "cause of the escalated petition",
    (
        ("listed_petition_cause", "缠访闹访、以上访要挟谋取不正当利益、因上级拖欠资金无法向群众兑现政策等", "pestering, extortion, arrears from above, and the like", (), False, False),
        ("pestering", "缠访闹访", "pestering and disruptive petitions", ("listed_petition_cause",), False, False),
        ("extortion", "以上访要挟谋取不正当利益", "using petitions to extort improper gains", ("listed_petition_cause",), False, False),
        ("higher_level_arrears", "因上级拖欠资金无法向群众兑现政策", "policy unpaid because a higher level owes the funds", ("listed_petition_cause",), False, False),
        ("other_similar_cause", "其他同类原因", "another cause of the same kind", ("listed_petition_cause",), True, False),
        ("local_failure", "属地工作失职", "a failure of local duty", (), False, False),
    ),
)

InstructionBasis = Literal[
    "leader_instruction",
    "meeting_minutes",
    "leadership_decision",
]
"""所落实的依据（what was carried out）"""
INSTRUCTION_BASIS: Final = family(
    "instruction_basis",
    "所落实的依据",
    "what was carried out",
    (
        ("leader_instruction", "领导批示", "a leader's written instruction", (), False, False),
        ("meeting_minutes", "会议纪要", "meeting minutes", (), False, False),
        ("leadership_decision", "单位领导班子会决定", "a decision of the unit's leadership meeting", (), False, False),
    ),
)

#: every family, by id
FAMILIES: Final[Mapping[str, Family]] = {
    "subject_kind": SUBJECT_KIND,
    "org_kind": ORG_KIND,
    "role": ROLE,
    "work_area": WORK_AREA,
    "conduct_trait": CONDUCT_TRAIT,
    "act_kind": ACT_KIND,
    "norm": NORM,
    "beneficiary": BENEFICIARY,
    "impact": IMPACT,
    "loss": LOSS,
    "loss_bearer": LOSS_BEARER,
    "interest": INTEREST,
    "incident": INCIDENT,
    "shortfall": SHORTFALL,
    "cause": CAUSE,
    "severity": SEVERITY,
    "reporting": REPORTING,
    "remedy_timing": REMEDY_TIMING,
    "rectification": RECTIFICATION,
    "correction": CORRECTION,
    "formalities_status": FORMALITIES_STATUS,
    "illicit_gains": ILLICIT_GAINS,
    "disclosure_kind": DISCLOSURE_KIND,
    "disclosure_timing": DISCLOSURE_TIMING,
    "petition_cause": PETITION_CAUSE,
    "instruction_basis": INSTRUCTION_BASIS,
}


# --------------------------------------------------------------------------- records


class Act(FactsModel):
    """事项中的各项行为：一条记录"""

    summary: Annotated[str, Field(max_length=MAX_TEXT)] | None = fact(
        "行为描述",
        "what was done",
        question=("该行为是什么？", "What was done?"),
    )
    kind: Annotated[ActKind | None, EnumOf(ACT_KIND)] = fact(
        "行为类别",
        "kind of act",
        question=("该行为属于哪一类？", "What kind of act is it?"),
    )
    when: Annotated[PartialDate | None, DateOf()] = fact(
        "行为发生时间",
        "when it was done",
        question=("该行为发生于何时？（可填年份、年月或区间）", "When was it done? (a year, a month or a range will do)"),
    )
    breached: Annotated[PartialSet | None, SetOf(NORM)] = fact(
        "所违反的规范",
        "rules the act breached",
        question=("该行为违反了哪些规范？（未违反则为空）", "Which rules did the act breach? (none if it breached none)"),
    )
    explicit_prohibition: Annotated[bool | NAType | None, BoolOf(na=("未违反任何规定", "breached no provision"))] = fact(
        "所违反的规定属于明令禁止性规定",
        "the provision breached is an explicit prohibition",
        question=("所违反的是否属于明令禁止（禁止、不得、严禁）性规定？", "Is the provision breached an explicit prohibition (禁止, 不得, 严禁)?"),
        na=("未违反任何规定", "breached no provision"),
    )
    defied_known_ban: Annotated[bool | None, BoolOf()] = fact(
        "明令禁止后依然我行我素",
        "knowingly defied a ban already issued",
        question=("是否在明令禁止后依然我行我素？", "Did the act knowingly defy a ban already issued?"),
    )
    under_reform_banner: Annotated[bool | None, BoolOf()] = fact(
        "打着改革创新旗号",
        "under the banner of reform and innovation",
        question=("该行为是否打着改革创新旗号？", "Was it done under the banner of reform and innovation?"),
    )
    passive: Annotated[bool | NAType | None, BoolOf(na=("不涉及收受", "involves no acceptance"))] = fact(
        "被动接受",
        "accepted passively (did not solicit)",
        question=("是否属于被动接受？", "Was it passively accepted (not solicited)?"),
        na=("不涉及收受", "involves no acceptance"),
    )
    private_gain_for: Annotated[PartialSet | None, SetOf(BENEFICIARY)] = fact(
        "为谁谋取了利益",
        "for whom gain was sought",
        question=("该行为为谁谋取了利益？（无人则为空）", "For whom did the act seek gain? (none if nobody)"),
    )
    impact: Annotated[Impact | None, EnumOf(IMPACT)] = fact(
        "该行为造成的不良影响",
        "adverse impact of the act",
        question=("该行为造成了多大不良影响？", "What adverse impact did the act cause?"),
    )
    harmed: Annotated[PartialSet | None, SetOf(INTEREST)] = fact(
        "该行为危害或侵害的利益",
        "interests the act harmed",
        question=("该行为危害或侵害了哪些利益？（无则为空）", "Which interests did the act harm? (none if none)"),
    )
    corrected: Annotated[Correction | NAType | None, EnumOf(CORRECTION, na=("无需改正", "nothing to correct"))] = fact(
        "该行为的改正情况",
        "whether the act was corrected",
        question=("该行为是否已改正？", "Has the act been corrected?"),
        na=("无需改正", "nothing to correct"),
    )
    corrected_on: Annotated[PartialDate | NAType | None, DateOf(na=("未改正或无需改正", "not corrected or nothing to correct"))] = fact(
        "改正时间",
        "when it was corrected",
        question=("何时改正？", "When was it corrected?"),
        na=("未改正或无需改正", "not corrected or nothing to correct"),
    )


class Exemption(FactsModel):
    """此前已获容错免责的情况：一条记录"""

    date: Annotated[PartialDate | None, DateOf()] = fact(
        "容错免责日期",
        "date of the exemption",
        question=("何时获得容错免责？", "When was the exemption given?"),
    )
    kind: Annotated[ActKind | None, EnumOf(ACT_KIND)] = fact(
        "当时失误、错误的类别",
        "kind of the error exempted",
        question=("当时是哪一类失误、错误？", "What kind of error was exempted?"),
    )
    matter: Annotated[str, Field(max_length=MAX_TEXT)] | None = fact(
        "当时的事项",
        "the matter then",
        question=("当时是什么事项？", "What was the matter?"),
    )


class Determination(FactsModel):
    """认定：对兜底条款的人工认定"""

    holds: StrictBool = Field(
        title="是否认定适用", json_schema_extra={"x-title-en": "whether the clause holds"}
    )
    decided_by: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        title="认定机关", json_schema_extra={"x-title-en": "decided by"}
    )
    decided_on: Annotated[PartialDate, DateOf(exact=True, required=True)] = Field(
        title="认定日期", json_schema_extra={"x-title-en": "decided on"}
    )
    reason: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] = Field(
        title="认定理由", json_schema_extra={"x-title-en": "reason"}
    )


# --------------------------------------------------------------------------- groups


class Subject(FactsModel):
    """当事主体"""

    kind: Annotated[SubjectKind | None, EnumOf(SUBJECT_KIND)] = fact(
        "主体类别",
        "subject kind",
        question=("申请容错免责备案的是单位还是个人？", "Is the filer a unit or an individual?"),
    )
    organisation: Annotated[OrgKind | None, EnumOf(ORG_KIND)] = fact(
        "当事单位或当事人所在单位的类别",
        "kind of unit (the filing unit, or the individual's unit)",
        question=("当事单位（或当事人履职所在单位）属于哪一类？", "What kind of unit is the filer, or the unit the individual acted for?"),
        note="An individual gives the unit whose duties they were performing; a clause that names a kind of unit reads this fact for units and individuals alike (position 8).",
    )
    roles: Annotated[PartialSet | None, SetOf(ROLE)] = fact(
        "个人身份",
        "roles of the individual",
        question=("当事人是党员、干部吗？", "Is the individual a Party member, a cadre?"),
    )
    enforcement_power: Annotated[bool | None, BoolOf()] = fact(
        "对该问题具有行政强制执法权",
        "has administrative enforcement power over this problem",
        question=("当事单位对所发现的这一问题是否具有行政强制执法权？", "Does the unit have administrative enforcement power over this particular problem?"),
        note="A power of the unit over this problem, not in general (an emergency-management bureau may have none over a matter another department regulates).",
    )


class Context(FactsModel):
    """工作情境"""

    work_areas: Annotated[PartialSet | None, SetOf(WORK_AREA)] = fact(
        "所从事的工作",
        "work the matter arose in",
        question=("问题发生在哪些工作中？", "In what work did the matter arise?"),
    )


class Conduct(FactsModel):
    """履职行为"""

    traits: Annotated[PartialSet | None, SetOf(CONDUCT_TRAIT)] = fact(
        "履职表现",
        "how the subject acted",
        question=("当事人履职中有哪些表现？", "How did the subject act?"),
    )
    for_work_needs: Annotated[bool | None, BoolOf()] = fact(
        "确因工作需要、为完成工作任务",
        "genuinely for work needs, to complete the task",
        question=("是否确因工作需要、为完成工作任务？", "Was it genuinely for work needs, to complete the task?"),
    )
    achievements_notable: Annotated[bool | None, BoolOf()] = fact(
        "工作成效明显",
        "notable results",
        question=("工作成效是否明显？", "Were the results notable?"),
    )
    found_in_routine_inspection: Annotated[bool | None, BoolOf()] = fact(
        "在日常检查中发现问题",
        "found the problem in a routine inspection",
        question=("问题是否在日常检查中发现？", "Was the problem found in a routine inspection?"),
    )
    took_measures_to_stop: Annotated[bool | None, BoolOf()] = fact(
        "已采取措施制止",
        "took measures to stop the problem",
        question=("发现后是否已采取措施制止？", "Were measures taken to stop it?"),
    )
    reported_to_department: Annotated[Reporting | None, EnumOf(REPORTING)] = fact(
        "将问题上报有关职能部门",
        "reported the problem to the competent department",
        question=("是否及时将问题上报有关职能部门？", "Was the problem reported to the competent department in time?"),
    )
    strictest_systems_implemented: Annotated[bool | None, BoolOf()] = fact(
        "落实最严格的安全生产责任和环境保护制度",
        "implemented the strictest work-safety and environmental systems",
        question=("是否落实了最严格的安全生产责任和环境保护制度？", "Were the strictest work-safety and environmental systems implemented?"),
    )
    found_by_inspection: Annotated[bool | None, BoolOf()] = fact(
        "问题系被相关部门检查发现",
        "the problem was found by another department's inspection",
        question=("问题是否被相关部门检查发现？", "Was the problem found by another department's inspection?"),
    )


class Acts(FactsModel):
    """行为"""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        defer_build=True,
        json_schema_extra=records_group_schema("items"),
    )

    items: Annotated[Records[Act] | None, RecordsOf(Act)] = fact(
        "事项中的各项行为",
        "the acts of the matter",
        question=("该事项包括哪些行为？请逐项列出，并说明是否已全部列出。", "What acts make up the matter? List each, and say whether the list is complete."),
        note="Each act is one thing done, with its own breach, correction, gain and consequences. A plain list is complete; {items: [...], complete: false} says more acts may exist.",
    )

    @model_validator(mode="before")
    @classmethod
    def _records_form(cls, value: Any) -> Any:
        """The group may be given as its records: a list, or {items, complete}."""
        return records_group_input(value, "items")

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        return records_group_dump(data, "items") if info.mode_is_json() else data


class Matter(FactsModel):
    """问题本身"""

    shortfalls: Annotated[PartialSet | None, SetOf(SHORTFALL)] = fact(
        "出现的问题",
        "what went wrong",
        question=("工作出现了哪些问题？", "What went wrong in the work?"),
    )
    causes: Annotated[PartialSet | None, SetOf(CAUSE)] = fact(
        "原因",
        "causes",
        question=("出现问题的原因有哪些？", "What caused it?"),
    )
    circumstances: Annotated[Severity | None, EnumOf(SEVERITY)] = fact(
        "情节",
        "seriousness of the circumstances",
        question=("情节是否轻微？", "How serious were the circumstances?"),
    )
    regulatory_duty_elsewhere: Annotated[bool | None, BoolOf()] = fact(
        "经准确界定，相关问题的监管职责在有关职能部门",
        "once duties are delineated, the regulatory duty lies with a functional department",
        question=("经准确界定属地责任和行业监管责任，该问题的监管职责是否在有关职能部门？", "Once territorial and sectoral duties are delineated, does the regulatory duty lie with a functional department?"),
    )
    within_grassroots_remit: Annotated[bool | None, BoolOf()] = fact(
        "属于基层权责范围",
        "within the grassroots' powers and duties",
        question=("该事项是否在基层权责范围内？", "Is the matter within the grassroots' powers and duties?"),
    )


class Instruction(FactsModel):
    """落实上级决定"""

    basis: Annotated[PartialSet | None, SetOf(INSTRUCTION_BASIS)] = fact(
        "所落实的批示、纪要或决定",
        "instructions, minutes or decisions carried out",
        question=("是否在落实领导批示、会议纪要或单位领导班子会决定？", "Was the subject carrying out a leader's instruction, meeting minutes or a leadership decision?"),
    )
    strictly_followed: Annotated[bool | NAType | None, BoolOf(na=("无此类批示、纪要或决定", "no such instruction"))] = fact(
        "严格落实",
        "carried out strictly",
        question=("是否严格落实？", "Was it carried out strictly?"),
        na=("无此类批示、纪要或决定", "no such instruction"),
    )
    error_resulted: Annotated[bool | NAType | None, BoolOf(na=("无此类批示、纪要或决定", "no such instruction"))] = fact(
        "失误或偏差因严格落实所致",
        "the error resulted from carrying it out",
        question=("工作失误或偏差是否因严格落实所致？", "Did the error result from carrying it out?"),
        na=("无此类批示、纪要或决定", "no such instruction"),
    )


class Motive(FactsModel):
    """动机"""

    public_spirited: Annotated[bool | None, BoolOf()] = fact(
        "主观上出于公心",
        "acted for the public good",
        question=("主观上是否出于公心？", "Did the subject act for the public good?"),
    )
    for_development: Annotated[bool | None, BoolOf()] = fact(
        "以促进发展为目的",
        "aimed to promote development",
        question=("是否以促进发展为目的？", "Was the aim to promote development?"),
    )


class Procedure(FactsModel):
    """决策程序"""

    decision_procedure_followed: Annotated[bool | None, BoolOf()] = fact(
        "符合决策程序",
        "followed the decision-making procedure",
        question=("是否符合决策程序？", "Was the decision-making procedure followed?"),
    )
    four_two_followed: Annotated[bool | None, BoolOf()] = fact(
        "按照“四议两公开”程序进行民主决策和公开公示",
        "followed the 'four deliberations, two disclosures' procedure",
        question=("是否按照“四议两公开”程序进行民主决策和公开公示？", "Was the 'four deliberations, two disclosures' procedure followed?"),
    )


class Project(FactsModel):
    """项目本身"""

    conforms_to_plan: Annotated[bool | None, BoolOf()] = fact(
        "项目本身符合规划",
        "the project fits the plan",
        question=("项目本身是否符合规划？", "Does the project fit the plan?"),
    )
    conforms_to_rules: Annotated[bool | None, BoolOf()] = fact(
        "项目本身符合规定",
        "the project complies with rules",
        question=("项目本身是否符合规定？", "Does the project comply with the rules?"),
    )
    conforms_to_municipal_requirements: Annotated[bool | None, BoolOf()] = fact(
        "项目本身符合市委要求",
        "the project meets the municipal Party committee's requirements",
        question=("项目本身是否符合市委要求？", "Does the project meet the municipal Party committee's requirements?"),
    )


class Village(FactsModel):
    """村（社区）事务"""

    fits_development: Annotated[bool | None, BoolOf()] = fact(
        "符合村（社区）内经济社会事业发展大局",
        "fits the village's overall development",
        question=("是否符合村（社区）内经济社会事业发展大局？", "Does it fit the village's (community's) overall development?"),
    )
    majority_support: Annotated[bool | None, BoolOf()] = fact(
        "符合大多数群众意愿",
        "matches the wishes of most of the people",
        question=("是否符合大多数群众意愿？", "Does it match the wishes of most of the people?"),
    )


class Petition(FactsModel):
    """信访稳定"""

    handled_properly: Annotated[bool | None, BoolOf()] = fact(
        "依法、及时、就地疏导教育、解决问题",
        "guided and resolved the problem lawfully, promptly and locally",
        question=("是否依法、及时、就地疏导教育、解决问题？", "Was the problem guided and resolved lawfully, promptly and locally?"),
    )
    duties_fully_performed: Annotated[bool | None, BoolOf()] = fact(
        "维护群众合法权益履职尽责到位",
        "fully performed the duty of protecting people's lawful rights",
        question=("维护群众合法权益是否履职尽责到位？", "Was the duty of protecting people's lawful rights fully performed?"),
    )
    escalated: Annotated[bool | None, BoolOf()] = fact(
        "发生赴京到省越级访等情况",
        "petitions were escalated to Beijing, the province, etc.",
        question=("是否仍发生赴京到省越级访等情况？", "Were petitions still escalated to Beijing or the province?"),
    )
    verified_causes: Annotated[PartialSet | None, SetOf(PETITION_CAUSE)] = fact(
        "经查实的越级访原因",
        "verified causes of the escalation",
        question=("经查实，越级访属于什么原因？", "What were the verified causes of the escalation?"),
    )


class Consequences(FactsModel):
    """后果"""

    adverse_impact: Annotated[Impact | None, EnumOf(IMPACT)] = fact(
        "事项整体造成的不良影响",
        "adverse impact of the matter as a whole",
        question=("事项整体造成了多大不良影响？", "What adverse impact did the matter as a whole cause?"),
    )
    losses: Annotated[Loss | None, EnumOf(LOSS)] = fact(
        "损失程度",
        "losses",
        question=("造成了多大损失？", "How large were the losses?"),
    )
    losses_borne_by: Annotated[PartialSet | NAType | None, SetOf(LOSS_BEARER, na=("未造成损失", "no losses"))] = fact(
        "损失承受方",
        "who bore the losses",
        question=("损失由谁承受？", "Who bore the losses?"),
        na=("未造成损失", "no losses"),
    )
    accident_occurred: Annotated[bool | None, BoolOf()] = fact(
        "发生安全生产或环境事故",
        "a work-safety or environmental accident occurred",
        question=("是否发生了安全生产或环境事故？", "Did a work-safety or environmental accident occur?"),
    )
    caused_incidents: Annotated[PartialSet | None, SetOf(INCIDENT)] = fact(
        "由当事人的行为或责任造成、引发的事故事件",
        "accidents or incidents the subject caused",
        question=("当事人的行为或责任是否造成、引发了事故事件？（无则为空）", "Did the subject's conduct or liability cause any accident or incident? (none if none)"),
        note="Not incidents the subject was handling (position 4).",
    )


class Remedy(FactsModel):
    """认错、补救与整改"""

    admitted: Annotated[bool | None, BoolOf()] = fact(
        "主动认错",
        "admitted the error on own initiative",
        question=("是否主动认错？", "Was the error admitted on the subject's own initiative?"),
    )
    attitude_good: Annotated[bool | None, BoolOf()] = fact(
        "认错改错态度较好",
        "good attitude to admitting and correcting the error",
        question=("认错改错态度是否较好？", "Was the attitude to admitting and correcting the error good?"),
    )
    measures: Annotated[RemedyTiming | NAType | None, EnumOf(REMEDY_TIMING, na=("无需补救", "nothing to remedy"))] = fact(
        "补救措施",
        "remedial measures",
        question=("是否及时采取了补救措施？", "Were remedial measures taken in time?"),
        na=("无需补救", "nothing to remedy"),
    )
    measures_effective: Annotated[bool | NAType | None, BoolOf(na=("未采取补救措施", "no measures taken"))] = fact(
        "补救措施有效",
        "remedial measures effective",
        question=("补救措施是否有效？", "Were the measures effective?"),
        na=("未采取补救措施", "no measures taken"),
    )
    rectification: Annotated[Rectification | NAType | None, EnumOf(RECTIFICATION, na=("无需整改", "nothing to rectify"))] = fact(
        "整改纠错",
        "rectification",
        question=("整改纠错进展如何？", "How far has rectification gone?"),
        na=("无需整改", "nothing to rectify"),
    )
    refused_rectification: Annotated[bool | NAType | None, BoolOf(na=("无需整改", "nothing to rectify"))] = fact(
        "事后拒不整改纠错",
        "refused afterwards to rectify",
        question=("事后是否拒不整改纠错？", "Did the subject refuse afterwards to rectify?"),
        na=("无需整改", "nothing to rectify"),
    )
    deadline_met: Annotated[bool | NAType | None, BoolOf(na=("未经约谈提醒", "no reminder talk"))] = fact(
        "在约谈明确的整改时限内完成整改",
        "rectified within the deadline set in the reminder talk",
        question=("是否在约谈提醒明确的整改时限内高质量完成工作任务？", "Was the work completed well within the deadline set in the reminder talk?"),
        na=("未经约谈提醒", "no reminder talk"),
    )
    formalities: Annotated[FormalitiesStatus | NAType | None, EnumOf(FORMALITIES_STATUS, na=("无手续不完善", "no formalities incomplete"))] = fact(
        "不完善的手续补办情况",
        "completion of incomplete formalities",
        question=("不完善的手续能否及时补办？", "Can the incomplete formalities be completed in time?"),
        na=("无手续不完善", "no formalities incomplete"),
    )
    impact_eliminated: Annotated[bool | NAType | None, BoolOf(na=("未造成不良影响", "no adverse impact"))] = fact(
        "已消除不良影响",
        "adverse impact eliminated",
        question=("不良影响是否已消除？", "Has the adverse impact been eliminated?"),
        na=("未造成不良影响", "no adverse impact"),
    )
    losses_recovered: Annotated[bool | NAType | None, BoolOf(na=("未造成损失", "no losses"))] = fact(
        "主动挽回损失",
        "recovered losses on own initiative",
        question=("是否主动挽回了损失？", "Were losses recovered on the subject's own initiative?"),
        na=("未造成损失", "no losses"),
    )
    harm_prevented: Annotated[bool | NAType | None, BoolOf(na=("无危害结果之虞", "no harmful result in prospect"))] = fact(
        "有效阻止危害结果发生",
        "effectively prevented the harmful result",
        question=("是否有效阻止了危害结果发生？", "Was the harmful result effectively prevented?"),
        na=("无危害结果之虞", "no harmful result in prospect"),
    )
    illicit_gains: Annotated[IllicitGains | NAType | None, EnumOf(ILLICIT_GAINS, na=("无违纪违法所得", "no proceeds"))] = fact(
        "违纪违法所得",
        "proceeds of the breach",
        question=("违纪违法所得是否已主动上交？", "Were the proceeds of the breach surrendered?"),
        na=("无违纪违法所得", "no proceeds"),
    )


class Disclosure(FactsModel):
    """向组织说明问题"""

    trusted_organisation: Annotated[bool | None, BoolOf()] = fact(
        "相信组织、依靠组织",
        "trusted and relied on the organisation",
        question=("是否相信组织、依靠组织？", "Did the subject trust and rely on the organisation?"),
    )
    kind: Annotated[DisclosureKind | NAType | None, EnumOf(DISCLOSURE_KIND, na=("未主动说明或投案", "no disclosure"))] = fact(
        "说明问题的方式",
        "how the problem was disclosed",
        question=("是主动向组织说明问题，还是主动投案？", "Did the subject explain the problem to the organisation, or give themselves up?"),
        na=("未主动说明或投案", "no disclosure"),
    )
    timing: Annotated[DisclosureTiming | NAType | None, EnumOf(DISCLOSURE_TIMING, na=("未主动说明或投案", "no disclosure"))] = fact(
        "说明问题的时机",
        "when it was disclosed",
        question=("说明问题或投案时，纪检监察机关掌握问题和谈话、留置的情况如何？", "When the subject came forward, what did the commission know, and had any talk or detention begun?"),
        na=("未主动说明或投案", "no disclosure"),
    )
    truthful: Annotated[bool | NAType | None, BoolOf(na=("未主动说明或投案", "no disclosure"))] = fact(
        "如实交代违纪违法问题",
        "gave a truthful account of the breach",
        question=("是否如实交代了违纪违法问题？", "Was the account of the breach truthful?"),
        na=("未主动说明或投案", "no disclosure"),
    )


class History(FactsModel):
    """此前情况"""

    reminder_talk: Annotated[bool | None, BoolOf()] = fact(
        "已被约谈提醒",
        "received a reminder talk",
        question=("是否经过约谈提醒？", "Was there a reminder talk?"),
    )
    exemptions: Annotated[Records[Exemption] | None, RecordsOf(Exemption)] = fact(
        "此前已获容错免责的情况",
        "earlier exemptions",
        question=("此前是否因同类失误、错误获得过容错免责？请列出每一次（无则为空）。", "Was the subject exempted before for a mistake of the same kind? List each time (none if never)."),
        note="An empty list is a definite \"never exempted\", so no repeat (N8).",
    )


class Determinations(FactsModel):
    """兜底条款认定"""

    P15: Determination | None = fact(
        "P15 认定",
        "determination under P15",
        question=("是否有关于 P15 的认定？", "Is there a determination under P15?"),
    )
    N9: Determination | None = fact(
        "N9 认定",
        "determination under N9",
        question=("是否有关于 N9 的认定？", "Is there a determination under N9?"),
    )


class Filing(FactsModel):
    """容错免责备案申请：一宗事项的事实（v2）"""

    id: Annotated[str, Field(max_length=MAX_TEXT)] | None = fact(
        "案件编号",
        "case reference",
        question=("案件编号是什么？", "What is the case reference?"),
    )
    summary: Annotated[str, Field(max_length=MAX_TEXT)] | None = fact(
        "案情摘要",
        "summary of the matter",
        question=("请简要描述案情。", "Summarise the matter."),
    )
    filed_on: Annotated[PartialDate | None, DateOf()] = fact(
        "备案申请日期",
        "date of the filing",
        question=("何时提出备案申请？", "When was the filing made?"),
    )
    subject: Subject = group(Subject, *("当事主体", "subject"))
    context: Context = group(Context, *("工作情境", "work context"))
    conduct: Conduct = group(Conduct, *("履职行为", "conduct"))
    acts: Acts = group(Acts, *("行为", "acts"))
    matter: Matter = group(Matter, *("问题本身", "the matter"))
    instruction: Instruction = group(Instruction, *("落实上级决定", "carrying out decisions"))
    motive: Motive = group(Motive, *("动机", "motive"))
    procedure: Procedure = group(Procedure, *("决策程序", "decision procedure"))
    project: Project = group(Project, *("项目本身", "the project"))
    village: Village = group(Village, *("村（社区）事务", "village or community affairs"))
    petition: Petition = group(Petition, *("信访稳定", "petitions and stability"))
    consequences: Consequences = group(Consequences, *("后果", "consequences"))
    remedy: Remedy = group(Remedy, *("认错、补救与整改", "admission, remedy, rectification"))
    disclosure: Disclosure = group(Disclosure, *("向组织说明问题", "disclosure to the organisation"))
    history: History = group(History, *("此前情况", "history"))
    determinations: Determinations = group(Determinations, *("兜底条款认定", "determinations for the catch-all clauses"))

    #: every fact, in :data:`FACTS` order, ``None`` when unknown: built once, when the filing
    #: is made, for generated rules to read by position (see :func:`fact_vector`)
    _facts: tuple[Any, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _coded(cls, data: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo) -> Self:
        """rongcuo's checks and codes however a filing is validated (a FastAPI body too)."""
        return validate_coded(cls, data, handler, info)

    def model_post_init(self, context: Any, /) -> None:
        self._facts = _read_vector(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copy = super().model_copy(update=update, deep=deep)
        copy._facts = _read_vector(copy)  # an update may change any fact
        return copy


# --------------------------------------------------------------------------- the fact catalogue

#: every top-level fact (a records fact, not its fields), in declaration order: the
#: positions of the fact vector
FACTS: Final[Mapping[str, FactDecl]] = {
    "id": FactDecl(
        path="id",
        name="id",
        type=FactType.TEXT,
        zh="案件编号",
        en="case reference",
        question_zh="案件编号是什么？",
        question_en="What is the case reference?",
        note="",
        family=None,
        na=None,
        order=0,
    ),
    "summary": FactDecl(
        path="summary",
        name="summary",
        type=FactType.TEXT,
        zh="案情摘要",
        en="summary of the matter",
        question_zh="请简要描述案情。",
        question_en="Summarise the matter.",
        note="",
        family=None,
        na=None,
        order=1,
    ),
    "filed_on": FactDecl(
        path="filed_on",
        name="filed_on",
        type=FactType.DATE,
        zh="备案申请日期",
        en="date of the filing",
        question_zh="何时提出备案申请？",
        question_en="When was the filing made?",
        note="",
        family=None,
        na=None,
        order=2,
    ),
    "subject.kind": FactDecl(
        path="subject.kind",
        name="kind",
        type=FactType.ENUM,
        zh="主体类别",
        en="subject kind",
        question_zh="申请容错免责备案的是单位还是个人？",
        question_en="Is the filer a unit or an individual?",
        note="",
        family="subject_kind",
        na=None,
        order=3,
    ),
    "subject.organisation": FactDecl(
        path="subject.organisation",
        name="organisation",
        type=FactType.ENUM,
        zh="当事单位或当事人所在单位的类别",
        en="kind of unit (the filing unit, or the individual's unit)",
        question_zh="当事单位（或当事人履职所在单位）属于哪一类？",
        question_en="What kind of unit is the filer, or the unit the individual acted for?",
        note="An individual gives the unit whose duties they were performing; a clause that names a kind of unit reads this fact for units and individuals alike (position 8).",
        family="org_kind",
        na=None,
        order=4,
    ),
    "subject.roles": FactDecl(
        path="subject.roles",
        name="roles",
        type=FactType.SET,
        zh="个人身份",
        en="roles of the individual",
        question_zh="当事人是党员、干部吗？",
        question_en="Is the individual a Party member, a cadre?",
        note="",
        family="role",
        na=None,
        order=5,
    ),
    "subject.enforcement_power": FactDecl(
        path="subject.enforcement_power",
        name="enforcement_power",
        type=FactType.BOOL,
        zh="对该问题具有行政强制执法权",
        en="has administrative enforcement power over this problem",
        question_zh="当事单位对所发现的这一问题是否具有行政强制执法权？",
        question_en="Does the unit have administrative enforcement power over this particular problem?",
        note="A power of the unit over this problem, not in general (an emergency-management bureau may have none over a matter another department regulates).",
        family=None,
        na=None,
        order=6,
    ),
    "context.work_areas": FactDecl(
        path="context.work_areas",
        name="work_areas",
        type=FactType.SET,
        zh="所从事的工作",
        en="work the matter arose in",
        question_zh="问题发生在哪些工作中？",
        question_en="In what work did the matter arise?",
        note="",
        family="work_area",
        na=None,
        order=7,
    ),
    "conduct.traits": FactDecl(
        path="conduct.traits",
        name="traits",
        type=FactType.SET,
        zh="履职表现",
        en="how the subject acted",
        question_zh="当事人履职中有哪些表现？",
        question_en="How did the subject act?",
        note="",
        family="conduct_trait",
        na=None,
        order=8,
    ),
    "conduct.for_work_needs": FactDecl(
        path="conduct.for_work_needs",
        name="for_work_needs",
        type=FactType.BOOL,
        zh="确因工作需要、为完成工作任务",
        en="genuinely for work needs, to complete the task",
        question_zh="是否确因工作需要、为完成工作任务？",
        question_en="Was it genuinely for work needs, to complete the task?",
        note="",
        family=None,
        na=None,
        order=9,
    ),
    "conduct.achievements_notable": FactDecl(
        path="conduct.achievements_notable",
        name="achievements_notable",
        type=FactType.BOOL,
        zh="工作成效明显",
        en="notable results",
        question_zh="工作成效是否明显？",
        question_en="Were the results notable?",
        note="",
        family=None,
        na=None,
        order=10,
    ),
    "conduct.found_in_routine_inspection": FactDecl(
        path="conduct.found_in_routine_inspection",
        name="found_in_routine_inspection",
        type=FactType.BOOL,
        zh="在日常检查中发现问题",
        en="found the problem in a routine inspection",
        question_zh="问题是否在日常检查中发现？",
        question_en="Was the problem found in a routine inspection?",
        note="",
        family=None,
        na=None,
        order=11,
    ),
    "conduct.took_measures_to_stop": FactDecl(
        path="conduct.took_measures_to_stop",
        name="took_measures_to_stop",
        type=FactType.BOOL,
        zh="已采取措施制止",
        en="took measures to stop the problem",
        question_zh="发现后是否已采取措施制止？",
        question_en="Were measures taken to stop it?",
        note="",
        family=None,
        na=None,
        order=12,
    ),
    "conduct.reported_to_department": FactDecl(
        path="conduct.reported_to_department",
        name="reported_to_department",
        type=FactType.ENUM,
        zh="将问题上报有关职能部门",
        en="reported the problem to the competent department",
        question_zh="是否及时将问题上报有关职能部门？",
        question_en="Was the problem reported to the competent department in time?",
        note="",
        family="reporting",
        na=None,
        order=13,
    ),
    "conduct.strictest_systems_implemented": FactDecl(
        path="conduct.strictest_systems_implemented",
        name="strictest_systems_implemented",
        type=FactType.BOOL,
        zh="落实最严格的安全生产责任和环境保护制度",
        en="implemented the strictest work-safety and environmental systems",
        question_zh="是否落实了最严格的安全生产责任和环境保护制度？",
        question_en="Were the strictest work-safety and environmental systems implemented?",
        note="",
        family=None,
        na=None,
        order=14,
    ),
    "conduct.found_by_inspection": FactDecl(
        path="conduct.found_by_inspection",
        name="found_by_inspection",
        type=FactType.BOOL,
        zh="问题系被相关部门检查发现",
        en="the problem was found by another department's inspection",
        question_zh="问题是否被相关部门检查发现？",
        question_en="Was the problem found by another department's inspection?",
        note="",
        family=None,
        na=None,
        order=15,
    ),
    "acts.items": FactDecl(
        path="acts.items",
        name="items",
        type=FactType.RECORDS,
        zh="事项中的各项行为",
        en="the acts of the matter",
        question_zh="该事项包括哪些行为？请逐项列出，并说明是否已全部列出。",
        question_en="What acts make up the matter? List each, and say whether the list is complete.",
        note="Each act is one thing done, with its own breach, correction, gain and consequences. A plain list is complete; {items: [...], complete: false} says more acts may exist.",
        family=None,
        na=None,
        fields=(
            FactDecl(
                path="acts.items[].summary",
                name="summary",
                type=FactType.TEXT,
                zh="行为描述",
                en="what was done",
                question_zh="该行为是什么？",
                question_en="What was done?",
                note="",
                family=None,
                na=None,
                order=0,
            ),
            FactDecl(
                path="acts.items[].kind",
                name="kind",
                type=FactType.ENUM,
                zh="行为类别",
                en="kind of act",
                question_zh="该行为属于哪一类？",
                question_en="What kind of act is it?",
                note="",
                family="act_kind",
                na=None,
                order=1,
            ),
            FactDecl(
                path="acts.items[].when",
                name="when",
                type=FactType.DATE,
                zh="行为发生时间",
                en="when it was done",
                question_zh="该行为发生于何时？（可填年份、年月或区间）",
                question_en="When was it done? (a year, a month or a range will do)",
                note="",
                family=None,
                na=None,
                order=2,
            ),
            FactDecl(
                path="acts.items[].breached",
                name="breached",
                type=FactType.SET,
                zh="所违反的规范",
                en="rules the act breached",
                question_zh="该行为违反了哪些规范？（未违反则为空）",
                question_en="Which rules did the act breach? (none if it breached none)",
                note="",
                family="norm",
                na=None,
                order=3,
            ),
            FactDecl(
                path="acts.items[].explicit_prohibition",
                name="explicit_prohibition",
                type=FactType.BOOL,
                zh="所违反的规定属于明令禁止性规定",
                en="the provision breached is an explicit prohibition",
                question_zh="所违反的是否属于明令禁止（禁止、不得、严禁）性规定？",
                question_en="Is the provision breached an explicit prohibition (禁止, 不得, 严禁)?",
                note="",
                family=None,
                na=("未违反任何规定", "breached no provision"),
                order=4,
            ),
            FactDecl(
                path="acts.items[].defied_known_ban",
                name="defied_known_ban",
                type=FactType.BOOL,
                zh="明令禁止后依然我行我素",
                en="knowingly defied a ban already issued",
                question_zh="是否在明令禁止后依然我行我素？",
                question_en="Did the act knowingly defy a ban already issued?",
                note="",
                family=None,
                na=None,
                order=5,
            ),
            FactDecl(
                path="acts.items[].under_reform_banner",
                name="under_reform_banner",
                type=FactType.BOOL,
                zh="打着改革创新旗号",
                en="under the banner of reform and innovation",
                question_zh="该行为是否打着改革创新旗号？",
                question_en="Was it done under the banner of reform and innovation?",
                note="",
                family=None,
                na=None,
                order=6,
            ),
            FactDecl(
                path="acts.items[].passive",
                name="passive",
                type=FactType.BOOL,
                zh="被动接受",
                en="accepted passively (did not solicit)",
                question_zh="是否属于被动接受？",
                question_en="Was it passively accepted (not solicited)?",
                note="",
                family=None,
                na=("不涉及收受", "involves no acceptance"),
                order=7,
            ),
            FactDecl(
                path="acts.items[].private_gain_for",
                name="private_gain_for",
                type=FactType.SET,
                zh="为谁谋取了利益",
                en="for whom gain was sought",
                question_zh="该行为为谁谋取了利益？（无人则为空）",
                question_en="For whom did the act seek gain? (none if nobody)",
                note="",
                family="beneficiary",
                na=None,
                order=8,
            ),
            FactDecl(
                path="acts.items[].impact",
                name="impact",
                type=FactType.ENUM,
                zh="该行为造成的不良影响",
                en="adverse impact of the act",
                question_zh="该行为造成了多大不良影响？",
                question_en="What adverse impact did the act cause?",
                note="",
                family="impact",
                na=None,
                order=9,
            ),
            FactDecl(
                path="acts.items[].harmed",
                name="harmed",
                type=FactType.SET,
                zh="该行为危害或侵害的利益",
                en="interests the act harmed",
                question_zh="该行为危害或侵害了哪些利益？（无则为空）",
                question_en="Which interests did the act harm? (none if none)",
                note="",
                family="interest",
                na=None,
                order=10,
            ),
            FactDecl(
                path="acts.items[].corrected",
                name="corrected",
                type=FactType.ENUM,
                zh="该行为的改正情况",
                en="whether the act was corrected",
                question_zh="该行为是否已改正？",
                question_en="Has the act been corrected?",
                note="",
                family="correction",
                na=("无需改正", "nothing to correct"),
                order=11,
            ),
            FactDecl(
                path="acts.items[].corrected_on",
                name="corrected_on",
                type=FactType.DATE,
                zh="改正时间",
                en="when it was corrected",
                question_zh="何时改正？",
                question_en="When was it corrected?",
                note="",
                family=None,
                na=("未改正或无需改正", "not corrected or nothing to correct"),
                order=12,
            ),
        ),
        record="Act",
        order=16,
    ),
    "matter.shortfalls": FactDecl(
        path="matter.shortfalls",
        name="shortfalls",
        type=FactType.SET,
        zh="出现的问题",
        en="what went wrong",
        question_zh="工作出现了哪些问题？",
        question_en="What went wrong in the work?",
        note="",
        family="shortfall",
        na=None,
        order=17,
    ),
    "matter.causes": FactDecl(
        path="matter.causes",
        name="causes",
        type=FactType.SET,
        zh="原因",
        en="causes",
        question_zh="出现问题的原因有哪些？",
        question_en="What caused it?",
        note="",
        family="cause",
        na=None,
        order=18,
    ),
    "matter.circumstances": FactDecl(
        path="matter.circumstances",
        name="circumstances",
        type=FactType.ENUM,
        zh="情节",
        en="seriousness of the circumstances",
        question_zh="情节是否轻微？",
        question_en="How serious were the circumstances?",
        note="",
        family="severity",
        na=None,
        order=19,
    ),
    "matter.regulatory_duty_elsewhere": FactDecl(
        path="matter.regulatory_duty_elsewhere",
        name="regulatory_duty_elsewhere",
        type=FactType.BOOL,
        zh="经准确界定，相关问题的监管职责在有关职能部门",
        en="once duties are delineated, the regulatory duty lies with a functional department",
        question_zh="经准确界定属地责任和行业监管责任，该问题的监管职责是否在有关职能部门？",
        question_en="Once territorial and sectoral duties are delineated, does the regulatory duty lie with a functional department?",
        note="",
        family=None,
        na=None,
        order=20,
    ),
    "matter.within_grassroots_remit": FactDecl(
        path="matter.within_grassroots_remit",
        name="within_grassroots_remit",
        type=FactType.BOOL,
        zh="属于基层权责范围",
        en="within the grassroots' powers and duties",
        question_zh="该事项是否在基层权责范围内？",
        question_en="Is the matter within the grassroots' powers and duties?",
        note="",
        family=None,
        na=None,
        order=21,
    ),
    "instruction.basis": FactDecl(
        path="instruction.basis",
        name="basis",
        type=FactType.SET,
        zh="所落实的批示、纪要或决定",
        en="instructions, minutes or decisions carried out",
        question_zh="是否在落实领导批示、会议纪要或单位领导班子会决定？",
        question_en="Was the subject carrying out a leader's instruction, meeting minutes or a leadership decision?",
        note="",
        family="instruction_basis",
        na=None,
        order=22,
    ),
    "instruction.strictly_followed": FactDecl(
        path="instruction.strictly_followed",
        name="strictly_followed",
        type=FactType.BOOL,
        zh="严格落实",
        en="carried out strictly",
        question_zh="是否严格落实？",
        question_en="Was it carried out strictly?",
        note="",
        family=None,
        na=("无此类批示、纪要或决定", "no such instruction"),
        order=23,
    ),
    "instruction.error_resulted": FactDecl(
        path="instruction.error_resulted",
        name="error_resulted",
        type=FactType.BOOL,
        zh="失误或偏差因严格落实所致",
        en="the error resulted from carrying it out",
        question_zh="工作失误或偏差是否因严格落实所致？",
        question_en="Did the error result from carrying it out?",
        note="",
        family=None,
        na=("无此类批示、纪要或决定", "no such instruction"),
        order=24,
    ),
    "motive.public_spirited": FactDecl(
        path="motive.public_spirited",
        name="public_spirited",
        type=FactType.BOOL,
        zh="主观上出于公心",
        en="acted for the public good",
        question_zh="主观上是否出于公心？",
        question_en="Did the subject act for the public good?",
        note="",
        family=None,
        na=None,
        order=25,
    ),
    "motive.for_development": FactDecl(
        path="motive.for_development",
        name="for_development",
        type=FactType.BOOL,
        zh="以促进发展为目的",
        en="aimed to promote development",
        question_zh="是否以促进发展为目的？",
        question_en="Was the aim to promote development?",
        note="",
        family=None,
        na=None,
        order=26,
    ),
    "procedure.decision_procedure_followed": FactDecl(
        path="procedure.decision_procedure_followed",
        name="decision_procedure_followed",
        type=FactType.BOOL,
        zh="符合决策程序",
        en="followed the decision-making procedure",
        question_zh="是否符合决策程序？",
        question_en="Was the decision-making procedure followed?",
        note="",
        family=None,
        na=None,
        order=27,
    ),
    "procedure.four_two_followed": FactDecl(
        path="procedure.four_two_followed",
        name="four_two_followed",
        type=FactType.BOOL,
        zh="按照“四议两公开”程序进行民主决策和公开公示",
        en="followed the 'four deliberations, two disclosures' procedure",
        question_zh="是否按照“四议两公开”程序进行民主决策和公开公示？",
        question_en="Was the 'four deliberations, two disclosures' procedure followed?",
        note="",
        family=None,
        na=None,
        order=28,
    ),
    "project.conforms_to_plan": FactDecl(
        path="project.conforms_to_plan",
        name="conforms_to_plan",
        type=FactType.BOOL,
        zh="项目本身符合规划",
        en="the project fits the plan",
        question_zh="项目本身是否符合规划？",
        question_en="Does the project fit the plan?",
        note="",
        family=None,
        na=None,
        order=29,
    ),
    "project.conforms_to_rules": FactDecl(
        path="project.conforms_to_rules",
        name="conforms_to_rules",
        type=FactType.BOOL,
        zh="项目本身符合规定",
        en="the project complies with rules",
        question_zh="项目本身是否符合规定？",
        question_en="Does the project comply with the rules?",
        note="",
        family=None,
        na=None,
        order=30,
    ),
    "project.conforms_to_municipal_requirements": FactDecl(
        path="project.conforms_to_municipal_requirements",
        name="conforms_to_municipal_requirements",
        type=FactType.BOOL,
        zh="项目本身符合市委要求",
        en="the project meets the municipal Party committee's requirements",
        question_zh="项目本身是否符合市委要求？",
        question_en="Does the project meet the municipal Party committee's requirements?",
        note="",
        family=None,
        na=None,
        order=31,
    ),
    "village.fits_development": FactDecl(
        path="village.fits_development",
        name="fits_development",
        type=FactType.BOOL,
        zh="符合村（社区）内经济社会事业发展大局",
        en="fits the village's overall development",
        question_zh="是否符合村（社区）内经济社会事业发展大局？",
        question_en="Does it fit the village's (community's) overall development?",
        note="",
        family=None,
        na=None,
        order=32,
    ),
    "village.majority_support": FactDecl(
        path="village.majority_support",
        name="majority_support",
        type=FactType.BOOL,
        zh="符合大多数群众意愿",
        en="matches the wishes of most of the people",
        question_zh="是否符合大多数群众意愿？",
        question_en="Does it match the wishes of most of the people?",
        note="",
        family=None,
        na=None,
        order=33,
    ),
    "petition.handled_properly": FactDecl(
        path="petition.handled_properly",
        name="handled_properly",
        type=FactType.BOOL,
        zh="依法、及时、就地疏导教育、解决问题",
        en="guided and resolved the problem lawfully, promptly and locally",
        question_zh="是否依法、及时、就地疏导教育、解决问题？",
        question_en="Was the problem guided and resolved lawfully, promptly and locally?",
        note="",
        family=None,
        na=None,
        order=34,
    ),
    "petition.duties_fully_performed": FactDecl(
        path="petition.duties_fully_performed",
        name="duties_fully_performed",
        type=FactType.BOOL,
        zh="维护群众合法权益履职尽责到位",
        en="fully performed the duty of protecting people's lawful rights",
        question_zh="维护群众合法权益是否履职尽责到位？",
        question_en="Was the duty of protecting people's lawful rights fully performed?",
        note="",
        family=None,
        na=None,
        order=35,
    ),
    "petition.escalated": FactDecl(
        path="petition.escalated",
        name="escalated",
        type=FactType.BOOL,
        zh="发生赴京到省越级访等情况",
        en="petitions were escalated to Beijing, the province, etc.",
        question_zh="是否仍发生赴京到省越级访等情况？",
        question_en="Were petitions still escalated to Beijing or the province?",
        note="",
        family=None,
        na=None,
        order=36,
    ),
    "petition.verified_causes": FactDecl(
        path="petition.verified_causes",
        name="verified_causes",
        type=FactType.SET,
        zh="经查实的越级访原因",
        en="verified causes of the escalation",
        question_zh="经查实，越级访属于什么原因？",
        question_en="What were the verified causes of the escalation?",
        note="",
        family="petition_cause",
        na=None,
        order=37,
    ),
    "consequences.adverse_impact": FactDecl(
        path="consequences.adverse_impact",
        name="adverse_impact",
        type=FactType.ENUM,
        zh="事项整体造成的不良影响",
        en="adverse impact of the matter as a whole",
        question_zh="事项整体造成了多大不良影响？",
        question_en="What adverse impact did the matter as a whole cause?",
        note="",
        family="impact",
        na=None,
        order=38,
    ),
    "consequences.losses": FactDecl(
        path="consequences.losses",
        name="losses",
        type=FactType.ENUM,
        zh="损失程度",
        en="losses",
        question_zh="造成了多大损失？",
        question_en="How large were the losses?",
        note="",
        family="loss",
        na=None,
        order=39,
    ),
    "consequences.losses_borne_by": FactDecl(
        path="consequences.losses_borne_by",
        name="losses_borne_by",
        type=FactType.SET,
        zh="损失承受方",
        en="who bore the losses",
        question_zh="损失由谁承受？",
        question_en="Who bore the losses?",
        note="",
        family="loss_bearer",
        na=("未造成损失", "no losses"),
        order=40,
    ),
    "consequences.accident_occurred": FactDecl(
        path="consequences.accident_occurred",
        name="accident_occurred",
        type=FactType.BOOL,
        zh="发生安全生产或环境事故",
        en="a work-safety or environmental accident occurred",
        question_zh="是否发生了安全生产或环境事故？",
        question_en="Did a work-safety or environmental accident occur?",
        note="",
        family=None,
        na=None,
        order=41,
    ),
    "consequences.caused_incidents": FactDecl(
        path="consequences.caused_incidents",
        name="caused_incidents",
        type=FactType.SET,
        zh="由当事人的行为或责任造成、引发的事故事件",
        en="accidents or incidents the subject caused",
        question_zh="当事人的行为或责任是否造成、引发了事故事件？（无则为空）",
        question_en="Did the subject's conduct or liability cause any accident or incident? (none if none)",
        note="Not incidents the subject was handling (position 4).",
        family="incident",
        na=None,
        order=42,
    ),
    "remedy.admitted": FactDecl(
        path="remedy.admitted",
        name="admitted",
        type=FactType.BOOL,
        zh="主动认错",
        en="admitted the error on own initiative",
        question_zh="是否主动认错？",
        question_en="Was the error admitted on the subject's own initiative?",
        note="",
        family=None,
        na=None,
        order=43,
    ),
    "remedy.attitude_good": FactDecl(
        path="remedy.attitude_good",
        name="attitude_good",
        type=FactType.BOOL,
        zh="认错改错态度较好",
        en="good attitude to admitting and correcting the error",
        question_zh="认错改错态度是否较好？",
        question_en="Was the attitude to admitting and correcting the error good?",
        note="",
        family=None,
        na=None,
        order=44,
    ),
    "remedy.measures": FactDecl(
        path="remedy.measures",
        name="measures",
        type=FactType.ENUM,
        zh="补救措施",
        en="remedial measures",
        question_zh="是否及时采取了补救措施？",
        question_en="Were remedial measures taken in time?",
        note="",
        family="remedy_timing",
        na=("无需补救", "nothing to remedy"),
        order=45,
    ),
    "remedy.measures_effective": FactDecl(
        path="remedy.measures_effective",
        name="measures_effective",
        type=FactType.BOOL,
        zh="补救措施有效",
        en="remedial measures effective",
        question_zh="补救措施是否有效？",
        question_en="Were the measures effective?",
        note="",
        family=None,
        na=("未采取补救措施", "no measures taken"),
        order=46,
    ),
    "remedy.rectification": FactDecl(
        path="remedy.rectification",
        name="rectification",
        type=FactType.ENUM,
        zh="整改纠错",
        en="rectification",
        question_zh="整改纠错进展如何？",
        question_en="How far has rectification gone?",
        note="",
        family="rectification",
        na=("无需整改", "nothing to rectify"),
        order=47,
    ),
    "remedy.refused_rectification": FactDecl(
        path="remedy.refused_rectification",
        name="refused_rectification",
        type=FactType.BOOL,
        zh="事后拒不整改纠错",
        en="refused afterwards to rectify",
        question_zh="事后是否拒不整改纠错？",
        question_en="Did the subject refuse afterwards to rectify?",
        note="",
        family=None,
        na=("无需整改", "nothing to rectify"),
        order=48,
    ),
    "remedy.deadline_met": FactDecl(
        path="remedy.deadline_met",
        name="deadline_met",
        type=FactType.BOOL,
        zh="在约谈明确的整改时限内完成整改",
        en="rectified within the deadline set in the reminder talk",
        question_zh="是否在约谈提醒明确的整改时限内高质量完成工作任务？",
        question_en="Was the work completed well within the deadline set in the reminder talk?",
        note="",
        family=None,
        na=("未经约谈提醒", "no reminder talk"),
        order=49,
    ),
    "remedy.formalities": FactDecl(
        path="remedy.formalities",
        name="formalities",
        type=FactType.ENUM,
        zh="不完善的手续补办情况",
        en="completion of incomplete formalities",
        question_zh="不完善的手续能否及时补办？",
        question_en="Can the incomplete formalities be completed in time?",
        note="",
        family="formalities_status",
        na=("无手续不完善", "no formalities incomplete"),
        order=50,
    ),
    "remedy.impact_eliminated": FactDecl(
        path="remedy.impact_eliminated",
        name="impact_eliminated",
        type=FactType.BOOL,
        zh="已消除不良影响",
        en="adverse impact eliminated",
        question_zh="不良影响是否已消除？",
        question_en="Has the adverse impact been eliminated?",
        note="",
        family=None,
        na=("未造成不良影响", "no adverse impact"),
        order=51,
    ),
    "remedy.losses_recovered": FactDecl(
        path="remedy.losses_recovered",
        name="losses_recovered",
        type=FactType.BOOL,
        zh="主动挽回损失",
        en="recovered losses on own initiative",
        question_zh="是否主动挽回了损失？",
        question_en="Were losses recovered on the subject's own initiative?",
        note="",
        family=None,
        na=("未造成损失", "no losses"),
        order=52,
    ),
    "remedy.harm_prevented": FactDecl(
        path="remedy.harm_prevented",
        name="harm_prevented",
        type=FactType.BOOL,
        zh="有效阻止危害结果发生",
        en="effectively prevented the harmful result",
        question_zh="是否有效阻止了危害结果发生？",
        question_en="Was the harmful result effectively prevented?",
        note="",
        family=None,
        na=("无危害结果之虞", "no harmful result in prospect"),
        order=53,
    ),
    "remedy.illicit_gains": FactDecl(
        path="remedy.illicit_gains",
        name="illicit_gains",
        type=FactType.ENUM,
        zh="违纪违法所得",
        en="proceeds of the breach",
        question_zh="违纪违法所得是否已主动上交？",
        question_en="Were the proceeds of the breach surrendered?",
        note="",
        family="illicit_gains",
        na=("无违纪违法所得", "no proceeds"),
        order=54,
    ),
    "disclosure.trusted_organisation": FactDecl(
        path="disclosure.trusted_organisation",
        name="trusted_organisation",
        type=FactType.BOOL,
        zh="相信组织、依靠组织",
        en="trusted and relied on the organisation",
        question_zh="是否相信组织、依靠组织？",
        question_en="Did the subject trust and rely on the organisation?",
        note="",
        family=None,
        na=None,
        order=55,
    ),
    "disclosure.kind": FactDecl(
        path="disclosure.kind",
        name="kind",
        type=FactType.ENUM,
        zh="说明问题的方式",
        en="how the problem was disclosed",
        question_zh="是主动向组织说明问题，还是主动投案？",
        question_en="Did the subject explain the problem to the organisation, or give themselves up?",
        note="",
        family="disclosure_kind",
        na=("未主动说明或投案", "no disclosure"),
        order=56,
    ),
    "disclosure.timing": FactDecl(
        path="disclosure.timing",
        name="timing",
        type=FactType.ENUM,
        zh="说明问题的时机",
        en="when it was disclosed",
        question_zh="说明问题或投案时，纪检监察机关掌握问题和谈话、留置的情况如何？",
        question_en="When the subject came forward, what did the commission know, and had any talk or detention begun?",
        note="",
        family="disclosure_timing",
        na=("未主动说明或投案", "no disclosure"),
        order=57,
    ),
    "disclosure.truthful": FactDecl(
        path="disclosure.truthful",
        name="truthful",
        type=FactType.BOOL,
        zh="如实交代违纪违法问题",
        en="gave a truthful account of the breach",
        question_zh="是否如实交代了违纪违法问题？",
        question_en="Was the account of the breach truthful?",
        note="",
        family=None,
        na=("未主动说明或投案", "no disclosure"),
        order=58,
    ),
    "history.reminder_talk": FactDecl(
        path="history.reminder_talk",
        name="reminder_talk",
        type=FactType.BOOL,
        zh="已被约谈提醒",
        en="received a reminder talk",
        question_zh="是否经过约谈提醒？",
        question_en="Was there a reminder talk?",
        note="",
        family=None,
        na=None,
        order=59,
    ),
    "history.exemptions": FactDecl(
        path="history.exemptions",
        name="exemptions",
        type=FactType.RECORDS,
        zh="此前已获容错免责的情况",
        en="earlier exemptions",
        question_zh="此前是否因同类失误、错误获得过容错免责？请列出每一次（无则为空）。",
        question_en="Was the subject exempted before for a mistake of the same kind? List each time (none if never).",
        note="An empty list is a definite \"never exempted\", so no repeat (N8).",
        family=None,
        na=None,
        fields=(
            FactDecl(
                path="history.exemptions[].date",
                name="date",
                type=FactType.DATE,
                zh="容错免责日期",
                en="date of the exemption",
                question_zh="何时获得容错免责？",
                question_en="When was the exemption given?",
                note="",
                family=None,
                na=None,
                order=0,
            ),
            FactDecl(
                path="history.exemptions[].kind",
                name="kind",
                type=FactType.ENUM,
                zh="当时失误、错误的类别",
                en="kind of the error exempted",
                question_zh="当时是哪一类失误、错误？",
                question_en="What kind of error was exempted?",
                note="",
                family="act_kind",
                na=None,
                order=1,
            ),
            FactDecl(
                path="history.exemptions[].matter",
                name="matter",
                type=FactType.TEXT,
                zh="当时的事项",
                en="the matter then",
                question_zh="当时是什么事项？",
                question_en="What was the matter?",
                note="",
                family=None,
                na=None,
                order=2,
            ),
        ),
        record="Exemption",
        order=60,
    ),
    "determinations.P15.holds": FactDecl(
        path="determinations.P15.holds",
        name="holds",
        type=FactType.BOOL,
        zh="P15 认定：是否认定适用",
        en="determination under P15: whether the clause holds",
        question_zh="是否有关于 P15 的认定？是否认定适用？",
        question_en="Is there a determination under P15? whether the clause holds?",
        note="Only a recorded determination decides a catch-all clause.",
        family=None,
        na=None,
        order=61,
    ),
    "determinations.P15.decided_by": FactDecl(
        path="determinations.P15.decided_by",
        name="decided_by",
        type=FactType.TEXT,
        zh="P15 认定：认定机关",
        en="determination under P15: decided by",
        question_zh="是否有关于 P15 的认定？认定机关？",
        question_en="Is there a determination under P15? decided by?",
        note="Only a recorded determination decides a catch-all clause.",
        family=None,
        na=None,
        order=62,
    ),
    "determinations.P15.decided_on": FactDecl(
        path="determinations.P15.decided_on",
        name="decided_on",
        type=FactType.DATE,
        zh="P15 认定：认定日期",
        en="determination under P15: decided on",
        question_zh="是否有关于 P15 的认定？认定日期？",
        question_en="Is there a determination under P15? decided on?",
        note="Only a recorded determination decides a catch-all clause.",
        family=None,
        na=None,
        order=63,
    ),
    "determinations.P15.reason": FactDecl(
        path="determinations.P15.reason",
        name="reason",
        type=FactType.TEXT,
        zh="P15 认定：认定理由",
        en="determination under P15: reason",
        question_zh="是否有关于 P15 的认定？认定理由？",
        question_en="Is there a determination under P15? reason?",
        note="Only a recorded determination decides a catch-all clause.",
        family=None,
        na=None,
        order=64,
    ),
    "determinations.N9.holds": FactDecl(
        path="determinations.N9.holds",
        name="holds",
        type=FactType.BOOL,
        zh="N9 认定：是否认定适用",
        en="determination under N9: whether the clause holds",
        question_zh="是否有关于 N9 的认定？是否认定适用？",
        question_en="Is there a determination under N9? whether the clause holds?",
        note="Only a recorded determination decides a catch-all clause.",
        family=None,
        na=None,
        order=65,
    ),
    "determinations.N9.decided_by": FactDecl(
        path="determinations.N9.decided_by",
        name="decided_by",
        type=FactType.TEXT,
        zh="N9 认定：认定机关",
        en="determination under N9: decided by",
        question_zh="是否有关于 N9 的认定？认定机关？",
        question_en="Is there a determination under N9? decided by?",
        note="Only a recorded determination decides a catch-all clause.",
        family=None,
        na=None,
        order=66,
    ),
    "determinations.N9.decided_on": FactDecl(
        path="determinations.N9.decided_on",
        name="decided_on",
        type=FactType.DATE,
        zh="N9 认定：认定日期",
        en="determination under N9: decided on",
        question_zh="是否有关于 N9 的认定？认定日期？",
        question_en="Is there a determination under N9? decided on?",
        note="Only a recorded determination decides a catch-all clause.",
        family=None,
        na=None,
        order=67,
    ),
    "determinations.N9.reason": FactDecl(
        path="determinations.N9.reason",
        name="reason",
        type=FactType.TEXT,
        zh="N9 认定：认定理由",
        en="determination under N9: reason",
        question_zh="是否有关于 N9 的认定？认定理由？",
        question_en="Is there a determination under N9? reason?",
        note="Only a recorded determination decides a catch-all clause.",
        family=None,
        na=None,
        order=68,
    ),
}
#: where each fact stands in a filing's :func:`fact_vector`
FACT_INDEX: Final[Mapping[str, int]] = {path: i for i, path in enumerate(FACTS)}


def _read_vector(f: Filing) -> tuple[Any, ...]:
    """Every fact in :data:`FACTS` order, read straight off the groups' ``__dict__``s."""
    d = f.__dict__
    g_subject = d["subject"].__dict__
    g_context = d["context"].__dict__
    g_conduct = d["conduct"].__dict__
    g_acts = d["acts"].__dict__
    g_matter = d["matter"].__dict__
    g_instruction = d["instruction"].__dict__
    g_motive = d["motive"].__dict__
    g_procedure = d["procedure"].__dict__
    g_project = d["project"].__dict__
    g_village = d["village"].__dict__
    g_petition = d["petition"].__dict__
    g_consequences = d["consequences"].__dict__
    g_remedy = d["remedy"].__dict__
    g_disclosure = d["disclosure"].__dict__
    g_history = d["history"].__dict__
    g_determinations = d["determinations"].__dict__
    r_P15 = g_determinations["P15"]
    r_N9 = g_determinations["N9"]
    return (
        d["id"],
        d["summary"],
        d["filed_on"],
        g_subject["kind"],
        g_subject["organisation"],
        g_subject["roles"],
        g_subject["enforcement_power"],
        g_context["work_areas"],
        g_conduct["traits"],
        g_conduct["for_work_needs"],
        g_conduct["achievements_notable"],
        g_conduct["found_in_routine_inspection"],
        g_conduct["took_measures_to_stop"],
        g_conduct["reported_to_department"],
        g_conduct["strictest_systems_implemented"],
        g_conduct["found_by_inspection"],
        g_acts["items"],
        g_matter["shortfalls"],
        g_matter["causes"],
        g_matter["circumstances"],
        g_matter["regulatory_duty_elsewhere"],
        g_matter["within_grassroots_remit"],
        g_instruction["basis"],
        g_instruction["strictly_followed"],
        g_instruction["error_resulted"],
        g_motive["public_spirited"],
        g_motive["for_development"],
        g_procedure["decision_procedure_followed"],
        g_procedure["four_two_followed"],
        g_project["conforms_to_plan"],
        g_project["conforms_to_rules"],
        g_project["conforms_to_municipal_requirements"],
        g_village["fits_development"],
        g_village["majority_support"],
        g_petition["handled_properly"],
        g_petition["duties_fully_performed"],
        g_petition["escalated"],
        g_petition["verified_causes"],
        g_consequences["adverse_impact"],
        g_consequences["losses"],
        g_consequences["losses_borne_by"],
        g_consequences["accident_occurred"],
        g_consequences["caused_incidents"],
        g_remedy["admitted"],
        g_remedy["attitude_good"],
        g_remedy["measures"],
        g_remedy["measures_effective"],
        g_remedy["rectification"],
        g_remedy["refused_rectification"],
        g_remedy["deadline_met"],
        g_remedy["formalities"],
        g_remedy["impact_eliminated"],
        g_remedy["losses_recovered"],
        g_remedy["harm_prevented"],
        g_remedy["illicit_gains"],
        g_disclosure["trusted_organisation"],
        g_disclosure["kind"],
        g_disclosure["timing"],
        g_disclosure["truthful"],
        g_history["reminder_talk"],
        g_history["exemptions"],
        None if r_P15 is None else r_P15.holds,
        None if r_P15 is None else r_P15.decided_by,
        None if r_P15 is None else r_P15.decided_on,
        None if r_P15 is None else r_P15.reason,
        None if r_N9 is None else r_N9.holds,
        None if r_N9 is None else r_N9.decided_by,
        None if r_N9 is None else r_N9.decided_on,
        None if r_N9 is None else r_N9.reason,
    )


def fact_vector(filing: Filing) -> tuple[Any, ...]:
    """Every fact of ``filing`` in :data:`FACTS` order (positions in :data:`FACT_INDEX`),
    ``None`` for an unknown one. Made with the filing, like the filing immutable."""
    facts: tuple[Any, ...] = filing.__pydantic_private__["_facts"]  # type: ignore[index]
    return facts


def filing_json_schema() -> dict[str, Any]:
    """The JSON Schema of a v2 filing, with Chinese titles on every fact and value."""
    schema = Filing.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://rongcuo.invalid/schema/filing-v2.json"
    return schema
