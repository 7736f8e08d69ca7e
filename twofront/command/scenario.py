"""The command centre's part of the reference scenarios (twofront.core.scenarios).

guiyang-2020: the leading group and the 8 special work groups staffed by 114 people seconded from the
city's departments (the article's figures). The group names and departments are illustrative: the article
gives only the counts. Written with the ORM directly while the command services are being built.
"""

import datetime

from twofront.command.choices import MemberRole
from twofront.command.models import WorkGroup, WorkGroupMember
from twofront.core.models import Region
from twofront.core.scenarios import step

GY = "guiyang-2020"

# (name, remit, departments the staff came from, staff)
GROUPS = [
    ("综合协调组", "统筹协调、值班带班、信息报送", ("市政府办公厅", "市委办公厅"), 16),
    ("疫情防控组", "卡口管控、社区防控、重点人员排查", ("市卫生健康局", "市公安局"), 16),
    ("医疗救治组", "定点医院、发热门诊、患者救治", ("市卫生健康局", "市疾控中心"), 14),
    ("物资保障组", "防疫物资和生活物资调配、定点配送", ("市商务局", "市工业和信息化局"), 14),
    ("宣传舆情组", "防控宣传、舆情引导", ("市委宣传部", "市融媒体中心"), 12),
    ("社会稳定组", "社会面管控、场所关闭", ("市公安局", "市文化和旅游局"), 14),
    ("督导检查组", "督促检查、问题整改", ("市纪委监委", "市委督查室"), 14),
    ("复工复产组", "企业复工复产、驻企专员、政策兑现", ("市发展改革委", "市工业和信息化局"), 14),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰红梅建国志斌海波晓东"


@step(GY, order=10, name="command.work_groups")
def work_groups(ctx) -> None:
    city = Region.objects.filter(parent__isnull=True).order_by("path").first()
    formed = ctx.start + datetime.timedelta(days=2)
    groups, members = [], []
    if any(f.name == "leading" for f in WorkGroup._meta.concrete_fields):
        groups.append(WorkGroup(name="疫情防控领导小组", remit="市委、市政府主要领导任双组长", region=city, leading=True))
    for name, remit, _departments, _staff in GROUPS:
        groups.append(WorkGroup(name=name, remit=remit, region=city))
    groups = WorkGroup.objects.bulk_create(groups)
    special = groups[-len(GROUPS):]
    WorkGroup.objects.filter(pk__in=[g.pk for g in groups]).update(created_at=ctx.moment(formed, 9))
    k = 0
    for group, (_name, _remit, departments, staff) in zip(special, GROUPS, strict=True):
        for i in range(staff):
            k += 1
            name = SURNAMES[k * 7 % len(SURNAMES)] + GIVEN[k * 11 % len(GIVEN)] + ("" if k % 3 else GIVEN[k * 5 % len(GIVEN)])
            role = MemberRole.LEADER if i == 0 else MemberRole.DEPUTY if i == 1 else MemberRole.MEMBER
            members.append(WorkGroupMember(group=group, name=name, department=departments[i % len(departments)],
                                           role=role))
    WorkGroupMember.objects.bulk_create(members)
    ids = [g.pk for g in special]
    ctx.expect(None, len(GROUPS), "抽调114人组建8个专项工作小组：8 groups",
               count=lambda: WorkGroup.objects.filter(pk__in=ids).count())
    ctx.expect(None, sum(g[3] for g in GROUPS), "抽调114人组建8个专项工作小组：114 staff",
               count=lambda: WorkGroupMember.objects.filter(group_id__in=ids).count())
