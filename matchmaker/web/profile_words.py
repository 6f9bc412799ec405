"""The words of a partner's own pages (/profile, /products/...), in Chinese and English."""

from __future__ import annotations

from matchmaker.web.i18n import Words

__all__ = ["WORDS"]

WORDS: Words = {
    "profile_title": ("机构资料", "Organisation profile"),
    "profile_intro": (
        "社区和撮合算法会看到这些信息；联系方式只对统筹协调员和已与本机构确认合作的社区显示。",
        "Communities and the matching see this; the contact shows only to coordinators and to "
        "communities you have a confirmed partnership with.",
    ),
    "saved": ("已保存。", "Saved."),
    "fixed_fields": ("由统筹协调员认定", "Set by a coordinator"),
    "fixed_hint": (
        "机构类型、评估等级和认证状态由统筹协调员核定，如需更改请联系协调员。",
        "Kind, grade and verification are set by a coordinator; ask one to change them.",
    ),
    "kind": ("机构类型", "Kind"),
    "grade": ("评估等级", "Grade"),
    "verified": ("认证", "Verified"),
    "yes": ("已认证", "Verified"),
    "no": ("未认证", "Not verified"),
    "none": ("无", "None"),
    "org_name": ("机构名称", "Name"),
    "description": ("简介", "Description"),
    "website": ("网站", "Website"),
    "website_hint": ("以 http:// 或 https:// 开头", "Starting with http:// or https://"),
    "categories": ("服务领域", "Fields of work"),
    "resource_types": ("可提供的资源", "Resources offered"),
    "districts": ("服务区县", "Districts served"),
    "remote": ("可线上/远程服务", "Can serve remotely"),
    "remote_resource_types": ("可远程提供的资源", "Resources it can deliver from afar"),
    "remote_hint": (
        "只勾选不必到现场也能提供的，例如资金、线上培训、咨询、寄送物品。",
        "Only what needs nobody on site: money, online training, advice, shipped goods.",
    ),
    "remote_not_offered": (
        "远程提供的资源须是上面勾选的可提供资源之一",
        "What it delivers from afar must be among the resources it offers, ticked above",
    ),
    "service_radius_km": ("上门服务半径（公里）", "On-site service radius (km)"),
    "radius_hint": (
        "除所选区县外，离机构所在地多远以内可以上门服务，0–500。",
        "Besides the districts ticked, how far from your base you come on site, 0–500.",
    ),
    "capacity": ("可同时承接的合作数", "Partnerships at once"),
    "lat": ("纬度", "Latitude"),
    "lon": ("经度", "Longitude"),
    "location_hint": ("机构所在位置，用于计算距离。", "Where the organisation is (for distances)."),
    "contact_name": ("联系人", "Contact person"),
    "contact_phone": ("联系电话", "Contact phone"),
    "contact_email": ("联系邮箱", "Contact e-mail"),
    "contact": ("联系方式", "Contact"),
    "my_products": ("我的产品", "My products"),
    "products_intro": (
        "本机构提供的服务产品，会出现在产品库中供社区选用。",
        "Service products your organisation offers; communities find them in the product library.",
    ),
    "new_product": ("新增产品", "New product"),
    "edit_product": ("修改产品", "Edit product"),
    "no_products": ("还没有产品。", "No products yet."),
    "add_first": ("新增第一个产品", "Add your first product"),
    "product_name": ("产品名称", "Name"),
    "category": ("类别", "Category"),
    "target_groups": ("服务对象", "For"),
    "delivery_mode": ("服务方式", "Delivery"),
    "price": ("价格（元，0 表示公益免费）", "Price (CNY; 0 = free)"),
    "free": ("公益", "Free"),
    "yuan": ("元", "CNY"),
    "capacity_per_month": ("每月可服务人次", "People served per month"),
    "edit": ("修改", "Edit"),
    "archive": ("下架产品", "Archive product"),
    "archive_confirm": (
        "我确认下架这个产品（它会从产品库中消失）",
        "I confirm: archive this product (it leaves the product library)",
    ),
    "archive_needs_confirm": ("请先勾选确认", "Tick the box to confirm"),
    "done_created": ("产品已新增。", "Product added."),
    "done_saved": ("产品已保存。", "Product saved."),
    "done_archived": ("产品已下架。", "Product archived."),
    "back_to_products": ("返回我的产品", "Back to my products"),
    "profile": ("机构资料", "Profile"),
    "bad_website": (
        "请填写以 http:// 或 https:// 开头的完整网址",
        "Enter a full address starting with http:// or https://",
    ),
    "bad_email": (
        "请填写有效的邮箱地址，例如 name@example.org",
        "Enter an e-mail such as name@example.org",
    ),
    "stale": (
        "在您编辑期间，别人已经修改了这里的内容；您的修改没有保存，以免覆盖对方的修改。",
        "Someone else changed this while you were editing it; your change was not saved, so as "
        "not to overwrite theirs.",
    ),
    "stale_reload": ("重新载入最新内容", "Reload the current version"),
    "name_taken": (
        "本机构已有同名产品，请换一个名称。",
        "Your organisation already has a product by that name.",
    ),
}
