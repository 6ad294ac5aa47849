from django.contrib import admin

from kechuang.contracts.models import Contract


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("registration_number", "title", "contract_type", "technology_field", "seller_name", "buyer_name",
                    "contract_amount", "transaction_amount", "status", "registered_on")
    list_filter = ("status", "contract_type", "technology_field", "source")
    search_fields = ("registration_number", "title", "seller_name", "buyer_name", "seller_credit_code",
                     "buyer_credit_code")
    raw_id_fields = ("seller_organisation", "buyer_organisation", "achievement", "demand", "created_by")
    date_hierarchy = "registered_on"
