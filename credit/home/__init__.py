"""The home's own self-service as a JSON API (机构端接口): `/api/v1/my/...`, for a home's own software.

The same service calls as the /my pages (portal/my), the same scope (the user's own USCC) and the same post limit.
"""
