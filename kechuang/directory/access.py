"""Who may reach each URL of the directory app, in the vocabulary of kechuang/core/tests/test_access_matrix.py.
The full table of every audience (anonymous, outsider, member, bureau) is
test_every_directory_url_with_anonymous_and_outsider in tests/test_permissions.py."""

PERMISSIONS_TESTS = "directory/tests/test_permissions.py"
WORKSPACE_TESTS = "directory/tests/test_workspace_resources.py"
CONTACTS_TESTS = "directory/tests/test_contacts.py"

ACCESS_MATRIX: dict[str, str] = {
    "directory:organisation_list": "public",
    "directory:person_list": "public",
    "directory:platform_list": "public",
    "directory:instrument_list": "public",
    "directory:organisation_detail": PERMISSIONS_TESTS,  # public for approved organisations
    "directory:person_detail": PERMISSIONS_TESTS,  # public; contact details per contacts.py
    "directory:platform_detail": PERMISSIONS_TESTS,
    "directory:instrument_detail": PERMISSIONS_TESTS,
    "directory:export": PERMISSIONS_TESTS,  # public lists; personal contacts bureau only, official approved accounts
    # Contact requests (contacts.py): any signed-in user asks; the person's organisation or the bureau decides.
    "directory:contact_request_create": CONTACTS_TESTS,  # any signed-in user; anonymous to the login page
    "directory:contact_requests": "login",
    "directory:contact_request_decide": CONTACTS_TESTS,  # POST; the person's organisation or bureau, others 404
    "directory:contact_reveals": "bureau",
    "directory:import_start": "bureau",
    "directory:import_template": PERMISSIONS_TESTS,  # bureau only
    "directory:import_preview": PERMISSIONS_TESTS,  # bureau only
    "directory:profile_edit": "login",  # the user's own organisation only
    "directory:figures_edit": "login",
    # The organisation's own people, platforms and instruments: users with an organisation (others 403); edit and
    # delete reach only rows of the user's own organisation (another organisation's row is a 404), bureau any.
    "directory:my_resources": "login",
    "directory:person_create": "login",
    "directory:platform_create": "login",
    "directory:instrument_create": "login",
    "directory:person_edit": WORKSPACE_TESTS,
    "directory:platform_edit": WORKSPACE_TESTS,
    "directory:instrument_edit": WORKSPACE_TESTS,
    "directory:person_delete": WORKSPACE_TESTS,  # POST only
    "directory:platform_delete": WORKSPACE_TESTS,
    "directory:instrument_delete": WORKSPACE_TESTS,
    "organisation-list": "public",
    "person-list": "public",
    "platform-list": "public",
    "instrument-list": "public",
    "organisation-detail": PERMISSIONS_TESTS,
    "person-detail": PERMISSIONS_TESTS,
    "platform-detail": PERMISSIONS_TESTS,
    "instrument-detail": PERMISSIONS_TESTS,
}
