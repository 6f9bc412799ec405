"""Every page route, in one list the app mounts (one line per page module's handlers)."""

from __future__ import annotations

from typing import Any

from matchmaker.web.accounts import (
    account_active,
    account_areas,
    account_create,
    account_password,
    accounts,
)
from matchmaker.web.audit_log import audit_csv, audit_page
from matchmaker.web.board import board, express_interest, withdraw_interest
from matchmaker.web.dashboard import dashboard
from matchmaker.web.fair import fair_page, handbook_pdf
from matchmaker.web.inbox import inbox
from matchmaker.web.inbox_actions import (
    accept_proposal,
    cancel_partnership,
    complete_partnership,
    decline_interest,
    decline_proposal,
    invite_interest,
    review_partnership,
)
from matchmaker.web.inbox_actions import withdraw_interest as inbox_withdraw_interest
from matchmaker.web.libraries import libraries, library_item, library_list
from matchmaker.web.library_forms import archive_item, edit_form, edit_submit, new_form, new_submit
from matchmaker.web.library_sheets import (
    library_export,
    library_import_form,
    library_import_submit,
)
from matchmaker.web.my_needs import my_needs
from matchmaker.web.need_forms import edit_need, new_need, post_need, save_need
from matchmaker.web.need_import import import_form, import_submit, import_template
from matchmaker.web.need_interest import express_interest as need_express_interest
from matchmaker.web.need_interest import withdraw_interest as need_withdraw_interest
from matchmaker.web.need_templates import (
    template_archive,
    template_create,
    template_edit,
    template_save,
    templates_page,
)
from matchmaker.web.needs import need_detail, need_status
from matchmaker.web.notifications import (
    bell,
    notifications_page,
    open_notification,
    read_all,
    robot_add,
    robot_switch,
    robots_page,
    settings_page,
    settings_save,
)
from matchmaker.web.profile import (
    archive_product,
    edit_product,
    my_products,
    new_product,
    profile_form,
    profile_save,
    save_new_product,
    save_product,
)
from matchmaker.web.registration import (
    register_form,
    register_status,
    register_submit,
    registration_approve,
    registration_refuse,
    registrations_page,
)
from matchmaker.web.reports import report_page, report_workbook
from matchmaker.web.round_sheet import round_sheet
from matchmaker.web.rounds import (
    round_again,
    round_page,
    round_progress,
    rounds_page,
    rounds_submit,
)
from matchmaker.web.session import login_form, login_submit, logout
from matchmaker.web.share import need_qr
from matchmaker.web.synonyms import synonym_add, synonym_remove, synonyms_page
from matchmaker.web.threads import thread, write_message
from matchmaker.web.verification import (
    evidence_file,
    evidence_refuse,
    evidence_submit,
    evidence_verify,
    verification_page,
)

__all__ = ["PAGES"]

PAGES: list[Any] = [
    board,
    express_interest,
    withdraw_interest,
    login_form,
    login_submit,
    logout,
    need_detail,
    need_status,
    need_express_interest,
    need_withdraw_interest,
    need_qr,
    my_needs,
    new_need,
    post_need,
    edit_need,
    save_need,
    templates_page,
    template_create,
    template_edit,
    template_save,
    template_archive,
    import_form,
    import_submit,
    import_template,
    libraries,
    library_export,
    library_import_form,
    library_import_submit,
    library_list,
    library_item,
    new_form,
    new_submit,
    edit_form,
    edit_submit,
    archive_item,
    inbox,
    accept_proposal,
    decline_proposal,
    complete_partnership,
    review_partnership,
    cancel_partnership,
    inbox_withdraw_interest,
    invite_interest,
    decline_interest,
    thread,
    write_message,
    profile_form,
    profile_save,
    my_products,
    new_product,
    save_new_product,
    edit_product,
    save_product,
    archive_product,
    rounds_page,
    rounds_submit,
    round_page,
    round_progress,
    round_again,
    round_sheet,
    dashboard,
    report_page,
    report_workbook,
    fair_page,
    handbook_pdf,
    bell,
    notifications_page,
    open_notification,
    read_all,
    settings_page,
    settings_save,
    robots_page,
    robot_add,
    robot_switch,
    synonyms_page,
    synonym_add,
    synonym_remove,
    register_form,
    register_submit,
    register_status,
    registrations_page,
    registration_approve,
    registration_refuse,
    verification_page,
    evidence_submit,
    evidence_file,
    evidence_verify,
    evidence_refuse,
    audit_page,
    audit_csv,
    accounts,
    account_create,
    account_active,
    account_password,
    account_areas,
]
