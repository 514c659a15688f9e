"""The HQ dashboard: figures of the mission for a period within the user's scope, as a page
with CSV downloads and in the API (selectors, forms, tables, views, api)."""
