# Kept apart from kechuang.core.api: DRF's GenericAPIView reads DEFAULT_PAGINATION_CLASS when its module is
# imported, so the pagination class must live in a module that does not itself import DRF's views.
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Lists come as ``{"count": N, "next": ..., "previous": ..., "results": [...]}``."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
