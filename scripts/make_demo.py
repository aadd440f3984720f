#!/usr/bin/env python3
"""Writes assets/demo.json: kehu's demo book of customers.

Dates are relative to the day the demo is loaded (days_ago / due_in_days), so the demo always looks
current. Deterministic (fixed seed): rerunning produces the same file.
Usage: python3 scripts/make_demo.py > assets/demo.json
"""
import json
import random

rng = random.Random(20261122)

OWNERS = ["li.na", "wang.lei", "emma"]
CITIES_CN = ["上海", "北京", "深圳", "杭州", "广州", "成都", "南京", "苏州", "武汉", "西安"]
CITIES_EN = ["Singapore", "London", "Berlin", "San Francisco", "Sydney", "Toronto", "Hong Kong"]
SURNAMES = ["张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "单", "曾", "解"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建国", "丽华", "晓东", "志强", "海燕", "子轩", "雨桐"]
FIRST_EN = ["Emma", "Liam", "Olivia", "Noah", "Sophia", "James", "Mia", "Lucas", "Amelia", "Jose", "Zoe", "Henry", "Chloe", "Jack", "Grace", "Tom"]
LAST_EN = ["Smith", "Müller", "García", "Brown", "Taylor", "Wilson", "O'Neil", "Martin", "Lee", "Walker", "Young", "Hall", "Allen", "Wright"]
COMPANY_CN = ["星辰科技有限公司", "华东贸易有限公司", "恒信制造有限公司", "云图软件有限公司", "百川物流有限公司", "金桥电子有限公司",
              "瑞丰食品有限公司", "宏远建材有限公司", "青禾教育科技有限公司", "锦程医疗器械有限公司", "东方印务有限公司", "远航汽车配件有限公司"]
COMPANY_EN = ["Northwind Traders", "Blue Harbor Foods", "Acme Robotics", "Greenleaf Studios", "Summit Logistics", "Brightpath Learning",
              "Atlas Components", "Redwood Analytics"]
PRODUCTS = [("年度服务套餐", 1200000), ("软件许可 (10 用户)", 480000), ("Hardware kit", 259900), ("Consulting day", 150000),
            ("维保服务", 80000), ("培训课程", 60000), ("Premium support", 99000), ("定制开发", 2500000), ("耗材补货", 35000)]
SOURCES = ["展会", "转介绍", "官网", "Referral", "Website", "Cold call", "微信公众号", "Trade show"]
TAGS = ["重点", "续约", "华东", "新品兴趣", "price-sensitive", "reseller", "enterprise", "VIP活动"]
CALL_SUMMARIES = ["电话沟通续约意向", "确认下季度采购计划", "回访产品使用情况", "Discussed renewal terms", "Follow-up on the quote",
                  "Checked delivery status", "了解新需求", "介绍新产品功能", "Quarterly check-in", "处理发票问题"]
EMAIL_SUMMARIES = ["发送报价单", "Sent the proposal", "寄送合同草稿", "Shared product brochure", "发送会议纪要"]
MEETING_SUMMARIES = ["季度业务回顾会议", "Product demo with the team", "上门拜访,参观工厂", "Contract negotiation meeting", "技术交流会"]
NOTE_SUMMARIES = ["客户反馈价格偏高", "Prefers contact in the morning", "下月预算审批", "Decision maker changes in Q1", "对售后响应速度满意"]
TODO_TITLES = ["回电确认报价", "Send revised quote", "安排上门拜访", "Check in after delivery", "发送节日问候", "Confirm renewal",
               "整理需求清单", "Invite to product webinar", "跟进付款进度", "Schedule quarterly review"]
NEEDS = ["希望缩短交货周期", "Needs bilingual invoices", "关注性价比,批量采购有折扣需求", "Wants a dedicated account contact",
         "需要定期培训", "Interested in the annual plan", None, None]
SERVICE = ["每季度上门巡检", "24h support line", "优先发货", "Monthly usage report", None, None]


def phone_cn():
    p = rng.choice(["138", "139", "136", "150", "186", "177"])
    return f"{p} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


def phone_en():
    return rng.choice([
        f"+65 {rng.randint(6000, 9999)} {rng.randint(1000, 9999)}",
        f"+44 20 {rng.randint(7000, 7999)} {rng.randint(1000, 9999)}",
        f"+1 (415) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        f"+49 30 {rng.randint(100000, 999999)} x{rng.randint(10, 99)}",
    ])


def slug(s):
    return "".join(c for c in s.lower() if c.isascii() and c.isalnum()) or "kehu"


def make_customer(i):
    chinese = i % 3 != 2
    b2b = i % 2 == 0
    if chinese:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        city = rng.choice(CITIES_CN)
        company = (city + rng.choice(COMPANY_CN)) if b2b else None
        phone = phone_cn()
        email = f"user{i}@{rng.choice(['qq.com', '163.com', 'example.cn'])}"
    else:
        first, last = rng.choice(FIRST_EN), rng.choice(LAST_EN)
        name = f"{first} {last}"
        city = rng.choice(CITIES_EN)
        company = rng.choice(COMPANY_EN) if b2b else None
        phone = phone_en()
        email = f"{slug(first)}.{slug(last)}{i}@example.com"
    tier = ["vip", "regular", "regular", "potential"][i % 4]
    stage = ["customer", "customer", "prospect", "lead", "customer", "churned"][i % 6]
    c = {
        "name": name,
        "company": company,
        "kind": "b2b" if b2b else "b2c",
        "tier": tier,
        "stage": stage,
        "email": email,
        "phone": phone,
        "city": city,
        "owner": OWNERS[i % len(OWNERS)],
        "channel": rng.choice(["phone", "email", "wechat", "visit", "meeting", "sms"]),
        "source": rng.choice(SOURCES),
        "tags": sorted(set(rng.sample(TAGS, rng.randint(0, 2)))),
    }
    if rng.random() < 0.15:
        c["cadence_days"] = rng.choice([7, 21, 45, 60])
    if rng.random() < 0.5:
        c["birthday_in_days"] = rng.randint(-200, 160)
        c["born_years_ago"] = rng.randint(25, 60)
    needs = rng.choice(NEEDS)
    if needs:
        c["needs"] = needs
    service = rng.choice(SERVICE)
    if service:
        c["service_needs"] = service
    if b2b:
        c["address"] = (city + "市" + rng.choice(["浦东新区", "朝阳区", "南山区", "西湖区", "天河区"]) + f"{rng.randint(1, 999)}号") if chinese \
            else f"{rng.randint(1, 200)} {rng.choice(['Market St', 'High Street', 'Orchard Rd', 'King St'])}"
        contacts = []
        for k in range(rng.randint(1, 3)):
            if chinese:
                cn = rng.choice(SURNAMES) + rng.choice(GIVEN)
                contacts.append({"name": cn, "title": rng.choice(["采购经理", "总经理", "财务主管", "技术负责人"]),
                                 "phone": phone_cn(), "email": f"c{i}{k}@example.cn", "primary": k == 0})
            else:
                cn = f"{rng.choice(FIRST_EN)} {rng.choice(LAST_EN)}"
                contacts.append({"name": cn, "title": rng.choice(["Purchasing", "CEO", "Finance", "CTO"]),
                                 "phone": phone_en(), "email": f"{slug(cn)}{i}{k}@example.com", "primary": k == 0})
        c["contacts"] = contacts
        c["fields"] = {"industry": rng.choice(["制造", "零售", "Software", "Logistics", "教育"]),
                       "employees": str(rng.choice([20, 50, 120, 500, 2000]))}

    # Timeline: more for VIPs; churned and some others drift (no recent contact) to show risk.
    n = {"vip": 12, "regular": 7, "potential": 4}[tier] + rng.randint(0, 4)
    newest = rng.randint(0, 20)
    if stage == "churned" or i % 7 == 3:
        newest = rng.randint(120, 250)
    days = sorted({newest} | {rng.randint(newest, 364) for _ in range(n - 1)})
    interactions = []
    for d in days:
        kind = rng.choice(["call", "call", "call", "email", "meeting", "visit", "message", "note"])
        summary = rng.choice({"call": CALL_SUMMARIES, "email": EMAIL_SUMMARIES, "meeting": MEETING_SUMMARIES,
                              "visit": MEETING_SUMMARIES, "message": CALL_SUMMARIES, "note": NOTE_SUMMARIES}[kind])
        e = {"days_ago": d, "time": f"{rng.randint(9, 18):02d}:{rng.choice(['00', '15', '30', '45'])}",
             "kind": kind, "summary": summary, "by": OWNERS[i % len(OWNERS)]}
        if rng.random() < 0.3:
            e["details"] = rng.choice(["客户希望下周前收到正式报价。\n需要附上交付时间表。",
                                       "They asked for references from two similar clients.",
                                       "预算已批,等待法务审核合同。", "Mentioned a competitor's lower price; send a comparison."])
        interactions.append(e)
    c["interactions"] = interactions

    if stage in ("customer", "churned"):
        purchases = []
        for _ in range(rng.randint(1, 6 if tier == "vip" else 3)):
            product, base = rng.choice(PRODUCTS)
            amount = base * rng.choice([1, 1, 2, 3]) // 100
            purchases.append({"days_ago": rng.randint(5, 360), "product": product, "amount": f"{amount}.00"})
        c["purchases"] = purchases

    todos = []
    if stage != "churned":
        for _ in range(rng.choice([0, 1, 1, 2])):
            todos.append({"due_in_days": rng.choice([-9, -4, -2, -1, 0, 0, 1, 2, 3, 5, 8, 14, 21]),
                          "title": rng.choice(TODO_TITLES),
                          "priority": rng.choice(["low", "normal", "normal", "high"]),
                          "assignee": OWNERS[i % len(OWNERS)]})
    if tier == "vip" and i % 8 == 0:
        todos.append({"due_in_days": rng.randint(0, 25), "title": "月度回访 Monthly check-in", "every": "1m",
                      "priority": "normal", "assignee": OWNERS[i % len(OWNERS)]})
    if todos:
        c["todos"] = todos
    return c


COMPLAINTS = ["交货延迟两周", "Invoice amount is wrong", "产品质量问题,要求更换", "Support did not call back",
              "安装人员迟到", "Damaged on arrival"]
INQUIRIES = ["咨询批量采购折扣", "Asks about the API", "询问保修期", "Wants a training schedule"]
SURVEY_COMMENTS = ["服务很好", "Quick response, thanks", "价格偏高", "Delivery was slow", None, None]
DEAL_TITLES = ["年度服务续约", "Fleet upgrade", "新生产线设备", "Pilot project", "培训课程采购", "Enterprise licence"]


def add_history(c, i):
    # When the customer was added, and when they moved through the stages.
    c["created_days_ago"] = rng.randint(20, 700)
    if c["stage"] in ("customer", "churned"):
        c["converted_days_ago"] = rng.randint(1, c["created_days_ago"] - 1) if i % 5 else rng.randint(1, 25)
    if c["stage"] == "churned":
        # Churn happens in the last four months, to customers won well before.
        c["churned_days_ago"] = rng.randint(1, 120)
        c["converted_days_ago"] = rng.randint(c["churned_days_ago"] + 60, 720)
        c["created_days_ago"] = max(c["created_days_ago"], c["converted_days_ago"] + 10)


def add_workflows(c, i):
    # Complaints: some fresh (inside the 24-hour rule), some overdue, some answered.
    if i % 9 == 1:
        hours = [3, 20, 30, 52, 100][i % 5]
        t = {"hours_ago": hours, "kind": "complaint", "severity": ["normal", "high", "critical"][i % 3],
             "summary": rng.choice(COMPLAINTS)}
        if i % 18 == 1:
            t["responded_after_hours"] = 6
        c["tickets"] = [t]
    elif i % 13 == 4:
        c["tickets"] = [{"hours_ago": 48, "kind": "inquiry", "severity": "low", "summary": rng.choice(INQUIRIES),
                         "responded_after_hours": 2, "resolved": True}]
    if c["stage"] in ("customer", "churned") and i % 3 != 2:
        surveys = []
        for k in range(rng.randint(1, 3)):
            low = i % 11 == 5
            score = (lambda: rng.randint(1, 3)) if low else (lambda: rng.randint(3, 5))
            surveys.append({"days_ago": 20 + 60 * k + rng.randint(0, 20), "quality": score(), "attitude": score(),
                            "speed": score(), "comment": rng.choice(SURVEY_COMMENTS)})
        c["surveys"] = surveys
    if c["kind"] == "b2b" and i % 4 == 0:
        stage = ["qualified", "needs_analysis", "proposal", "negotiation", "won", "lost"][(i // 4) % 6]
        d = {"title": rng.choice(DEAL_TITLES), "amount": f"{rng.choice([20000, 85000, 150000, 400000])}.00", "stage": stage,
             "close_in_days": rng.choice([-12, -3, 5, 20, 45])}
        if stage == "lost":
            d["lost_reason"] = rng.choice(["价格", "Chose a competitor", "预算取消"])
        c["deals"] = [d]


customers = [make_customer(i) for i in range(96)]
for i, c in enumerate(customers):
    add_workflows(c, i)
    add_history(c, i)
# Birthdays in the coming week for a few VIPs, so greetings and the Today queue show them.
for i, days in [(4, 2), (8, 5), (12, 0)]:
    customers[i]["birthday_in_days"] = days
    customers[i]["born_years_ago"] = 40 + i
campaigns = [{"name": "秋季新品发布会 Autumn launch", "days_ago": 10,
              "invited": [i for i in range(0, 96, 5)], "attended": [i for i in range(0, 96, 10)],
              "responded": [i for i in range(0, 96, 15)]},
             {"name": "VIP 客户答谢会", "days_ago": -14, "invited": [i for i in range(0, 96, 4)], "attended": [], "responded": []}]
# A few fixed ones that the docs and tests can rely on.
customers[0].update({"name": "张伟", "company": "上海星辰科技有限公司", "tier": "vip", "stage": "customer", "city": "上海",
                     "address": "上海市浦东新区张江路88号"})
customers[0]["todos"] = [{"due_in_days": 0, "title": "回电确认年度合同", "priority": "high", "assignee": "li.na"},
                         {"due_in_days": -3, "title": "发送修改后的报价", "priority": "normal", "assignee": "li.na"}]
customers[2].update({"name": "José Müller", "company": None, "kind": "b2c", "city": "Berlin"})
customers[2].pop("contacts", None)
customers[2].pop("fields", None)
customers[2].pop("address", None)
json.dump({"format": "kehu-demo", "version": 1, "customers": customers, "campaigns": campaigns}, fp=__import__("sys").stdout,
          ensure_ascii=False, indent=1)
print()
