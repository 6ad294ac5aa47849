"""Who may reach each URL of the indicators app (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

PAGES = "indicators/tests/test_pages.py"

ACCESS_MATRIX: dict[str, str] = {
    "indicators:dashboard": "bureau",  # staff dashboard with the recompute button
    "indicators:display": "public",  # 大数据展示: published statistics, no personal data
    "indicators:recompute": "post-bureau",
    "indicators:import": "bureau",
    "indicators:report": "public",
    "indicators:report_pdf": "public",  # the same report as PDF
    "indicators:registry_xlsx": "public",
    "indicators:chart_xlsx": PAGES,  # public: every chart's numbers
    "indicators:detail": PAGES,  # public; the entry form only for staff
    "indicators:observe": PAGES,  # POST; staff only
    "indicator-list": "public",
    "indicator-observations": PAGES,  # GET public; POST staff only
}
