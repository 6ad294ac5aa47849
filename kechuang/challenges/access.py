"""Who may reach each URL of 揭榜挂帅 (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

T = "challenges/tests/test_access.py"
S = "challenges/tests/test_stages.py"  # 验收, 立题审核 edit/merge, declared conflicts, milestone files

ACCESS_MATRIX: dict[str, str] = {
    "challenges:board": "public",  # open challenges, deadline, applicant count
    "challenges:mine": "login",  # own challenges, applications and review assignments
    "challenges:new": T,  # users with an organisation; others 403
    "challenges:detail": T,  # published: public; drafts: issuer and staff; 404 otherwise
    "challenges:transition": T,
    "challenges:edit": S,  # staff while 需求征集/立题审核; the issuer while a draft; 403 otherwise
    "challenges:merge": S,  # post-bureau
    "challenges:acceptance": S,  # assigned acceptance experts only; 404 otherwise
    "challenges:acceptance_save": S,
    "challenges:assignment_transition": S,  # the assigned expert (申报回避); 404 for others
    "challenges:milestone_file_upload": S,  # the winning team only
    "challenges:milestone_file": S,  # issuer, winning team, assigned experts, staff; 404 otherwise
    "challenges:assign": T,  # post-bureau
    "challenges:invite": T,
    "challenges:objection_new": T,  # signed-in users, only during 公示
    "challenges:objection_resolve": T,  # post-bureau
    "challenges:question_new": T,
    "challenges:question_answer": T,
    "challenges:apply": T,
    "challenges:review": T,  # assigned experts only; 404 otherwise
    "challenges:review_save": T,
    "challenges:application": T,  # the team, the issuer, assigned experts, staff; 404 otherwise
    "challenges:application_transition": T,
    "challenges:milestone_transition": T,
    "challenge-list": "public",
    "challenge-detail": T,
    "challenge-application-list": "login",
    "challenge-application-detail": T,
    "challenge-review-list": "login",
    "challenge-review-detail": T,
    "challenge-milestone-list": "login",
    "challenge-milestone-detail": T,
}
